"""The input contract: absurd dates, ages, lengths, counts and amounts are refused by every command
with an InputBoundsError that names the field and the bound, and nothing is recorded.

Each case below once got into a store and broke its reports for good (a job search on 9999-12-31
made the deadlines report overflow; two clients dated 2025 and 9999 made the caseload report
take 24 s and 2.7 GB).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from employment_domain import EmploymentArea, Money, Period, default_parameters
from employment_domain.commands.clients import ClientImportError
from employment_domain.commands.contract import InputBounds, InputBoundsError, check_arguments

START = date(2025, 3, 3)
BOUNDS = InputBounds.in_force(default_parameters(), START)
AREA = "espoo-kauniainen"


@pytest.fixture
def area() -> Iterator[EmploymentArea]:
    with EmploymentArea(":memory:") as area:
        yield area


@pytest.fixture
def client_id(area: EmploymentArea) -> UUID:
    return area.start_job_search(on=START, municipality="049", birth_date=date(1990, 1, 1))


def refused(area: EmploymentArea, command: Callable[[], object], *words: str) -> None:
    before = area.head_position()
    with pytest.raises(InputBoundsError) as caught:
        command()
    for word in words:
        assert word in str(caught.value)
    assert area.head_position() == before, "a refused command recorded nothing"


def start(area: EmploymentArea, **changes: Any) -> Callable[[], object]:
    arguments: dict[str, Any] = {
        "on": START,
        "municipality": "049",
        "birth_date": date(1990, 1, 1),
        **changes,
    }
    return lambda: area.start_job_search(**arguments)


def test_a_job_search_on_9999_12_31_or_in_1901_is_refused_naming_the_window(
    area: EmploymentArea,
) -> None:
    refused(area, start(area, on=date(9999, 12, 31)), "on 9999-12-31", "2050-12-31")
    refused(area, start(area, on=date(1901, 1, 1), birth_date=date(1880, 1, 1)), "2000-01-01")


def test_a_birth_date_in_year_1_or_one_that_makes_a_child_is_refused_naming_the_age(
    area: EmploymentArea,
) -> None:
    refused(area, start(area, birth_date=date(1, 1, 1)), "birth_date", "15 to 100")
    refused(area, start(area, birth_date=date(2015, 1, 1)), "an age of 10")


def test_the_bounds_themselves_are_accepted(area: EmploymentArea) -> None:
    area.start_job_search(on=BOUNDS.latest, municipality="049", birth_date=date(2000, 1, 1))
    area.start_job_search(on=BOUNDS.earliest, municipality="049", birth_date=date(1960, 1, 1))
    area.start_job_search(on=START, municipality="049", birth_date=date(2010, 3, 3))  # just 15
    area.start_job_search(on=START, municipality="049", birth_date=date(1924, 3, 4))  # 100
    area.start_job_search(
        on=START, municipality="049", birth_date=date(1990, 1, 1), district="x" * BOUNDS.max_name
    )
    assert area.head_position() == 5


def test_an_interview_on_9999_12_31_is_refused_and_the_client_can_go_on(
    area: EmploymentArea, client_id: UUID
) -> None:
    refused(area, lambda: area.hold_initial_interview(client_id, on=date(9999, 12, 31)), "on")
    area.hold_initial_interview(client_id, on=date(2025, 3, 5))


@pytest.mark.parametrize("starts_on", [date(1, 1, 1), date(9999, 12, 31)])
def test_an_employment_in_year_1_or_9999_is_refused(
    area: EmploymentArea, client_id: UUID, starts_on: date
) -> None:
    refused(
        area,
        lambda: area.record_employment(
            client_id,
            on=date(2025, 4, 1),
            kind="open_market",
            term="permanent",
            starts_on=starts_on,
        ),
        "starts_on",
    )


@pytest.mark.parametrize("text", ["x" * 5_000_000, "Matin\x00kylä", "Matin\x1bkylä"])
def test_a_district_of_megabytes_or_with_a_control_character_is_refused(
    area: EmploymentArea, text: str
) -> None:
    refused(area, start(area, district=text), "district")


def planned(area: EmploymentArea, **changes: Any) -> Callable[[], object]:
    arguments: dict[str, Any] = {
        "on": START,
        "area": AREA,
        "service_type": "coaching",
        "title": "Coaching for jobseekers",
        "estimated_value": Money("100000.00"),
        "period": Period(date(2025, 4, 1), date(2026, 4, 1)),
        **changes,
    }
    return lambda: area.plan_procurement(**arguments)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"title": "Coaching\x00"}, "title"),
        ({"period": Period(date(1, 1, 1), date(2026, 1, 1))}, "period start"),
        ({"period": Period(date(2025, 1, 1), date(9999, 12, 31))}, "period end"),
        ({"estimated_value": Money("1000000000000.00")}, "estimated_value"),
        ({"estimated_value": "1000000000000.00"}, "estimated_value"),
    ],
)
def test_a_procurement_with_an_absurd_title_period_or_value_is_refused(
    area: EmploymentArea, changes: dict[str, Any], named: str
) -> None:
    refused(area, planned(area, **changes), named)


def test_a_contract_of_ten_to_the_fifteenth_seats_is_refused(area: EmploymentArea) -> None:
    procurement_id = planned(area)()
    assert isinstance(procurement_id, UUID)
    refused(
        area,
        lambda: area.conclude_contract(
            procurement_id,
            on=START,
            unit_price=Money("1000.00"),
            seats=10**15,
            value_cap=Money("100000.00"),
            period=Period(date(2025, 4, 1), date(2026, 4, 1)),
        ),
        "seats",
        str(BOUNDS.max_seats),
    )


@pytest.mark.parametrize("reference", ["r" * 5_000_000, "INV\x00-1"])
def test_a_ledger_reference_of_megabytes_or_with_a_nul_byte_is_refused(
    area: EmploymentArea, reference: str
) -> None:
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    refused(
        area,
        lambda: area.record_cost(
            AREA,
            2025,
            on=date(2025, 2, 3),
            category="staff",
            amount=Money("100.00"),
            source="manual",
            reference=reference,
        ),
        "reference",
    )


def test_a_ledger_for_the_year_9999_is_refused(area: EmploymentArea) -> None:
    refused(area, lambda: area.open_ledger(AREA, 9999, on=date(2025, 1, 2)), "year 9999")


def test_a_bulk_import_with_one_row_out_of_bounds_records_nothing_and_names_the_row(
    area: EmploymentArea,
) -> None:
    rows = ({"on": START, "municipality": "049", "birth_date": date(1990, 1, 1)} for _ in range(3))
    bad = {"on": date(9999, 1, 1), "municipality": "049", "birth_date": date(1990, 1, 1)}
    with pytest.raises(ClientImportError, match="jobseeker 4: on 9999-01-01"):
        area.import_jobseekers([*rows, bad])
    assert area.head_position() == 0


@settings(max_examples=60, deadline=None)
@given(on=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_any_business_date_is_recorded_inside_the_window_and_refused_outside_it(on: date) -> None:
    with EmploymentArea(":memory:") as area:
        birth = date(max(on.year - 40, 1), 1, 1)
        inside = BOUNDS.earliest <= on <= BOUNDS.latest
        try:
            area.start_job_search(on=on, municipality="049", birth_date=birth)
        except InputBoundsError:
            assert not inside and area.head_position() == 0
        else:
            assert inside and area.head_position() == 1


def test_every_control_character_is_refused_in_a_name_and_in_a_text_all_but_tab_and_newline() -> (
    None
):
    parameters = default_parameters()
    controls = [chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cc"]
    assert len(controls) == 65
    for character in controls:
        with pytest.raises(InputBoundsError, match=f"U\\+{ord(character):04X}"):
            check_arguments(parameters, {"on": START, "district": f"a{character}b"})
        if character in "\t\n":
            check_arguments(parameters, {"on": START, "reason": f"a{character}b"})
        else:
            with pytest.raises(InputBoundsError):
                check_arguments(parameters, {"on": START, "reason": f"a{character}b"})
    check_arguments(parameters, {"on": START, "district": "Matinkylä – Olari ÅÄÖ 😀"})
