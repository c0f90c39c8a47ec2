"""Properties of ledgers with random postings, and of contracts whose invoices post to them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from employment_domain import EmploymentArea, Money, MunicipalityCode, Period
from employment_domain.ledgers.allocation import SplitWeights
from employment_domain.ledgers.ledger import Ledger, LedgerClosedError
from employment_domain.procurements.procurement import Procurement, ProcurementError
from employment_domain.store.service import application_of
from employment_domain.testing.strategies import (
    cost_split_weights,
    ledgers,
    moneys,
    procurement_contracts,
)


def state_of(aggregate: Any) -> dict[str, Any]:
    return {key: value for key, value in vars(aggregate).items() if key != "_pending_events"}


@settings(max_examples=100)
@given(ledgers(), cost_split_weights())
def test_settlement_plus_advances_equals_the_share_and_the_shares_sum_to_the_net_cost(
    ledger: Ledger, weights: SplitWeights
) -> None:
    data = ledger.settlement(ledger.compute_split(weights))
    for row in data["municipalities"]:
        assert Money(row["settlement"]) + Money(row["advances"]) == Money(row["amount"])
        assert Money(row["advances"]) == ledger.advances_of(MunicipalityCode(row["municipality"]))
    shares = sum((Money(row["amount"]) for row in data["municipalities"]), Money.zero())
    assert shares == ledger.net_cost == Money(data["net_cost"])


@settings(max_examples=100)
@given(ledgers())
def test_the_net_cost_is_costs_minus_revenues_and_the_categories_add_up(ledger: Ledger) -> None:
    entries = ledger.entries.values()
    costs = sum((e["amount"] for e in entries if e["kind"] == "cost"), Money.zero())
    revenues = sum((e["amount"] for e in entries if e["kind"] == "revenue"), Money.zero())
    assert ledger.net_cost == costs - revenues
    assert sum(ledger.costs_by_category().values(), Money.zero()) == costs
    reversed_pairs = [e for e in entries if e["reverses"] is not None]
    for reversal in reversed_pairs:
        assert ledger.entries[reversal["reverses"]]["amount"] == -reversal["amount"]


@settings(max_examples=50)
@given(ledgers())
def test_a_ledger_saved_and_reloaded_equals_the_live_one(ledger: Ledger) -> None:
    area = EmploymentArea(":memory:")
    application_of(area).save(ledger)
    assert state_of(area.get_ledger(ledger.area, ledger.year)) == state_of(ledger)


@settings(max_examples=50)
@given(ledgers(), moneys(min_value="0.01", max_value="1000.00"))
def test_a_closed_ledger_refuses_every_posting_and_keeps_its_split(
    ledger: Ledger, amount: Money
) -> None:
    split = ledger.close(on=date(ledger.year + 1, 2, 1), weights=SplitWeights(1, 0))
    version = ledger.version
    with pytest.raises(LedgerClosedError):
        ledger.record_cost(
            entry_id=uuid4(),
            on=date(ledger.year + 1, 2, 2),
            category="staff",
            amount=amount,
            source="payroll_run",
            reference="late",
        )
    with pytest.raises(LedgerClosedError):
        ledger.invoice_advance(
            on=date(ledger.year + 1, 2, 2),
            municipality=ledger.municipalities[0],
            amount=amount,
            reference="late",
        )
    assert ledger.version == version
    assert ledger.split == ledger.settlement(split)


commands = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.integers(0, 400)),
        st.tuples(st.just("release"), st.integers(0, 400)),
        st.tuples(st.just("invoice"), moneys(min_value="0.01", max_value="30000.00")),
        st.tuples(st.just("approve"), st.integers(0, 400)),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(procurement_contracts(area="property-area"), commands)
def test_no_command_sequence_exceeds_capacity_or_cap_and_approved_invoices_reach_the_ledgers(
    procurement: Procurement, steps: list[tuple[str, Any]]
) -> None:
    area = EmploymentArea(":memory:")
    period = procurement.contract_period
    assert period is not None
    for year in range(period.start.year, period.last_day.year + 1):
        area.open_ledger("property-area", year, on=date(year, 1, 1))
    application_of(area).save(procurement)
    pid = procurement.id
    referrals: list[Any] = []
    invoices: list[str] = []
    for number, (kind, value) in enumerate(steps):
        on = min(period.start + timedelta(days=number), period.last_day)
        try:
            if kind == "reserve":
                referrals.append(uuid4())
                area.reserve_seat(pid, on=on, client_id=uuid4(), referral_id=referrals[-1])
            elif kind == "release" and referrals:
                area.release_seat(pid, on=on, referral_id=referrals[value % len(referrals)])
            elif kind == "invoice":
                invoices.append(f"INV-{number}")
                month = Period(on, on + timedelta(days=1))
                area.receive_invoice(
                    pid, on=on, invoice_id=invoices[-1], amount=value, period=month
                )
            elif kind == "approve" and invoices:
                area.approve_invoice(pid, on=on, invoice_id=invoices[value % len(invoices)])
        except ProcurementError:
            pass
        live = area.get_procurement(pid)
        assert 0 <= len(live.reservations) <= live.seats
        assert live.value_cap is not None and live.invoiced <= live.value_cap
    live = area.get_procurement(pid)
    posted = sum(
        (
            Money(
                area.ledger_state("property-area", year)["costs_by_category"]["purchased_services"]
            )
            for year in range(period.start.year, period.last_day.year + 1)
        ),
        Money.zero(),
    )
    assert posted == live.approved


@settings(max_examples=30)
@given(ledgers(), procurement_contracts())
def test_ledgers_and_contracts_survive_a_snapshot_unchanged(
    ledger: Ledger, procurement: Procurement
) -> None:
    # Ledgers grow all year; their state is kept snapshot-safe so snapshotting can be enabled.
    area = EmploymentArea(":memory:")
    for aggregate in (ledger, procurement):
        stored = application_of(area).mapper.to_stored_event(Snapshot.take(aggregate))
        snapshot = application_of(area).mapper.to_domain_event(stored)
        assert isinstance(snapshot, Snapshot)
        rebuilt = snapshot.mutate(None)
        assert state_of(rebuilt) == state_of(aggregate)
