"""The jobseeker (työnhakija) as an event-sourced aggregate: the statutory service process.

A client is identified by a UUID only; personal identity codes and names never go into its events.
Every event carries the business date (``on``) of the act it records. One client may have several
job searches over the years; the statutory process (initial interview, plan, job search
discussions) runs inside the current one. Outcomes that depend on dated parameters (whether a
restarted job search needs a new initial interview, the default job-search obligation) are decided
when the command runs and recorded in the event, so replaying history never re-reads parameters.
The records, errors and checks of the process live in ``employment_domain.clients.records``; the
methods that only read the state (the current job search, the questions asked at a business
date, the deadlines) live in the base class ``ClientState`` of ``employment_domain.clients.state``.
Only the commands and their events stay here: an event class must stay nested in ``Client``,
since its stored topic names it, so this module is one concept (the jobseeker's events) even
where it runs past 450 lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

from employment_domain.clients.records import (
    EMPLOYMENT_KINDS,
    EMPLOYMENT_TERMS,
    FACT_CHANGES,
    JOB_SEARCH_END_REASONS,
    PLAN_TYPES,
    UNKNOWN_DISTRICT,
    ClientError,
    Deadline,
    Employment,
    EmploymentError,
    InitialInterviewError,
    JobSearch,
    JobSearchActiveError,
    JobSearchNotActiveError,
    PlanError,
    ProcessOrderError,
    Referral,
    ReferralError,
    check_business_date,
    check_facts,
    check_new_employment,
    check_referral,
    complete_start_facts,
    upcast_facts_changed_v1_v2,
    upcast_started_v1_v2,
)
from employment_domain.clients.state import ClientState
from employment_domain.contacts import ServiceContact, contact_fields, upcast_contact_v1_v2
from employment_domain.decisions import Decision
from employment_domain.parameters import Parameters
from employment_domain.target_groups import UNKNOWN_LANGUAGE, add_months
from employment_domain.topics import moved
from employment_domain.values import MunicipalityCode

__all__ = [
    "EMPLOYMENT_KINDS",
    "EMPLOYMENT_TERMS",
    "JOB_SEARCH_END_REASONS",
    "PLAN_TYPES",
    "Client",
    "ClientError",
    "Deadline",
    "Employment",
    "EmploymentError",
    "InitialInterviewError",
    "JobSearch",
    "JobSearchActiveError",
    "JobSearchNotActiveError",
    "PlanError",
    "ProcessOrderError",
    "Referral",
    "ReferralError",
]


class Client(ClientState, Aggregate):
    """A jobseeker's history with the employment area, from the start of the first job search."""

    @event("JobSearchStarted")
    def __init__(
        self,
        id: UUID,
        on: date,
        municipality: MunicipalityCode,
        birth_month: date,
        district: str = UNKNOWN_DISTRICT,
        mother_tongue: str = UNKNOWN_LANGUAGE,
        education_level: str = "unknown",
        first_residence_permit_on: date | None = None,
        partially_able_to_work: bool = False,
        needs_multi_agency_service: bool = False,
    ) -> None:
        self.municipality = municipality
        self.birth_month = birth_month
        self.district = district
        self.mother_tongue = mother_tongue
        self.education_level = education_level
        self.first_residence_permit_on = first_residence_permit_on
        self.partially_able_to_work = partially_able_to_work
        self.needs_multi_agency_service = needs_multi_agency_service
        self.job_searches = [JobSearch(started_on=on, interview_required=True, last_act_on=on)]
        self.referrals: dict[UUID, Referral] = {}
        self.employments: dict[UUID, Employment] = {}

    @classmethod
    def start_job_search(
        cls,
        id: UUID,
        *,
        on: date,
        municipality: MunicipalityCode,
        birth_date: date,
        district: str = UNKNOWN_DISTRICT,
        mother_tongue: str = UNKNOWN_LANGUAGE,
        education_level: str = "unknown",
        first_residence_permit_on: date | None = None,
        partially_able_to_work: bool = False,
        needs_multi_agency_service: bool = False,
    ) -> Client:
        """Register a new jobseeker; refuses a birth date after the start of job search."""
        facts = cls._checked_start(
            id,
            on,
            {
                "municipality": municipality,
                "birth_date": birth_date,
                "district": district,
                "mother_tongue": mother_tongue,
                "education_level": education_level,
                "first_residence_permit_on": first_residence_permit_on,
                "partially_able_to_work": partially_able_to_work,
                "needs_multi_agency_service": needs_multi_agency_service,
            },
        )
        return cls(id=id, on=on, **facts)

    @classmethod
    def job_search_started(cls, id: UUID, *, on: date, **facts: Any) -> Aggregate.Event:
        """The creation event of a new jobseeker alone, checked as :meth:`start_job_search`.

        A bulk import needs only the events, not the aggregates in memory: building the event
        directly skips eventsourcing's aggregate construction and measured about twice as fast.
        The stored event is the same one :meth:`start_job_search` records, so the client replays
        identically.
        """
        checked = cls._checked_start(id, on, complete_start_facts(facts))
        started = cls.JobSearchStarted  # type: ignore[attr-defined]
        event: Aggregate.Event = started(
            originator_topic=_CLIENT_TOPIC,
            originator_id=id,
            originator_version=cls.INITIAL_VERSION,
            timestamp=started.create_timestamp(),
            on=on,
            **checked,
        )
        return event

    @staticmethod
    def _checked_start(id: object, on: object, facts: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(id, UUID):
            raise ClientError(f"a client id is a UUID: {id!r}")
        day = check_business_date(on, "starting a job search")
        checked = check_facts(facts, day, day)
        checked["municipality"].check_in_force(day)
        return checked

    # Facts -------------------------------------------------------------------------------------

    def change_facts(self, *, on: date, **changes: Any) -> None:
        """Record changed facts (a move, a corrected birth date, a new residence permit)."""
        day = self._check_active(on, "changing a client's facts")
        unknown = sorted(set(changes) - set(FACT_CHANGES))
        if unknown:
            raise ClientError(
                f"unknown client facts {unknown}; the facts are {', '.join(FACT_CHANGES)}"
            )
        merged = check_facts({**self.facts(), **changes}, self.job_search_started_on, day)
        names = ["birth_month" if name == "birth_date" else name for name in changes]
        changed = {name: merged[name] for name in names if merged[name] != getattr(self, name)}
        if "municipality" in changed:  # a move is a new record; the old residence may have merged
            changed["municipality"].check_in_force(day)
        if not changed:
            raise ClientError(f"no fact changes on {day}: {changes!r} are the current facts")
        self._change_facts(on=day, changes=changed)

    @event("FactsChanged")
    def _change_facts(self, on: date, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            setattr(self, name, value)

    # The job search ----------------------------------------------------------------------------

    def end_job_search(self, *, on: date, reason: str) -> None:
        """End the current job search; ``reason`` is one of JOB_SEARCH_END_REASONS."""
        day = self._check_active(on, "ending the job search")
        self._check_in_order(day, "ending the job search")
        if reason not in JOB_SEARCH_END_REASONS:
            raise ClientError(
                f"unknown reason {reason!r} to end a job search; the reasons are"
                f" {', '.join(JOB_SEARCH_END_REASONS)}"
            )
        self._end_job_search(on=day, reason=reason)

    @event("JobSearchEnded")
    def _end_job_search(self, on: date, reason: str) -> None:
        self.job_search.ended_on = on
        self.job_search.end_reason = reason

    def restart_job_search(self, *, on: date, parameters: Parameters) -> None:
        """Start a new job search; it has an initial interview only if the previous one ended
        at least ``repeat_initial_interview_months`` earlier (380/2023, docs/domain.md §2.3)."""
        day = check_business_date(on, "restarting the job search")
        ended_on = self.job_search.ended_on
        if ended_on is None:
            raise JobSearchActiveError(
                f"a job search cannot restart on {day}: the one started on"
                f" {self.job_search_started_on} has not ended"
            )
        if day < ended_on:
            raise ProcessOrderError(
                f"a job search cannot restart on {day}, before the previous ended on {ended_on}"
            )
        months = parameters.value("repeat_initial_interview_months", day)
        required = day >= add_months(ended_on, months)
        self._restart_job_search(on=day, initial_interview_required=required)

    @event("JobSearchRestarted")
    def _restart_job_search(self, on: date, initial_interview_required: bool) -> None:
        self.job_searches.append(
            JobSearch(started_on=on, interview_required=initial_interview_required, last_act_on=on)
        )

    # The statutory process ---------------------------------------------------------------------

    def hold_initial_interview(self, *, on: date, contact: ServiceContact | None = None) -> None:
        """Record the initial interview of the current job search and its service contact
        (channel, place, language; ``unknown`` when none is given)."""
        fields = contact_fields(contact)
        day = self._check_active(on, "an initial interview")
        current = self.job_search
        if not current.interview_required:
            raise InitialInterviewError(
                f"no repeat initial interview on {day}: the job search restarted on"
                f" {current.started_on}, too soon after the previous one ended"
            )
        if current.initial_interview_on is not None:
            raise InitialInterviewError(
                f"an initial interview on {day}: it was held already on"
                f" {current.initial_interview_on}"
            )
        self._check_in_order(day, "an initial interview")
        self._hold_initial_interview(on=day, **fields)

    @event("InitialInterviewHeld")
    def _hold_initial_interview(self, on: date, channel: str, place: str, language: str) -> None:
        self.job_search.initial_interview_on = on
        self.job_search.last_act_on = on

    def agree_plan(
        self,
        *,
        on: date,
        parameters: Parameters,
        plan_type: str = "employment",
        applications_per_month: int | None = None,
    ) -> None:
        """Agree an employment plan, or a plan that replaces it, with its job-search obligation.

        The obligation defaults to ``job_applications_per_month`` in force on ``on`` and may be
        lowered to 0, never raised above it. An integration plan needs the integration phase.
        """
        day = self._check_active(on, "agreeing a plan")
        self._check_in_order(day, "agreeing a plan")
        if plan_type not in PLAN_TYPES:
            raise PlanError(f"unknown plan type {plan_type!r}; the types are {PLAN_TYPES}")
        if plan_type == "integration" and "integration_phase" not in self.target_groups(
            day, parameters
        ):
            raise PlanError(
                f"an integration plan on {day} needs the integration phase; first residence"
                f" permit: {self.first_residence_permit_on}"
            )
        default = parameters.value("job_applications_per_month", day)
        count = default if applications_per_month is None else applications_per_month
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= default:
            raise PlanError(
                f"a job-search obligation is 0–{default} applications a month: {count!r}"
            )
        self._agree_plan(on=day, plan_type=plan_type, applications_per_month=count)

    @event("EmploymentPlanAgreed")
    def _agree_plan(self, on: date, plan_type: str, applications_per_month: int) -> None:
        current = self.job_search
        current.plan_type, current.plan_agreed_on = plan_type, on
        current.applications_per_month = applications_per_month
        current.last_act_on = on

    def hold_job_search_discussion(
        self, *, on: date, contact: ServiceContact | None = None
    ) -> None:
        """Record a job search discussion; the next one is due three months later."""
        fields = contact_fields(contact)
        day = self._check_active(on, "a job search discussion")
        current = self.job_search
        if current.interview_required and current.initial_interview_on is None:
            raise InitialInterviewError(
                f"a job search discussion on {day} before the initial interview"
            )
        self._check_in_order(day, "a job search discussion")
        self._hold_job_search_discussion(on=day, **fields)

    @event("JobSearchDiscussionHeld")
    def _hold_job_search_discussion(
        self, on: date, channel: str, place: str, language: str
    ) -> None:
        self.job_search.discussions.append(on)
        self.job_search.last_act_on = on

    def hold_supplementary_discussion(
        self, *, on: date, contact: ServiceContact | None = None
    ) -> None:
        """Record a supplementary discussion; it does not move the statutory deadlines."""
        fields = contact_fields(contact)
        day = self._check_active(on, "a supplementary discussion")
        self._check_in_order(day, "a supplementary discussion")
        self._hold_supplementary_discussion(on=day, **fields)

    @event("SupplementaryDiscussionHeld")
    def _hold_supplementary_discussion(
        self, on: date, channel: str, place: str, language: str
    ) -> None:
        self.job_search.supplementary_discussions.append(on)
        self.job_search.last_act_on = on

    # Services ----------------------------------------------------------------------------------

    def refer_to_service(
        self, *, on: date, referral_id: UUID, service_type: str, decision: Decision
    ) -> None:
        """Refer the client to a service; the routing decision travels with the referral."""
        day = self._check_active(on, "a referral")
        check_referral(self.referrals, referral_id, service_type, decision)
        self._refer_to_service(
            on=day, referral_id=referral_id, service_type=service_type, decision=decision
        )

    @event("ReferredToService")
    def _refer_to_service(
        self, on: date, referral_id: UUID, service_type: str, decision: Decision
    ) -> None:
        self.referrals[referral_id] = Referral(referral_id, service_type, decision, on)

    def start_service(self, referral_id: UUID, *, on: date) -> None:
        """Record that the referred service started."""
        referral, day = self._open_referral(referral_id, on, "starting a service")
        self._check_active(day, "starting a service")
        if referral.started_on is not None:
            raise ReferralError(f"the service started already on {referral.started_on}")
        self._start_service(on=day, referral_id=referral_id)

    @event("ServiceStarted")
    def _start_service(self, on: date, referral_id: UUID) -> None:
        self.referrals[referral_id].started_on = on

    def interrupt_service(self, referral_id: UUID, *, on: date, reason: str) -> None:
        """Record that the service was broken off (started or not); ``on`` is its last day."""
        _, day = self._open_referral(referral_id, on, "interrupting a service")
        if not isinstance(reason, str) or not reason.strip():
            raise ReferralError(f"an interruption needs a reason: {reason!r}")
        self._interrupt_service(on=day, referral_id=referral_id, reason=reason.strip())

    @event("ServiceInterrupted")
    def _interrupt_service(self, on: date, referral_id: UUID, reason: str) -> None:
        referral = self.referrals[referral_id]
        referral.ended_on, referral.outcome, referral.interruption_reason = (
            on,
            "interrupted",
            reason,
        )

    def complete_service(self, referral_id: UUID, *, on: date) -> None:
        """Record that a started service was completed; ``on`` is its last day."""
        referral, day = self._open_referral(referral_id, on, "completing a service")
        if referral.started_on is None:
            raise ReferralError(f"completing a service on {day} that never started")
        self._complete_service(on=day, referral_id=referral_id)

    @event("ServiceCompleted")
    def _complete_service(self, on: date, referral_id: UUID) -> None:
        referral = self.referrals[referral_id]
        referral.ended_on, referral.outcome = on, "completed"

    # Employment --------------------------------------------------------------------------------

    def record_employment(
        self,
        *,
        on: date,
        employment_id: UUID,
        kind: str,
        term: str,
        starts_on: date | None = None,
        employer_id: UUID | None = None,
    ) -> None:
        """Record that the client found work, starting on ``starts_on`` (default: ``on``).

        Refused after the job search ended, and for a subsidised employment that would overlap
        another subsidised one (see ``client_records.check_new_employment``).
        """
        day = self._check_active(on, "recording an employment")
        start = day if starts_on is None else check_business_date(starts_on, "an employment start")
        check_new_employment(
            self.employments,
            employment_id=employment_id,
            kind=kind,
            term=term,
            starts_on=start,
            employer_id=employer_id,
        )
        self._record_employment(
            on=day,
            employment_id=employment_id,
            kind=kind,
            term=term,
            starts_on=start,
            employer_id=employer_id,
        )

    @event("Employed")
    def _record_employment(
        self,
        on: date,
        employment_id: UUID,
        kind: str,
        term: str,
        starts_on: date,
        employer_id: UUID | None,
    ) -> None:
        self.employments[employment_id] = Employment(
            employment_id, kind, term, starts_on, on, employer_id
        )

    def end_employment(self, employment_id: UUID, *, on: date) -> None:
        """Record the last day of an employment (also after the job search ended)."""
        day = check_business_date(on, "ending an employment")
        employment = (
            self.employments.get(employment_id) if isinstance(employment_id, UUID) else None
        )
        if employment is None:
            raise EmploymentError(f"the client has no employment {employment_id!r}")
        if employment.ended_on is not None:
            raise EmploymentError(f"the employment ended already on {employment.ended_on}")
        if day < employment.starts_on:
            raise ProcessOrderError(
                f"an employment cannot end on {day}, before it started on {employment.starts_on}"
            )
        self._end_employment(on=day, employment_id=employment_id)

    @event("EmploymentEnded")
    def _end_employment(self, on: date, employment_id: UUID) -> None:
        self.employments[employment_id].ended_on = on


_CLIENT_TOPIC = get_topic(Client)


# Release 0.1.0 recorded the birth date; its events are read with the month only.
for _event, _upcast in (
    (Client.JobSearchStarted, upcast_started_v1_v2),  # type: ignore[attr-defined]
    (Client.FactsChanged, upcast_facts_changed_v1_v2),  # type: ignore[attr-defined]
):
    _event.class_version = 2
    _event.upcast_v1_v2 = staticmethod(_upcast)

# Contacts recorded before their channel was read as channel, place and language "unknown".
for _event in (
    Client.InitialInterviewHeld,  # type: ignore[attr-defined]
    Client.JobSearchDiscussionHeld,  # type: ignore[attr-defined]
    Client.SupplementaryDiscussionHeld,  # type: ignore[attr-defined]
):
    _event.class_version = 2
    _event.upcast_v1_v2 = staticmethod(upcast_contact_v1_v2)

# Events stored by release 0.1.0 name this module by its old path.
moved("employment_domain.clients", Client)
