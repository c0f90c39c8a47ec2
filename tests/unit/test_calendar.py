"""Working days skip weekends and Finnish public holidays."""

from __future__ import annotations

from datetime import date

import pytest

from employment_domain import add_working_days, is_working_day, working_days_between
from employment_domain.calendar import CalendarError


def test_five_working_days_after_a_monday_is_the_next_monday() -> None:
    assert add_working_days(date(2025, 3, 3), 5) == date(2025, 3, 10)


def test_christmas_and_new_year_are_skipped() -> None:
    # 23.12.2025 Tue; 24–26.12 holidays, 27–28 weekend, 29–31 count, 1.1. holiday, 2.1. Fri,
    # 3–4 weekend.
    assert add_working_days(date(2025, 12, 23), 5) == date(2026, 1, 5)


def test_easter_is_skipped() -> None:
    # Good Friday 18.4.2025 and Easter Monday 21.4.2025.
    assert add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)


def test_midsummer_eve_is_a_day_off() -> None:
    assert not is_working_day(date(2025, 6, 20))
    assert add_working_days(date(2025, 6, 19), 1) == date(2025, 6, 23)


def test_zero_working_days_from_a_day_off_is_the_next_working_day() -> None:
    assert add_working_days(date(2025, 1, 4), 0) == date(2025, 1, 7)  # Sat; Mon 6.1. Epiphany


def test_counting_working_days_between_two_dates_inverts_adding_them() -> None:
    start = date(2025, 12, 20)
    assert working_days_between(start, add_working_days(start, 10)) == 10


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(CalendarError, match="-1"):
        add_working_days(date(2025, 1, 1), -1)
