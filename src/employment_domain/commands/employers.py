"""Commands and queries about employers: load the aggregate, call one method, save."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from employment_domain.clients.client import Client
from employment_domain.commands.clients import history_as_data, plain_data
from employment_domain.employers.employer import (
    DismissedEmployee,
    Employer,
    EmployerAlreadyRegisteredError,
    employer_id_for,
)
from employment_domain.errors import ConcurrentUpdateError, NotFoundError
from employment_domain.money import Money
from employment_domain.store.service import AreaCore
from employment_domain.values import BusinessId, MunicipalityCode, Period

__all__ = ["EmployerCommands"]


class EmployerCommands(AreaCore):
    """The employers side of the employment area."""

    def register_employer(
        self,
        *,
        on: date,
        business_id: BusinessId | str,
        name: str,
        municipality: MunicipalityCode | str,
        industry: str,
    ) -> UUID:
        """Register an employer; returns its id, ``employer_id_for(business_id)``.

        A business ID registered already is refused with EmployerAlreadyRegisteredError, also
        when another writer registered it a moment earlier.
        """
        business = business_id if isinstance(business_id, BusinessId) else BusinessId(business_id)
        employer_id = employer_id_for(business)
        if self._employer_exists(employer_id):
            raise EmployerAlreadyRegisteredError(f"business ID {business} is registered already")
        place = (
            municipality
            if isinstance(municipality, MunicipalityCode)
            else MunicipalityCode.parse(municipality)
        )
        employer = Employer.register(
            on=on, business_id=business, name=name, municipality=place, industry=industry
        )
        try:
            self._save(employer)
        except ConcurrentUpdateError:
            raise EmployerAlreadyRegisteredError(
                f"business ID {business} was registered by another writer just now"
            ) from None
        return employer.id

    def _employer_exists(self, employer_id: UUID) -> bool:
        try:
            self._load(Employer, employer_id)
        except NotFoundError:
            return False
        return True

    def report_vacancy(
        self,
        employer_id: UUID,
        *,
        on: date,
        title: str,
        location: MunicipalityCode | str,
        positions: int = 1,
        vacancy_id: UUID | None = None,
    ) -> UUID:
        """Record a vacancy with ``positions`` open positions; returns the vacancy id."""
        employer = self.get_employer(employer_id)
        vacancy_id = uuid4() if vacancy_id is None else vacancy_id
        place = (
            location if isinstance(location, MunicipalityCode) else MunicipalityCode.parse(location)
        )
        employer.report_vacancy(
            on=on, vacancy_id=vacancy_id, title=title, location=place, positions=positions
        )
        self._save(employer)
        return vacancy_id

    def fill_vacancy(
        self,
        employer_id: UUID,
        vacancy_id: UUID,
        *,
        on: date,
        positions: int = 1,
        client_id: UUID | None = None,
    ) -> None:
        """Record positions of a vacancy filled, by a client of the area where known."""
        if client_id is not None:
            self._load(Client, client_id)
        employer = self.get_employer(employer_id)
        employer.fill_vacancy(vacancy_id, on=on, positions=positions, client_id=client_id)
        self._save(employer)

    def withdraw_vacancy(
        self, employer_id: UUID, vacancy_id: UUID, *, on: date, reason: str
    ) -> None:
        """Withdraw a vacancy that still has open positions."""
        employer = self.get_employer(employer_id)
        employer.withdraw_vacancy(vacancy_id, on=on, reason=reason)
        self._save(employer)

    def decide_subsidy(
        self,
        employer_id: UUID,
        *,
        on: date,
        kind: str,
        period: Period,
        rate_percent: int | None = None,
        amount: Money | None = None,
        client_id: UUID | None = None,
        subsidy_id: UUID | None = None,
    ) -> UUID:
        """Record a subsidy decision (wage_subsidy, apprenticeship, job_coaching,
        work_arrangement); returns the subsidy id. A ``client_id`` must name a client."""
        if client_id is not None:
            self._load(Client, client_id)
        employer = self.get_employer(employer_id)
        subsidy_id = uuid4() if subsidy_id is None else subsidy_id
        employer.decide_subsidy(
            on=on,
            subsidy_id=subsidy_id,
            kind=kind,
            period=period,
            parameters=self.parameters,
            rate_percent=rate_percent,
            amount=amount,
            client_id=client_id,
        )
        self._save(employer)
        return subsidy_id

    def notify_change_negotiations(
        self,
        employer_id: UUID,
        *,
        on: date,
        employees_affected: int | None = None,
        negotiation_id: UUID | None = None,
    ) -> UUID:
        """Record that the employer starts change negotiations; returns the negotiation id."""
        employer = self.get_employer(employer_id)
        negotiation_id = uuid4() if negotiation_id is None else negotiation_id
        employer.notify_change_negotiations(
            on=on, negotiation_id=negotiation_id, employees_affected=employees_affected
        )
        self._save(employer)
        return negotiation_id

    def notify_dismissals(
        self,
        employer_id: UUID,
        *,
        on: date,
        count: int,
        dismissed_on: date,
        employees: Sequence[DismissedEmployee] = (),
        negotiation_id: UUID | None = None,
        notice_id: UUID | None = None,
    ) -> UUID:
        """Record dismissals notified by the employer; returns the notice id.

        Ten or more (in one notice or one round of negotiations) open a structural-change case,
        shown in ``employer_state``.
        """
        employer = self.get_employer(employer_id)
        notice_id = uuid4() if notice_id is None else notice_id
        employer.notify_dismissals(
            on=on,
            notice_id=notice_id,
            count=count,
            dismissed_on=dismissed_on,
            parameters=self.parameters,
            employees=employees,
            negotiation_id=negotiation_id,
        )
        self._save(employer)
        return notice_id

    def close_structural_change_case(self, employer_id: UUID, case_id: UUID, *, on: date) -> None:
        """Close the employer's structural-change case."""
        employer = self.get_employer(employer_id)
        employer.close_structural_change_case(case_id, on=on)
        self._save(employer)

    def record_employer_contact(
        self,
        employer_id: UUID,
        *,
        on: date,
        topic: str,
        unit: str | None = None,
        channel: str | None = None,
        language: str | None = None,
    ) -> None:
        """Record a contact with the employer, through the area's employer services unit
        (its ``area.yaml``: Business Espoo in Espoo–Kauniainen) unless ``unit`` says, with its
        channel and language of service (``employment_domain.contacts``)."""
        employer = self.get_employer(employer_id)
        if unit is None:
            unit = self._app.area.employer_services_unit
        employer.record_contact(on=on, topic=topic, unit=unit, channel=channel, language=language)
        self._save(employer)

    # Queries -----------------------------------------------------------------------------------

    def get_employer(self, employer_id: UUID) -> Employer:
        """The employer aggregate itself, for systems that read its attributes directly."""
        return self._load(Employer, employer_id)

    def employer_state(self, employer_id: UUID) -> dict[str, Any]:
        """The employer's current state as plain data, structural-change cases included."""
        employer = self.get_employer(employer_id)
        return {
            "id": str(employer.id),
            "version": employer.version,
            "business_id": employer.business_id.value,
            "name": employer.name,
            "municipality": employer.municipality.code,
            "industry": employer.industry,
            "registered_on": employer.registered_on.isoformat(),
            "vacancies": [
                {
                    **plain_data(vacancy),
                    "filled_on": plain_data(vacancy.filled_on),
                    "time_to_fill_days": vacancy.time_to_fill,
                }
                for vacancy in employer.vacancies.values()
            ],
            "subsidies": plain_data(list(employer.subsidies.values())),
            "change_negotiations": plain_data(list(employer.negotiations.values())),
            "dismissal_notices": plain_data(employer.dismissal_notices),
            "structural_change_cases": plain_data(list(employer.cases.values())),
            "contacts": plain_data(employer.contacts),
        }

    def employer_history(self, employer_id: UUID) -> list[dict[str, Any]]:
        """Every event of the employer as plain data, oldest first."""
        self.get_employer(employer_id)
        return history_as_data(self._app.repository.event_store.get(employer_id))
