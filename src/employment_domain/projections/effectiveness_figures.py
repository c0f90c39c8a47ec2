"""The effectiveness report's arithmetic: what one referral adds to its rows, its target groups
and age band on the day of the referral, and the rows in the end (no tables).

The definitions are those of :mod:`.effectiveness`: windows of 3 and 6 months from a service's
last day by ``add_months``, the median over the services employed within 6 months, and the euros
a referral's equal share of its procurement's invoices.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from employment_domain.parameters import ParameterError, Parameters
from employment_domain.target_groups import add_months, derive_target_groups, unemployed_since

from .effectiveness_layout import COUNTS, STRATUM
from .figures import median
from .routing import PRODUCTION_OF_ROUTE

__all__ = [
    "ALL",
    "add",
    "age_band",
    "breaking_types",
    "empty_cell",
    "figures_of",
    "groups_of",
    "rows_of",
]

#: The target group of every referral.
ALL = "all"
_CENT = Decimal("0.01")


def age_band(age: int, starts: tuple[int, ...]) -> str:
    """The band of ``age`` among bands starting at ``starts`` (ascending), named ``0-24``,
    ``25-29``, …, ``55-`` for starts 25, 30, 55."""
    lower = 0
    for start in starts:
        if age < start:
            return f"{lower}-{start - 1}"
        lower = start
    return f"{lower}-"


def figures_of(
    referral: Any, as_of: date, work: list[Any], shares: dict[str, Fraction]
) -> dict[str, Any]:
    """What one referral adds to its rows."""
    started = referral.started_on is not None and referral.started_on <= as_of
    ended_on = referral.ended_on if referral.ended_on is not None else None
    ended = ended_on is not None and ended_on <= as_of
    figures: dict[str, Any] = {
        "referrals": 1,
        "started": int(started),
        "completed": int(ended and referral.outcome == "completed"),
        "interrupted": int(ended and referral.outcome == "interrupted"),
    }
    if ended:
        assert ended_on is not None
        first = next((job.starts_on for job in work if job.starts_on >= ended_on), None)
        for months in (3, 6):
            window_end = add_months(ended_on, months)
            observed = window_end <= as_of
            employed = observed and first is not None and first <= window_end
            figures[f"observed_{months}_months"] = int(observed)
            figures[f"employed_within_{months}_months"] = int(employed)
            if months == 6 and employed and first is not None:
                figures["days"] = (first - ended_on).days
    share = shares.get(str(referral.referral_id))
    if share is not None and PRODUCTION_OF_ROUTE.get(referral.route) == "purchased":
        figures["participants_invoiced"] = 1
        figures["euros"] = share
    return figures


def groups_of(
    referral: Any,
    parameters: Parameters,
    breaking: frozenset[str] | None,
    work: dict[str, list[Any]],
    spans: dict[str, list[tuple[date, date | None]]],
) -> frozenset[str]:
    """The client's target groups on the day of the referral; none before the target-group
    parameters' first date."""
    if breaking is None:
        return frozenset()
    on = referral.referred_on
    not_unemployed = [
        (job.starts_on, job.ended_on)
        for job in work.get(referral.client_id, [])
        if job.starts_on <= on
    ] + [(first, last) for first, last in spans.get(referral.client_id, []) if first <= on]
    since = unemployed_since(
        on,
        job_search_started_on=referral.search_started_on,
        job_search_ended_on=None,
        not_unemployed=sorted(not_unemployed, key=lambda span: span[0]),
    )
    try:
        return derive_target_groups(
            on=on,
            birth_date=referral.birth_month,
            mother_tongue=referral.mother_tongue,
            education_level=referral.education_level,
            first_residence_permit_on=referral.first_residence_permit_on,
            partially_able_to_work=referral.partially_able_to_work,
            unemployed_since=since,
            parameters=parameters,
        )
    except ParameterError:
        return frozenset()


def breaking_types(parameters: Parameters, on: date) -> frozenset[str] | None:
    """The unemployment-breaking service types on ``on``; None before the parameters exist."""
    try:
        return frozenset(parameters.value("unemployment_breaking_service_types", on))
    except ParameterError:
        return None


def empty_cell() -> dict[str, Any]:
    return {**dict.fromkeys(COUNTS, 0), "days": [], "euros": Fraction(0)}


def add(cell: dict[str, Any], figures: dict[str, Any]) -> None:
    for name, value in figures.items():
        if name == "days":
            cell["days"].append(value)
        else:
            cell[name] += value


def rows_of(cells: dict[tuple[Any, ...], dict[str, Any]]) -> list[dict[str, Any]]:
    strata: dict[tuple[Any, ...], int] = defaultdict(int)
    for key, cell in cells.items():
        strata[key[:5]] += cell["referrals"]
    rows = []
    for key in sorted(cells):
        year, service_type, group, municipality, band, production, route = key
        cell = cells[key]
        euros = None
        if cell["participants_invoiced"]:
            mean = cell["euros"] / cell["participants_invoiced"]
            euros = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(_CENT)
        rows.append(
            {
                "year": year,
                "service_type": service_type,
                "target_group": group,
                "municipality": municipality,
                "age_band": band,
                "production": production,
                "route": route,
                STRATUM: strata[key[:5]],
                **{name: cell[name] for name in COUNTS if name != STRATUM},
                "median_days_to_employment": median(cell["days"]),
                "euros_invoiced_per_participant": euros,
            }
        )
    return rows
