"""The read side of the jobseeker aggregate: what a client's recorded state says, and nothing more.

:class:`ClientState` is a base class of ``Client`` (``employment_domain.clients.client``) that
holds every method which only reads the attributes the client's events set: the current job
search and the checks of an act against it, the referral an act is about, and the questions asked
at a business date (unemployment, target groups, statutory deadlines). None of them records an
event. The commands and their events stay in ``client.py``, since an event class must stay nested
in ``Client`` to keep the topic it is stored under; the read side lives here so that each module
stays small enough to read. It imports ``records``, never ``client``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from employment_domain.calendar import add_working_days
from employment_domain.clients.records import (
    FACTS,
    Deadline,
    Employment,
    JobSearch,
    JobSearchNotActiveError,
    ProcessOrderError,
    Referral,
    ReferralError,
    check_business_date,
    deadline_chain,
    not_unemployed_spans,
)
from employment_domain.parameters import Parameters
from employment_domain.target_groups import derive_target_groups, unemployed_since

__all__ = ["ClientState"]


class ClientState:
    """The queries and checks of a client's state; ``Client``'s events set what they read."""

    # Set by the events of Client; declared here so that the reads below are typed.
    birth_month: date
    mother_tongue: str
    education_level: str
    first_residence_permit_on: date | None
    partially_able_to_work: bool
    job_searches: list[JobSearch]
    referrals: dict[UUID, Referral]
    employments: dict[UUID, Employment]

    # The current job search ------------------------------------------------------------------

    @property
    def job_search(self) -> JobSearch:
        """The current (latest) job search, ended or not."""
        return self.job_searches[-1]

    @property
    def job_search_started_on(self) -> date:
        """When the current job search started."""
        return self.job_search.started_on

    @property
    def job_search_active(self) -> bool:
        """Whether the current job search has not ended."""
        return self.job_search.ended_on is None

    def _check_active(self, on: object, what: str) -> date:
        day = check_business_date(on, what)
        current = self.job_search
        if current.ended_on is not None:
            raise JobSearchNotActiveError(
                f"{what} on {day}: the job search ended on {current.ended_on}"
            )
        if day < current.started_on:
            raise ProcessOrderError(
                f"{what} on {day} is before the job search started on {current.started_on}"
            )
        return day

    def _check_in_order(self, on: date, what: str) -> None:
        if on < self.job_search.last_act_on:
            raise ProcessOrderError(
                f"{what} on {on} is before the previous act of the process on"
                f" {self.job_search.last_act_on}"
            )

    def facts(self) -> dict[str, Any]:
        """The client's current facts by name."""
        return {name: getattr(self, name) for name in FACTS}

    def _open_referral(self, referral_id: UUID, on: object, what: str) -> tuple[Referral, date]:
        day = check_business_date(on, what)
        referral = self.referrals.get(referral_id) if isinstance(referral_id, UUID) else None
        if referral is None:
            raise ReferralError(f"{what}: the client has no referral {referral_id!r}")
        if referral.outcome is not None:
            raise ReferralError(f"{what} on {day}: the service was {referral.outcome} already")
        earliest = referral.started_on or referral.referred_on
        if day < earliest:
            raise ProcessOrderError(
                f"{what} on {day} is before the service's last act on {earliest}"
            )
        return referral, day

    # Queries at a business date ----------------------------------------------------------------

    def job_search_on(self, on: date) -> JobSearch | None:
        """The job search that had started by ``on`` most recently, ended or not."""
        started = [search for search in self.job_searches if search.started_on <= on]
        return started[-1] if started else None

    def unemployed_since(self, on: date, parameters: Parameters) -> date | None:
        """The first day of the continuous unemployment that includes ``on``, or None."""
        search = self.job_search_on(on)
        if search is None:
            return None
        breaking = set(parameters.value("unemployment_breaking_service_types", on))
        spans = not_unemployed_spans(self.employments.values(), self.referrals.values(), breaking)
        return unemployed_since(
            on,
            job_search_started_on=search.started_on,
            job_search_ended_on=search.ended_on,
            not_unemployed=spans,
        )

    def days_unemployed(self, on: date, parameters: Parameters) -> int:
        """Days of continuous unemployment on ``on`` (0 on its first day or when not unemployed)."""
        since = self.unemployed_since(on, parameters)
        return 0 if since is None else (on - since).days

    def target_groups(self, on: date, parameters: Parameters) -> frozenset[str]:
        """The plan's target groups the client belongs to on ``on`` (see target_groups.py)."""
        return derive_target_groups(
            on=on,
            birth_date=self.birth_month,
            mother_tongue=self.mother_tongue,
            education_level=self.education_level,
            first_residence_permit_on=self.first_residence_permit_on,
            partially_able_to_work=self.partially_able_to_work,
            unemployed_since=self.unemployed_since(on, parameters),
            parameters=parameters,
        )

    def initial_interview_deadline(self, parameters: Parameters) -> date | None:
        """The last day for the current job search's initial interview, None if it has none.

        N working days after the start, with N read at the date the job search started.
        """
        current = self.job_search
        if not current.interview_required:
            return None
        days = parameters.value("initial_interview_working_days", current.started_on)
        return add_working_days(current.started_on, days)

    def deadlines(self, on: date, parameters: Parameters) -> list[Deadline]:
        """Every statutory deadline of every job search as known on ``on``, earliest first.

        Acts dated after ``on`` count as not yet held. A job search's last deadline is pending
        while it runs, and dropped when the job search ended before it fell due.
        """
        result: list[Deadline] = []
        for search in self.job_searches:
            if search.started_on <= on:
                result.extend(deadline_chain(search, on, parameters))
        return result

    def next_deadline(self, on: date, parameters: Parameters) -> Deadline | None:
        """The pending statutory act of the job search running on ``on`` (perhaps overdue)."""
        search = self.job_search_on(on)
        if search is None or search.ended_by(on):
            return None
        return deadline_chain(search, on, parameters)[-1]

    def missed_deadlines(self, on: date, parameters: Parameters) -> list[Deadline]:
        """The statutory deadlines missed by ``on``: acts held late, or still pending after."""
        return [d for d in self.deadlines(on, parameters) if d.missed_by(on)]
