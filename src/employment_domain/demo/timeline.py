"""The demo year's agenda, and each jobseeker's path through the statutory process in it.

A path is drawn up front from the seeded random generator: the initial interview (most on time,
some late), the plan, job search discussions every three months (some late), referrals to
services with their start and end, work found and the end of the job search. The acts go into an
:class:`Agenda` ordered by business date, phase and drawing order; where each referral is produced
is decided later, when the demo reaches its date, because it depends on the seats left. The
probabilities are demo assumptions, tuned so that the year ends near the figures of
docs/domain.md §4.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import attrs

from employment_domain.calendar import add_working_days
from employment_domain.demo.population import DemoIds, Person, working_day
from employment_domain.parameters import Parameters
from employment_domain.target_groups import add_months

__all__ = ["Act", "Agenda", "Hiring", "History", "JobseekerScripts", "Phase"]

#: One act: (business day ordinal, phase, drawing order, kind, payload).
Act = tuple[int, int, int, str, tuple[Any, ...]]


class Phase:
    """The order of acts within one business day."""

    ADMIN = 0  # procurements, the ledger's opening
    EMPLOYER = 1  # registrations, vacancies, subsidy decisions, notices, contacts
    START = 2  # job searches start
    PROCESS = 3  # initial interviews, plans, discussions
    REFER = 4
    SERVICE_START = 5
    SERVICE_END = 6
    FILL = 7  # vacancies filled
    EMPLOY = 8  # employments recorded and ended
    END = 9  # job searches end
    FINANCE = 10  # costs, invoices, advances, the close


class Agenda:
    """Every act of the demo, to be run in business-date order."""

    def __init__(self) -> None:
        self._acts: list[Act] = []

    def add(self, day: date, phase: int, kind: str, *payload: Any) -> None:
        """Schedule ``kind`` with ``payload`` on ``day``; same-day acts keep phase, then order."""
        self._acts.append((day.toordinal(), phase, len(self._acts), kind, payload))

    def in_order(self) -> list[Act]:
        """The acts sorted by day, phase and the order they were added."""
        return sorted(self._acts)

    def __len__(self) -> int:
        return len(self._acts)


@attrs.frozen
class History:
    """A transferred jobseeker's record before the year: the last statutory act, a job held."""

    last_process_act: date
    long_term_at_transfer: bool
    employment_id: UUID | None = None


#: Called as ``hire(person, day, kind, term)``; returns the employer (None: not a registered
#: employer) and the last day of a subsidised job within the year, after scheduling the
#: employer's own acts (a vacancy filled, a subsidy decided).
Hiring = Callable[[Person, date, str, str], tuple[UUID | None, date | None]]

# -- demo assumptions ----------------------------------------------------------------------------
_INTERVIEW_ON_TIME = 0.72  # KEHA 2025: the 5-day deadline is widely missed (docs/domain.md §2.3)
_DISCUSSION_ON_TIME = 0.82
#: Monthly chance of finding work, by where the jobseeker stands (a weak labour market, 2025).
_EMPLOYMENT_HAZARD = {"new": 0.062, "short": 0.04, "long": 0.02, "dismissed": 0.055}
_OTHER_EXIT_HAZARD = 0.006  # studies, moving away, no contact, on request
_SUBSIDISED_SHARE = 0.16
_ENDS_SEARCH = 0.85  # open-market work ends the job search; the rest keep looking (part-time)
_EMPLOYED_AT_TRANSFER = 0.09  # transferred jobseekers in part-time or fixed-term work
#: How many referrals a jobseeker gets in the year: weights of 0, 1, 2, 3.
_REFERRAL_COUNTS = {"new": (40, 40, 16, 4), "transferred": (42, 38, 16, 4)}
_SERVICE_DAYS = {
    "information_advice": (5, 30),
    "coaching": (30, 90),
    "labour_market_training": (60, 180),
    "work_try_out": (30, 180),
    "expert_assessment": (14, 60),
    "training_try_out": (10, 40),
    "job_coaching": (30, 120),
    "integration_training": (90, 240),
    "change_security_training": (40, 70),
}
_INTERRUPTIONS = ("health reasons", "own decision", "moved away", "service did not suit")
_OTHER_EXITS: tuple[tuple[str, int], ...] = (
    ("education", 35),
    ("moved_away", 20),
    ("no_contact", 20),
    ("client_request", 20),
)


def _service_weights(person: Person, long_term: bool, young: bool) -> dict[str, int]:
    weights = {
        "coaching": 24,
        "information_advice": 10,
        "labour_market_training": 12,
        "work_try_out": 9,
        "expert_assessment": 6,
        "training_try_out": 4,
        "job_coaching": 2,
    }
    if person.first_residence_permit_on is not None:
        weights["integration_training"] = 22
        weights["information_advice"] += 5
    if person.partially_able_to_work:
        for name, extra in (("expert_assessment", 12), ("job_coaching", 12), ("work_try_out", 6)):
            weights[name] += extra
    if long_term:
        for name, extra in (("work_try_out", 10), ("coaching", 5), ("expert_assessment", 4)):
            weights[name] += extra
    if person.highly_educated:
        weights["labour_market_training"] += 8
        weights["coaching"] += 6
    if young:
        weights["coaching"] += 10
        weights["training_try_out"] += 4
    return weights


class JobseekerScripts:
    """Draws the jobseekers' paths into the agenda."""

    def __init__(
        self,
        rng: random.Random,
        ids: DemoIds,
        agenda: Agenda,
        *,
        year: int,
        parameters: Parameters,
        hire: Hiring,
    ) -> None:
        self.rng, self.ids, self.agenda, self.year = rng, ids, agenda, year
        self.parameters = parameters
        self.hire = hire
        self.first_day = working_day(date(year, 1, 1))
        self.last_day = date(year, 12, 31)

    # -- the record transferred from the TE office --------------------------------------------

    def history(self, person: Person) -> tuple[History, list[tuple[str, date]]]:
        """The transferred jobseeker's acts before the year, and what the year continues from.

        The initial interview and the discussions every three months since; the cadence is the
        one in force on the year's first day, the Nordic model's since 2.5.2022.
        """
        rng = self.rng
        interview = add_working_days(person.started_on, rng.randint(1, 8))
        if interview >= date(self.year, 1, 1):
            interview = person.started_on
        acts = [("interview", interview)]
        discussions = self._discussions(interview, date(self.year, 1, 1))
        acts += [("discussion", day) for day in discussions]
        last = discussions[-1] if discussions else interview
        employment_id = None
        if rng.random() < _EMPLOYED_AT_TRANSFER:
            employment_id = self.ids.next("employment")
            span = max((date(self.year, 1, 1) - person.started_on).days - 1, 0)
            acts.append(("employment", person.started_on + timedelta(days=rng.randint(0, span))))
        long_term = add_months(person.started_on, 12) <= date(self.year, 1, 1)
        return History(last, long_term, employment_id), acts

    def _discussions(self, last: date, until: date) -> list[date]:
        rng, days = self.rng, list[date]()
        cadence_on = max(last, date(self.year, 1, 1))
        while True:
            months = self.parameters.value("job_search_discussion_interval_months", cadence_on)
            due = working_day(add_months(last, months))
            if rng.random() < _DISCUSSION_ON_TIME:
                day = working_day(due - timedelta(days=rng.randint(0, 14)))
                day = due if day <= last else day
            else:
                day = add_working_days(due, rng.randint(1, 15))
            if day >= until:
                return days
            days.append(day)
            last = day
            cadence_on = max(last, cadence_on)

    # -- the year ------------------------------------------------------------------------------

    def script(
        self,
        person: Person,
        history: History | None = None,
        *,
        dismissed_on: date | None = None,
        change_security_from: date | None = None,
    ) -> None:
        """Draw the person's year into the agenda.

        ``dismissed_on`` is the dismissal date of an employee of the structural-change case;
        ``change_security_from`` the first day of the change-security training contract, for
        one entitled to it.
        """
        rng, add, cid = self.rng, self.agenda.add, person.client_id
        if history is None:
            add(person.started_on, Phase.START, "start", person)
            interview = self._interview(person)
            add(interview, Phase.PROCESS, "interview", cid)
            add(interview, Phase.PROCESS, "plan", cid)
            last, standing = interview, person.origin
        else:
            last = history.last_process_act
            standing = "long" if history.long_term_at_transfer else "short"
            if history.employment_id is not None and rng.random() < 0.5:
                ends = self.first_day + timedelta(days=rng.randint(0, 330))
                add(ends, Phase.EMPLOY, "end_employment", cid, history.employment_id)
        begin = self.first_day if dismissed_on is None else dismissed_on + timedelta(days=1)
        begin = max(begin, last + timedelta(days=1))
        leaving = self._exit(person, standing, begin)
        beyond = self.last_day + timedelta(days=1)
        search_until = min(leaving.day, beyond) if leaving.ends_search else beyond
        for step in range(rng.choice((0, 1, 2, 2, 3, 4)) if person.origin == "new" else 0):
            extra = working_day(last + timedelta(days=14 * (step + 1) - rng.randint(0, 3)))
            if extra < search_until:  # the intensified start of 2025 (docs/domain.md §2.3)
                add(extra, Phase.PROCESS, "supplementary", cid)
        for number, day in enumerate(self._discussions(last, search_until)):
            add(max(day, self.first_day), Phase.PROCESS, "discussion", cid)
            if number == 0 and history is not None:
                add(max(day, self.first_day), Phase.PROCESS, "plan", cid)  # reviewed in the area
        services_until = min(leaving.day, beyond)
        cursor = working_day(last + timedelta(days=rng.randint(7, 40)))
        if history is not None:
            cursor = self.first_day + timedelta(days=rng.randint(0, 330))
        if dismissed_on is not None:
            cursor = begin + timedelta(days=rng.randint(7, 40))
        if change_security_from is not None:
            refer = working_day(change_security_from + timedelta(days=rng.randint(5, 15)))
            start = working_day(refer + timedelta(days=rng.randint(20, 45)))
            self._service(cid, "change_security_training", refer, start, leaving, "completed")
            cursor = max(cursor, start + timedelta(days=80))
        counts = _REFERRAL_COUNTS["new" if history is None else "transferred"]
        long_term = history is not None and history.long_term_at_transfer
        for _ in range(rng.choices(range(4), counts)[0]):
            refer = working_day(cursor)
            if refer >= services_until:
                break
            weights = _service_weights(person, long_term, person.age_on(refer) < 30)
            service_type = rng.choices(list(weights), list(weights.values()))[0]
            low, high = (10, 40) if "training" in service_type else (5, 25)
            start = working_day(refer + timedelta(days=rng.randint(low, high)))
            outcome = rng.choices(("completed", "interrupted", "not_started"), (80, 12, 8))[0]
            end = self._service(cid, service_type, refer, start, leaving, outcome)
            if end is None:
                break
            cursor = end + timedelta(days=rng.randint(7, 60))
        if leaving.day <= self.last_day:
            self._exit_acts(person, leaving)

    def _interview(self, person: Person) -> date:
        days = self.parameters.value("initial_interview_working_days", person.started_on)
        if self.rng.random() < _INTERVIEW_ON_TIME:
            return add_working_days(person.started_on, self.rng.randint(0, days))
        return add_working_days(person.started_on, days + self.rng.randint(1, 12))

    def _exit(self, person: Person, standing: str, begin: date) -> _Exit:
        """When and how the person leaves unemployment; a day beyond the year is fine."""
        rng, age = self.rng, person.age_on(begin)
        hazard = _EMPLOYMENT_HAZARD[standing]
        for applies, factor in (
            (age < 30, 1.2),
            (person.highly_educated, 1.1),
            (person.foreign_language, 0.8),
            (person.partially_able_to_work, 0.6),
            (age >= 55, 0.55),
            (person.first_residence_permit_on is not None, 0.85),
        ):
            hazard *= factor if applies else 1.0
        work = working_day(begin + timedelta(days=round(rng.expovariate(hazard / 30.44))))
        other_hazard = _OTHER_EXIT_HAZARD + (0.04 if age >= 63 else 0.0)
        other = working_day(begin + timedelta(days=round(rng.expovariate(other_hazard / 30.44))))
        if other < work:
            reasons, weights = zip(*_OTHER_EXITS, strict=True)
            reason = "retired" if age >= 63 else rng.choices(reasons, weights)[0]
            return _Exit(other, reason, None, None, True)
        share = _SUBSIDISED_SHARE * (2 if person.partially_able_to_work else 1)
        if rng.random() < share:
            return _Exit(work, "employed", "subsidised", "fixed_term", False)
        term = "fixed_term" if rng.random() < 0.55 else "permanent"
        return _Exit(work, "employed", "open_market", term, rng.random() < _ENDS_SEARCH)

    def _service(
        self,
        cid: UUID,
        service_type: str,
        refer: date,
        start: date,
        leaving: _Exit,
        outcome: str,
    ) -> date | None:
        """Schedule a referral and its service; its last day, None if the person left first."""
        rng, add = self.rng, self.agenda.add
        until = min(leaving.day, self.last_day + timedelta(days=1))
        referral_id = self.ids.next("referral")
        add(refer, Phase.REFER, "refer", cid, referral_id, service_type)
        low, high = _SERVICE_DAYS[service_type]
        end = working_day(start + timedelta(days=rng.randint(low, high)))
        if outcome == "interrupted":
            end = working_day(start + timedelta(days=rng.randint(1, max(low, 2))))
        if outcome == "not_started" and start < until:
            add(start, Phase.SERVICE_END, "interrupt_service", cid, referral_id, "did not start")
            return start
        if start >= until or end >= until:
            if until <= self.last_day:
                reason = _LEFT_BECAUSE.get(leaving.reason, "job search ended")
                if start < until:
                    add(start, Phase.SERVICE_START, "start_service", cid, referral_id)
                add(until, Phase.SERVICE_END, "interrupt_service", cid, referral_id, reason)
            elif start < until:
                add(start, Phase.SERVICE_START, "start_service", cid, referral_id)
            return None
        add(start, Phase.SERVICE_START, "start_service", cid, referral_id)
        if outcome == "completed":
            add(end, Phase.SERVICE_END, "complete_service", cid, referral_id)
        else:
            reason = rng.choice(_INTERRUPTIONS)
            add(end, Phase.SERVICE_END, "interrupt_service", cid, referral_id, reason)
        return end

    def _exit_acts(self, person: Person, leaving: _Exit) -> None:
        add, day, cid = self.agenda.add, leaving.day, person.client_id
        if leaving.kind is None or leaving.term is None:
            add(day, Phase.END, "end_search", cid, leaving.reason)
            return
        kind, term = leaving.kind, leaving.term
        employer_id, subsidy_ends = self.hire(person, day, kind, term)
        if employer_id is None:
            kind = "open_market"
        employment_id = self.ids.next("employment")
        add(day, Phase.EMPLOY, "employ", cid, employment_id, kind, term, employer_id, None)
        if subsidy_ends is not None:
            add(subsidy_ends, Phase.EMPLOY, "end_employment", cid, employment_id)
        if leaving.ends_search:
            add(day, Phase.END, "end_search", cid, "employed")
        elif kind == "open_market" and term == "fixed_term":
            ends = day + timedelta(days=self.rng.randint(60, 240))
            if ends <= self.last_day:
                add(ends, Phase.EMPLOY, "end_employment", cid, employment_id)


@attrs.frozen
class _Exit:
    """How a jobseeker leaves unemployment: the day, the reason, any work, and whether the job
    search ends with it (people in wage-subsidised work keep their process)."""

    day: date
    reason: str
    kind: str | None
    term: str | None
    ends_search: bool


_LEFT_BECAUSE = {"employed": "employed", "education": "started studies", "moved_away": "moved away"}
