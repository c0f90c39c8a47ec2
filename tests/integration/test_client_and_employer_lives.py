"""A full client life and a full employer life, written and read back on SQLite and PostgreSQL.

Each life goes through every kind of event; a second application on the same store must rebuild
aggregates equal to the first one's, field by field and type by type, and report the same state.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from employment_domain import EmploymentArea, Money, MunicipalityCode, Period
from employment_domain.decisions import Decision
from employment_domain.employers.employer import DismissedEmployee


def live_a_client_life(area: EmploymentArea, employer_id: UUID) -> UUID:
    """A foreign-language graduate's two job searches, a training, a subsidised job."""
    client_id = area.start_job_search(
        on=date(2025, 12, 22),
        municipality="049",
        birth_date=date(1998, 2, 28),
        district="Suur-Leppävaara",
        mother_tongue="ar",
        education_level="bachelor",
        first_residence_permit_on=date(2023, 9, 1),
        needs_multi_agency_service=True,
    )
    area.hold_initial_interview(client_id, on=date(2026, 1, 2))
    area.agree_plan(client_id, on=date(2026, 1, 2), plan_type="integration")
    area.hold_supplementary_discussion(client_id, on=date(2026, 1, 20))
    decision = Decision(
        route="purchased",
        unit="Training provider",
        rule_id="purchase-training",
        rulebook_version="abc123",
        facts={"age": 27, "foreign_language": True},
        service_type="labour_market_training",
        procurement_id="p-1",
    )
    training = area.refer_to_service(
        client_id, on=date(2026, 1, 20), service_type="labour_market_training", decision=decision
    )
    area.start_service(client_id, training, on=date(2026, 2, 2))
    area.complete_service(client_id, training, on=date(2026, 3, 27))
    coaching = area.refer_to_service(
        client_id,
        on=date(2026, 3, 30),
        service_type="coaching",
        decision=Decision(
            route="in_house", unit="Matinkylä office", rule_id="r", rulebook_version="abc123"
        ),
    )
    area.interrupt_service(client_id, coaching, on=date(2026, 4, 1), reason="found work")
    area.hold_job_search_discussion(client_id, on=date(2026, 4, 1))
    area.change_client_facts(
        client_id, on=date(2026, 4, 1), municipality="235", district="Kauniainen"
    )
    job = area.record_employment(
        client_id,
        on=date(2026, 4, 1),
        kind="subsidised",
        term="fixed_term",
        starts_on=date(2026, 4, 13),
        employer_id=employer_id,
    )
    area.end_job_search(client_id, on=date(2026, 4, 13), reason="employed")
    area.end_employment(client_id, job, on=date(2027, 2, 12))
    area.restart_job_search(client_id, on=date(2027, 2, 15), district="Kauniainen keskus")
    area.hold_initial_interview(client_id, on=date(2027, 2, 16))
    return client_id


def live_an_employer_life(area: EmploymentArea) -> UUID:
    employer_id = area.register_employer(
        on=date(2025, 11, 3),
        business_id="1234561-2",
        name="Konepaja Oy",
        municipality="049",
        industry="C",
    )
    area.record_employer_contact(employer_id, on=date(2025, 11, 4), topic="recruitment")
    return employer_id


def continue_the_employer_life(area: EmploymentArea, employer_id: UUID, client_id: UUID) -> None:
    welders = area.report_vacancy(
        employer_id, on=date(2026, 3, 2), title="Welder", location="049", positions=3
    )
    area.fill_vacancy(employer_id, welders, on=date(2026, 3, 30), client_id=client_id)
    area.fill_vacancy(employer_id, welders, on=date(2026, 4, 10), positions=2)
    spare = area.report_vacancy(employer_id, on=date(2026, 3, 2), title="Painter", location="235")
    area.withdraw_vacancy(employer_id, spare, on=date(2026, 5, 4), reason="work moved abroad")
    area.decide_subsidy(
        employer_id,
        on=date(2026, 4, 1),
        kind="wage_subsidy",
        period=Period.through(date(2026, 4, 13), date(2027, 2, 12)),
        rate_percent=50,
        amount=Money("15400.00"),
        client_id=client_id,
    )
    area.decide_subsidy(
        employer_id,
        on=date(2026, 4, 1),
        kind="work_arrangement",
        period=Period.month(2026, 4),
        amount=Money("1200.00"),
    )
    negotiations = area.notify_change_negotiations(
        employer_id, on=date(2026, 9, 1), employees_affected=60
    )
    area.notify_dismissals(
        employer_id,
        on=date(2026, 10, 5),
        count=8,
        dismissed_on=date(2026, 12, 31),
        negotiation_id=negotiations,
        employees=[DismissedEmployee(age=57, years_of_service=22), DismissedEmployee(40, 3)],
    )
    area.notify_dismissals(
        employer_id,
        on=date(2026, 10, 19),
        count=4,
        dismissed_on=date(2027, 1, 31),
        negotiation_id=negotiations,
        employees=[DismissedEmployee(age=55, years_of_service=5, client_id=client_id)],
    )
    case_id = UUID(area.employer_state(employer_id)["structural_change_cases"][0]["case_id"])
    area.close_structural_change_case(employer_id, case_id, on=date(2027, 6, 30))


def test_a_full_client_life_reads_back_equal_from_a_durable_store(durable_store: str) -> None:
    writer = EmploymentArea(durable_store)
    employer_id = live_an_employer_life(writer)
    client_id = live_a_client_life(writer, employer_id)
    reader = EmploymentArea(durable_store)
    written, read = writer.get_client(client_id), reader.get_client(client_id)
    assert read == written
    assert read.version == 17
    assert read.municipality == MunicipalityCode("235") and read.district == "Kauniainen keskus"
    assert type(read.job_searches[0].discussions[0]) is date
    assert read.referrals[next(iter(read.referrals))].decision.procurement_id == "p-1"
    assert reader.client_history(client_id) == writer.client_history(client_id)
    assert [event["type"] for event in reader.client_history(client_id)] == [
        "JobSearchStarted",
        "InitialInterviewHeld",
        "EmploymentPlanAgreed",
        "SupplementaryDiscussionHeld",
        "ReferredToService",
        "ServiceStarted",
        "ServiceCompleted",
        "ReferredToService",
        "ServiceInterrupted",
        "JobSearchDiscussionHeld",
        "FactsChanged",
        "Employed",
        "JobSearchEnded",
        "EmploymentEnded",
        "JobSearchRestarted",
        "FactsChanged",
        "InitialInterviewHeld",
    ]
    state = reader.client_state(client_id, on=date(2026, 3, 31))
    assert state == writer.client_state(client_id, on=date(2026, 3, 31))
    assert state["target_groups"] == [
        "foreign_language",
        "highly_educated",
        "integration_phase",
        "young",
    ]
    assert state["days_unemployed"] == 3
    assert state["missed_deadlines"] == []
    assert reader.client_target_groups(client_id, date(2026, 9, 1)) == {
        "foreign_language",
        "highly_educated",
        "young",
    }


def test_a_full_employer_life_reads_back_equal_from_a_durable_store(durable_store: str) -> None:
    writer = EmploymentArea(durable_store)
    employer_id = live_an_employer_life(writer)
    client_id = live_a_client_life(writer, employer_id)
    continue_the_employer_life(writer, employer_id, client_id)
    reader = EmploymentArea(durable_store)
    assert reader.get_employer(employer_id) == writer.get_employer(employer_id)
    state = reader.employer_state(employer_id)
    assert state == writer.employer_state(employer_id)
    assert [v["time_to_fill_days"] for v in state["vacancies"]] == [39, None]
    (case,) = state["structural_change_cases"]
    assert (case["dismissals"], case["change_security_entitled"], case["closed_on"]) == (
        12,
        2,
        "2027-06-30",
    )
    assert case["entitled_client_ids"] == [str(client_id)]
    assert [subsidy["amount"] for subsidy in state["subsidies"]] == ["15400.00", "1200.00"]
    history = reader.employer_history(employer_id)
    assert history == writer.employer_history(employer_id)
    assert [event["type"] for event in history] == [
        "Registered",
        "ContactRecorded",
        "VacancyReported",
        "VacancyFilled",
        "VacancyFilled",
        "VacancyReported",
        "VacancyWithdrawn",
        "SubsidyDecided",
        "SubsidyDecided",
        "ChangeNegotiationsNotified",
        "DismissalsNotified",
        "DismissalsNotified",
        "StructuralChangeCaseOpened",
        "StructuralChangeCaseClosed",
    ]
    assert history[0]["business_id"] == "1234561-2"
