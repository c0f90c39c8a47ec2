"""The target groups of the organising plan, derived from a client's facts at a business date.

Membership is never stored: it is computed from recorded facts and the dated definitions in
``rules/parameters/target_groups.yaml``, so a report for a past date uses the definitions that were
in force then, and a changed definition needs no migration of events.
"""

from __future__ import annotations

import calendar as _month_calendar
from collections.abc import Iterable
from datetime import date, timedelta

from employment_domain.parameters import Parameters

__all__ = [
    "EDUCATION_LEVELS",
    "TARGET_GROUPS",
    "UNKNOWN_LANGUAGE",
    "add_months",
    "age_on",
    "derive_target_groups",
    "unemployed_since",
]

#: Every group name :func:`derive_target_groups` may return (docs/domain.md §7).
TARGET_GROUPS: tuple[str, ...] = (
    "young",
    "young_statistics",
    "foreign_language",
    "highly_educated",
    "long_term_unemployed",
    "integration_phase",
    "partially_able_to_work",
)

#: Highest completed education, by the levels of ISCED 2011 (Statistics Finland's Koulutusaste
#: 2016 follows them): basic = ISCED 0–2, upper_secondary = 3, post_secondary = 4,
#: short_cycle_tertiary = 5, bachelor = 6, master = 7, doctoral = 8.
EDUCATION_LEVELS: tuple[str, ...] = (
    "unknown",
    "basic",
    "upper_secondary",
    "post_secondary",
    "short_cycle_tertiary",
    "bachelor",
    "master",
    "doctoral",
)

#: ISO 639-2 "undetermined": a mother tongue not recorded. It never makes a client a
#: foreign-language speaker, because nothing is known about it.
UNKNOWN_LANGUAGE = "und"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, or the month's last day if it is shorter.

    Statutory periods in months ("every 3 months", "12 months of unemployment") run from a day to
    the same day of a later month; 31 January plus one month is 28 (or 29) February.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on ``on``; someone born on 29 February ages on 1 March."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def unemployed_since(
    on: date,
    *,
    job_search_started_on: date,
    job_search_ended_on: date | None,
    not_unemployed: Iterable[tuple[date, date | None]],
) -> date | None:
    """The first day of the continuous unemployment that includes ``on``, or None.

    A jobseeker is unemployed from the start of the job search except on days covered by
    ``not_unemployed`` (employments and full-time services, each ``(first day, last day)`` with
    ``None`` for still running); the job search ending on a day ends unemployment from that day.
    After such a break the spell starts again the next day, so continuity is broken.
    """
    if on < job_search_started_on:
        return None
    if job_search_ended_on is not None and on >= job_search_ended_on:
        return None
    start = job_search_started_on
    for first, last in not_unemployed:
        if first > on:
            continue
        if last is None or last >= on:
            return None
        start = max(start, last + timedelta(days=1))
    return start


def derive_target_groups(
    *,
    on: date,
    birth_date: date,
    mother_tongue: str,
    education_level: str,
    first_residence_permit_on: date | None,
    partially_able_to_work: bool,
    unemployed_since: date | None,
    parameters: Parameters,
) -> frozenset[str]:
    """The target groups a client with these facts belongs to on ``on``.

    Every limit (ages, the long-term threshold, the integration phase, the national languages,
    the higher-education levels) is read from the parameters in force on ``on``.
    """
    groups: set[str] = set()
    age = age_on(birth_date, on)
    if age < parameters.value("young_age_limit_ohjaamo", on):
        groups.add("young")
    if age < parameters.value("young_age_limit_statistics", on):
        groups.add("young_statistics")
    national = set(parameters.value("national_languages", on))
    if mother_tongue != UNKNOWN_LANGUAGE and mother_tongue not in national:
        groups.add("foreign_language")
    if education_level in set(parameters.value("highly_educated_levels", on)):
        groups.add("highly_educated")
    if unemployed_since is not None:
        months = parameters.value("long_term_unemployment_months", on)
        if on >= add_months(unemployed_since, months):
            groups.add("long_term_unemployed")
    if first_residence_permit_on is not None and first_residence_permit_on <= on:
        years = parameters.value("integration_phase_years", on)
        if on < add_months(first_residence_permit_on, 12 * years):
            groups.add("integration_phase")
    if partially_able_to_work:
        groups.add("partially_able_to_work")
    return frozenset(groups)
