"""The demo year at a small scale: end to end on a SQLite file and on PostgreSQL, the same history
from the same seed, a ledger that splits to the cent, routing that moves on when a contract runs
out, and exactly one structural-change case."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from employment_domain import EmploymentArea, Money
from employment_domain.area_rules import default_rules_folder
from employment_domain.demo.year import DemoError, DemoSummary, run_demo
from employment_domain.store.service import application_of

#: The packaged area's id, which the demo's ledger and procurements carry.
AREA = default_rules_folder().area.id

SCALE = 0.01
SEED = 7


@attrs.frozen
class Demo:
    """A demo run: its store, its summary and the progress it reported."""

    path: Path
    area: EmploymentArea
    summary: DemoSummary
    progress: list[tuple[str, int, int]]


def run_into(path: Path, seed: int = SEED) -> Demo:
    area = EmploymentArea(str(path))
    progress: list[tuple[str, int, int]] = []
    summary = run_demo(
        area,
        scale=SCALE,
        seed=seed,
        progress=lambda stage, done, total: progress.append((stage, done, total)),
    )
    return Demo(path, area, summary, progress)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return run_into(tmp_path_factory.mktemp("demo") / "area.db")


def stored_events(area: EmploymentArea) -> Iterator[Any]:
    """Every event of the notification log, decoded, in log order."""
    start = 1
    while notifications := application_of(area).recorder.select_notifications(start, 1000):
        for notification in notifications:
            yield application_of(area).mapper.to_domain_event(notification)
        start = notifications[-1].id + 1


def events_named(area: EmploymentArea, name: str) -> list[Any]:
    return [event for event in stored_events(area) if type(event).__name__ == name]


def without_timestamps(area: EmploymentArea) -> list[tuple[str, dict[str, Any]]]:
    return [
        (type(event).__qualname__, {k: v for k, v in vars(event).items() if k != "timestamp"})
        for event in stored_events(area)
    ]


def test_a_small_demo_year_runs_end_to_end_into_a_sqlite_file(demo: Demo) -> None:
    summary = demo.summary
    assert summary.clients == (
        summary.transferred_clients + summary.new_clients + summary.dismissed_clients
    )
    assert summary.clients >= 300 and summary.employers >= 12 and summary.procurements == 8
    assert summary.events_written == summary.notification_position
    assert summary.notification_position == demo.area.head_position()
    reopened = EmploymentArea(str(demo.path))
    assert reopened.ledger_state(AREA, 2025)["closed_on"] == "2026-02-27"
    assert json.loads(json.dumps(summary.to_dict()))["year"] == 2025
    last = {stage: (done, total) for stage, done, total in demo.progress}
    assert list(last) == ["population", "transfer", "year", "summary"]
    assert all(done == total for done, total in last.values())


def test_two_runs_with_the_same_seed_write_the_same_history_and_summary(
    demo: Demo, tmp_path: Path
) -> None:
    again = run_into(tmp_path / "again.db")
    assert again.summary == demo.summary
    assert without_timestamps(again.area) == without_timestamps(demo.area)
    other = run_into(tmp_path / "other.db", seed=SEED + 1)
    assert other.summary.decisions_by_route != demo.summary.decisions_by_route


def test_the_cost_split_sums_exactly_to_the_ledgers_net_cost(demo: Demo) -> None:
    ledger = demo.area.ledger_state(AREA, 2025)
    split = demo.area.cost_split(AREA, 2025)
    parts = [Money(part["amount"]) for part in split["municipalities"]]
    assert split["status"] == "closed"
    assert [part["municipality"] for part in split["municipalities"]] == ["049", "235"]
    assert sum(parts, Money.zero()) == Money(ledger["net_cost"]) == Money(split["net_cost"])
    assert split == demo.summary.cost_split | {"status": "closed", "closed_on": "2026-02-27"}
    # About the budget's 22.44 M€ of costs at scale 1.0 (21 M€ of operating expenditure and the
    # support services on top), every category in use; purchases come from invoices.
    assert 0.9 * 22_440_000 * SCALE < float(ledger["costs"]) < 1.1 * 22_440_000 * SCALE
    assert all(Money(total) > Money.zero() for total in ledger["costs_by_category"].values())
    approved = sum((Money(c.approved_invoices) for c in demo.summary.contracts), Money.zero())
    assert Money(ledger["costs_by_category"]["purchased_services"]) == approved


def test_referrals_are_routed_to_purchases_to_omnia_and_in_house(demo: Demo) -> None:
    referrals = events_named(demo.area, "ReferredToService")
    routes = Counter(event.decision.route.value for event in referrals)
    assert routes == Counter(demo.summary.decisions_by_route)
    assert routes["purchased"] > 0 and routes["in_house"] > 0 and routes["in_house_entity"] > 0


def test_a_contract_runs_out_mid_year_and_later_referrals_of_its_service_go_elsewhere(
    demo: Demo,
) -> None:
    full = [c for c in demo.summary.contracts if c.ran_out_on is not None]
    assert full, "no contract ran out of seats"
    contract = min(full, key=lambda c: (c.ran_out_on, c.key))
    assert contract.ran_out_on is not None and 3 <= contract.ran_out_on.month <= 10
    held = 0
    for event in stored_events(demo.area):
        if str(event.originator_id) == contract.procurement_id and event.on <= contract.ran_out_on:
            held += {"SeatReserved": 1, "SeatReleased": -1}.get(type(event).__name__, 0)
    assert held == contract.seats
    later = [
        event.decision
        for event in events_named(demo.area, "ReferredToService")
        if event.service_type == contract.service_type and event.on >= contract.ran_out_on
    ]
    elsewhere = [d for d in later if d.procurement_id != contract.procurement_id]
    assert elsewhere and len(elsewhere) >= len(later) // 2


def test_one_structural_change_case_entitles_several_aged_55_and_over_to_training(
    demo: Demo,
) -> None:
    cases = events_named(demo.area, "StructuralChangeCaseOpened")
    assert len(cases) == demo.summary.structural_change_cases == 1
    case = cases[0]
    assert case.dismissals >= 10 and case.change_security_entitled >= 2
    trained = {
        event.originator_id
        for event in events_named(demo.area, "ReferredToService")
        if event.service_type == "change_security_training"
    }
    assert set(case.entitled_client_ids) == trained


def test_statutory_deadlines_are_mostly_but_not_always_met(demo: Demo) -> None:
    for act in ("initial_interview", "job_search_discussion"):
        counts = demo.summary.deadlines[act]
        assert 0.5 * counts["due"] < counts["met"] < counts["due"]


def test_the_demo_refuses_a_store_that_holds_events_and_bad_arguments(
    demo: Demo, tmp_path: Path
) -> None:
    position = demo.area.head_position()
    with pytest.raises(DemoError, match="empty store"):
        run_demo(demo.area, scale=SCALE)
    assert demo.area.head_position() == position
    fresh = EmploymentArea(str(tmp_path / "fresh.db"))
    for arguments in ({"scale": 0}, {"scale": 1e9}, {"year": 2024}, {"seed": "x"}):
        with pytest.raises(DemoError):
            run_demo(fresh, **arguments)
    assert not fresh.head_position()


@pytest.mark.postgres
def test_the_demo_writes_the_same_year_into_a_postgresql_schema(
    demo: Demo, postgres_url: str
) -> None:
    area = EmploymentArea(postgres_url)
    summary = run_demo(area, scale=SCALE, seed=SEED)
    assert summary == demo.summary
    split = area.cost_split(AREA, 2025)
    parts = [Money(part["amount"]) for part in split["municipalities"]]
    assert sum(parts, Money.zero()) == Money(area.ledger_state(AREA, 2025)["net_cost"])


def test_the_demo_budget_is_the_plans_operating_expenditure_with_support_services_on_top(
    demo: Demo,
) -> None:
    """Section a): operating expenditure of about 21 M€ that does not include support services;
    the demo's advances are the budget lines' total split, invoiced only from Kauniainen, since
    Espoo, the responsible municipality, keeps the accounts and does not invoice itself."""
    on = date(2025, 1, 1)
    parameters = demo.area.parameters
    operating = ("staff", "purchased_services", "premises", "other")
    assert sum(parameters.value(f"budget_{line}", on) for line in operating) == 21_000_000
    support = parameters.entry("budget_ict_and_support_services", on)
    assert support.status == "assumption" and "on top" in (support.reference or "")
    split = demo.area.cost_split(AREA, 2025)
    by_town = {part["municipality"]: part for part in split["municipalities"]}
    assert Money(by_town["049"]["advances"]) == Money.zero()
    kauniainen = Money(by_town["235"]["advances"])
    budget = Money("22440000.00").amount * Decimal(str(SCALE))
    # Kauniainen's provisional share (630 of 20,930 unemployed, 5,690 of 216,140 aged 18–64).
    share = (Decimal(630) / 20930 + Decimal(5690) / 216140) / 2
    assert abs(kauniainen.amount - (budget * share).quantize(Decimal("0.01"))) <= Decimal("0.12")


def test_the_demo_adopts_its_budget_scaled_so_the_budget_report_compares_like_with_like(
    demo: Demo,
) -> None:
    """The budget report prefers the budget adopted in the ledger to the dated parameter: the
    demo adopts each line at its scale, so a year's costs are about its budget, not 1 %."""
    from employment_domain import ReportRequest, read_report

    report = read_report(str(demo.path), ReportRequest("budget", year=2025, by="year"))
    rows = {row["category"]: row for row in report.rows}
    assert Money(str(rows["staff"]["budget"])) == Money("126000.00")  # 12.6 M€ × 0.01
    assert "demo budget 2025" in rows["staff"]["budget_reference"]
    assert rows["staff"]["budget_source"].startswith("BudgetAdopted in the ledger")
    total = sum(Decimal(str(row["budget"])) for row in rows.values())
    assert total == Decimal("224400.00")
    for row in rows.values():
        assert 50 < row["used_percent"] < 150, row
