"""Every employer command and every refusal, on the in-memory store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from employment_domain import (
    BusinessIdError,
    EmploymentArea,
    EmploymentDomainError,
    Money,
    NotFoundError,
    Period,
)
from employment_domain.employers.employer import (
    DismissalError,
    DismissedEmployee,
    EmployerAlreadyRegisteredError,
    EmployerError,
    SubsidyError,
    VacancyError,
    VacancyOverfilledError,
    employer_id_for,
)
from employment_domain.values import BusinessId, MunicipalityCode

REGISTERED = date(2025, 2, 3)
BUSINESS_ID = "1234560-4"


@pytest.fixture
def area() -> EmploymentArea:
    return EmploymentArea(":memory:")


@pytest.fixture
def employer_id(area: EmploymentArea) -> UUID:
    return area.register_employer(
        on=REGISTERED,
        business_id=BUSINESS_ID,
        name="Esimerkki Oy",
        municipality="049",
        industry="62010",
    )


@pytest.fixture
def client_id(area: EmploymentArea) -> UUID:
    return area.start_job_search(on=REGISTERED, municipality="049", birth_date=date(1970, 6, 1))


@contextmanager
def refused(area: EmploymentArea, error: type[Exception], match: str) -> Iterator[None]:
    """The command inside raises ``error`` naming ``match`` and records nothing."""
    before = area.head_position()
    with pytest.raises(error, match=match) as raised:
        yield
    assert isinstance(raised.value, EmploymentDomainError)
    assert area.head_position() == before


def months(first: date, last: date) -> Period:
    return Period.through(first, last)


# Registration ------------------------------------------------------------------------------------


def test_an_employer_is_registered_under_the_uuid5_of_its_business_id(
    area: EmploymentArea, employer_id: UUID
) -> None:
    assert employer_id == employer_id_for(BUSINESS_ID) == employer_id_for(BusinessId(BUSINESS_ID))
    employer = area.get_employer(employer_id)
    assert employer.business_id == BusinessId(BUSINESS_ID)
    assert (employer.name, employer.industry, employer.registered_on) == (
        "Esimerkki Oy",
        "62010",
        REGISTERED,
    )
    assert employer.municipality == MunicipalityCode("049")


def test_registering_the_same_business_id_twice_is_refused(
    area: EmploymentArea, employer_id: UUID
) -> None:
    with refused(area, EmployerAlreadyRegisteredError, BUSINESS_ID):
        area.register_employer(
            on=date(2025, 5, 1),
            business_id=BUSINESS_ID,
            name="Another name",
            municipality="235",
            industry="J",
        )


def test_a_second_application_cannot_register_the_same_business_id(tmp_path: Any) -> None:
    path = str(tmp_path / "area.db")
    first, second = EmploymentArea(path), EmploymentArea(path)
    first.register_employer(
        on=REGISTERED, business_id=BUSINESS_ID, name="A", municipality="049", industry="J"
    )
    with refused(second, EmployerAlreadyRegisteredError, BUSINESS_ID):
        second.register_employer(
            on=REGISTERED, business_id=BUSINESS_ID, name="B", municipality="049", industry="J"
        )


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"business_id": "1234560-5"}, BusinessIdError, "1234560-5"),
        ({"name": "  "}, EmployerError, "name"),
        ({"industry": "software"}, EmployerError, "software"),
        ({"industry": "Z"}, EmployerError, "'Z'"),
        ({"on": "2025-02-03"}, EmployerError, "business date"),
    ],
)
def test_impossible_registration_facts_are_refused(
    area: EmploymentArea, arguments: dict[str, Any], error: type[Exception], match: str
) -> None:
    facts: dict[str, Any] = {
        "on": REGISTERED,
        "business_id": BUSINESS_ID,
        "name": "Esimerkki Oy",
        "municipality": "049",
        "industry": "J",
        **arguments,
    }
    with refused(area, error, match):
        area.register_employer(**facts)


def test_an_act_before_the_registration_is_refused(area: EmploymentArea, employer_id: UUID) -> None:
    with refused(area, EmployerError, "before the employer was registered on 2025-02-03"):
        area.report_vacancy(employer_id, on=date(2025, 2, 2), title="Cook", location="049")
    with refused(area, EmployerError, "before the employer was registered"):
        area.record_employer_contact(employer_id, on=date(2025, 1, 31), topic="recruitment")


def test_an_unknown_employer_is_a_named_error(area: EmploymentArea) -> None:
    with pytest.raises(NotFoundError, match="no employer"):
        area.report_vacancy(uuid4(), on=REGISTERED, title="Cook", location="049")


# Vacancies ---------------------------------------------------------------------------------------


def test_a_vacancy_filled_in_two_steps_has_its_time_to_fill(
    area: EmploymentArea, employer_id: UUID, client_id: UUID
) -> None:
    vacancy_id = area.report_vacancy(
        employer_id, on=date(2025, 3, 3), title="Nurse", location="235", positions=2
    )
    area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 20), client_id=client_id)
    assert area.get_employer(employer_id).vacancies[vacancy_id].time_to_fill is None
    area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 4, 2))
    vacancy = area.get_employer(employer_id).vacancies[vacancy_id]
    assert (vacancy.filled, vacancy.filled_on, vacancy.time_to_fill) == (2, date(2025, 4, 2), 30)
    assert vacancy.location == MunicipalityCode("235")
    assert vacancy.fills[0]["client_id"] == client_id


def test_filling_more_positions_than_reported_is_refused(
    area: EmploymentArea, employer_id: UUID
) -> None:
    vacancy_id = area.report_vacancy(
        employer_id, on=date(2025, 3, 3), title="Nurse", location="049", positions=2
    )
    with refused(area, VacancyOverfilledError, "filling 3 more of 2 positions"):
        area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 4), positions=3)
    area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 4), positions=2)
    with refused(area, VacancyOverfilledError, "2 filled already"):
        area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 5))


def test_impossible_vacancy_acts_are_refused(
    area: EmploymentArea, employer_id: UUID, client_id: UUID
) -> None:
    with refused(area, VacancyError, "at least 1: 0"):
        area.report_vacancy(employer_id, on=REGISTERED, title="Cook", location="049", positions=0)
    with refused(area, VacancyError, "title"):
        area.report_vacancy(employer_id, on=REGISTERED, title="", location="049")
    vacancy_id = area.report_vacancy(employer_id, on=date(2025, 3, 3), title="Cook", location="049")
    with refused(area, VacancyError, "before its report on 2025-03-03"):
        area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 2))
    with refused(area, VacancyError, "no vacancy"):
        area.fill_vacancy(employer_id, uuid4(), on=date(2025, 3, 4))
    with refused(area, NotFoundError, "no client"):
        area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 4), client_id=uuid4())
    with refused(area, VacancyError, "reason"):
        area.withdraw_vacancy(employer_id, vacancy_id, on=date(2025, 3, 4), reason=" ")
    with refused(area, VacancyError, "not a new UUID"):
        area.report_vacancy(
            employer_id, on=REGISTERED, title="Cook", location="049", vacancy_id=vacancy_id
        )


def test_ids_that_are_not_uuids_name_no_vacancy_negotiation_or_case(
    area: EmploymentArea, employer_id: UUID
) -> None:
    with refused(area, VacancyError, "no vacancy"):
        area.fill_vacancy(employer_id, [1], on=REGISTERED)  # type: ignore[arg-type]
    with refused(area, DismissalError, "no change negotiations"):
        area.notify_dismissals(
            employer_id,
            on=REGISTERED,
            count=1,
            dismissed_on=REGISTERED,
            negotiation_id={},  # type: ignore[arg-type]
        )
    with refused(area, DismissalError, "no structural-change case"):
        area.close_structural_change_case(employer_id, "case", on=REGISTERED)  # type: ignore[arg-type]
    with refused(area, DismissalError, "sequence"):
        area.notify_dismissals(
            employer_id,
            on=REGISTERED,
            count=1,
            dismissed_on=REGISTERED,
            employees=5,  # type: ignore[arg-type]
        )


def test_a_withdrawn_vacancy_cannot_be_filled_and_a_filled_one_cannot_be_withdrawn(
    area: EmploymentArea, employer_id: UUID
) -> None:
    withdrawn = area.report_vacancy(employer_id, on=date(2025, 3, 3), title="A", location="049")
    filled = area.report_vacancy(employer_id, on=date(2025, 3, 3), title="B", location="049")
    area.withdraw_vacancy(employer_id, withdrawn, on=date(2025, 4, 1), reason="budget cut")
    area.fill_vacancy(employer_id, filled, on=date(2025, 3, 10))
    with refused(area, VacancyError, "withdrawn on 2025-04-01"):
        area.fill_vacancy(employer_id, withdrawn, on=date(2025, 4, 2))
    with refused(area, VacancyError, "filled on 2025-03-10"):
        area.withdraw_vacancy(employer_id, filled, on=date(2025, 4, 2), reason="oops")
    assert area.get_employer(employer_id).vacancies[withdrawn].withdrawn_on == date(2025, 4, 1)


# Subsidies ---------------------------------------------------------------------------------------


def test_a_wage_subsidy_is_decided_for_a_client_with_its_rate_period_and_amount(
    area: EmploymentArea, employer_id: UUID, client_id: UUID
) -> None:
    period = months(date(2025, 4, 1), date(2026, 1, 31))
    subsidy_id = area.decide_subsidy(
        employer_id,
        on=date(2025, 3, 20),
        kind="wage_subsidy",
        period=period,
        rate_percent=50,
        amount=Money("12000.00"),
        client_id=client_id,
    )
    subsidy = area.get_employer(employer_id).subsidies[subsidy_id]
    assert (subsidy.kind, subsidy.period, subsidy.rate_percent, subsidy.amount) == (
        "wage_subsidy",
        period,
        50,
        Money("12000.00"),
    )
    assert subsidy.client_id == client_id and subsidy.decided_on == date(2025, 3, 20)


@pytest.mark.parametrize(
    ("rate", "last_day", "allowed"),
    [
        (50, date(2026, 1, 31), True),  # 10 months
        (50, date(2026, 2, 1), False),
        (70, date(2027, 3, 31), True),  # 24 months
        (70, date(2027, 4, 1), False),
    ],
)
def test_a_wage_subsidy_lasts_at_most_the_cap_of_its_rate(
    area: EmploymentArea, employer_id: UUID, rate: int, last_day: date, allowed: bool
) -> None:
    period = months(date(2025, 4, 1), last_day)
    if allowed:
        area.decide_subsidy(
            employer_id, on=date(2025, 3, 20), kind="wage_subsidy", period=period, rate_percent=rate
        )
        assert len(area.get_employer(employer_id).subsidies) == 1
    else:
        with refused(area, SubsidyError, f"at most {10 if rate == 50 else 24} months"):
            area.decide_subsidy(
                employer_id,
                on=date(2025, 3, 20),
                kind="wage_subsidy",
                period=period,
                rate_percent=rate,
            )


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"kind": "wage_subsidy"}, "needs a rate"),
        ({"kind": "wage_subsidy", "rate_percent": 60}, "60"),
        ({"kind": "wage_subsidy", "rate_percent": True}, "True"),
        ({"kind": "job_coaching", "rate_percent": 50}, "no wage subsidy rate"),
        ({"kind": "bonus"}, "bonus"),
        ({"kind": "work_arrangement", "amount": Money("-1.00")}, "non-negative"),
        ({"kind": "work_arrangement", "period": "2025"}, "Period"),
    ],
)
def test_impossible_subsidies_are_refused(
    area: EmploymentArea, employer_id: UUID, arguments: dict[str, Any], match: str
) -> None:
    decision: dict[str, Any] = {
        "on": date(2025, 3, 20),
        "period": months(date(2025, 4, 1), date(2025, 9, 30)),
        **arguments,
    }
    with refused(area, SubsidyError, match):
        area.decide_subsidy(employer_id, **decision)


def test_one_client_has_one_wage_subsidy_or_apprenticeship_at_a_time(
    area: EmploymentArea, employer_id: UUID, client_id: UUID
) -> None:
    area.decide_subsidy(
        employer_id,
        on=date(2025, 3, 20),
        kind="apprenticeship",
        period=months(date(2025, 4, 1), date(2027, 3, 31)),
        rate_percent=50,
        client_id=client_id,
    )
    with refused(area, SubsidyError, "overlaps the apprenticeship"):
        area.decide_subsidy(
            employer_id,
            on=date(2025, 3, 20),
            kind="wage_subsidy",
            period=months(date(2026, 1, 1), date(2026, 6, 30)),
            rate_percent=70,
            client_id=client_id,
        )
    area.decide_subsidy(
        employer_id,
        on=date(2025, 3, 20),
        kind="job_coaching",
        period=months(date(2025, 4, 1), date(2025, 12, 31)),
        amount=Money("2000.00"),
        client_id=client_id,
    )
    area.decide_subsidy(
        employer_id,
        on=date(2027, 3, 1),
        kind="wage_subsidy",
        period=months(date(2027, 4, 1), date(2028, 1, 31)),
        rate_percent=50,
        client_id=client_id,
    )
    assert len(area.get_employer(employer_id).subsidies) == 3


def test_a_subsidy_for_an_unknown_client_is_refused(
    area: EmploymentArea, employer_id: UUID
) -> None:
    with refused(area, NotFoundError, "no client"):
        area.decide_subsidy(
            employer_id,
            on=date(2025, 3, 20),
            kind="work_arrangement",
            period=months(date(2025, 4, 1), date(2025, 4, 30)),
            client_id=uuid4(),
        )


# Change negotiations, dismissals and structural change -------------------------------------------


def state_cases(area: EmploymentArea, employer_id: UUID) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = area.employer_state(employer_id)["structural_change_cases"]
    return cases


def test_nine_dismissals_open_no_structural_change_case_and_ten_do(
    area: EmploymentArea, employer_id: UUID
) -> None:
    area.notify_dismissals(
        employer_id, on=date(2025, 5, 5), count=9, dismissed_on=date(2025, 6, 30)
    )
    assert state_cases(area, employer_id) == []
    notice_id = area.notify_dismissals(
        employer_id, on=date(2025, 5, 6), count=10, dismissed_on=date(2025, 6, 30)
    )
    cases = state_cases(area, employer_id)
    assert [(case["opened_on"], case["dismissals"], case["closed_on"]) for case in cases] == [
        ("2025-05-06", 10, None)
    ]
    history = area.employer_history(employer_id)
    assert [event["type"] for event in history[-2:]] == [
        "DismissalsNotified",
        "StructuralChangeCaseOpened",
    ]
    assert history[-2]["notice_id"] == str(notice_id)


def test_dismissed_employees_aged_55_with_5_years_of_service_are_entitled_to_training(
    area: EmploymentArea, employer_id: UUID, client_id: UUID
) -> None:
    employees = [
        DismissedEmployee(age=55, years_of_service=5, client_id=client_id),
        DismissedEmployee(age=54, years_of_service=30),
        DismissedEmployee(age=62, years_of_service=4),
        DismissedEmployee(age=58, years_of_service=9),
    ]
    area.notify_dismissals(
        employer_id,
        on=date(2025, 5, 5),
        count=12,
        dismissed_on=date(2025, 7, 31),
        employees=employees,
    )
    (case,) = state_cases(area, employer_id)
    assert case["change_security_entitled"] == 2
    assert case["entitled_client_ids"] == [str(client_id)]


def test_dismissals_within_one_round_of_negotiations_add_up_to_a_case(
    area: EmploymentArea, employer_id: UUID
) -> None:
    negotiation_id = area.notify_change_negotiations(
        employer_id, on=date(2025, 4, 1), employees_affected=40
    )
    area.notify_dismissals(
        employer_id,
        on=date(2025, 5, 5),
        count=6,
        dismissed_on=date(2025, 6, 30),
        negotiation_id=negotiation_id,
        employees=[DismissedEmployee(age=60, years_of_service=20)],
    )
    assert state_cases(area, employer_id) == []
    area.notify_dismissals(
        employer_id,
        on=date(2025, 5, 20),
        count=4,
        dismissed_on=date(2025, 6, 30),
        negotiation_id=negotiation_id,
    )
    area.notify_dismissals(
        employer_id,
        on=date(2025, 6, 2),
        count=3,
        dismissed_on=date(2025, 8, 31),
        negotiation_id=negotiation_id,
        employees=[DismissedEmployee(age=56, years_of_service=7)],
    )
    (case,) = state_cases(area, employer_id)
    assert (case["opened_on"], case["dismissals"], case["change_security_entitled"]) == (
        "2025-05-20",
        13,
        2,
    )
    assert case["negotiation_id"] == str(negotiation_id)
    (negotiation,) = area.employer_state(employer_id)["change_negotiations"]
    assert (negotiation["dismissals"], negotiation["case_id"]) == (13, case["case_id"])


def test_impossible_dismissal_notices_are_refused(area: EmploymentArea, employer_id: UUID) -> None:
    negotiation_id = area.notify_change_negotiations(employer_id, on=date(2025, 4, 1))
    notice: dict[str, Any] = {"on": date(2025, 5, 5), "dismissed_on": date(2025, 6, 30)}
    with refused(area, DismissalError, "at least 1: 0"):
        area.notify_dismissals(employer_id, count=0, **notice)
    with refused(area, DismissalError, "facts of 2 employees for 1 dismissals"):
        area.notify_dismissals(
            employer_id,
            count=1,
            employees=[DismissedEmployee(60, 10), DismissedEmployee(61, 11)],
            **notice,
        )
    with refused(area, DismissalError, "no change negotiations"):
        area.notify_dismissals(employer_id, count=1, negotiation_id=uuid4(), **notice)
    with refused(area, DismissalError, "before its negotiations on 2025-04-01"):
        area.notify_dismissals(
            employer_id,
            on=date(2025, 3, 31),
            count=1,
            dismissed_on=date(2025, 6, 30),
            negotiation_id=negotiation_id,
        )
    with refused(area, DismissalError, "DismissedEmployee"):
        area.notify_dismissals(
            employer_id,
            count=1,
            employees=[{"age": 60}],  # type: ignore[list-item]
            **notice,
        )
    with refused(area, DismissalError, "at least 1: 0"):
        area.notify_change_negotiations(employer_id, on=date(2025, 4, 1), employees_affected=0)


def test_a_dismissed_employee_has_a_working_age_and_whole_years_of_service() -> None:
    with pytest.raises(EmployerError, match="12"):
        DismissedEmployee(age=12, years_of_service=0)
    with pytest.raises(EmployerError, match="-1"):
        DismissedEmployee(age=40, years_of_service=-1)


def test_a_structural_change_case_is_closed_once_and_not_before_it_opened(
    area: EmploymentArea, employer_id: UUID
) -> None:
    area.notify_dismissals(
        employer_id, on=date(2025, 5, 5), count=25, dismissed_on=date(2025, 6, 30)
    )
    case_id = UUID(state_cases(area, employer_id)[0]["case_id"])
    with refused(area, DismissalError, "before it opened on 2025-05-05"):
        area.close_structural_change_case(employer_id, case_id, on=date(2025, 5, 4))
    area.close_structural_change_case(employer_id, case_id, on=date(2025, 12, 31))
    assert state_cases(area, employer_id)[0]["closed_on"] == "2025-12-31"
    with refused(area, DismissalError, "closed on 2025-12-31"):
        area.close_structural_change_case(employer_id, case_id, on=date(2026, 1, 2))
    with refused(area, DismissalError, "no structural-change case"):
        area.close_structural_change_case(employer_id, uuid4(), on=date(2026, 1, 2))


# Contacts and queries ----------------------------------------------------------------------------


def test_contacts_through_business_espoo_are_recorded(
    area: EmploymentArea, employer_id: UUID
) -> None:
    area.record_employer_contact(employer_id, on=date(2025, 3, 3), topic="recruitment")
    area.record_employer_contact(
        employer_id, on=date(2025, 3, 4), topic="change_security", unit="helsinki_cooperation"
    )
    assert area.employer_state(employer_id)["contacts"] == [
        {
            "on": "2025-03-03",
            "topic": "recruitment",
            "unit": "business_espoo",
            "channel": "unknown",
            "language": "unknown",
        },
        {
            "on": "2025-03-04",
            "topic": "change_security",
            "unit": "helsinki_cooperation",
            "channel": "unknown",
            "language": "unknown",
        },
    ]
    with refused(area, EmployerError, "topic"):
        area.record_employer_contact(employer_id, on=date(2025, 3, 4), topic="")


def test_employer_state_and_history_are_plain_data_that_json_can_write(
    area: EmploymentArea, employer_id: UUID, client_id: UUID
) -> None:
    vacancy_id = area.report_vacancy(employer_id, on=date(2025, 3, 3), title="Cook", location="049")
    area.fill_vacancy(employer_id, vacancy_id, on=date(2025, 3, 13), client_id=client_id)
    area.decide_subsidy(
        employer_id,
        on=date(2025, 3, 10),
        kind="wage_subsidy",
        period=months(date(2025, 3, 13), date(2025, 8, 12)),
        rate_percent=70,
        client_id=client_id,
        amount=Money("7000.50"),
    )
    state = area.employer_state(employer_id)
    history = area.employer_history(employer_id)
    json.dumps([state, history])
    assert state["business_id"] == BUSINESS_ID and state["registered_on"] == "2025-02-03"
    assert state["vacancies"][0]["time_to_fill_days"] == 10
    assert state["subsidies"][0]["amount"] == "7000.50"
    assert state["subsidies"][0]["period"] == {"start": "2025-03-13", "end": "2025-08-13"}
    assert [(event["type"], event["on"], event["version"]) for event in history] == [
        ("Registered", "2025-02-03", 1),
        ("VacancyReported", "2025-03-03", 2),
        ("VacancyFilled", "2025-03-13", 3),
        ("SubsidyDecided", "2025-03-10", 4),
    ]
