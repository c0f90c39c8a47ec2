"""The parts of a procurement: the steps of its life, the errors it raises, the checks of values.

The Procurement aggregate (``employment_domain.procurements.procurement``) records events; this
module holds the steps it goes through (:class:`ProcurementStatus`), the named errors it raises,
and the checks that need no procurement's state: of the plain values in a command, of a
contract's terms, and of an invoice's period against the contract period. So the aggregate's
module holds the life of a procurement, its events and the contract index only, as
``clients.records`` and ``employers.records`` do for theirs. The names are re-exported by
``procurement`` under the paths they always had; this module never imports it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money
from employment_domain.values import Period

__all__ = [
    "CapacityError",
    "ContractEndedError",
    "ContractPeriodError",
    "InvoiceError",
    "NotPurchasableError",
    "ProcurementError",
    "ProcurementStateError",
    "ProcurementStatus",
    "ReservationError",
    "ValueCapError",
    "check_contract_terms",
    "check_date",
    "check_invoice_period",
    "check_period",
    "check_positive",
    "check_text",
]


class ProcurementStatus(StrEnum):
    """Where a procurement is in its life."""

    PLANNED = "planned"
    TENDERED = "tendered"
    AWARDED = "awarded"
    CONTRACTED = "contracted"
    ENDED = "ended"


class ProcurementError(EmploymentDomainError, ValueError):
    """A procurement command refused: a bad value or an act out of order."""


class ProcurementStateError(ProcurementError):
    """An act that the procurement's current step does not allow (an award before the tender)."""


class ContractEndedError(ProcurementStateError):
    """Any use of a procurement after it has ended."""


class NotPurchasableError(ProcurementError):
    """A service type that may not be bought: authority tasks are produced in-house."""


class CapacityError(ProcurementError):
    """A seat asked for when every seat of the contract is taken."""


class ValueCapError(ProcurementError):
    """An invoice or a seat that would take the contract over its value cap."""


class ContractPeriodError(ProcurementError):
    """A seat or an invoice outside the contract period."""


class ReservationError(ProcurementError):
    """A referral that already holds a seat, or a release of a seat it does not hold."""


class InvoiceError(ProcurementError):
    """An invoice received twice, or approved or rejected when it cannot be."""


def check_date(on: object, what: str) -> date:
    """``on`` if it is a business date (a date, not a datetime)."""
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise ProcurementError(f"{what} needs a business date (datetime.date), got {on!r}")
    return on


def check_text(text: object, what: str) -> str:
    """``text`` stripped, if it is non-empty text."""
    if not isinstance(text, str) or not text.strip():
        raise ProcurementError(f"{what} must be non-empty text: {text!r}")
    return text.strip()


def check_positive(amount: object, what: str) -> Money:
    """``amount`` if it is Money of more than zero."""
    if not isinstance(amount, Money):
        raise ProcurementError(f"{what} must be Money, not {amount!r}")
    if amount.amount <= 0:
        raise ProcurementError(f"{what} must be more than zero: {amount}")
    return amount


def check_period(period: object, what: str) -> Period:
    """``period`` if it is a Period."""
    if not isinstance(period, Period):
        raise ProcurementError(f"{what} must be a Period, not {period!r}")
    return period


def check_contract_terms(
    unit_price: Money, seats: int, value_cap: Money, period: Period, target_groups: list[str]
) -> list[str]:
    """Refuse impossible contract terms; return the target groups in their stored form."""
    check_positive(unit_price, "the unit price")
    check_positive(value_cap, "the value cap")
    check_period(period, "the contract period")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise ProcurementError(f"a contract has a whole number of seats, at least 1: {seats!r}")
    if unit_price > value_cap:
        raise ValueCapError(f"the unit price {unit_price} exceeds the value cap {value_cap}")
    return [check_text(group, "a target group") for group in target_groups]


def check_invoice_period(invoice_id: str, period: Period, contract_period: Period) -> None:
    """Refuse an invoice for a period outside the contract period, or spanning two years."""
    if period.start < contract_period.start or period.end > contract_period.end:
        raise ContractPeriodError(
            f"invoice {invoice_id!r} for {period} falls outside the contract period"
            f" {contract_period}"
        )
    if period.start.year != period.last_day.year:
        raise ContractPeriodError(
            f"invoice {invoice_id!r} for {period} spans two years; each year's costs go to"
            " that year's ledger, so invoice them separately"
        )
