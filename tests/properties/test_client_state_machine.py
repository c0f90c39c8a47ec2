"""Random command sequences through EmploymentArea keep the aggregates' promises.

Every command either records its events or raises a named domain error and records nothing; every
aggregate rebuilt from the store equals the live one the command saved; and no computed statutory
deadline falls on a weekend or a Finnish public holiday. Business dates mostly move forward, with
some acts dated a few days back so that out-of-order refusals are exercised too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
)

from employment_domain import EmploymentArea, EmploymentDomainError, Money, Period, is_working_day
from employment_domain.clients.client import Client
from employment_domain.decisions import Decision
from employment_domain.employers.employer import DismissedEmployee
from employment_domain.store.service import application_of
from employment_domain.target_groups import EDUCATION_LEVELS

SERVICE_TYPES = ["coaching", "labour_market_training", "work_try_out", "job_placement"]
BUSINESS_IDS = ["1234560-4", "1234561-2", "1234562-0"]
LAST_DAY = date(2027, 12, 31)
#: Days from "today" to an act: mostly the same day or later, sometimes a few days back.
shifts = st.one_of(
    st.just(0), st.integers(min_value=1, max_value=20), st.integers(min_value=-3, max_value=-1)
)


class _ObservedArea(EmploymentArea):
    """The real application, remembering the live aggregate of every successful save."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.live: dict[UUID, Any] = {}

    def _save(self, *objs: Any) -> None:
        super()._save(*objs)
        for aggregate in objs:
            self.live[aggregate.id] = aggregate


class ClientAndEmployerLives(RuleBasedStateMachine):
    """Jobseekers and employers driven by random commands on one in-memory store."""

    clients = Bundle("clients")
    referrals = Bundle("referrals")
    employments = Bundle("employments")
    employers = Bundle("employers")
    vacancies = Bundle("vacancies")

    def __init__(self) -> None:
        super().__init__()
        self.area = _ObservedArea()
        self.today = date(2025, 1, 2)
        self.refusals = 0

    def attempt(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a command: it records at least one event, or refuses and records nothing."""
        before = self.area.head_position()
        try:
            result = command(*args, **kwargs)
        except EmploymentDomainError as error:
            assert type(error) is not EmploymentDomainError, "refusals use named subclasses"
            assert self.area.head_position() == before, str(error)
            self.refusals += 1
            return None
        assert self.area.head_position() > before
        return result

    def day(self, shift: int) -> date:
        return self.today + timedelta(days=shift)

    @rule(days=st.integers(min_value=0, max_value=75))
    def time_passes(self, days: int) -> None:
        self.today = min(self.today + timedelta(days=days), LAST_DAY)

    # Clients -----------------------------------------------------------------------------------

    @rule(
        target=clients,
        age=st.integers(min_value=16, max_value=66),
        tongue=st.sampled_from(["fi", "sv", "so", "ar", "und", "not a code"]),
        education=st.sampled_from(EDUCATION_LEVELS),
        permit_years_ago=st.none() | st.integers(min_value=0, max_value=5),
        partially_able=st.booleans(),
    )
    def start_job_search(
        self,
        age: int,
        tongue: str,
        education: str,
        permit_years_ago: int | None,
        partially_able: bool,
    ) -> Any:
        permit = None if permit_years_ago is None else self.day(-365 * permit_years_ago)
        client_id = self.attempt(
            self.area.start_job_search,
            on=self.today,
            municipality="049",
            birth_date=self.day(-365 * age - 100),
            district="Matinkylä",
            mother_tongue=tongue,
            education_level=education,
            first_residence_permit_on=permit,
            partially_able_to_work=partially_able,
        )
        return multiple() if client_id is None else client_id

    @rule(client=clients, shift=shifts)
    def hold_initial_interview(self, client: UUID, shift: int) -> None:
        self.attempt(self.area.hold_initial_interview, client, on=self.day(shift))

    @rule(client=clients, shift=shifts)
    def hold_job_search_discussion(self, client: UUID, shift: int) -> None:
        self.attempt(self.area.hold_job_search_discussion, client, on=self.day(shift))

    @rule(client=clients, shift=shifts)
    def hold_supplementary_discussion(self, client: UUID, shift: int) -> None:
        self.attempt(self.area.hold_supplementary_discussion, client, on=self.day(shift))

    @rule(
        client=clients,
        shift=shifts,
        plan_type=st.sampled_from(["employment", "activation", "integration", "unknown"]),
        applications=st.none() | st.integers(min_value=-1, max_value=5),
    )
    def agree_plan(
        self, client: UUID, shift: int, plan_type: str, applications: int | None
    ) -> None:
        self.attempt(
            self.area.agree_plan,
            client,
            on=self.day(shift),
            plan_type=plan_type,
            applications_per_month=applications,
        )

    @rule(
        client=clients,
        shift=shifts,
        district=st.sampled_from(["Matinkylä", "Tapiola", ""]),
        municipality=st.sampled_from(["049", "235"]),
    )
    def change_facts(self, client: UUID, shift: int, district: str, municipality: str) -> None:
        self.attempt(
            self.area.change_client_facts,
            client,
            on=self.day(shift),
            district=district,
            municipality=municipality,
        )

    @rule(client=clients, shift=shifts, reason=st.sampled_from(["employed", "other", "bored"]))
    def end_job_search(self, client: UUID, shift: int, reason: str) -> None:
        self.attempt(self.area.end_job_search, client, on=self.day(shift), reason=reason)

    @rule(client=clients, shift=shifts)
    def restart_job_search(self, client: UUID, shift: int) -> None:
        self.attempt(self.area.restart_job_search, client, on=self.day(shift))

    @rule(
        target=referrals,
        client=clients,
        shift=shifts,
        service_type=st.sampled_from(SERVICE_TYPES),
        decided_for=st.none() | st.sampled_from(SERVICE_TYPES),
    )
    def refer_to_service(
        self, client: UUID, shift: int, service_type: str, decided_for: str | None
    ) -> Any:
        decision = Decision(
            route="in_house",
            unit="Matinkylä office",
            rule_id="property",
            rulebook_version="test",
            service_type=decided_for,
        )
        referral_id = self.attempt(
            self.area.refer_to_service,
            client,
            on=self.day(shift),
            service_type=service_type,
            decision=decision,
        )
        return multiple() if referral_id is None else (client, referral_id)

    @rule(referral=referrals, shift=shifts)
    def start_service(self, referral: tuple[UUID, UUID], shift: int) -> None:
        self.attempt(self.area.start_service, *referral, on=self.day(shift))

    @rule(referral=referrals, shift=shifts)
    def complete_service(self, referral: tuple[UUID, UUID], shift: int) -> None:
        self.attempt(self.area.complete_service, *referral, on=self.day(shift))

    @rule(referral=referrals, shift=shifts)
    def interrupt_service(self, referral: tuple[UUID, UUID], shift: int) -> None:
        self.attempt(self.area.interrupt_service, *referral, on=self.day(shift), reason="ill")

    @rule(
        target=employments,
        client=clients,
        shift=shifts,
        kind=st.sampled_from(["open_market", "subsidised"]),
        term=st.sampled_from(["permanent", "fixed_term"]),
        starts_in=st.integers(min_value=-10, max_value=30),
    )
    def record_employment(
        self, client: UUID, shift: int, kind: str, term: str, starts_in: int
    ) -> Any:
        employment_id = self.attempt(
            self.area.record_employment,
            client,
            on=self.day(shift),
            kind=kind,
            term=term,
            starts_on=self.day(starts_in),
        )
        return multiple() if employment_id is None else (client, employment_id)

    @rule(employment=employments, shift=st.integers(min_value=-5, max_value=90))
    def end_employment(self, employment: tuple[UUID, UUID], shift: int) -> None:
        self.attempt(self.area.end_employment, *employment, on=self.day(shift))

    # Employers ---------------------------------------------------------------------------------

    @rule(target=employers, business_id=st.sampled_from(BUSINESS_IDS))
    def register_employer(self, business_id: str) -> Any:
        employer_id = self.attempt(
            self.area.register_employer,
            on=self.today,
            business_id=business_id,
            name="Yritys Oy",
            municipality="049",
            industry="47",
        )
        return multiple() if employer_id is None else employer_id

    @rule(
        target=vacancies,
        employer=employers,
        shift=shifts,
        positions=st.integers(min_value=0, max_value=3),
    )
    def report_vacancy(self, employer: UUID, shift: int, positions: int) -> Any:
        vacancy_id = self.attempt(
            self.area.report_vacancy,
            employer,
            on=self.day(shift),
            title="Seller",
            location="049",
            positions=positions,
        )
        return multiple() if vacancy_id is None else (employer, vacancy_id)

    @rule(vacancy=vacancies, shift=shifts, positions=st.integers(min_value=1, max_value=3))
    def fill_vacancy(self, vacancy: tuple[UUID, UUID], shift: int, positions: int) -> None:
        self.attempt(self.area.fill_vacancy, *vacancy, on=self.day(shift), positions=positions)

    @rule(vacancy=vacancies, shift=shifts)
    def withdraw_vacancy(self, vacancy: tuple[UUID, UUID], shift: int) -> None:
        self.attempt(self.area.withdraw_vacancy, *vacancy, on=self.day(shift), reason="closed")

    @rule(
        employer=employers,
        client=clients,
        kind=st.sampled_from(["wage_subsidy", "apprenticeship", "job_coaching"]),
        rate=st.sampled_from([None, 50, 70, 60]),
        months=st.integers(min_value=1, max_value=26),
    )
    def decide_subsidy(
        self, employer: UUID, client: UUID, kind: str, rate: int | None, months: int
    ) -> None:
        start = self.day(7)
        self.attempt(
            self.area.decide_subsidy,
            employer,
            on=self.today,
            kind=kind,
            period=Period(start, start + timedelta(days=30 * months)),
            rate_percent=rate,
            amount=Money("1000.00"),
            client_id=client,
        )

    @rule(
        employer=employers,
        count=st.integers(min_value=0, max_value=14),
        ages=st.lists(st.integers(min_value=40, max_value=64), max_size=4),
    )
    def notify_dismissals(self, employer: UUID, count: int, ages: list[int]) -> None:
        self.attempt(
            self.area.notify_dismissals,
            employer,
            on=self.today,
            count=count,
            dismissed_on=self.day(60),
            employees=[DismissedEmployee(age=age, years_of_service=age - 38) for age in ages],
        )

    @rule(employer=employers, shift=shifts)
    def record_contact(self, employer: UUID, shift: int) -> None:
        self.attempt(
            self.area.record_employer_contact, employer, on=self.day(shift), topic="recruitment"
        )

    # Invariants --------------------------------------------------------------------------------

    @invariant()
    def every_aggregate_rebuilt_from_the_store_equals_the_live_one(self) -> None:
        for aggregate_id, live in self.area.live.items():
            assert application_of(self.area).repository.get(aggregate_id) == live

    @invariant()
    def no_computed_deadline_falls_on_a_weekend_or_a_public_holiday(self) -> None:
        parameters = self.area.parameters
        for live in self.area.live.values():
            if not isinstance(live, Client):
                continue
            due = [deadline.due_on for deadline in live.deadlines(self.today, parameters)]
            initial = live.initial_interview_deadline(parameters)
            pending = live.next_deadline(self.today, parameters)
            due += [] if initial is None else [initial]
            due += [] if pending is None else [pending.due_on]
            assert all(is_working_day(day) for day in due), due


ClientAndEmployerLives.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_client_and_employer_lives = ClientAndEmployerLives.TestCase
