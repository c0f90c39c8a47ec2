"""The parts of a cost ledger: what its postings name, its errors, and the checks of a posting.

The Ledger aggregate (``employment_domain.ledgers.ledger``) records events; this module holds
the names its postings use (cost categories, posting sources, staff functions), the named errors
it raises, the checks of the plain values in a command and of a posting against the entries held
so far, and the plain rows the events store, so that the aggregate's module holds its life and
its events only. The names are re-exported by ``ledger`` under the paths they always had; this
module imports neither ``ledger`` nor ``allocation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money
from employment_domain.values import MunicipalityCode, MunicipalityError

__all__ = [
    "BasisDateError",
    "CostCategory",
    "DuplicatePostingError",
    "LedgerClosedError",
    "LedgerError",
    "MissingBasisError",
    "PostingSource",
    "ResponsibleMunicipalityAdvanceError",
    "StaffFunction",
    "UnknownMunicipalityError",
    "check_date",
    "check_enum",
    "check_money",
    "check_posting",
    "check_text",
    "municipal_row",
]


class CostCategory(StrEnum):
    """The categories of the area's realised costs (plan, section a)."""

    STAFF = "staff"
    PURCHASED_SERVICES = "purchased_services"
    PREMISES = "premises"
    ICT_AND_SUPPORT_SERVICES = "ict_and_support_services"
    OTHER = "other"


class PostingSource(StrEnum):
    """What a cost or revenue was entered from, so an auditor can find the document."""

    INVOICE = "invoice"
    PAYROLL_RUN = "payroll_run"
    INTERNAL_CHARGE = "internal_charge"
    VOUCHER = "voucher"


class StaffFunction(StrEnum):
    """The functions whose staff resources the plan reports in person-years."""

    CUSTOMER_SERVICE = "customer_service"
    SUPPORT_SERVICES = "support_services"


class LedgerError(EmploymentDomainError, ValueError):
    """A ledger command refused: a bad amount, an unknown entry, an impossible sequence."""


class LedgerClosedError(LedgerError):
    """A posting to a closed year; record it in the next year as a prior-year adjustment."""


class UnknownMunicipalityError(LedgerError, MunicipalityError):
    """A municipality that is not one of the ledger's contracting municipalities."""


class DuplicatePostingError(LedgerError):
    """A document (invoice, payroll run) that the ledger already holds: never enter a cost twice."""


class ResponsibleMunicipalityAdvanceError(LedgerError):
    """An advance invoiced from the area's responsible municipality: it keeps the area's accounts
    and carries its share of the net cost itself, so invoicing it would be the municipality
    billing itself (parameter ``advance_instalments_per_year`` says who is invoiced)."""


class BasisDateError(LedgerError):
    """Municipalities of one split counted on different reference dates: their figures would
    not be comparable, so the split between them would not be fair."""


class MissingBasisError(LedgerError):
    """A split asked for before every contracting municipality has its allocation basis."""


def check_enum(kind: type[StrEnum], value: object) -> str:
    """The stored value of ``value`` as a member of ``kind``; refuses it naming the known ones."""
    try:
        return kind(str(value)).value
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise LedgerError(f"unknown {kind.__name__}: {value!r}; known: {known}") from None


def check_date(on: object, what: str) -> date:
    """``on`` if it is a business date (a date, not a datetime)."""
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise LedgerError(f"{what} needs a business date (datetime.date), got {on!r}")
    return on


def check_money(amount: object, what: str) -> Money:
    """``amount`` if it is Money."""
    if not isinstance(amount, Money):
        raise LedgerError(f"{what} must be Money, not {amount!r}")
    return amount


def check_text(text: object, what: str) -> str:
    """``text`` stripped, if it is non-empty text."""
    if not isinstance(text, str) or not text.strip():
        raise LedgerError(f"{what} must be non-empty text: {text!r}")
    return text.strip()


def municipal_row(
    on: date, municipality: MunicipalityCode, amount: Money, reference: str
) -> dict[str, Any]:
    """An advance or a state subsidy as the ledger keeps it: plain data a snapshot can hold."""
    return {"on": on, "municipality": municipality.code, "amount": amount, "reference": reference}


def check_posting(
    entries: Mapping[str, dict[str, Any]],
    area: str,
    year: int,
    entry_id: UUID,
    amount: Money,
    source: PostingSource | str,
    reference: str,
    adjusts_year: int | None,
) -> tuple[str, str]:
    """Refuse a bad posting to the open ledger of ``area`` and ``year`` holding ``entries``.

    Returns the posting's source and reference in their stored form.
    """
    check_money(amount, "a posted amount")
    source = check_enum(PostingSource, source)
    reference = check_text(reference, "a posting's reference (invoice or payroll run)")
    if not isinstance(entry_id, UUID) or str(entry_id) in entries:
        raise DuplicatePostingError(f"the ledger already has an entry {entry_id}")
    if adjusts_year is None:
        if amount.amount <= 0:
            raise LedgerError(
                f"a posting is a positive amount; correct with a reversing entry: {amount}"
            )
    else:
        if isinstance(adjusts_year, bool) or not isinstance(adjusts_year, int):
            raise LedgerError(f"a prior-year adjustment names a year: {adjusts_year!r}")
        if adjusts_year >= year:
            raise LedgerError(
                f"a prior-year adjustment in {year} corrects an earlier year, not {adjusts_year}"
            )
        if not amount:
            raise LedgerError("a prior-year adjustment of zero changes nothing")
    for entry in entries.values():
        if (
            entry["source"] == source
            and entry["reference"] == reference
            and entry["reversed_by"] is None
            and entry["reverses"] is None
        ):
            raise DuplicatePostingError(
                f"{source} {reference!r} is already posted to {area} {year}"
                f" as entry {entry['entry_id']}"
            )
    return source, reference
