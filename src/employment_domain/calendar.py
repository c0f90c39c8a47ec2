"""The Finnish working-day calendar behind statutory deadlines.

A deadline of "N working days" skips Saturdays, Sundays and Finnish public holidays. The holidays
come from the ``holidays`` package (its Finland calendar, which counts Midsummer Eve and Christmas
Eve as days off, as Finnish offices do), never from a hand-written list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from employment_domain.errors import EmploymentDomainError

__all__ = ["CalendarError", "add_working_days", "is_working_day", "working_days_between"]


class CalendarError(EmploymentDomainError, ValueError):
    """A working-day question that has no answer (a negative count, a non-date)."""


@lru_cache(maxsize=256)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FI", years=year).keys())


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a weekday that is not a Finnish public holiday."""
    if not isinstance(day, date):
        raise CalendarError(f"not a date: {day!r}")
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted).

    ``add_working_days(d, 0)`` is ``d`` itself when it is a working day, else the next one, so a
    deadline never falls on a day off.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise CalendarError(f"a number of working days is a whole number ≥ 0: {count!r}")
    if not isinstance(start, date):
        raise CalendarError(f"not a date: {start!r}")
    day = start
    if count == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 if end ≤ start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
