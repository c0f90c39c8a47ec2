"""Target groups derived from a client's facts at a business date, and their date arithmetic."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from employment_domain import default_parameters
from employment_domain.target_groups import (
    EDUCATION_LEVELS,
    TARGET_GROUPS,
    add_months,
    age_on,
    derive_target_groups,
    unemployed_since,
)

PARAMETERS = default_parameters()
ON = date(2026, 3, 15)


def groups(**facts: Any) -> frozenset[str]:
    """The groups of a 40-year-old Finnish speaker with basic education, changed by ``facts``."""
    defaults: dict[str, Any] = {
        "on": ON,
        "birth_date": date(1986, 1, 1),
        "mother_tongue": "fi",
        "education_level": "basic",
        "first_residence_permit_on": None,
        "partially_able_to_work": False,
        "unemployed_since": None,
        "parameters": PARAMETERS,
    }
    return derive_target_groups(**{**defaults, **facts})


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 9, 24), 3, date(2025, 12, 24)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 15), 12, date(2026, 3, 15)),
        (date(2025, 3, 15), 0, date(2025, 3, 15)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_age_counts_completed_years_and_a_leap_day_birthday_comes_on_the_first_of_march() -> None:
    assert age_on(date(1996, 3, 15), date(2026, 3, 14)) == 29
    assert age_on(date(1996, 3, 15), date(2026, 3, 15)) == 30
    assert age_on(date(2004, 2, 29), date(2025, 2, 28)) == 20
    assert age_on(date(2004, 2, 29), date(2025, 3, 1)) == 21


def test_the_young_are_under_thirty_for_ohjaamo_and_under_twenty_five_in_statistics() -> None:
    assert {"young", "young_statistics"} <= groups(birth_date=date(2001, 3, 16))
    aged_25 = groups(birth_date=date(2001, 3, 15))
    assert "young" in aged_25 and "young_statistics" not in aged_25
    assert "young" in groups(birth_date=date(1996, 3, 16))
    assert "young" not in groups(birth_date=date(1996, 3, 15))


@pytest.mark.parametrize(
    ("tongue", "foreign"),
    [("fi", False), ("sv", False), ("se", False), ("und", False), ("so", True), ("ru", True)],
)
def test_a_foreign_language_speaker_has_a_known_mother_tongue_outside_the_national_languages(
    tongue: str, foreign: bool
) -> None:
    assert ("foreign_language" in groups(mother_tongue=tongue)) is foreign


@pytest.mark.parametrize("level", EDUCATION_LEVELS)
def test_the_highly_educated_hold_a_bachelors_masters_or_doctoral_degree(level: str) -> None:
    expected = level in {"bachelor", "master", "doctoral"}
    assert ("highly_educated" in groups(education_level=level)) is expected


def test_twelve_months_of_continuous_unemployment_make_a_client_long_term_unemployed() -> None:
    assert "long_term_unemployed" in groups(unemployed_since=date(2025, 3, 15))
    assert "long_term_unemployed" not in groups(unemployed_since=date(2025, 3, 16))
    assert "long_term_unemployed" not in groups(unemployed_since=None)


def test_the_integration_phase_lasts_three_years_from_the_first_residence_permit() -> None:
    assert "integration_phase" in groups(first_residence_permit_on=date(2023, 3, 16))
    assert "integration_phase" not in groups(first_residence_permit_on=date(2023, 3, 15))
    assert "integration_phase" not in groups(first_residence_permit_on=date(2026, 3, 16))


def test_partial_work_ability_is_a_group_of_its_own() -> None:
    assert groups(partially_able_to_work=True) == {"partially_able_to_work"}
    assert groups() == frozenset()


def test_every_derived_group_is_a_documented_group_name() -> None:
    everything = groups(
        birth_date=date(2005, 1, 1),
        mother_tongue="ar",
        education_level="master",
        first_residence_permit_on=date(2025, 1, 1),
        partially_able_to_work=True,
        unemployed_since=date(2024, 1, 1),
    )
    assert everything == set(TARGET_GROUPS)


def test_unemployment_runs_from_the_start_of_job_search_until_a_break() -> None:
    start = date(2025, 1, 10)
    assert (
        unemployed_since(
            date(2025, 6, 1),
            job_search_started_on=start,
            job_search_ended_on=None,
            not_unemployed=[],
        )
        == start
    )
    assert (
        unemployed_since(
            date(2025, 1, 9),
            job_search_started_on=start,
            job_search_ended_on=None,
            not_unemployed=[],
        )
        is None
    )


def test_an_employment_breaks_continuous_unemployment_and_it_restarts_the_next_day() -> None:
    spans = [(date(2025, 3, 1), date(2025, 4, 30))]
    since = unemployed_since(
        date(2025, 6, 1),
        job_search_started_on=date(2025, 1, 10),
        job_search_ended_on=None,
        not_unemployed=spans,
    )
    assert since == date(2025, 5, 1)
    during = unemployed_since(
        date(2025, 4, 30),
        job_search_started_on=date(2025, 1, 10),
        job_search_ended_on=None,
        not_unemployed=spans,
    )
    assert during is None


def test_a_running_employment_or_an_ended_job_search_means_not_unemployed() -> None:
    running = [(date(2025, 3, 1), None)]
    assert (
        unemployed_since(
            date(2025, 9, 1),
            job_search_started_on=date(2025, 1, 10),
            job_search_ended_on=None,
            not_unemployed=running,
        )
        is None
    )
    assert (
        unemployed_since(
            date(2025, 9, 1),
            job_search_started_on=date(2025, 1, 10),
            job_search_ended_on=date(2025, 9, 1),
            not_unemployed=[],
        )
        is None
    )


def test_an_employment_that_starts_later_does_not_break_unemployment_yet() -> None:
    since = unemployed_since(
        date(2025, 6, 1),
        job_search_started_on=date(2025, 1, 10),
        job_search_ended_on=None,
        not_unemployed=[(date(2025, 7, 1), None)],
    )
    assert since == date(2025, 1, 10)
