"""The employers' year in the demo: registrations, vacancies, subsidies, contacts, and the one
structural-change case with its dismissals.

Hiring links the two sides: when a jobseeker's path finds work, :meth:`EmployerScripts.hire`
picks a registered employer and schedules the employer's acts that go with it (a vacancy filled
by the client, a wage subsidy decided before a subsidised job starts). The structural-change case
follows docs/domain.md §8: change negotiations notified, then dismissals of at least ten employees
on one notice, several of them 55 or older with five years' service and so entitled to
change-security training.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

import attrs

from employment_domain.calendar import add_working_days
from employment_domain.demo.population import DemoIds, EmployerProfile, Person, working_day
from employment_domain.demo.timeline import Agenda, Phase
from employment_domain.employers.employer import DismissedEmployee
from employment_domain.parameters import Parameters
from employment_domain.target_groups import add_months
from employment_domain.values import Period

__all__ = ["Dismissal", "EmployerScripts"]

_TITLES = {
    "J": ("Software developer", "Cloud engineer", "Test automation engineer", "IT support"),
    "M": ("Consultant", "Accountant", "Project coordinator"),
    "Q": ("Practical nurse", "Care assistant", "Registered nurse"),
    "G": ("Sales assistant", "Store manager", "Warehouse clerk"),
    "I": ("Cook", "Waiter", "Kitchen assistant"),
    "F": ("Construction worker", "Electrician", "Site supervisor"),
    "H": ("Truck driver", "Courier", "Logistics planner"),
    "N": ("Cleaner", "Property maintenance worker", "Security guard"),
    "C": ("Production worker", "Machinist", "Quality engineer"),
    "P": ("Teacher", "Teaching assistant"),
}
_THROUGH_VACANCY = 0.35  # open-market hires made through a vacancy reported to the area


@attrs.frozen
class Dismissal:
    """The structural-change case as scripted: who is dismissed and when."""

    employer: EmployerProfile
    negotiations_on: date
    notice_on: date
    dismissed_on: date
    registration: tuple[date, date]

    @classmethod
    def planned(cls, employers: Sequence[EmployerProfile], year: int) -> Dismissal:
        """The case of the year: an early-registered technology or ICT employer, by default."""
        early = [e for e in employers if e.registered_on < date(year, 2, 1)] or list(employers)
        tech = [e for e in early if e.industry in ("C", "J")]
        return cls(
            employer=(tech or early)[0],
            negotiations_on=working_day(date(year, 3, 3)),
            notice_on=working_day(date(year, 4, 14)),
            dismissed_on=date(year, 6, 30),
            registration=(working_day(date(year, 4, 1)), working_day(date(year, 4, 11))),
        )


class EmployerScripts:
    """Draws the employers' acts into the agenda, and hires jobseekers on request."""

    def __init__(
        self,
        rng: random.Random,
        ids: DemoIds,
        agenda: Agenda,
        *,
        year: int,
        parameters: Parameters,
        employers: Sequence[EmployerProfile],
        contact_topics: Sequence[str],
    ) -> None:
        self.rng, self.ids, self.agenda, self.year = rng, ids, agenda, year
        self.contact_topics = tuple(contact_topics)
        self.parameters = parameters
        self.employers = list(employers)
        self._registered_on = [employer.registered_on for employer in self.employers]
        self.last_day = date(year, 12, 31)

    def _registered_by(self, day: date) -> EmployerProfile | None:
        """A random employer registered on or before ``day``, None if there is none yet."""
        count = bisect.bisect_right(self._registered_on, day)
        return self.employers[self.rng.randrange(count)] if count else None

    def script(self, case: Dismissal) -> None:
        """Registrations, contacts, vacancies of the open market, and small change negotiations."""
        rng, add = self.rng, self.agenda.add
        for employer in self.employers:
            employer_id = employer.employer_id
            add(employer.registered_on, Phase.EMPLOYER, "register", employer)
            for _ in range(rng.randint(1, 3)):
                day = self._later(employer.registered_on, 330)
                if day is not None:
                    add(
                        day, Phase.EMPLOYER, "contact", employer_id, rng.choice(self.contact_topics)
                    )
            for _ in range(rng.choice((1, 2, 3, 3, 4, 5, 6))):
                reported = self._later(employer.registered_on, 330)
                if reported is not None:
                    self._open_vacancy(employer, reported, None)
        small = [e for e in self.employers if e is not case.employer][:2]
        threshold = self.parameters.value("structural_change_dismissal_threshold", self.last_day)
        for number, employer in enumerate(small):
            day = max(working_day(date(self.year, 9, 1 + 14 * number)), employer.registered_on)
            negotiation_id = self.ids.next("negotiation")
            affected = rng.randint(8, 15)
            add(day, Phase.EMPLOYER, "negotiations", employer.employer_id, negotiation_id, affected)
            count = rng.randint(3, max(3, threshold - 4))
            notice_on = add_working_days(day, rng.randint(15, 25))
            dismissed_on = notice_on + timedelta(days=60)
            add(
                notice_on,
                Phase.EMPLOYER,
                "dismissals",
                employer.employer_id,
                self.ids.next("notice"),
                count,
                dismissed_on,
                (),
                negotiation_id,
            )

    def _later(self, first: date, within: int) -> date | None:
        day = working_day(first + timedelta(days=self.rng.randint(0, within)))
        return day if day <= self.last_day else None

    def _open_vacancy(self, employer: EmployerProfile, reported: date, hire: UUID | None) -> UUID:
        """Report a vacancy; fill it with ``hire`` on the day it is reported plus up to 60 days
        (the caller's hiring day), or let its fate be drawn: filled by others, withdrawn, open."""
        rng, add = self.rng, self.agenda.add
        vacancy_id = self.ids.next("vacancy")
        positions = 1 if rng.random() < 0.75 else rng.randint(2, 3)
        title = rng.choice(_TITLES.get(employer.industry, ("Employee",)))
        location = employer.municipality
        add(
            reported,
            Phase.EMPLOYER,
            "vacancy",
            employer.employer_id,
            vacancy_id,
            title,
            location,
            positions,
        )
        taken = 1 if hire is not None else 0
        if positions > taken:
            fate = rng.choices(("filled", "withdrawn", "open"), (60, 15, 25))[0]
            day = working_day(reported + timedelta(days=rng.randint(14, 75)))
            if hire is not None:
                day = max(day, reported + timedelta(days=61))
            if fate != "open" and day <= self.last_day:
                if fate == "filled":
                    others = positions - taken
                    add(day, Phase.FILL, "fill", employer.employer_id, vacancy_id, others, None)
                else:
                    reason = "position filled from elsewhere"
                    add(day, Phase.EMPLOYER, "withdraw", employer.employer_id, vacancy_id, reason)
        return vacancy_id

    # -- hiring a jobseeker ----------------------------------------------------------------------

    def hire(
        self, person: Person, day: date, kind: str, term: str
    ) -> tuple[UUID | None, date | None]:
        """The employer that hires ``person`` on ``day`` (None: not a registered employer) and
        the last day of a subsidised job, scheduling the vacancy or subsidy that goes with it."""
        rng = self.rng
        if kind == "subsidised":
            decided = working_day(day - timedelta(days=rng.randint(8, 20)))
            employer = self._registered_by(decided)
            if employer is None or decided < person.started_on:
                return None, None
            return employer.employer_id, self._subsidy(employer, person, decided, day)
        if rng.random() >= _THROUGH_VACANCY:
            return None, None
        reported = working_day(day - timedelta(days=rng.randint(10, 60)))
        employer = self._registered_by(reported)
        if employer is None:
            return None, None
        vacancy_id = self._open_vacancy(employer, reported, person.client_id)
        self.agenda.add(
            day, Phase.FILL, "fill", employer.employer_id, vacancy_id, 1, person.client_id
        )
        return employer.employer_id, None

    def _subsidy(
        self, employer: EmployerProfile, person: Person, decided: date, day: date
    ) -> date | None:
        rng, add = self.rng, self.agenda.add
        rate = 70 if person.partially_able_to_work else 50
        kind, months = "wage_subsidy", rng.choice((5, 10) if rate == 50 else (10, 12, 18))
        if person.age_on(day) < 25 and rng.random() < 0.3:
            kind, months = "apprenticeship", 24
        period = Period(day, add_months(day, months))
        employer_id = employer.employer_id
        add(
            decided,
            Phase.EMPLOYER,
            "subsidy",
            employer_id,
            self.ids.next("subsidy"),
            kind,
            period,
            rate,
            person.client_id,
        )
        if rate == 70 and rng.random() < 0.3:
            subsidy_id = self.ids.next("subsidy")
            args = (employer_id, subsidy_id, "work_arrangement", period, None, person.client_id)
            add(decided, Phase.EMPLOYER, "subsidy", *args)
        return period.last_day if period.last_day <= self.last_day else None

    # -- the structural-change case ----------------------------------------------------------

    def structural_change(self, case: Dismissal, dismissed: Sequence[Person]) -> list[UUID]:
        """Script the case; returns the clients entitled to change-security training.

        Every third dismissed employee is 55 or older; all of them but (when there are four or
        more) the last have five years' service or more, so several are entitled.
        """
        rng, add = self.rng, self.agenda.add
        employer_id = case.employer.employer_id
        negotiation_id = self.ids.next("negotiation")
        affected = len(dismissed) + rng.randint(5, 20)
        add(
            case.negotiations_on,
            Phase.EMPLOYER,
            "negotiations",
            employer_id,
            negotiation_id,
            affected,
        )
        topic = "change negotiations and change security"
        add(case.negotiations_on, Phase.EMPLOYER, "contact", employer_id, topic)
        min_age = self.parameters.value("change_security_training_min_age", case.dismissed_on)
        min_years = self.parameters.value(
            "change_security_training_min_years_of_service", case.dismissed_on
        )
        older = [p for p in dismissed if p.age_on(case.dismissed_on) >= min_age]
        employees, entitled = [], []
        for person in dismissed:
            years = (
                rng.randint(min_years, min_years + 20) if person in older else rng.randint(1, 20)
            )
            if len(older) >= 4 and person is older[-1]:
                years = min_years - 2
            age = person.age_on(case.dismissed_on)
            employees.append(DismissedEmployee(age, years, person.client_id))
            if age >= min_age and years >= min_years:
                entitled.append(person.client_id)
            hired = add_months(case.dismissed_on, -12 * years - rng.randint(1, 11))
            employment_id = self.ids.next("employment")
            args = (person.client_id, employment_id, "open_market", "permanent", employer_id, hired)
            add(person.started_on, Phase.EMPLOY, "employ", *args)
            end = ("end_employment", person.client_id, employment_id)
            add(case.dismissed_on, Phase.EMPLOY, *end)
        add(
            case.notice_on,
            Phase.EMPLOYER,
            "dismissals",
            employer_id,
            self.ids.next("notice"),
            len(dismissed),
            case.dismissed_on,
            tuple(employees),
            negotiation_id,
        )
        plan = "action plan for re-employment with the staff"
        add(add_working_days(case.notice_on, 5), Phase.EMPLOYER, "contact", employer_id, plan)
        add(working_day(date(self.year, 12, 15)), Phase.EMPLOYER, "close_case", employer_id)
        return entitled
