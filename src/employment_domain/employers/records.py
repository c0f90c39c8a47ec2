"""The parts of an employer's history: its records, named errors and the checks that guard them.

The Employer aggregate (``employment_domain.employers.employer``) records events; this module
holds the records it keeps, the errors it raises (re-exported by ``employers``) and the checks
of requests against the dated parameters, so each stays small enough to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs

from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money
from employment_domain.parameters import Parameters
from employment_domain.target_groups import add_months
from employment_domain.values import BusinessId, MunicipalityCode, Period

__all__ = [
    "EMPLOYER_NAMESPACE",
    "SUBSIDY_KINDS",
    "WAGE_KINDS",
    "ChangeNegotiation",
    "DismissalError",
    "DismissedEmployee",
    "EmployerAlreadyRegisteredError",
    "EmployerError",
    "StructuralChangeCase",
    "Subsidy",
    "SubsidyError",
    "Vacancy",
    "VacancyError",
    "VacancyOverfilledError",
    "check_date",
    "check_dismissal_notice",
    "check_rate",
    "check_registration",
    "check_subsidy",
    "check_whole",
    "employer_id_for",
]

#: The namespace of employer ids: ``uuid5(EMPLOYER_NAMESPACE, "0101263-6")``.
EMPLOYER_NAMESPACE = uuid5(NAMESPACE_URL, "https://github.com/employment-domain/employers")
SUBSIDY_KINDS = ("wage_subsidy", "apprenticeship", "job_coaching", "work_arrangement")
#: Kinds whose decision carries a wage subsidy rate; one client has one such subsidy at a time.
WAGE_KINDS = ("wage_subsidy", "apprenticeship")
#: TOL 2008 industry: a section letter A–U or a numeric code of 2 to 5 digits.
_INDUSTRY = re.compile(r"[A-U]|\d{2,5}")


class EmployerError(EmploymentDomainError, ValueError):
    """An employer command refused: an impossible fact or an impossible sequence of acts."""


class EmployerAlreadyRegisteredError(EmployerError):
    """A business ID that is registered already in this employment area."""


class VacancyError(EmployerError):
    """An unknown, withdrawn or filled vacancy, or a vacancy act dated before its report."""


class VacancyOverfilledError(VacancyError):
    """More positions filled than the vacancy reported."""


class SubsidyError(EmployerError):
    """A subsidy of unknown kind, with a rate not in force, too long, or overlapping another."""


class DismissalError(EmployerError):
    """Impossible dismissal or change-negotiation facts, or a case that cannot be closed."""


def employer_id_for(business_id: BusinessId | str) -> UUID:
    """The employer's id in every employment area: a uuid5 of its business ID."""
    value = business_id if isinstance(business_id, BusinessId) else BusinessId(business_id)
    return uuid5(EMPLOYER_NAMESPACE, value.value)


def check_whole(
    value: object, what: str, *, minimum: int, error: type[EmployerError] | None = None
) -> int:
    """``value`` if it is a whole number of at least ``minimum``; else ``error`` naming it."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise (error or EmployerError)(f"{what} is a whole number of at least {minimum}: {value!r}")
    return value


@attrs.frozen
class DismissedEmployee:
    """What the 55+ change-security rule needs of one dismissed employee, and nothing more.

    ``age`` is in completed years on the dismissal date; ``years_of_service`` is completed years
    with this employer; ``client_id`` links the employee to a client when known.
    """

    age: int = attrs.field()
    years_of_service: int = attrs.field()
    client_id: UUID | None = None

    @age.validator
    def _check_age(self, _: object, value: object) -> None:
        check_whole(value, "an age", minimum=15)

    @years_of_service.validator
    def _check_service(self, _: object, value: object) -> None:
        check_whole(value, "years of service", minimum=0)

    def as_data(self) -> dict[str, Any]:
        """The employee as plain data, as it is stored in an event."""
        return {
            "age": self.age,
            "years_of_service": self.years_of_service,
            "client_id": self.client_id,
        }


@attrs.define
class Vacancy:
    """A reported vacancy, its fills and its withdrawal."""

    vacancy_id: UUID
    title: str
    positions: int
    location: MunicipalityCode
    reported_on: date
    filled: int = 0
    fills: list[dict[str, Any]] = attrs.Factory(list)
    withdrawn_on: date | None = None

    @property
    def filled_on(self) -> date | None:
        """The day the last position was filled, None while any is open."""
        return self.fills[-1]["on"] if self.filled >= self.positions else None

    @property
    def time_to_fill(self) -> int | None:
        """Days from the report to the filling of the last position, None while open."""
        filled_on = self.filled_on
        return None if filled_on is None else (filled_on - self.reported_on).days


@attrs.define
class Subsidy:
    """A subsidy decided for the employer, linked to a client where there is one."""

    subsidy_id: UUID
    kind: str
    decided_on: date
    period: Period
    rate_percent: int | None
    amount: Money | None
    client_id: UUID | None


@attrs.define
class ChangeNegotiation:
    """Change negotiations notified by the employer, and the dismissals notified within them."""

    negotiation_id: UUID
    notified_on: date
    employees_affected: int | None
    dismissals: int = 0
    case_id: UUID | None = None


@attrs.define
class StructuralChangeCase:
    """A structural-change case, opened by 10 or more dismissals, with its entitlements."""

    case_id: UUID
    opened_on: date
    negotiation_id: UUID | None
    dismissals: int
    change_security_entitled: int
    entitled_client_ids: list[UUID]
    closed_on: date | None = None


def check_date(on: object, what: str) -> date:
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise EmployerError(f"{what} needs a business date (datetime.date), got {on!r}")
    return on


def check_rate(
    kind: str, rate: int | None, period: Period, on: date, parameters: Parameters
) -> None:
    if kind not in WAGE_KINDS:
        if rate is not None:
            raise SubsidyError(f"a {kind} has no wage subsidy rate: {rate!r}")
        return
    if rate is None:
        if kind == "wage_subsidy":
            raise SubsidyError(f"a wage subsidy decided on {on} needs a rate")
        return
    rates = parameters.value("wage_subsidy_rates_percent", on)
    if isinstance(rate, bool) or rate not in rates:
        raise SubsidyError(f"a wage subsidy rate on {on} is one of {rates} percent: {rate!r}")
    if kind == "wage_subsidy":
        months = parameters.value(f"wage_subsidy_max_months_{rate}", on)
        if period.end > add_months(period.start, months):
            raise SubsidyError(
                f"a {rate} % wage subsidy lasts at most {months} months: {period} is longer"
            )


def check_registration(
    business_id: object, name: object, municipality: object, industry: object
) -> None:
    """Refuse registration facts of the wrong type, an empty name or an unknown industry code."""
    if not isinstance(business_id, BusinessId):
        raise EmployerError(f"a business ID is a BusinessId: {business_id!r}")
    if not isinstance(name, str) or not name.strip():
        raise EmployerError(f"an employer needs a name: {name!r}")
    if not isinstance(municipality, MunicipalityCode):
        raise EmployerError(f"a municipality is a MunicipalityCode: {municipality!r}")
    if not isinstance(industry, str) or not _INDUSTRY.fullmatch(industry.strip()):
        raise EmployerError(
            f"an industry is a TOL 2008 section letter or code (e.g. 'J' or '62010'): {industry!r}"
        )


def check_subsidy(
    subsidies: dict[UUID, Subsidy],
    *,
    subsidy_id: object,
    kind: object,
    period: object,
    rate_percent: object,
    amount: object,
    client_id: object,
) -> None:
    """Refuse a subsidy with a reused id, unknown kind, bad values, or one client's overlap.

    One client has at most one wage subsidy or apprenticeship at one employer at a time.
    """
    if not isinstance(subsidy_id, UUID) or subsidy_id in subsidies:
        raise SubsidyError(f"subsidy id {subsidy_id!r} is not a new UUID")
    if kind not in SUBSIDY_KINDS:
        raise SubsidyError(f"unknown subsidy kind {kind!r}; the kinds are {SUBSIDY_KINDS}")
    if not isinstance(period, Period):
        raise SubsidyError(f"a subsidy runs for a Period: {period!r}")
    if rate_percent is not None and (
        isinstance(rate_percent, bool) or not isinstance(rate_percent, int)
    ):
        raise SubsidyError(f"a wage subsidy rate is a whole percentage: {rate_percent!r}")
    if amount is not None and (not isinstance(amount, Money) or amount < Money.zero()):
        raise SubsidyError(f"a subsidy amount is a non-negative Money: {amount!r}")
    if client_id is not None and not isinstance(client_id, UUID):
        raise SubsidyError(f"a client id is a UUID: {client_id!r}")
    if client_id is None or kind not in WAGE_KINDS:
        return
    for other in subsidies.values():
        if (
            other.kind in WAGE_KINDS
            and other.client_id == client_id
            and other.period.overlaps(period)
        ):
            raise SubsidyError(
                f"a {kind} for {period} overlaps the {other.kind} for {other.period}"
                " of the same client"
            )


def check_dismissal_notice(
    notices: list[dict[str, Any]],
    negotiations: dict[UUID, ChangeNegotiation],
    *,
    on: date,
    notice_id: UUID,
    count: int,
    dismissed_on: date,
    employees: Sequence[DismissedEmployee],
    negotiation_id: UUID | None,
) -> tuple[list[DismissedEmployee], ChangeNegotiation | None]:
    """Refuse a dismissal notice with bad values, a reused id, or negotiations it cannot be in.

    ``notices`` and ``negotiations`` are the employer's so far, ``on`` the notice's business date.
    Returns the employees whose facts the notice gives, and the change negotiations it belongs
    to (None when it belongs to none).
    """
    check_date(dismissed_on, "a dismissal date")
    check_whole(count, "a number of dismissals", minimum=1, error=DismissalError)
    if any(notice["notice_id"] == notice_id for notice in notices) or not (
        isinstance(notice_id, UUID)
    ):
        raise DismissalError(f"notice id {notice_id!r} is not a new UUID")
    if not isinstance(employees, Sequence):
        raise DismissalError(f"dismissed employees are a sequence: {employees!r}")
    staff = list(employees)
    if not all(isinstance(employee, DismissedEmployee) for employee in staff):
        raise DismissalError(f"dismissed employees are DismissedEmployee values: {staff!r}")
    if len(staff) > count:
        raise DismissalError(f"facts of {len(staff)} employees for {count} dismissals")
    negotiation = None
    if negotiation_id is not None:
        negotiation = negotiations.get(negotiation_id) if isinstance(negotiation_id, UUID) else None
        if negotiation is None:
            raise DismissalError(f"the employer notified no change negotiations {negotiation_id!r}")
        if on < negotiation.notified_on:
            raise DismissalError(
                f"a dismissal notice on {on} is before its negotiations on"
                f" {negotiation.notified_on}"
            )
    return staff, negotiation
