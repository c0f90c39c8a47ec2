"""Disclosure control: primary and secondary suppression, the linear-programming audit, and a
sceptic who tries to work every hidden cell out again by other means."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from employment_domain import default_parameters
from employment_domain.projections.caseload import stock_and_flow_layout
from employment_domain.projections.deadlines import deadlines_layout
from employment_domain.projections.disclosure import (
    Cell,
    Layout,
    Relation,
    audit_table,
    intervals,
    total,
)
from employment_domain.projections.routing import production_layout
from employment_domain.projections.suppression import (
    MARKER,
    THRESHOLD,
    THRESHOLD_PARAMETER,
    PublishedRows,
    protect,
    threshold_on,
)


def caseload_row(month: str, started: int, ended: int, active: int) -> dict[str, Any]:
    return {
        "month": month,
        "municipality": "235",
        "started": started,
        "restarted": 0,
        "ended": ended,
        "moved_in": 0,
        "moved_out": 0,
        "active": active,
    }


#: The issue's Kauniainen months: active 173 → 180 with 9 started and 2 ended.
KAUNIAINEN = [
    caseload_row("2025-01", 8, 3, 173),
    caseload_row("2025-02", 9, 2, 180),
    caseload_row("2025-03", 8, 12, 176),
]
OPENING = {("2024-12", "235"): 168}


def hidden_cells(rows: Sequence[Mapping[str, Any]]) -> set[Cell]:
    return {
        (index, name)
        for index, row in enumerate(rows)
        for name in str(row[MARKER]).split(",")
        if name
    }


def published_caseload(rows: list[dict[str, Any]]) -> PublishedRows:
    return protect(rows, stock_and_flow_layout(rows, OPENING), threshold=THRESHOLD)


# The stock-and-flow identity ----------------------------------------------------------------


def test_hiding_only_the_small_ended_count_lets_the_stock_and_flow_identity_give_it_away() -> None:
    layout = stock_and_flow_layout(KAUNIAINEN, OPENING)
    shown = {cell: KAUNIAINEN[cell[0]][cell[1]] for cell in layout.counts if cell != (1, "ended")}
    found = intervals(shown, {(1, "ended")}, layout)
    assert (found[(1, "ended")].lower, found[(1, "ended")].upper) == (2, 2)


def test_the_published_caseload_protects_the_ended_count_the_stock_and_flow_would_reveal() -> None:
    published = published_caseload(KAUNIAINEN)
    assert published[1]["ended"] is None and published[1]["active"] == 180
    assert published[0]["active"] == 173  # the stocks, the key figures, stay
    audit = audit_table(published, published.layout, threshold=THRESHOLD, marker=MARKER)
    assert audit.passed and audit.hidden == len(hidden_cells(published)) >= 4
    assert all(interval.values >= THRESHOLD for interval in audit.intervals)


def test_the_audit_finds_the_old_single_cell_suppression_of_the_caseload_exposed() -> None:
    old = [dict(row, **{MARKER: ""}) for row in KAUNIAINEN]
    old[0].update(ended=None, **{MARKER: "ended"})
    old[1].update(ended=None, **{MARKER: "ended"})
    audit = audit_table(
        old, stock_and_flow_layout(KAUNIAINEN, OPENING), threshold=THRESHOLD, marker=MARKER
    )
    assert not audit.passed
    assert [(i.cell, i.lower, i.upper) for i in audit.exposed] == [
        ((0, "ended"), 3, 3),
        ((1, "ended"), 2, 2),
    ]


# Keeping the key figures ----------------------------------------------------------------------


def deadline_row(on_time: int, late: int, overdue: int) -> dict[str, Any]:
    decided = on_time + late + overdue
    return {
        "month": "2025-04",
        "act": "job_search_discussion",
        "due": decided,
        "held_on_time": on_time,
        "held_late": late,
        "overdue": overdue,
        "open": 0,
        "on_time_percent": (Decimal(on_time) * 100 / decided).quantize(Decimal("0.1")),
    }


def test_three_overdue_of_1650_discussions_keep_the_total_and_the_on_time_share_visible() -> None:
    rows = [deadline_row(1652, 320, 4)]
    (published,) = protect(rows, deadlines_layout(rows))
    assert published["overdue"] is None
    assert (published["due"], published["held_on_time"]) == (1976, 1652)
    assert published["on_time_percent"] == Decimal("83.6")
    assert published[MARKER] == "held_late,overdue"


def test_a_share_that_would_pin_a_hidden_count_is_shown_rounded_to_a_whole_percent() -> None:
    rows = [deadline_row(1650, 0, 3)]
    published = protect(rows, deadlines_layout(rows))
    assert published[0]["due"] == 1653 and published[0]["overdue"] is None
    assert published[0]["on_time_percent"] == Decimal("100")
    audit = audit_table(published, published.layout, threshold=THRESHOLD, marker=MARKER)
    assert audit.passed


def production(rows: list[tuple[str, int, int, int, int]]) -> list[dict[str, Any]]:
    names = ("in_house", "in_house_entity", "partner", "purchased")
    body: list[dict[str, Any]] = [
        dict(zip(("service_type", *names), row, strict=True)) for row in rows
    ]
    body.append(
        {"service_type": "total", **{name: sum(row[name] for row in body) for name in names}}
    )
    for row in body:
        row["total"] = sum(row[name] for name in names)
        row["purchased_percent"] = (
            (Decimal(row["purchased"]) * 100 / row["total"]).quantize(Decimal("0.1"))
            if row["total"]
            else None
        )
        row |= {"joint": 0, "network": 0}  # ways of production this table has none of
    return body


def test_an_area_total_stays_visible_when_one_cell_of_its_column_is_three() -> None:
    rows = production(
        [
            ("change_security_training", 0, 0, 0, 3),
            ("coaching", 1331, 0, 0, 516),
            ("job_coaching", 89, 0, 0, 80),
            ("work_try_out", 159, 0, 0, 630),
        ]
    )
    published = protect(rows, production_layout(rows))
    last = published[-1]
    assert (last["purchased"], last["total"]) == (1229, 2808)
    assert published[0]["purchased"] is None
    audit = audit_table(published, published.layout, threshold=THRESHOLD, marker=MARKER)
    assert audit.passed


# The threshold is a dated parameter ---------------------------------------------------------


def test_the_threshold_is_a_dated_assumption_with_its_why_and_is_five_in_2025() -> None:
    parameters = default_parameters()
    entry = parameters.entry(THRESHOLD_PARAMETER, date(2025, 12, 31))
    assert entry.value == 5 and entry.status == "assumption" and entry.why
    assert threshold_on(date(2025, 12, 31)) == threshold_on(None) == THRESHOLD == 5


# The sceptic ------------------------------------------------------------------------------


def sceptic_bounds(
    rows: Sequence[Mapping[str, Any]], layout: Layout, *, largest: int
) -> dict[Cell, tuple[int, int]]:
    """Every hidden count's smallest and largest value over all whole-number tables that agree
    with what is shown and with the identities (brute force up to ``largest``; no LP)."""
    hidden = sorted(hidden_cells(rows) & set(layout.counts))
    shown = {cell: rows[cell[0]][cell[1]] for cell in layout.counts if cell not in hidden}
    seen: dict[Cell, list[int]] = {cell: [] for cell in hidden}
    for values in itertools.product(range(1, largest + 1), repeat=len(hidden)):
        table = {**shown, **dict(zip(hidden, values, strict=True))}
        if all(_holds(relation, table) for relation in layout.relations) and _shares_hold(
            rows, layout, table
        ):
            for cell, value in zip(hidden, values, strict=True):
                seen[cell].append(value)
    return {cell: (min(found), max(found)) for cell, found in seen.items()}


def _holds(relation: Relation, table: Mapping[Cell, int]) -> bool:
    value = sum(c * table[cell] for cell, c in relation.terms) + relation.constant
    return value == 0 if relation.equality else value <= 0


def _shares_hold(
    rows: Sequence[Mapping[str, Any]], layout: Layout, table: Mapping[Cell, int]
) -> bool:
    for share in layout.shares:
        printed = rows[share.cell[0]][share.cell[1]]
        if not isinstance(printed, Decimal):
            continue
        whole = sum(table[cell] for cell in share.whole) + share.whole_constant
        if not whole:
            return False
        exact = Decimal(sum(table[cell] for cell in share.part)) * 100 / whole
        if exact.quantize(Decimal(1).scaleb(printed.as_tuple().exponent)) != printed:  # type: ignore[arg-type]
            return False
    return True


SMALL_TABLES: list[tuple[str, list[dict[str, Any]], Layout]] = [
    (
        "caseload",
        [caseload_row("2025-01", 2, 1, 12), caseload_row("2025-02", 3, 1, 14)],
        stock_and_flow_layout(
            [caseload_row("2025-01", 2, 1, 12), caseload_row("2025-02", 3, 1, 14)],
            {("2024-12", "235"): 11},
        ),
    ),
    ("deadlines", [deadline_row(9, 2, 1)], deadlines_layout([deadline_row(9, 2, 1)])),
]


@pytest.mark.parametrize(("name", "rows", "layout"), SMALL_TABLES, ids=[t[0] for t in SMALL_TABLES])
def test_a_sceptic_enumerating_every_table_the_published_one_allows_cannot_pin_a_hidden_cell(
    name: str, rows: list[dict[str, Any]], layout: Layout
) -> None:
    published = protect(rows, layout)
    assert hidden_cells(published), name
    largest = 30
    for cell, (low, high) in sceptic_bounds(published, layout, largest=largest).items():
        assert high - low + 1 >= THRESHOLD, (name, cell, low, high)
        assert low <= rows[cell[0]][cell[1]] <= high


def test_the_sceptic_pins_a_cell_when_only_the_small_count_is_hidden() -> None:
    rows = [caseload_row("2025-01", 8, 3, 173)]
    layout = stock_and_flow_layout(rows, OPENING)
    naive = [dict(rows[0], ended=None, **{MARKER: "ended"})]
    assert sceptic_bounds(naive, layout, largest=40) == {(0, "ended"): (3, 3)}


def test_the_audit_agrees_with_the_sceptic_on_a_table_of_margins() -> None:
    rows = production([("a", 3, 0, 0, 7), ("b", 6, 0, 0, 9)])
    published = protect(rows, production_layout(rows))
    sceptic = sceptic_bounds(published, published.layout, largest=20)
    audit = audit_table(published, published.layout, threshold=THRESHOLD, marker=MARKER)
    for interval in audit.intervals:
        low, high = sceptic[interval.cell]
        assert interval.lower <= low and (interval.upper is None or high <= interval.upper)
        assert high - low + 1 >= THRESHOLD


def test_a_relation_that_no_table_can_meet_is_refused_by_name() -> None:
    layout = Layout(counts=((0, "a"), (0, "b")), relations=(total((0, "a"), [(0, "b")]),))
    with pytest.raises(ValueError, match="no solution"):
        intervals({(0, "a"): 0}, {(0, "b")}, layout)
