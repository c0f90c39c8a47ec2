"""The employer (työnantaja) as an event-sourced aggregate: vacancies, subsidies, structural change.

An employer's id is a uuid5 of its business ID (``employer_id_for``), so one business ID is one
employer in the area, and registering it twice is refused. Every event carries the business date
(``on``) of the act it records. Outcomes that depend on dated parameters (who is entitled to
change-security training, whether dismissals open a structural-change case) are decided when the
command runs and recorded in the events, so replaying history never re-reads parameters. The
records, errors and checks live in ``employment_domain.employers.records``. An event class must
stay nested in ``Employer``, since its stored topic names it, so this module is one concept (the
employer's events) even where it runs past 450 lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from employment_domain.contacts import UNKNOWN, Channel, ServiceContact, ServiceLanguage
from employment_domain.employers.records import (
    EMPLOYER_NAMESPACE,
    SUBSIDY_KINDS,
    ChangeNegotiation,
    DismissalError,
    DismissedEmployee,
    EmployerAlreadyRegisteredError,
    EmployerError,
    StructuralChangeCase,
    Subsidy,
    SubsidyError,
    Vacancy,
    VacancyError,
    VacancyOverfilledError,
    check_date,
    check_dismissal_notice,
    check_rate,
    check_registration,
    check_subsidy,
    check_whole,
    employer_id_for,
)
from employment_domain.money import Money
from employment_domain.parameters import Parameters
from employment_domain.topics import moved
from employment_domain.values import BusinessId, MunicipalityCode, Period

__all__ = [
    "EMPLOYER_NAMESPACE",
    "SUBSIDY_KINDS",
    "ChangeNegotiation",
    "DismissalError",
    "DismissedEmployee",
    "Employer",
    "EmployerAlreadyRegisteredError",
    "EmployerError",
    "StructuralChangeCase",
    "Subsidy",
    "SubsidyError",
    "Vacancy",
    "VacancyError",
    "VacancyOverfilledError",
    "employer_id_for",
]


class Employer(Aggregate):
    """An employer's history with the employment area, from its registration."""

    @event("Registered")
    def __init__(
        self,
        id: UUID,
        on: date,
        business_id: BusinessId,
        name: str,
        municipality: MunicipalityCode,
        industry: str,
    ) -> None:
        self.registered_on = on
        self.business_id = business_id
        self.name = name
        self.municipality = municipality
        self.industry = industry
        self.vacancies: dict[UUID, Vacancy] = {}
        self.subsidies: dict[UUID, Subsidy] = {}
        self.negotiations: dict[UUID, ChangeNegotiation] = {}
        self.dismissal_notices: list[dict[str, Any]] = []
        self.cases: dict[UUID, StructuralChangeCase] = {}
        self.contacts: list[dict[str, Any]] = []

    @classmethod
    def register(
        cls,
        *,
        on: date,
        business_id: BusinessId,
        name: str,
        municipality: MunicipalityCode,
        industry: str,
    ) -> Employer:
        """A new employer with the uuid5 id of its business ID."""
        check_date(on, "registering an employer")
        check_registration(business_id, name, municipality, industry)
        return cls(
            id=employer_id_for(business_id),
            on=on,
            business_id=business_id,
            name=name.strip(),
            municipality=municipality,
            industry=industry.strip(),
        )

    def _check_registered(self, on: object, what: str) -> date:
        day = check_date(on, what)
        if day < self.registered_on:
            raise EmployerError(
                f"{what} on {day} is before the employer was registered on {self.registered_on}"
            )
        return day

    # Vacancies ---------------------------------------------------------------------------------

    def report_vacancy(
        self,
        *,
        on: date,
        vacancy_id: UUID,
        title: str,
        location: MunicipalityCode,
        positions: int = 1,
    ) -> None:
        """Record a vacancy with ``positions`` open positions in the municipality ``location``."""
        day = self._check_registered(on, "a vacancy")
        if not isinstance(vacancy_id, UUID) or vacancy_id in self.vacancies:
            raise VacancyError(f"vacancy id {vacancy_id!r} is not a new UUID")
        if not isinstance(title, str) or not title.strip():
            raise VacancyError(f"a vacancy needs a title: {title!r}")
        if not isinstance(location, MunicipalityCode):
            raise VacancyError(f"a vacancy's location is a MunicipalityCode: {location!r}")
        check_whole(positions, "a number of positions", minimum=1, error=VacancyError)
        self._report_vacancy(
            on=day,
            vacancy_id=vacancy_id,
            title=title.strip(),
            positions=positions,
            location=location,
        )

    @event("VacancyReported")
    def _report_vacancy(
        self, on: date, vacancy_id: UUID, title: str, positions: int, location: MunicipalityCode
    ) -> None:
        self.vacancies[vacancy_id] = Vacancy(vacancy_id, title, positions, location, on)

    def _open_vacancy(self, vacancy_id: UUID, on: object, what: str) -> tuple[Vacancy, date]:
        day = check_date(on, what)
        vacancy = self.vacancies.get(vacancy_id) if isinstance(vacancy_id, UUID) else None
        if vacancy is None:
            raise VacancyError(f"{what}: the employer has no vacancy {vacancy_id!r}")
        if vacancy.withdrawn_on is not None:
            raise VacancyError(f"{what} on {day}: withdrawn on {vacancy.withdrawn_on}")
        if day < vacancy.reported_on:
            raise VacancyError(f"{what} on {day} is before its report on {vacancy.reported_on}")
        if vacancy.fills and day < vacancy.fills[-1]["on"]:
            raise VacancyError(
                f"{what} on {day} is before its last fill on {vacancy.fills[-1]['on']}"
            )
        return vacancy, day

    def fill_vacancy(
        self, vacancy_id: UUID, *, on: date, positions: int = 1, client_id: UUID | None = None
    ) -> None:
        """Record positions filled, by a client of the area where known."""
        vacancy, day = self._open_vacancy(vacancy_id, on, "filling a vacancy")
        check_whole(positions, "a number of positions filled", minimum=1, error=VacancyError)
        if vacancy.filled + positions > vacancy.positions:
            raise VacancyOverfilledError(
                f"filling {positions} more of {vacancy.positions} positions, {vacancy.filled}"
                " filled already"
            )
        if client_id is not None and not isinstance(client_id, UUID):
            raise VacancyError(f"a client id is a UUID: {client_id!r}")
        self._fill_vacancy(on=day, vacancy_id=vacancy_id, positions=positions, client_id=client_id)

    @event("VacancyFilled")
    def _fill_vacancy(
        self, on: date, vacancy_id: UUID, positions: int, client_id: UUID | None
    ) -> None:
        vacancy = self.vacancies[vacancy_id]
        vacancy.filled += positions
        vacancy.fills.append({"on": on, "positions": positions, "client_id": client_id})

    def withdraw_vacancy(self, vacancy_id: UUID, *, on: date, reason: str) -> None:
        """Withdraw a vacancy that still has open positions."""
        vacancy, day = self._open_vacancy(vacancy_id, on, "withdrawing a vacancy")
        if vacancy.filled >= vacancy.positions:
            raise VacancyError(
                f"withdrawing a vacancy on {day} that was filled on {vacancy.filled_on}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise VacancyError(f"a withdrawal needs a reason: {reason!r}")
        self._withdraw_vacancy(on=day, vacancy_id=vacancy_id, reason=reason.strip())

    @event("VacancyWithdrawn")
    def _withdraw_vacancy(self, on: date, vacancy_id: UUID, reason: str) -> None:
        self.vacancies[vacancy_id].withdrawn_on = on

    # Subsidies ---------------------------------------------------------------------------------

    def decide_subsidy(
        self,
        *,
        on: date,
        subsidy_id: UUID,
        kind: str,
        period: Period,
        parameters: Parameters,
        rate_percent: int | None = None,
        amount: Money | None = None,
        client_id: UUID | None = None,
    ) -> None:
        """Record a subsidy decision for the employer (see ``rules/parameters/subsidies.yaml``).

        A wage subsidy needs a rate in force on ``on`` and a period within that rate's cap; an
        apprenticeship may carry a rate; other kinds carry none. One client has at most one wage
        subsidy or apprenticeship at this employer at a time.
        """
        day = self._check_registered(on, "a subsidy decision")
        check_subsidy(
            self.subsidies,
            subsidy_id=subsidy_id,
            kind=kind,
            period=period,
            rate_percent=rate_percent,
            amount=amount,
            client_id=client_id,
        )
        check_rate(kind, rate_percent, period, day, parameters)
        self._decide_subsidy(
            on=day,
            subsidy_id=subsidy_id,
            kind=kind,
            period=period,
            rate_percent=rate_percent,
            amount=amount,
            client_id=client_id,
        )

    @event("SubsidyDecided")
    def _decide_subsidy(
        self,
        on: date,
        subsidy_id: UUID,
        kind: str,
        period: Period,
        rate_percent: int | None,
        amount: Money | None,
        client_id: UUID | None,
    ) -> None:
        self.subsidies[subsidy_id] = Subsidy(
            subsidy_id, kind, on, period, rate_percent, amount, client_id
        )

    # Change negotiations, dismissals and structural change -------------------------------------

    def notify_change_negotiations(
        self, *, on: date, negotiation_id: UUID, employees_affected: int | None = None
    ) -> None:
        """Record the employer's notice that change negotiations start."""
        day = self._check_registered(on, "a change-negotiation notice")
        if not isinstance(negotiation_id, UUID) or negotiation_id in self.negotiations:
            raise DismissalError(f"negotiation id {negotiation_id!r} is not a new UUID")
        if employees_affected is not None:
            check_whole(
                employees_affected,
                "a number of employees affected",
                minimum=1,
                error=DismissalError,
            )
        self._notify_change_negotiations(
            on=day, negotiation_id=negotiation_id, employees_affected=employees_affected
        )

    @event("ChangeNegotiationsNotified")
    def _notify_change_negotiations(
        self, on: date, negotiation_id: UUID, employees_affected: int | None
    ) -> None:
        self.negotiations[negotiation_id] = ChangeNegotiation(
            negotiation_id, on, employees_affected
        )

    def notify_dismissals(
        self,
        *,
        on: date,
        notice_id: UUID,
        count: int,
        dismissed_on: date,
        parameters: Parameters,
        employees: Sequence[DismissedEmployee] = (),
        negotiation_id: UUID | None = None,
    ) -> None:
        """Record dismissals of ``count`` employees on ``dismissed_on``.

        ``employees`` gives age and years of service for those whose change-security rights are
        to be assessed (any number up to ``count``). Dismissals reaching
        ``structural_change_dismissal_threshold``, in one notice or summed over one round of
        change negotiations, open a structural-change case.
        """
        day = self._check_registered(on, "a dismissal notice")
        staff, negotiation = check_dismissal_notice(
            self.dismissal_notices,
            self.negotiations,
            on=day,
            notice_id=notice_id,
            count=count,
            dismissed_on=dismissed_on,
            employees=employees,
            negotiation_id=negotiation_id,
        )
        min_age = parameters.value("change_security_training_min_age", dismissed_on)
        min_years = parameters.value("change_security_training_min_years_of_service", dismissed_on)
        entitled = [e for e in staff if e.age >= min_age and e.years_of_service >= min_years]
        entitled_ids = [e.client_id for e in entitled if e.client_id is not None]
        self._notify_dismissals(
            on=day,
            notice_id=notice_id,
            count=count,
            dismissed_on=dismissed_on,
            employees=[employee.as_data() for employee in staff],
            negotiation_id=negotiation_id,
            change_security_entitled=len(entitled),
            entitled_client_ids=entitled_ids,
        )
        threshold = parameters.value("structural_change_dismissal_threshold", day)
        if negotiation is None:
            if count >= threshold:
                self._open_case(
                    on=day,
                    case_id=uuid5(notice_id, "structural-change-case"),
                    negotiation_id=None,
                    dismissals=count,
                    change_security_entitled=len(entitled),
                    entitled_client_ids=entitled_ids,
                )
        elif negotiation.case_id is None and negotiation.dismissals >= threshold:
            notices = [n for n in self.dismissal_notices if n["negotiation_id"] == negotiation_id]
            self._open_case(
                on=day,
                case_id=uuid5(notice_id, "structural-change-case"),
                negotiation_id=negotiation_id,
                dismissals=negotiation.dismissals,
                change_security_entitled=sum(n["change_security_entitled"] for n in notices),
                entitled_client_ids=[i for n in notices for i in n["entitled_client_ids"]],
            )

    @event("DismissalsNotified")
    def _notify_dismissals(
        self,
        on: date,
        notice_id: UUID,
        count: int,
        dismissed_on: date,
        employees: list[dict[str, Any]],
        negotiation_id: UUID | None,
        change_security_entitled: int,
        entitled_client_ids: list[UUID],
    ) -> None:
        self.dismissal_notices.append(
            {
                "notice_id": notice_id,
                "on": on,
                "count": count,
                "dismissed_on": dismissed_on,
                "employees": employees,
                "negotiation_id": negotiation_id,
                "change_security_entitled": change_security_entitled,
                "entitled_client_ids": entitled_client_ids,
            }
        )
        if negotiation_id is not None:
            negotiation = self.negotiations[negotiation_id]
            negotiation.dismissals += count
            case = self.cases.get(negotiation.case_id) if negotiation.case_id else None
            if case is not None:
                case.dismissals += count
                case.change_security_entitled += change_security_entitled
                case.entitled_client_ids.extend(entitled_client_ids)

    @event("StructuralChangeCaseOpened")
    def _open_case(
        self,
        on: date,
        case_id: UUID,
        negotiation_id: UUID | None,
        dismissals: int,
        change_security_entitled: int,
        entitled_client_ids: list[UUID],
    ) -> None:
        self.cases[case_id] = StructuralChangeCase(
            case_id,
            on,
            negotiation_id,
            dismissals,
            change_security_entitled,
            list(entitled_client_ids),
        )
        if negotiation_id is not None:
            self.negotiations[negotiation_id].case_id = case_id

    def close_structural_change_case(self, case_id: UUID, *, on: date) -> None:
        """Close an open structural-change case."""
        day = check_date(on, "closing a structural-change case")
        case = self.cases.get(case_id) if isinstance(case_id, UUID) else None
        if case is None:
            raise DismissalError(f"the employer has no structural-change case {case_id!r}")
        if case.closed_on is not None:
            raise DismissalError(f"the structural-change case was closed on {case.closed_on}")
        if day < case.opened_on:
            raise DismissalError(f"closing a case on {day}, before it opened on {case.opened_on}")
        self._close_case(on=day, case_id=case_id)

    @event("StructuralChangeCaseClosed")
    def _close_case(self, on: date, case_id: UUID) -> None:
        self.cases[case_id].closed_on = on

    # Contacts ----------------------------------------------------------------------------------

    def record_contact(
        self,
        *,
        on: date,
        topic: str,
        unit: str = "business_espoo",
        channel: Channel | str | None = None,
        language: ServiceLanguage | str | None = None,
    ) -> None:
        """Record a contact with the employer (through Business Espoo by default), its topic,
        and its channel and language of service; the unit is the contact's place. A contact
        given neither channel nor language records both as ``unknown``, as older contacts
        read; one given either must give both."""
        day = self._check_registered(on, "a contact")
        for what, value in (("topic", topic), ("unit", unit)):
            if not isinstance(value, str) or not value.strip():
                raise EmployerError(f"a contact needs a {what}: {value!r}")
        fields = {"channel": UNKNOWN, "language": UNKNOWN}
        if channel is not None or language is not None:
            contact = ServiceContact(channel, unit, language)
            fields = {"channel": contact.channel.value, "language": contact.language.value}
        self._record_contact(on=day, topic=topic.strip(), unit=unit.strip(), **fields)

    @event("ContactRecorded")
    def _record_contact(self, on: date, topic: str, unit: str, channel: str, language: str) -> None:
        self.contacts.append(
            {"on": on, "topic": topic, "unit": unit, "channel": channel, "language": language}
        )


def _upcast_contact_v1_v2(state: dict[str, Any]) -> None:
    """An employer contact stored before channels were: channel and language ``unknown``."""
    state.setdefault("channel", UNKNOWN)
    state.setdefault("language", UNKNOWN)


Employer.ContactRecorded.class_version = 2  # type: ignore[attr-defined]
Employer.ContactRecorded.upcast_v1_v2 = staticmethod(_upcast_contact_v1_v2)  # type: ignore[attr-defined]

# Events stored by release 0.1.0 name this module by its old path.
moved("employment_domain.employers", Employer)
