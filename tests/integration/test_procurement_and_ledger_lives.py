"""Lives of a procurement and a ledger year on every store, and writers racing on one contract.

The lives run on the in-memory store, a SQLite file and PostgreSQL; the races need a store that
two application instances share: a SQLite file and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from employment_domain import ConcurrentUpdateError, EmploymentArea, Money, Period
from employment_domain.ledgers.ledger import Ledger, ledger_id
from employment_domain.procurements.procurement import CapacityError, Procurement
from employment_domain.store.service import application_of

AREA = "espoo-kauniainen"


def reopened(area: EmploymentArea, store: str) -> EmploymentArea:
    """A second application on the same store (the in-memory store cannot be shared)."""
    return area if store == ":memory:" else EmploymentArea(store)


def contract(area: EmploymentArea, *, seats: int) -> UUID:
    procurement_id = area.plan_procurement(
        on=date(2025, 1, 10),
        area=AREA,
        service_type="labour_market_training",
        title="ICT labour market training",
        estimated_value="250000.00",
        period=Period.year(2025),
    )
    area.award_in_house(procurement_id, on=date(2025, 1, 20), provider="Omnia")
    area.conclude_contract(
        procurement_id,
        on=date(2025, 1, 31),
        unit_price="5000.00",
        seats=seats,
        value_cap="250000.00",
        period=Period(date(2025, 2, 1), date(2026, 2, 1)),
    )
    return procurement_id


def record_seed_basis(area: EmploymentArea) -> None:
    # APPROXIMATE figures from docs/domain.md §4 (see tests/unit/test_allocation.py):
    # total populations stand in for the 18–64-year-olds, Espoo's unemployed jobseekers for its
    # broadly unemployed, and Kauniainen's unemployed are Espoo's rate applied to its population.
    for municipality, population, unemployed in (("049", 326_280, 17_842), ("235", 10_250, 560)):
        area.record_allocation_basis(
            AREA,
            2025,
            on=date(2025, 2, 1),
            municipality=municipality,
            population_18_64=population,
            population_reference_date=date(2024, 12, 31),
            population_source="approximate, docs/domain.md §4",
            unemployed_broad=unemployed,
            unemployed_reference_date=date(2025, 11, 30),
            unemployed_source="approximate, docs/domain.md §4",
        )


def test_a_procurement_and_its_ledger_year_live_and_close_at_the_seed_scale(store: str) -> None:
    area = EmploymentArea(store)
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    record_seed_basis(area)
    procurement_id = contract(area, seats=40)
    referrals = [uuid4() for _ in range(3)]
    for referral_id in referrals:
        area.reserve_seat(
            procurement_id, on=date(2025, 2, 3), client_id=uuid4(), referral_id=referral_id
        )
    area.release_seat(procurement_id, on=date(2025, 3, 1), referral_id=referrals[0])
    area.receive_invoice(
        procurement_id,
        on=date(2025, 7, 5),
        invoice_id="OMNIA-2025-06",
        amount="120000.00",
        period=Period(date(2025, 2, 1), date(2025, 7, 1)),
    )
    area.approve_invoice(procurement_id, on=date(2025, 7, 15), invoice_id="OMNIA-2025-06")
    # The rest of the ≈ 21 M€ operating costs (SEED), by category.
    for category, amount, source in (
        ("staff", "13500000.00", "payroll_run"),
        ("purchased_services", "5880000.00", "invoice"),
        ("premises", "900000.00", "invoice"),
        ("ict_and_support_services", "400000.00", "internal_charge"),
        ("other", "250000.00", "voucher"),
    ):
        area.record_cost(
            AREA,
            2025,
            on=date(2025, 12, 31),
            category=category,
            amount=amount,
            source=source,
            reference=f"annual {category} 2025",
        )
    area.record_revenue(
        AREA, 2025, on=date(2025, 12, 31), amount="50000.00", source="voucher", reference="EU"
    )
    area.invoice_advance(
        AREA, 2025, on=date(2025, 6, 30), municipality="235", amount="600000.00", reference="adv"
    )
    area.record_state_subsidy(
        AREA, 2025, on=date(2025, 3, 1), municipality="049", amount="28600000.00", reference="VOS"
    )
    area.close_year(AREA, 2025, on=date(2026, 3, 31))

    later = reopened(area, store)
    ledger = later.ledger_state(AREA, 2025)
    assert ledger["costs_by_category"]["purchased_services"] == "6000000.00"
    assert (ledger["costs"], ledger["revenues"], ledger["net_cost"]) == (
        "21050000.00",
        "50000.00",
        "21000000.00",
    )
    split = later.cost_split(AREA, 2025)
    espoo, kauniainen = split["municipalities"]
    # Checked by hand in tests/unit/test_allocation.py: 639,338.53 € and 20,360,661.47 €.
    assert (kauniainen["amount"], kauniainen["settlement"]) == ("639338.53", "39338.53")
    assert (espoo["amount"], espoo["settlement"]) == ("20360661.47", "20360661.47")
    procurement = later.procurement_state(procurement_id)
    assert (procurement["free_seats"], procurement["approved"]) == (38, "120000.00")
    assert procurement["invoices"]["OMNIA-2025-06"]["status"] == "approved"


def race(stores: list[EmploymentArea], command: Any) -> list[str]:
    """Run ``command(area)`` on every area at once; each outcome is 'done' or the error's name."""
    outcomes: list[str] = []
    barrier = threading.Barrier(len(stores), timeout=30)

    def run(area: EmploymentArea) -> None:
        barrier.wait()
        try:
            command(area)
            outcomes.append("done")
        except Exception as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=(area,)) for area in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_referrals_racing_for_the_last_seat_never_both_get_it(durable_store: str) -> None:
    setup = EmploymentArea(durable_store)
    writers = [EmploymentArea(durable_store) for _ in range(2)]
    for _ in range(5):
        procurement_id = contract(setup, seats=2)
        setup.reserve_seat(
            procurement_id, on=date(2025, 2, 3), client_id=uuid4(), referral_id=uuid4()
        )
        outcomes = race(
            writers,
            lambda area, pid=procurement_id: area.reserve_seat(
                pid, on=date(2025, 2, 4), client_id=uuid4(), referral_id=uuid4()
            ),
        )
        assert outcomes == ["CapacityError", "done"]
        assert len(setup.get_procurement(procurement_id).reservations) == 2


def test_a_writer_that_lost_the_last_seat_is_refused_when_it_tries_again(
    durable_store: str,
) -> None:
    first, second = EmploymentArea(durable_store), EmploymentArea(durable_store)
    procurement_id = contract(first, seats=1)
    mine = application_of(first).load(Procurement, procurement_id)
    theirs = application_of(second).load(Procurement, procurement_id)
    for procurement in (mine, theirs):
        procurement.reserve_seat(on=date(2025, 2, 4), client_id=uuid4(), referral_id=uuid4())
    application_of(first).save(mine)
    with pytest.raises(ConcurrentUpdateError, match=str(procurement_id)):
        application_of(second).save(theirs)
    with pytest.raises(CapacityError, match="all 1 seats are taken"):
        second.reserve_seat(
            procurement_id, on=date(2025, 2, 4), client_id=uuid4(), referral_id=uuid4()
        )
    assert len(EmploymentArea(durable_store).get_procurement(procurement_id).reservations) == 1


def test_an_approval_and_its_ledger_posting_are_saved_together_or_not_at_all(
    durable_store: str,
) -> None:
    first, second = EmploymentArea(durable_store), EmploymentArea(durable_store)
    first.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    procurement_id = contract(first, seats=5)
    first.receive_invoice(
        procurement_id,
        on=date(2025, 3, 5),
        invoice_id="OMNIA-2025-02",
        amount="10000.00",
        period=Period.month(2025, 2),
    )
    procurement = application_of(first).load(Procurement, procurement_id)
    ledger = application_of(first).load(Ledger, ledger_id(AREA, 2025))
    second.record_cost(
        AREA,
        2025,
        on=date(2025, 3, 6),
        category="staff",
        amount="1.00",
        source="payroll_run",
        reference="payroll 2025-02",
    )
    procurement.approve_invoice(on=date(2025, 3, 7), invoice_id="OMNIA-2025-02")
    ledger.record_cost(
        entry_id=uuid4(),
        on=date(2025, 3, 7),
        category="purchased_services",
        amount=Money("10000.00"),
        source="invoice",
        reference="OMNIA-2025-02",
    )
    with pytest.raises(ConcurrentUpdateError):
        application_of(first).save(procurement, ledger)
    after = EmploymentArea(durable_store)
    assert after.procurement_state(procurement_id)["invoices"]["OMNIA-2025-02"]["status"] == (
        "received"
    )
    assert after.ledger_state(AREA, 2025)["net_cost"] == "1.00"
    first.approve_invoice(procurement_id, on=date(2025, 3, 7), invoice_id="OMNIA-2025-02")
    assert after.ledger_state(AREA, 2025)["net_cost"] == "10001.00"
