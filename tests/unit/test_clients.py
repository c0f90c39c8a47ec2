"""Every client command and every refusal, on the in-memory store; deadlines across holidays."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from employment_domain import EmploymentArea, EmploymentDomainError, NotFoundError
from employment_domain.clients.client import (
    ClientError,
    EmploymentError,
    InitialInterviewError,
    JobSearchActiveError,
    JobSearchNotActiveError,
    PlanError,
    ProcessOrderError,
    ReferralError,
)
from employment_domain.decisions import Decision
from employment_domain.values import MunicipalityCode, MunicipalityError

START = date(2025, 3, 3)  # a Monday


@pytest.fixture
def area() -> EmploymentArea:
    return EmploymentArea(":memory:")


def a_client(area: EmploymentArea, on: date = START, **facts: Any) -> UUID:
    """A 35-year-old Finnish-speaking jobseeker in Espoo, with ``facts`` changed."""
    arguments: dict[str, Any] = {
        "municipality": "049",
        "birth_date": date(1990, 1, 15),
        "district": "Leppävaara",
        "mother_tongue": "fi",
        "education_level": "upper_secondary",
        **facts,
    }
    return area.start_job_search(on=on, **arguments)


def interviewed(area: EmploymentArea, on: date = START) -> UUID:
    client_id = a_client(area, on)
    area.hold_initial_interview(client_id, on=on)
    return client_id


def a_decision(service_type: str | None = None) -> Decision:
    return Decision(
        route="in_house",
        unit="Leppävaara office",
        rule_id="statutory-in-house",
        rulebook_version="test",
        facts={"age": 35},
        service_type=service_type,
    )


@contextmanager
def refused(area: EmploymentArea, error: type[Exception], match: str) -> Iterator[None]:
    """The command inside raises ``error`` naming ``match`` and records nothing."""
    before = area.head_position()
    with pytest.raises(error, match=match) as raised:
        yield
    assert isinstance(raised.value, EmploymentDomainError)
    assert area.head_position() == before


def event_types(area: EmploymentArea, client_id: UUID) -> list[str]:
    return [event["type"] for event in area.client_history(client_id)]


# Starting a job search, and the client's facts ---------------------------------------------------


def test_a_job_search_records_every_fact_of_the_client(area: EmploymentArea) -> None:
    client_id = a_client(
        area,
        mother_tongue="SO",
        education_level="master",
        first_residence_permit_on=date(2024, 5, 1),
        partially_able_to_work=True,
        needs_multi_agency_service=True,
    )
    client = area.get_client(client_id)
    assert client.municipality == MunicipalityCode("049")
    assert client.district == "Leppävaara"
    assert client.birth_month == date(1990, 1, 1)  # the history keeps the month only
    assert client.mother_tongue == "so"
    assert client.education_level == "master"
    assert client.first_residence_permit_on == date(2024, 5, 1)
    assert client.partially_able_to_work is True
    assert client.needs_multi_agency_service is True
    assert client.job_search_started_on == START
    assert client.job_search_active


def test_a_client_registered_with_the_minimum_has_unknown_district_language_and_education(
    area: EmploymentArea,
) -> None:
    client_id = area.start_job_search(on=START, municipality="235", birth_date=date(1980, 1, 1))
    client = area.get_client(client_id)
    assert (client.district, client.mother_tongue, client.education_level) == (
        "unknown",
        "und",
        "unknown",
    )
    assert client.target_groups(START, area.parameters) == frozenset()


@pytest.mark.parametrize(
    ("facts", "match"),
    [
        ({"district": " "}, "district"),
        ({"mother_tongue": "finnish"}, "finnish"),
        ({"education_level": "phd"}, "phd"),
        ({"first_residence_permit_on": date(1989, 12, 31)}, "1989-12-31"),
        ({"first_residence_permit_on": date(2025, 3, 4)}, "2025-03-04"),
        ({"partially_able_to_work": "yes"}, "yes"),
        ({"needs_multi_agency_service": 1}, "needs_multi_agency_service"),
        ({"birth_date": date(2025, 3, 3)}, "2025-03-03"),
    ],
)
def test_an_impossible_fact_is_refused_naming_its_value(
    area: EmploymentArea, facts: dict[str, Any], match: str
) -> None:
    with refused(area, ClientError, match):
        a_client(area, **facts)


def test_a_job_search_needs_a_date_not_a_timestamp(area: EmploymentArea) -> None:
    with refused(area, ClientError, "business date"):
        a_client(area, on=datetime(2025, 3, 3, 9, 0))


@pytest.mark.parametrize("client_id", ["abc", 5, 0])
def test_a_chosen_client_id_that_is_not_a_uuid_is_refused(
    area: EmploymentArea, client_id: object
) -> None:
    with refused(area, ClientError, "a client id is a UUID"):
        a_client(area, client_id=client_id)


def test_ids_that_are_not_uuids_name_no_referral_and_no_employment(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    with refused(area, ReferralError, "no referral"):
        area.start_service(client_id, ["not", "an", "id"], on=START)  # type: ignore[arg-type]
    with refused(area, EmploymentError, "no employment"):
        area.end_employment(client_id, "e-1", on=START)  # type: ignore[arg-type]
    with refused(area, ReferralError, "not a new UUID"):
        area.refer_to_service(
            client_id,
            on=START,
            service_type="coaching",
            decision=a_decision(),
            referral_id=0,  # type: ignore[arg-type]
        )


def test_an_unknown_municipality_is_refused(area: EmploymentArea) -> None:
    with refused(area, MunicipalityError, "999"):
        a_client(area, municipality="999")


def test_changed_facts_are_recorded_and_only_the_facts_that_changed(area: EmploymentArea) -> None:
    client_id = a_client(area)
    area.change_client_facts(
        client_id,
        on=date(2025, 4, 1),
        municipality="235",
        district="Kauniainen",
        mother_tongue="fi",
        partially_able_to_work=True,
    )
    client = area.get_client(client_id)
    assert client.municipality == MunicipalityCode("235")
    assert client.district == "Kauniainen" and client.partially_able_to_work
    changed = area.client_history(client_id)[-1]
    assert changed["type"] == "FactsChanged" and changed["on"] == "2025-04-01"
    assert changed["changes"] == {
        "municipality": "235",
        "district": "Kauniainen",
        "partially_able_to_work": True,
    }


def test_a_residence_permit_granted_during_the_job_search_may_be_recorded(
    area: EmploymentArea,
) -> None:
    client_id = a_client(area)
    area.change_client_facts(
        client_id, on=date(2025, 5, 2), first_residence_permit_on=date(2025, 5, 2)
    )
    assert "integration_phase" in area.client_target_groups(client_id, date(2025, 5, 2))


def test_a_change_of_facts_that_changes_nothing_or_names_no_fact_is_refused(
    area: EmploymentArea,
) -> None:
    client_id = a_client(area)
    with refused(area, ClientError, "no fact changes"):
        area.change_client_facts(client_id, on=START, district="Leppävaara")
    with refused(area, ClientError, "shoe_size"):
        area.change_client_facts(client_id, on=START, shoe_size=43)
    with refused(area, ProcessOrderError, "2025-03-02"):
        area.change_client_facts(client_id, on=date(2025, 3, 2), district="Tapiola")


def test_an_unknown_client_is_a_named_error(area: EmploymentArea) -> None:
    with pytest.raises(NotFoundError, match="no client"):
        area.hold_initial_interview(uuid4(), on=START)


# The statutory process ---------------------------------------------------------------------------


def test_the_initial_interview_is_recorded_with_its_business_date(area: EmploymentArea) -> None:
    client_id = interviewed(area, START)
    assert area.get_client(client_id).job_search.initial_interview_on == START
    assert event_types(area, client_id) == ["JobSearchStarted", "InitialInterviewHeld"]


def test_an_interview_before_the_job_search_is_refused(area: EmploymentArea) -> None:
    client_id = a_client(area)
    with refused(area, ProcessOrderError, "before the job search started on 2025-03-03"):
        area.hold_initial_interview(client_id, on=date(2025, 2, 28))


def test_a_second_initial_interview_in_one_job_search_is_refused(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    with refused(area, InitialInterviewError, "held already on 2025-03-03"):
        area.hold_initial_interview(client_id, on=date(2025, 3, 5))


def test_a_plan_gets_the_default_obligation_of_four_applications_a_month(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area)
    area.agree_plan(client_id, on=START)
    search = area.get_client(client_id).job_search
    assert (search.plan_type, search.applications_per_month, search.plan_agreed_on) == (
        "employment",
        4,
        START,
    )


def test_a_later_plan_replaces_the_employment_plan_with_a_lowered_obligation(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area)
    area.agree_plan(client_id, on=START)
    area.agree_plan(
        client_id, on=date(2025, 6, 2), plan_type="activation", applications_per_month=0
    )
    search = area.get_client(client_id).job_search
    assert (search.plan_type, search.applications_per_month) == ("activation", 0)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"plan_type": "holiday"}, "holiday"),
        ({"applications_per_month": 5}, "5"),
        ({"applications_per_month": -1}, "-1"),
        ({"applications_per_month": True}, "True"),
        ({"plan_type": "integration"}, "integration phase"),
    ],
)
def test_an_impossible_plan_is_refused(
    area: EmploymentArea, arguments: dict[str, Any], match: str
) -> None:
    client_id = interviewed(area)
    with refused(area, PlanError, match):
        area.agree_plan(client_id, on=START, **arguments)


def test_an_integration_plan_is_agreed_in_the_integration_phase(area: EmploymentArea) -> None:
    client_id = a_client(area, first_residence_permit_on=date(2024, 9, 1), mother_tongue="uk")
    area.agree_plan(client_id, on=START, plan_type="integration")
    assert area.get_client(client_id).job_search.plan_type == "integration"


def test_a_job_search_discussion_before_the_initial_interview_is_refused(
    area: EmploymentArea,
) -> None:
    client_id = a_client(area)
    with refused(area, InitialInterviewError, "before the initial interview"):
        area.hold_job_search_discussion(client_id, on=date(2025, 4, 1))


def test_business_dates_going_backwards_within_the_process_are_refused(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area)
    area.hold_job_search_discussion(client_id, on=date(2025, 6, 2))
    for command in (
        area.hold_job_search_discussion,
        area.hold_supplementary_discussion,
        area.agree_plan,
    ):
        with refused(area, ProcessOrderError, "previous act of the process on 2025-06-02"):
            command(client_id, on=date(2025, 6, 1))


def test_discussions_are_recorded_in_order(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    area.hold_supplementary_discussion(client_id, on=date(2025, 3, 17))
    area.hold_job_search_discussion(client_id, on=date(2025, 6, 2))
    search = area.get_client(client_id).job_search
    assert search.supplementary_discussions == [date(2025, 3, 17)]
    assert search.discussions == [date(2025, 6, 2)]


# Ending and restarting the job search ------------------------------------------------------------


def test_an_ended_job_search_refuses_every_act_of_the_process(area: EmploymentArea) -> None:
    client_id = a_client(area)
    area.end_job_search(client_id, on=date(2025, 3, 10), reason="education")
    later = date(2025, 3, 11)
    commands: list[tuple[Callable[..., object], dict[str, Any]]] = [
        (area.hold_initial_interview, {}),
        (area.hold_job_search_discussion, {}),
        (area.hold_supplementary_discussion, {}),
        (area.agree_plan, {}),
        (area.end_job_search, {"reason": "other"}),
        (area.change_client_facts, {"district": "Tapiola"}),
        (area.refer_to_service, {"service_type": "coaching", "decision": a_decision()}),
        (area.record_employment, {"kind": "open_market", "term": "permanent"}),
    ]
    for command, arguments in commands:
        with refused(area, JobSearchNotActiveError, "ended on 2025-03-10"):
            command(client_id, on=later, **arguments)


def test_ending_a_job_search_needs_a_known_reason_and_a_date_after_the_last_act(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area, date(2025, 3, 5))
    with refused(area, ClientError, "bored"):
        area.end_job_search(client_id, on=date(2025, 3, 6), reason="bored")
    with refused(area, ProcessOrderError, "2025-03-04"):
        area.end_job_search(client_id, on=date(2025, 3, 4), reason="other")
    area.end_job_search(client_id, on=date(2025, 3, 6), reason="employed")
    client = area.get_client(client_id)
    assert not client.job_search_active
    assert (client.job_search.ended_on, client.job_search.end_reason) == (
        date(2025, 3, 6),
        "employed",
    )


def test_a_running_job_search_cannot_restart(area: EmploymentArea) -> None:
    client_id = a_client(area)
    with refused(area, JobSearchActiveError, "has not ended"):
        area.restart_job_search(client_id, on=date(2025, 4, 1))


def test_a_job_search_cannot_restart_before_the_previous_ended(area: EmploymentArea) -> None:
    client_id = a_client(area)
    area.end_job_search(client_id, on=date(2025, 4, 1), reason="employed")
    with refused(area, ProcessOrderError, "2025-03-31"):
        area.restart_job_search(client_id, on=date(2025, 3, 31))


def test_a_repeat_initial_interview_comes_only_six_months_after_the_previous_job_search(
    area: EmploymentArea,
) -> None:
    soon, late = interviewed(area), interviewed(area)
    for client_id in (soon, late):
        area.end_job_search(client_id, on=date(2025, 4, 1), reason="employed")
    area.restart_job_search(soon, on=date(2025, 9, 30))
    area.restart_job_search(late, on=date(2025, 10, 1))
    with refused(area, InitialInterviewError, "no repeat initial interview"):
        area.hold_initial_interview(soon, on=date(2025, 10, 2))
    area.hold_job_search_discussion(soon, on=date(2025, 10, 2))
    area.hold_initial_interview(late, on=date(2025, 10, 2))
    assert area.get_client(soon).initial_interview_deadline(area.parameters) is None
    assert area.get_client(late).initial_interview_deadline(area.parameters) == date(2025, 10, 8)


def test_a_restarted_job_search_may_record_changed_facts_with_it(area: EmploymentArea) -> None:
    client_id = a_client(area)
    area.end_job_search(client_id, on=date(2025, 4, 1), reason="moved_away")
    area.restart_job_search(
        client_id, on=date(2026, 1, 5), municipality="235", district="Leppävaara"
    )
    assert event_types(area, client_id)[-2:] == ["JobSearchRestarted", "FactsChanged"]
    client = area.get_client(client_id)
    assert client.municipality == MunicipalityCode("235")
    assert len(client.job_searches) == 2 and client.job_search_started_on == date(2026, 1, 5)


# Services ----------------------------------------------------------------------------------------


def test_a_referral_carries_its_routing_decision_through_start_and_completion(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area)
    decision = a_decision("coaching")
    referral_id = area.refer_to_service(
        client_id, on=date(2025, 3, 4), service_type="coaching", decision=decision
    )
    area.start_service(client_id, referral_id, on=date(2025, 3, 10))
    area.complete_service(client_id, referral_id, on=date(2025, 4, 30))
    referral = area.get_client(client_id).referrals[referral_id]
    assert referral.decision == decision
    assert (referral.referred_on, referral.started_on, referral.ended_on) == (
        date(2025, 3, 4),
        date(2025, 3, 10),
        date(2025, 4, 30),
    )
    assert referral.status == "completed"
    referred = area.client_history(client_id)[2]
    assert referred["type"] == "ReferredToService"
    assert referred["decision"]["rule_id"] == "statutory-in-house"
    assert referred["referral_id"] == str(referral_id)


def test_a_service_may_be_interrupted_before_or_after_it_started(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    never = area.refer_to_service(
        client_id, on=START, service_type="work_try_out", decision=a_decision()
    )
    broken = area.refer_to_service(
        client_id, on=START, service_type="labour_market_training", decision=a_decision()
    )
    area.interrupt_service(client_id, never, on=date(2025, 3, 20), reason="found work")
    area.start_service(client_id, broken, on=date(2025, 3, 10))
    area.interrupt_service(client_id, broken, on=date(2025, 4, 4), reason="illness")
    referrals = area.get_client(client_id).referrals
    assert referrals[never].status == referrals[broken].status == "interrupted"
    assert referrals[broken].interruption_reason == "illness"


def test_impossible_referrals_are_refused(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    with refused(area, ReferralError, "Coaching!"):
        area.refer_to_service(client_id, on=START, service_type="Coaching!", decision=a_decision())
    with refused(area, ReferralError, "decision about 'work_try_out'"):
        area.refer_to_service(
            client_id, on=START, service_type="coaching", decision=a_decision("work_try_out")
        )
    with refused(area, ReferralError, "Decision"):
        area.refer_to_service(
            client_id,
            on=START,
            service_type="coaching",
            decision={"route": "in_house"},  # type: ignore[arg-type]
        )
    with refused(area, ProcessOrderError, "2025-03-02"):
        area.refer_to_service(
            client_id, on=date(2025, 3, 2), service_type="coaching", decision=a_decision()
        )
    referral_id = area.refer_to_service(
        client_id, on=START, service_type="coaching", decision=a_decision()
    )
    with refused(area, ReferralError, "not a new UUID"):
        area.refer_to_service(
            client_id,
            on=START,
            service_type="coaching",
            decision=a_decision(),
            referral_id=referral_id,
        )


def test_impossible_service_sequences_are_refused(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    referral_id = area.refer_to_service(
        client_id, on=date(2025, 3, 10), service_type="coaching", decision=a_decision()
    )
    with refused(area, ReferralError, "never started"):
        area.complete_service(client_id, referral_id, on=date(2025, 3, 20))
    with refused(area, ProcessOrderError, "2025-03-09"):
        area.start_service(client_id, referral_id, on=date(2025, 3, 9))
    with refused(area, ReferralError, "no referral"):
        area.start_service(client_id, uuid4(), on=date(2025, 3, 20))
    area.start_service(client_id, referral_id, on=date(2025, 3, 12))
    with refused(area, ReferralError, "started already on 2025-03-12"):
        area.start_service(client_id, referral_id, on=date(2025, 3, 13))
    with refused(area, ProcessOrderError, "2025-03-11"):
        area.complete_service(client_id, referral_id, on=date(2025, 3, 11))
    with refused(area, ReferralError, "needs a reason"):
        area.interrupt_service(client_id, referral_id, on=date(2025, 3, 13), reason="")
    area.complete_service(client_id, referral_id, on=date(2025, 3, 31))
    with refused(area, ReferralError, "completed already"):
        area.interrupt_service(client_id, referral_id, on=date(2025, 4, 1), reason="late")


def test_a_running_service_may_close_after_the_job_search_ended_but_none_may_start(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area)
    running = area.refer_to_service(
        client_id, on=START, service_type="coaching", decision=a_decision()
    )
    waiting = area.refer_to_service(
        client_id, on=START, service_type="coaching", decision=a_decision()
    )
    area.start_service(client_id, running, on=date(2025, 3, 10))
    area.end_job_search(client_id, on=date(2025, 4, 1), reason="employed")
    with refused(area, JobSearchNotActiveError, "ended on 2025-04-01"):
        area.start_service(client_id, waiting, on=date(2025, 4, 2))
    area.complete_service(client_id, running, on=date(2025, 4, 15))
    assert area.get_client(client_id).referrals[running].status == "completed"


# Employment --------------------------------------------------------------------------------------


def test_an_employment_records_kind_term_start_and_employer(area: EmploymentArea) -> None:
    employer_id = area.register_employer(
        on=START, business_id="0101263-6", name="Oy Esimerkki Ab", municipality="049", industry="J"
    )
    client_id = interviewed(area)
    employment_id = area.record_employment(
        client_id,
        on=date(2025, 4, 1),
        kind="open_market",
        term="fixed_term",
        starts_on=date(2025, 5, 1),
        employer_id=employer_id,
    )
    employment = area.get_client(client_id).employments[employment_id]
    assert (employment.kind, employment.term, employment.starts_on, employment.employer_id) == (
        "open_market",
        "fixed_term",
        date(2025, 5, 1),
        employer_id,
    )
    assert employment.recorded_on == date(2025, 4, 1)


def test_two_open_market_jobs_may_run_at_once_but_not_two_subsidised_ones(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area)
    for term in ("permanent", "fixed_term"):
        area.record_employment(client_id, on=date(2025, 4, 1), kind="open_market", term=term)
    first = area.record_employment(
        client_id, on=date(2025, 4, 1), kind="subsidised", term="fixed_term"
    )
    with refused(area, EmploymentError, "overlaps the subsidised employment from 2025-04-01"):
        area.record_employment(client_id, on=date(2025, 6, 1), kind="subsidised", term="permanent")
    area.end_employment(client_id, first, on=date(2025, 6, 30))
    with refused(area, EmploymentError, "overlaps"):
        area.record_employment(
            client_id,
            on=date(2025, 6, 1),
            kind="subsidised",
            term="permanent",
            starts_on=date(2025, 6, 30),
        )
    area.record_employment(
        client_id,
        on=date(2025, 6, 1),
        kind="subsidised",
        term="permanent",
        starts_on=date(2025, 7, 1),
    )
    assert len(area.get_client(client_id).employments) == 4


def test_impossible_employments_are_refused(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    with refused(area, EmploymentError, "'gig'"):
        area.record_employment(client_id, on=START, kind="gig", term="permanent")
    with refused(area, EmploymentError, "'forever'"):
        area.record_employment(client_id, on=START, kind="open_market", term="forever")
    with refused(area, NotFoundError, "no employer"):
        area.record_employment(
            client_id, on=START, kind="open_market", term="permanent", employer_id=uuid4()
        )
    employment_id = area.record_employment(
        client_id, on=START, kind="open_market", term="permanent", starts_on=date(2025, 3, 10)
    )
    with refused(area, ProcessOrderError, "before it started on 2025-03-10"):
        area.end_employment(client_id, employment_id, on=date(2025, 3, 9))
    with refused(area, EmploymentError, "no employment"):
        area.end_employment(client_id, uuid4(), on=date(2025, 3, 20))
    area.end_employment(client_id, employment_id, on=date(2025, 3, 20))
    with refused(area, EmploymentError, "ended already on 2025-03-20"):
        area.end_employment(client_id, employment_id, on=date(2025, 3, 21))


def test_an_employment_may_end_after_the_job_search_ended(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    employment_id = area.record_employment(
        client_id, on=date(2025, 4, 1), kind="open_market", term="fixed_term"
    )
    area.end_job_search(client_id, on=date(2025, 4, 1), reason="employed")
    area.end_employment(client_id, employment_id, on=date(2025, 12, 31))
    assert area.get_client(client_id).employments[employment_id].ended_on == date(2025, 12, 31)


# Target groups and unemployment ------------------------------------------------------------------


def test_target_groups_follow_age_and_unemployment_at_the_asked_date(area: EmploymentArea) -> None:
    client_id = a_client(area, birth_date=date(2001, 3, 4))
    assert area.client_target_groups(client_id, START) == {"young", "young_statistics"}
    assert area.client_target_groups(client_id, date(2026, 2, 28)) == {"young", "young_statistics"}
    # The history keeps the birth month only, so the 25th birthday counts from 1.3.2026.
    assert area.client_target_groups(client_id, date(2026, 3, 1)) == {"young"}
    assert area.client_target_groups(client_id, date(2026, 3, 3)) == {
        "young",
        "long_term_unemployed",
    }


def test_days_unemployed_restart_after_an_employment_and_a_training(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    job = area.record_employment(
        client_id, on=date(2025, 4, 1), kind="open_market", term="fixed_term"
    )
    area.end_employment(client_id, job, on=date(2025, 4, 30))
    training = area.refer_to_service(
        client_id, on=date(2025, 5, 5), service_type="labour_market_training", decision=a_decision()
    )
    area.start_service(client_id, training, on=date(2025, 6, 2))
    client = area.get_client(client_id)
    assert client.days_unemployed(date(2025, 3, 31), area.parameters) == 28
    assert client.days_unemployed(date(2025, 4, 15), area.parameters) == 0
    assert client.days_unemployed(date(2025, 5, 31), area.parameters) == 30
    assert client.days_unemployed(date(2025, 6, 15), area.parameters) == 0
    area.complete_service(client_id, training, on=date(2025, 8, 29))
    after = area.get_client(client_id)
    assert after.unemployed_since(date(2025, 9, 10), area.parameters) == date(2025, 8, 30)
    assert "long_term_unemployed" not in after.target_groups(date(2026, 3, 3), area.parameters)


def test_coaching_does_not_interrupt_unemployment(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    coaching = area.refer_to_service(
        client_id, on=START, service_type="coaching", decision=a_decision()
    )
    area.start_service(client_id, coaching, on=START)
    assert area.get_client(client_id).days_unemployed(date(2025, 4, 2), area.parameters) == 30


# Deadlines ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "deadline"),
    [
        (date(2025, 12, 19), date(2025, 12, 31)),  # 5 working days, Christmas skipped
        (date(2025, 12, 22), date(2026, 1, 2)),  # started in 2025: 5 days, over New Year
        (date(2025, 12, 31), date(2026, 1, 9)),  # the last 2025 start: still 5 days, Epiphany
        (date(2026, 1, 2), date(2026, 1, 19)),  # the first 2026 starts: 10 days, Epiphany
        (date(2025, 4, 17), date(2025, 4, 28)),  # Easter 2025: Good Friday to Easter Monday
        (date(2025, 4, 24), date(2025, 5, 2)),  # May Day
        (date(2026, 4, 1), date(2026, 4, 17)),  # Easter 2026, 10 days
        (date(2025, 6, 18), date(2025, 6, 26)),  # Midsummer Eve 2025
        (date(2026, 6, 17), date(2026, 7, 2)),  # Midsummer Eve 2026, 10 days
        (date(2026, 12, 21), date(2027, 1, 8)),  # Christmas 2026, New Year, Epiphany
    ],
)
def test_the_initial_interview_deadline_counts_finnish_working_days_by_the_start_date(
    area: EmploymentArea, started: date, deadline: date
) -> None:
    client = area.get_client(a_client(area, on=started))
    assert client.initial_interview_deadline(area.parameters) == deadline
    pending = client.next_deadline(started, area.parameters)
    assert pending is not None
    assert (pending.act, pending.due_on, pending.held_on) == ("initial_interview", deadline, None)


def test_the_deadline_length_is_read_at_the_start_even_when_asked_in_2026(
    area: EmploymentArea,
) -> None:
    client = area.get_client(a_client(area, on=date(2025, 12, 31)))
    pending = client.next_deadline(date(2026, 1, 12), area.parameters)
    assert pending is not None and pending.due_on == date(2026, 1, 9)
    assert [d.due_on for d in client.missed_deadlines(date(2026, 1, 12), area.parameters)] == [
        date(2026, 1, 9)
    ]


def test_a_discussion_falls_due_three_months_on_moved_past_christmas(area: EmploymentArea) -> None:
    client_id = interviewed(area, date(2025, 9, 24))
    pending = area.get_client(client_id).next_deadline(date(2025, 10, 1), area.parameters)
    assert pending is not None
    assert (pending.act, pending.due_on) == ("job_search_discussion", date(2025, 12, 29))


def test_a_supplementary_discussion_does_not_move_the_next_deadline(area: EmploymentArea) -> None:
    client_id = interviewed(area, date(2025, 3, 3))
    area.hold_supplementary_discussion(client_id, on=date(2025, 4, 1))
    pending = area.get_client(client_id).next_deadline(date(2025, 4, 2), area.parameters)
    assert pending is not None and pending.due_on == date(2025, 6, 3)


def test_late_acts_and_overdue_acts_are_missed_deadlines(area: EmploymentArea) -> None:
    client_id = a_client(area, on=date(2025, 3, 3))
    area.hold_initial_interview(client_id, on=date(2025, 3, 12))
    area.hold_job_search_discussion(client_id, on=date(2025, 6, 12))
    client = area.get_client(client_id)
    missed = client.missed_deadlines(date(2025, 9, 15), area.parameters)
    assert [(d.act, d.due_on, d.held_on) for d in missed] == [
        ("initial_interview", date(2025, 3, 10), date(2025, 3, 12)),
        ("job_search_discussion", date(2025, 9, 12), None),
    ]
    assert client.missed_deadlines(date(2025, 9, 12), area.parameters)[-1].held_on is not None


def test_acts_dated_after_the_asked_date_count_as_not_yet_held(area: EmploymentArea) -> None:
    client_id = interviewed(area, date(2025, 3, 3))
    client = area.get_client(client_id)
    before = client.next_deadline(date(2025, 3, 1), area.parameters)
    assert before is None
    on_start = client.next_deadline(date(2025, 3, 3), area.parameters)
    assert on_start is not None and on_start.act == "job_search_discussion"


def test_a_job_search_ended_before_its_deadline_owes_nothing(area: EmploymentArea) -> None:
    client_id = a_client(area, on=date(2025, 3, 3))
    area.end_job_search(client_id, on=date(2025, 3, 5), reason="employed")
    client = area.get_client(client_id)
    assert client.next_deadline(date(2025, 6, 1), area.parameters) is None
    assert client.missed_deadlines(date(2025, 6, 1), area.parameters) == []


def test_a_job_search_ended_after_a_missed_deadline_keeps_it_missed(area: EmploymentArea) -> None:
    client_id = a_client(area, on=date(2025, 3, 3))
    area.end_job_search(client_id, on=date(2025, 3, 20), reason="no_contact")
    missed = area.get_client(client_id).missed_deadlines(date(2025, 6, 1), area.parameters)
    assert [(d.act, d.due_on, d.held_on) for d in missed] == [
        ("initial_interview", date(2025, 3, 10), None)
    ]


def test_a_restart_without_interview_owes_a_first_discussion_within_the_same_days(
    area: EmploymentArea,
) -> None:
    client_id = interviewed(area, date(2025, 3, 3))
    area.end_job_search(client_id, on=date(2025, 12, 1), reason="employed")
    area.restart_job_search(client_id, on=date(2026, 1, 2))
    pending = area.get_client(client_id).next_deadline(date(2026, 1, 2), area.parameters)
    assert pending is not None
    assert (pending.act, pending.due_on) == ("job_search_discussion", date(2026, 1, 19))


# Queries as plain data ---------------------------------------------------------------------------


def test_state_and_history_are_plain_data_that_json_can_write(area: EmploymentArea) -> None:
    client_id = interviewed(area)
    referral_id = area.refer_to_service(
        client_id, on=START, service_type="coaching", decision=a_decision()
    )
    area.record_employment(client_id, on=START, kind="open_market", term="permanent")
    state = area.client_state(client_id, on=date(2025, 3, 10))
    history = area.client_history(client_id)
    json.dumps([state, history])
    assert state["referrals"][0]["referral_id"] == str(referral_id)
    assert state["referrals"][0]["status"] == "referred"
    assert state["initial_interview_on"] == "2025-03-03"
    assert state["next_deadline"] == {
        "act": "job_search_discussion",
        "due_on": "2025-06-03",
        "held_on": None,
    }
    assert state["days_unemployed"] == 0
    assert [(event["type"], event["on"], event["version"]) for event in history] == [
        ("JobSearchStarted", "2025-03-03", 1),
        ("InitialInterviewHeld", "2025-03-03", 2),
        ("ReferredToService", "2025-03-03", 3),
        ("Employed", "2025-03-03", 4),
    ]
