"""The parts of a jobseeker's statutory process: job searches, referrals, employments, deadlines.

The Client aggregate (``employment_domain.clients.client``) records events; this module holds the
records it keeps, the named errors it raises, the checks of facts and requests, and the deadline
arithmetic, so each stays small enough to read. The errors are re-exported by ``clients``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

import attrs

from employment_domain.calendar import add_working_days
from employment_domain.decisions import Decision
from employment_domain.errors import EmploymentDomainError
from employment_domain.parameters import Parameters
from employment_domain.target_groups import EDUCATION_LEVELS, UNKNOWN_LANGUAGE, add_months
from employment_domain.values import MunicipalityCode

__all__ = [
    "EMPLOYMENT_KINDS",
    "EMPLOYMENT_TERMS",
    "FACTS",
    "FACT_CHANGES",
    "JOB_SEARCH_END_REASONS",
    "PLAN_TYPES",
    "START_DEFAULTS",
    "UNKNOWN_DISTRICT",
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
    "birth_month",
    "check_business_date",
    "check_facts",
    "check_new_employment",
    "check_referral",
    "complete_start_facts",
    "deadline_chain",
    "not_unemployed_spans",
    "upcast_facts_changed_v1_v2",
    "upcast_started_v1_v2",
]

#: The employment plan and the plans that replace it (docs/domain.md §2.4).
PLAN_TYPES = ("employment", "activation", "multi_agency", "integration")
EMPLOYMENT_KINDS = ("open_market", "subsidised")
EMPLOYMENT_TERMS = ("permanent", "fixed_term")
JOB_SEARCH_END_REASONS = (
    "employed",
    "education",
    "moved_away",
    "client_request",
    "no_contact",
    "retired",
    "other",
)
#: The facts of a client as its state holds them (the birth as its month).
FACTS = (
    "municipality",
    "district",
    "birth_month",
    "mother_tongue",
    "education_level",
    "first_residence_permit_on",
    "partially_able_to_work",
    "needs_multi_agency_service",
)
#: The facts ``change_facts`` may change, by the names a caller gives them.
FACT_CHANGES = tuple("birth_date" if name == "birth_month" else name for name in FACTS)
UNKNOWN_DISTRICT = "unknown"
#: The facts a job search start may leave out, and the value each takes then.
START_DEFAULTS: dict[str, Any] = {
    "district": UNKNOWN_DISTRICT,
    "mother_tongue": UNKNOWN_LANGUAGE,
    "education_level": "unknown",
    "first_residence_permit_on": None,
    "partially_able_to_work": False,
    "needs_multi_agency_service": False,
}
_START_FACTS = {"municipality", "birth_date", *START_DEFAULTS}
_SERVICE_TYPE = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}")


class ClientError(EmploymentDomainError, ValueError):
    """A client command refused: an impossible fact or an impossible sequence of acts."""


class JobSearchNotActiveError(ClientError):
    """An act of the service process after the client's job search ended."""


class JobSearchActiveError(ClientError):
    """A job search restarted while the current one has not ended."""


class ProcessOrderError(ClientError):
    """A business date before the previous act of the same process step."""


class InitialInterviewError(ClientError):
    """An initial interview held twice, not due in this job search, or skipped by a discussion."""


class PlanError(ClientError):
    """An unknown plan type, an impossible job-search obligation, or a plan not open to a client."""


class ReferralError(ClientError):
    """An unknown referral, a referral in the wrong state, or a decision for another service."""


class EmploymentError(ClientError):
    """An unknown or ended employment, or two employments the law does not allow at once."""


@attrs.define
class JobSearch:
    """One job search, from its start to its end; the statutory process runs inside it."""

    started_on: date
    interview_required: bool
    last_act_on: date
    ended_on: date | None = None
    end_reason: str | None = None
    initial_interview_on: date | None = None
    discussions: list[date] = attrs.Factory(list)
    supplementary_discussions: list[date] = attrs.Factory(list)
    plan_type: str | None = None
    plan_agreed_on: date | None = None
    applications_per_month: int | None = None

    def ended_by(self, on: date) -> bool:
        """Whether the job search had ended on ``on``."""
        return self.ended_on is not None and self.ended_on <= on


@attrs.define
class Referral:
    """A referral to a service, with the routing decision that chose where it is produced."""

    referral_id: UUID
    service_type: str
    decision: Decision
    referred_on: date
    started_on: date | None = None
    ended_on: date | None = None
    outcome: str | None = None  # "interrupted" or "completed"
    interruption_reason: str | None = None

    @property
    def status(self) -> str:
        """referred, started, interrupted or completed."""
        return self.outcome or ("started" if self.started_on else "referred")


@attrs.define
class Employment:
    """An employment of the client; ``ended_on`` is its last day."""

    employment_id: UUID
    kind: str
    term: str
    starts_on: date
    recorded_on: date
    employer_id: UUID | None = None
    ended_on: date | None = None


@attrs.frozen
class Deadline:
    """A statutory act (``initial_interview`` or ``job_search_discussion``) due by ``due_on``.

    ``held_on`` is when it was held, None while it is still pending. It was missed when it was
    held after ``due_on``, or when ``due_on`` passed with the act still pending.
    """

    act: str
    due_on: date
    held_on: date | None = None

    def missed_by(self, on: date) -> bool:
        """Whether the deadline had been missed on ``on``."""
        if self.held_on is not None:
            return self.held_on > self.due_on
        return on > self.due_on


def check_business_date(on: object, what: str) -> date:
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise ClientError(f"{what} needs a business date (datetime.date), got {on!r}")
    return on


def complete_start_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts of a job search start given by name, with the defaults of those left out.

    Refuses an unknown fact, and a start without a municipality or a birth date; the values
    themselves are checked by :func:`check_facts`.
    """
    unknown = sorted(set(facts) - _START_FACTS)
    if unknown:
        raise ClientError(f"unknown fact(s) for a job search start: {', '.join(unknown)}")
    missing = sorted({"municipality", "birth_date"} - set(facts))
    if missing:
        raise ClientError(f"a job search start needs {', '.join(missing)}")
    return {**START_DEFAULTS, **facts}


def check_facts(facts: dict[str, Any], started_on: date, on: date) -> dict[str, Any]:
    """The facts, validated and normalised; refuses the first bad one, naming its value.

    ``started_on`` is the start of the job search, ``on`` the date the facts are recorded.
    """
    if not isinstance(facts["municipality"], MunicipalityCode):
        raise ClientError(
            f"a municipality of residence is a MunicipalityCode: {facts['municipality']!r}"
        )
    if "birth_date" in facts:
        facts.pop("birth_month", None)
    else:  # a change of other facts: the recorded month stands
        facts["birth_date"] = facts.pop("birth_month")
    birth_date = check_business_date(facts["birth_date"], "a birth date")
    if birth_date >= started_on:
        raise ClientError(
            f"a job search cannot start on {started_on} for a client born on {birth_date}"
        )
    district = facts["district"]
    if not isinstance(district, str) or not district.strip():
        raise ClientError(f"a district of residence is a non-empty name: {district!r}")
    facts["district"] = district.strip()
    tongue = facts["mother_tongue"]
    if not isinstance(tongue, str) or not _LANGUAGE.fullmatch(tongue.strip().lower()):
        raise ClientError(f"a mother tongue is an ISO 639 code such as 'fi' or 'som': {tongue!r}")
    facts["mother_tongue"] = tongue.strip().lower()
    if facts["education_level"] not in EDUCATION_LEVELS:
        raise ClientError(
            f"unknown education level {facts['education_level']!r}; the levels are"
            f" {', '.join(EDUCATION_LEVELS)}"
        )
    permit = facts["first_residence_permit_on"]
    if permit is not None:
        check_business_date(permit, "a first residence permit")
        if not birth_date <= permit <= on:
            raise ClientError(
                f"a first residence permit on {permit} must lie between the birth date"
                f" {birth_date} and {on}"
            )
    for flag in ("partially_able_to_work", "needs_multi_agency_service"):
        if not isinstance(facts[flag], bool):
            raise ClientError(f"{flag} is True or False, not {facts[flag]!r}")
    # The history keeps the birth month only (docs/data-protection.md): ages are reckoned from
    # its first day. The day of birth, checked above, is not recorded anywhere.
    facts["birth_month"] = birth_month(facts.pop("birth_date"))
    return facts


def birth_month(birth_date: date) -> date:
    """The first day of the month of ``birth_date``: what the history keeps of it."""
    return birth_date.replace(day=1)


def deadline_chain(search: JobSearch, on: date, parameters: Parameters) -> list[Deadline]:
    """The deadlines of one job search as known on ``on``: each held act, then the pending one."""
    if search.interview_required:
        act, days_name = "initial_interview", "initial_interview_working_days"
        held = [search.initial_interview_on] if search.initial_interview_on else []
    else:
        act, days_name = "job_search_discussion", "first_discussion_after_restart_working_days"
        held = []
    held = [day for day in held + search.discussions if day <= on]
    due = add_working_days(search.started_on, parameters.value(days_name, search.started_on))
    chain: list[Deadline] = []
    for day in held:
        chain.append(Deadline(act, due, day))
        months = parameters.value("job_search_discussion_interval_months", day)
        act, due = "job_search_discussion", add_working_days(add_months(day, months), 0)
    ended = search.ended_on if search.ended_by(on) else None
    if ended is None or ended > due:
        chain.append(Deadline(act, due, None))
    return chain


def check_referral(
    referrals: dict[UUID, Referral], referral_id: object, service_type: object, decision: object
) -> None:
    """Refuse a referral with a reused id, a malformed service type, or a decision for another."""
    if not isinstance(service_type, str) or not _SERVICE_TYPE.fullmatch(service_type):
        raise ReferralError(f"a service type is a snake_case name: {service_type!r}")
    if not isinstance(decision, Decision):
        raise ReferralError(f"a referral needs a routing Decision, not {decision!r}")
    if decision.service_type is not None and decision.service_type != service_type:
        raise ReferralError(
            f"a referral to {service_type!r} cannot carry a decision about"
            f" {decision.service_type!r}"
        )
    if not isinstance(referral_id, UUID) or referral_id in referrals:
        raise ReferralError(f"referral id {referral_id!r} is not a new UUID")


def check_new_employment(
    employments: dict[UUID, Employment],
    *,
    employment_id: object,
    kind: object,
    term: object,
    starts_on: date,
    employer_id: object,
) -> None:
    """Refuse an employment with unknown kind or term, a reused id, or an overlapping subsidy.

    Open-market employments may run side by side (part-time jobs); a subsidised employment may
    not overlap another subsidised one, since each wage subsidy pays for hiring an unemployed
    jobseeker.
    """
    if kind not in EMPLOYMENT_KINDS:
        raise EmploymentError(f"an employment is {' or '.join(EMPLOYMENT_KINDS)}: {kind!r}")
    if term not in EMPLOYMENT_TERMS:
        raise EmploymentError(f"an employment is {' or '.join(EMPLOYMENT_TERMS)}: {term!r}")
    if not isinstance(employment_id, UUID) or employment_id in employments:
        raise EmploymentError(f"employment id {employment_id!r} is not a new UUID")
    if employer_id is not None and not isinstance(employer_id, UUID):
        raise EmploymentError(f"an employer id is a UUID: {employer_id!r}")
    if kind != "subsidised":
        return
    for other in employments.values():
        if other.kind == "subsidised" and (other.ended_on is None or other.ended_on >= starts_on):
            raise EmploymentError(
                f"a subsidised employment from {starts_on} overlaps the subsidised employment"
                f" from {other.starts_on}"
            )


def not_unemployed_spans(
    employments: Iterable[Employment], referrals: Iterable[Referral], breaking: set[str]
) -> list[tuple[date, date | None]]:
    """The (first day, last day) spans when a jobseeker is not unemployed, earliest first.

    Employments count, and started services whose type is in ``breaking`` (full-time services
    such as labour market training, see ``unemployment_breaking_service_types``).
    """
    spans = [(e.starts_on, e.ended_on) for e in employments]
    spans += [
        (r.started_on, r.ended_on)
        for r in referrals
        if r.started_on is not None and r.service_type in breaking
    ]
    return sorted(spans, key=lambda span: span[0])


def upcast_started_v1_v2(state: dict[str, Any]) -> None:
    """A job search start recorded by 0.1.0 held the birth date; every reader now sees its
    month only, as the history records it from 0.2.0 on (docs/data-protection.md)."""
    state["birth_month"] = birth_month(state.pop("birth_date"))


def upcast_facts_changed_v1_v2(state: dict[str, Any]) -> None:
    """A corrected birth date recorded by 0.1.0 is read as its month."""
    changes = state["changes"]
    if "birth_date" in changes:
        changes["birth_month"] = birth_month(changes.pop("birth_date"))
