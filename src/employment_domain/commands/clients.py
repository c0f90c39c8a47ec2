"""Commands and queries about jobseekers: load the client, call one method, save."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

import attrs

from employment_domain.clients.client import Client
from employment_domain.clients.records import UNKNOWN_DISTRICT, Deadline
from employment_domain.commands.contract import check_arguments
from employment_domain.contacts import ServiceContact
from employment_domain.decisions import Decision
from employment_domain.employers.employer import Employer
from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money
from employment_domain.store.service import AreaCore
from employment_domain.target_groups import UNKNOWN_LANGUAGE
from employment_domain.values import BusinessId, MunicipalityCode, Period

__all__ = ["ClientCommands", "ClientImportError", "history_as_data", "plain_data"]

_EVENT_BOOKKEEPING = {"originator_id", "originator_version", "originator_topic", "timestamp"}


def plain_data(value: Any) -> Any:
    """``value`` as JSON-ready data: dates as ISO text, ids and money as text, values unpacked."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, MunicipalityCode):
        return value.code
    if isinstance(value, BusinessId):
        return value.value
    if isinstance(value, Period):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    if isinstance(value, Decision):
        return plain_data(value.to_dict())
    if isinstance(value, Enum):
        return plain_data(value.value)
    if isinstance(value, dict):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain_data(item) for item in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    if attrs.has(type(value)):
        return plain_data(attrs.asdict(value, recurse=False))
    raise TypeError(f"no plain form for {type(value).__name__}")


def history_as_data(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Each event as a dict: its type, business date ``on``, version, recording time, fields."""
    history = []
    for domain_event in events:
        fields = {
            key: plain_data(value)
            for key, value in vars(domain_event).items()
            if key not in _EVENT_BOOKKEEPING
        }
        history.append(
            {
                "type": type(domain_event).__name__,
                "on": fields.pop("on", None),
                "version": domain_event.originator_version,
                "recorded_at": domain_event.timestamp.isoformat(),
                **fields,
            }
        )
    return history


def _deadline(deadline: Deadline | None) -> dict[str, Any] | None:
    return None if deadline is None else plain_data(deadline)


class ClientImportError(EmploymentDomainError, ValueError):
    """A bulk import refused: the message names the row; ``__cause__`` is the row's own error."""


class ClientCommands(AreaCore):
    """The jobseeker side of the employment area."""

    def start_job_search(
        self,
        *,
        on: date,
        municipality: MunicipalityCode | str,
        birth_date: date,
        district: str = UNKNOWN_DISTRICT,
        mother_tongue: str = UNKNOWN_LANGUAGE,
        education_level: str = "unknown",
        first_residence_permit_on: date | None = None,
        partially_able_to_work: bool = False,
        needs_multi_agency_service: bool = False,
        client_id: UUID | None = None,
    ) -> UUID:
        """Register a jobseeker whose job search starts on ``on``; returns the client's id.

        ``client_id`` lets an integrating system keep the id it already has; by default a fresh
        random UUID is used. ``mother_tongue`` is an ISO 639 code (``"und"`` when not known);
        ``education_level`` one of ``target_groups.EDUCATION_LEVELS``.
        """
        client = Client.start_job_search(
            uuid4() if client_id is None else client_id,
            on=on,
            municipality=_municipality(municipality),
            birth_date=birth_date,
            district=district,
            mother_tongue=mother_tongue,
            education_level=education_level,
            first_residence_permit_on=first_residence_permit_on,
            partially_able_to_work=partially_able_to_work,
            needs_multi_agency_service=needs_multi_agency_service,
        )
        self._save(client)
        return client.id

    def import_jobseekers(
        self, jobseekers: Iterable[dict[str, Any]], *, batch_size: int = 1000
    ) -> list[UUID]:
        """Register many jobseekers at once, as an area does with its transferred clients.

        Each item holds the keyword arguments of :meth:`start_job_search`. Every item is
        validated before anything is written, so one bad row refuses the whole import and records
        nothing; then the clients are saved ``batch_size`` at a time, each batch in one
        transaction. Returns the ids in input order.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"a batch size is a whole number ≥ 1: {batch_size!r}")
        events = []
        for row_number, row in enumerate(jobseekers, start=1):
            if not isinstance(row, dict):
                raise ClientImportError(f"jobseeker {row_number} is not a mapping: {row!r}")
            arguments = dict(row)
            client_id = arguments.pop("client_id", None)
            try:
                check_arguments(self.parameters, arguments)
                if "municipality" in arguments:
                    arguments["municipality"] = _municipality(arguments["municipality"])
                events.append(
                    Client.job_search_started(
                        uuid4() if client_id is None else client_id, **arguments
                    )
                )
            except (TypeError, EmploymentDomainError) as error:
                raise ClientImportError(f"jobseeker {row_number}: {error}") from error
        for start in range(0, len(events), batch_size):
            self._save(*events[start : start + batch_size])
        return [event.originator_id for event in events]

    def change_client_facts(self, client_id: UUID, *, on: date, **changes: Any) -> None:
        """Record changed facts of a jobseeker, e.g. ``municipality="235", district="..."``."""
        client = self.get_client(client_id)
        if "municipality" in changes:
            changes["municipality"] = _municipality(changes["municipality"])
        client.change_facts(on=on, **changes)
        self._save(client)

    def end_job_search(self, client_id: UUID, *, on: date, reason: str) -> None:
        """End the client's job search (reasons: ``clients.JOB_SEARCH_END_REASONS``)."""
        client = self.get_client(client_id)
        client.end_job_search(on=on, reason=reason)
        self._save(client)

    def restart_job_search(self, client_id: UUID, *, on: date, **changes: Any) -> None:
        """Start a new job search for a returning client, recording any changed facts with it."""
        client = self.get_client(client_id)
        client.restart_job_search(on=on, parameters=self.parameters)
        if "municipality" in changes:
            changes["municipality"] = _municipality(changes["municipality"])
        changed = {
            name: value for name, value in changes.items() if value != client.facts().get(name)
        }
        if changed:
            client.change_facts(on=on, **changed)
        self._save(client)

    def hold_initial_interview(
        self, client_id: UUID, *, on: date, contact: ServiceContact | None = None
    ) -> None:
        """Record the initial interview of the client's current job search, with its service
        contact (channel, office or place, language of service)."""
        client = self.get_client(client_id)
        client.hold_initial_interview(on=on, contact=contact)
        self._save(client)

    def agree_plan(
        self,
        client_id: UUID,
        *,
        on: date,
        plan_type: str = "employment",
        applications_per_month: int | None = None,
    ) -> None:
        """Agree an employment plan or a replacing plan (activation, multi_agency, integration)."""
        client = self.get_client(client_id)
        client.agree_plan(
            on=on,
            parameters=self.parameters,
            plan_type=plan_type,
            applications_per_month=applications_per_month,
        )
        self._save(client)

    def hold_job_search_discussion(
        self, client_id: UUID, *, on: date, contact: ServiceContact | None = None
    ) -> None:
        """Record a job search discussion."""
        client = self.get_client(client_id)
        client.hold_job_search_discussion(on=on, contact=contact)
        self._save(client)

    def hold_supplementary_discussion(
        self, client_id: UUID, *, on: date, contact: ServiceContact | None = None
    ) -> None:
        """Record a supplementary job search discussion."""
        client = self.get_client(client_id)
        client.hold_supplementary_discussion(on=on, contact=contact)
        self._save(client)

    def refer_to_service(
        self,
        client_id: UUID,
        *,
        on: date,
        service_type: str,
        decision: Decision,
        referral_id: UUID | None = None,
    ) -> UUID:
        """Refer the client to a service under a routing decision; returns the referral id."""
        client = self.get_client(client_id)
        referral_id = uuid4() if referral_id is None else referral_id
        client.refer_to_service(
            on=on, referral_id=referral_id, service_type=service_type, decision=decision
        )
        self._save(client)
        return referral_id

    def start_service(self, client_id: UUID, referral_id: UUID, *, on: date) -> None:
        """Record that the referred service started."""
        client = self.get_client(client_id)
        client.start_service(referral_id, on=on)
        self._save(client)

    def interrupt_service(
        self, client_id: UUID, referral_id: UUID, *, on: date, reason: str
    ) -> None:
        """Record that the referred service was broken off on ``on`` (its last day)."""
        client = self.get_client(client_id)
        client.interrupt_service(referral_id, on=on, reason=reason)
        self._save(client)

    def complete_service(self, client_id: UUID, referral_id: UUID, *, on: date) -> None:
        """Record that the service was completed on ``on`` (its last day)."""
        client = self.get_client(client_id)
        client.complete_service(referral_id, on=on)
        self._save(client)

    def record_employment(
        self,
        client_id: UUID,
        *,
        on: date,
        kind: str,
        term: str,
        starts_on: date | None = None,
        employer_id: UUID | None = None,
        employment_id: UUID | None = None,
    ) -> UUID:
        """Record that the client found work; returns the employment id.

        ``kind`` is open_market or subsidised, ``term`` permanent or fixed_term; an
        ``employer_id``, when given, must name a registered employer.
        """
        if employer_id is not None:
            self._load(Employer, employer_id)
        client = self.get_client(client_id)
        employment_id = uuid4() if employment_id is None else employment_id
        client.record_employment(
            on=on,
            employment_id=employment_id,
            kind=kind,
            term=term,
            starts_on=starts_on,
            employer_id=employer_id,
        )
        self._save(client)
        return employment_id

    def end_employment(self, client_id: UUID, employment_id: UUID, *, on: date) -> None:
        """Record the last day of the client's employment."""
        client = self.get_client(client_id)
        client.end_employment(employment_id, on=on)
        self._save(client)

    # Queries -----------------------------------------------------------------------------------

    def get_client(self, client_id: UUID) -> Client:
        """The client aggregate itself, for systems that read its attributes directly."""
        return self._load(Client, client_id)

    def client_target_groups(self, client_id: UUID, on: date) -> frozenset[str]:
        """The plan's target groups the client belongs to on ``on``."""
        return self.get_client(client_id).target_groups(on, self.parameters)

    def client_state(self, client_id: UUID, on: date | None = None) -> dict[str, Any]:
        """The client's current state as plain data (no personal identity code, no name).

        With ``on``, also what holds on that business date: target groups, days unemployed,
        the next statutory deadline and the deadlines missed by then.
        """
        client = self.get_client(client_id)
        current = client.job_search
        state: dict[str, Any] = {
            "id": str(client.id),
            "version": client.version,
            "job_search_started_on": client.job_search_started_on.isoformat(),
            **plain_data(client.facts()),
            "job_search_active": client.job_search_active,
            "job_search_ended_on": plain_data(current.ended_on),
            "job_search_end_reason": current.end_reason,
            "initial_interview_required": current.interview_required,
            "initial_interview_on": plain_data(current.initial_interview_on),
            "plan": None
            if current.plan_type is None
            else {
                "type": current.plan_type,
                "agreed_on": plain_data(current.plan_agreed_on),
                "applications_per_month": current.applications_per_month,
            },
            "job_search_discussions": plain_data(current.discussions),
            "supplementary_discussions": plain_data(current.supplementary_discussions),
            "job_searches": plain_data(client.job_searches),
            "referrals": [
                {**plain_data(referral), "status": referral.status}
                for referral in client.referrals.values()
            ],
            "employments": plain_data(list(client.employments.values())),
        }
        if on is not None:
            state["as_of"] = on.isoformat()
            state["target_groups"] = sorted(client.target_groups(on, self.parameters))
            state["days_unemployed"] = client.days_unemployed(on, self.parameters)
            state["next_deadline"] = _deadline(client.next_deadline(on, self.parameters))
            state["missed_deadlines"] = [
                _deadline(missed) for missed in client.missed_deadlines(on, self.parameters)
            ]
        return state

    def client_history(self, client_id: UUID) -> list[dict[str, Any]]:
        """Every event of the client as plain data, oldest first."""
        self.get_client(client_id)
        return history_as_data(self._app.repository.event_store.get(client_id))


def _municipality(value: MunicipalityCode | str) -> MunicipalityCode:
    return value if isinstance(value, MunicipalityCode) else MunicipalityCode.parse(value)
