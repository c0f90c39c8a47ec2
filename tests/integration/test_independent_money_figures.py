"""The procurement and cost-split reports against independent computations from the events.

A demo year, with job searches restarted and jobseekers moved between municipalities on top, is
read back through ``EmploymentArea.history()``; the seats, invoices, costs, advances and the
split of the net cost are worked out here with none of the projections' handlers or tables, and
the reports must agree. The caseload report, checked the same way on a stored release, is checked
on this store too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

import pytest

from employment_domain import EmploymentArea, ReportRequest, read_report
from employment_domain.demo.year import run_demo
from employment_domain.store.service import RecordedEvent

from .test_independent_figures import independent_caseload

YEAR = 2025
CENT = Decimal("0.01")


def events(area: EmploymentArea) -> Iterator[tuple[str, RecordedEvent]]:
    """Every recorded event in log order, with its class's name."""
    after = 0
    while page := area.history(after=after, limit=10_000):
        for recorded in page:
            yield recorded.topic.rsplit(".", 1)[-1], recorded
        after = page[-1].position


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo year, then restarts of ended job searches and moves of active jobseekers."""
    path = str(tmp_path_factory.mktemp("figures") / "area.db")
    with EmploymentArea(path) as area:
        run_demo(area, scale=0.005, seed=3)
        ended: list[UUID] = []
        living: dict[UUID, str] = {}
        for kind, recorded in events(area):
            if kind == "JobSearchEnded":
                ended.append(recorded.originator_id)
            elif kind == "JobSearchStarted":
                started: Any = recorded.event
                living[recorded.originator_id] = started.municipality.code
        for client_id in ended[:6]:
            area.restart_job_search(client_id, on=date(YEAR + 1, 1, 12))
        for client_id in [c for c in living if c not in ended][:5]:
            elsewhere = "235" if living[client_id] == "049" else "049"
            area.change_client_facts(
                client_id, on=date(YEAR + 1, 1, 19), municipality=elsewhere, district="unknown"
            )
        kinds = Counter(kind for kind, _ in events(area))
        assert kinds["JobSearchRestarted"] >= 3 and kinds["FactsChanged"] >= 5
    return path


def independent_procurement(area: EmploymentArea) -> dict[str, dict[str, Any]]:
    """Per procurement: its contract, seats reserved and held, invoices used and approved."""
    rows: dict[UUID, dict[str, Any]] = {}
    invoices: dict[tuple[UUID, str], Decimal] = {}
    for kind, recorded in events(area):
        event: Any = recorded.event
        key = recorded.originator_id
        if kind == "Planned" and recorded.topic.startswith("employment_domain.procurements"):
            rows[key] = {
                "service_type": event.service_type,
                "seats_reserved": 0,
                "seats_held": 0,
                "value_used": Decimal(0),
                "approved": Decimal(0),
            }
        elif kind == "Contracted":
            rows[key].update(
                unit_price=event.unit_price.amount,
                seats=event.seats,
                value_cap=event.value_cap.amount,
            )
        elif kind == "SeatReserved":
            rows[key]["seats_reserved"] += 1
            rows[key]["seats_held"] += 1
        elif kind == "SeatReleased":
            rows[key]["seats_held"] -= 1
        elif kind == "InvoiceReceived":
            invoices[(key, event.invoice_id)] = event.amount.amount
            rows[key]["value_used"] += event.amount.amount
        elif kind == "InvoiceApproved":
            rows[key]["approved"] += invoices[(key, event.invoice_id)]
        elif kind == "InvoiceRejected":
            rows[key]["value_used"] -= invoices[(key, event.invoice_id)]
    for row in rows.values():
        row["value_left"] = row["value_cap"] - row["value_used"]
    return {str(key): row for key, row in rows.items()}


def test_the_procurement_report_equals_a_count_of_seats_and_invoices_made_without_it(
    store: str,
) -> None:
    with EmploymentArea(store) as area:
        expected = independent_procurement(area)
    report = read_report(store, ReportRequest("procurement", year=YEAR), scratch=True).rows
    assert len(report) == len(expected) >= 5
    assert sum(row["seats_reserved"] for row in expected.values()) > 10
    assert any(row["seats_held"] < row["seats_reserved"] for row in expected.values())
    for row in report:
        mine = expected[row["procurement_id"]]
        assert {name: row[name] for name in mine} == mine, row["procurement_id"]


def independent_cost_split(area: EmploymentArea) -> dict[str, dict[str, Any]]:
    """Per municipality: the year's costs, revenues and net cost, the latest basis, advances
    and state subsidies, and its exact share of the net cost (a fraction)."""
    totals: Counter[str] = Counter()
    basis: dict[str, dict[str, Any]] = {}
    paid: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, recorded in events(area):
        event: Any = recorded.event
        if not recorded.topic.startswith("employment_domain.ledgers"):
            continue
        if kind in ("CostRecorded", "RevenueRecorded"):
            totals[kind] += event.amount.amount
        elif kind == "EntryReversed":  # pragma: no cover - the demo reverses nothing
            raise AssertionError("count reversals here before the demo records them")
        elif kind == "BasisRecorded":
            basis[event.basis["municipality"]] = event.basis
        elif kind == "AdvanceInvoiced":
            paid[event.municipality.code]["advances"] += event.amount.amount
        elif kind == "StateSubsidyRecorded":
            paid[event.municipality.code]["state_subsidies"] += event.amount.amount
    weights = area.split_weights(YEAR)
    population = sum(b["population_18_64"] for b in basis.values())
    unemployed = sum(b["unemployed_broad"] for b in basis.values())
    net = totals["CostRecorded"] - totals["RevenueRecorded"]
    return {
        code: {
            "costs": totals["CostRecorded"],
            "revenues": totals["RevenueRecorded"],
            "net_cost": net,
            "population_18_64": b["population_18_64"],
            "unemployed_broad": b["unemployed_broad"],
            "advances": paid[code]["advances"],
            "state_subsidies": paid[code]["state_subsidies"],
            "share": Fraction(weights.population_18_64)
            * Fraction(b["population_18_64"], population)
            + Fraction(weights.unemployed_broad) * Fraction(b["unemployed_broad"], unemployed),
        }
        for code, b in basis.items()
    }


def test_the_cost_split_report_equals_a_split_of_the_ledger_events_made_without_it(
    store: str,
) -> None:
    with EmploymentArea(store) as area:
        expected = independent_cost_split(area)
    report = read_report(store, ReportRequest("cost-split", year=YEAR), scratch=True).rows
    assert sorted(row["municipality"] for row in report) == sorted(expected) == ["049", "235"]
    net = next(iter(expected.values()))["net_cost"]
    assert net > 0 and sum(row["amount"] for row in report) == net
    for row in report:
        mine = dict(expected[row["municipality"]])
        share = mine.pop("share")
        assert {name: row[name] for name in mine} == mine, row["municipality"]
        assert Fraction(row["share"]) == share
        # Each share in euros is the exact share rounded to a cent, one cent at most either way
        # where the rounding that makes the parts add up to the whole moved it.
        assert abs(Fraction(row["amount"]) - share * Fraction(net)) <= Fraction(1, 100)
        assert row["settlement"] == row["amount"] - mine["advances"]


def test_the_caseload_report_with_restarts_and_moves_equals_an_independent_count(
    store: str,
) -> None:
    with EmploymentArea(store) as area:
        expected = independent_caseload(area)
    report = read_report(store, ReportRequest("caseload"), scratch=True).rows
    assert any(row["restarted"] for row in expected) and any(row["moved_in"] for row in expected)
    assert report == expected
