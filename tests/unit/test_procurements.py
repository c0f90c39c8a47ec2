"""Procurements from plan to end: terms, seats, invoices posted to ledgers, and every refusal."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from employment_domain import CurrencyError, EmploymentArea, NotFoundError, Period
from employment_domain.procurements.procurement import (
    CapacityError,
    ContractEndedError,
    ContractIndex,
    ContractPeriodError,
    InvoiceError,
    NotPurchasableError,
    Procurement,
    ProcurementError,
    ProcurementStateError,
    ReservationError,
    ValueCapError,
    contract_index_id,
)
from employment_domain.store.service import application_of

AREA = "espoo-kauniainen"
CONTRACT = Period(date(2025, 3, 1), date(2026, 3, 1))


def recorded(area: EmploymentArea) -> int:
    """How many events the store holds: a refused command must leave this unchanged."""
    return area.head_position()


def planned(area: EmploymentArea, service_type: str = "coaching") -> UUID:
    return area.plan_procurement(
        on=date(2025, 1, 10),
        area=AREA,
        service_type=service_type,
        title="Job-search coaching",
        estimated_value="100000.00",
        period=Period.year(2025),
    )


def contracted(
    area: EmploymentArea,
    *,
    service_type: str = "coaching",
    seats: int = 2,
    unit_price: str = "1000.00",
    value_cap: str = "5000.00",
    period: Period = CONTRACT,
) -> UUID:
    procurement_id = planned(area, service_type)
    area.publish_tender(procurement_id, on=date(2025, 1, 15), notice_reference="HILMA 2025-001")
    area.award_procurement(
        procurement_id,
        on=date(2025, 2, 14),
        provider="Valmennus Oy",
        business_id="0101263-6",
        decision_reference="Työllisyys- ja kotoutumisjaosto 14.2.2025 § 12",
    )
    area.conclude_contract(
        procurement_id,
        on=date(2025, 2, 28),
        unit_price=unit_price,
        seats=seats,
        value_cap=value_cap,
        period=period,
        target_groups=["long_term_unemployed"],
    )
    return procurement_id


def reserve(area: EmploymentArea, procurement_id: UUID, on: date = date(2025, 4, 1)) -> UUID:
    referral_id = uuid4()
    area.reserve_seat(procurement_id, on=on, client_id=uuid4(), referral_id=referral_id)
    return referral_id


@pytest.fixture
def area() -> EmploymentArea:
    area = EmploymentArea(":memory:")
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    return area


def test_a_procurement_goes_from_plan_to_contract_with_its_terms(area: EmploymentArea) -> None:
    procurement_id = contracted(area)
    state = area.procurement_state(procurement_id)
    assert state["status"] == "contracted"
    assert (state["provider"], state["business_id"], state["in_house"]) == (
        "Valmennus Oy",
        "0101263-6",
        False,
    )
    assert state["tender_reference"] == "HILMA 2025-001"
    assert (state["unit_price"], state["seats"], state["value_cap"]) == ("1000.00", 2, "5000.00")
    assert state["contract_period"] == {"first_day": "2025-03-01", "last_day": "2026-02-28"}
    assert state["target_groups"] == ["long_term_unemployed"]
    assert state["estimated_value"] == "100000.00"


def test_an_in_house_award_to_omnia_records_its_legal_ground_without_a_tender(
    area: EmploymentArea,
) -> None:
    procurement_id = planned(area, "labour_market_training")
    area.award_in_house(procurement_id, on=date(2025, 1, 20), provider="Omnia")
    state = area.procurement_state(procurement_id)
    assert state["in_house"] is True and state["tender_reference"] is None
    assert "1397/2016, 15 §" in state["award_reference"]


def test_an_in_house_award_is_refused_to_others_and_after_a_tender(area: EmploymentArea) -> None:
    procurement_id = planned(area)
    before = recorded(area)
    with pytest.raises(ProcurementError, match="'Valmennus Oy' is not an in-house entity"):
        area.award_in_house(procurement_id, on=date(2025, 1, 20), provider="Valmennus Oy")
    area.publish_tender(procurement_id, on=date(2025, 1, 15), notice_reference="HILMA 1")
    before = recorded(area)
    with pytest.raises(ProcurementStateError, match="is tendered, not planned"):
        area.award_in_house(procurement_id, on=date(2025, 1, 20), provider="Omnia")
    assert recorded(area) == before


def test_an_authority_task_is_never_procured(area: EmploymentArea) -> None:
    before = recorded(area)
    with pytest.raises(NotPurchasableError, match="'job_placement' may not be purchased"):
        planned(area, "job_placement")
    assert recorded(area) == before


def test_a_plan_in_another_currency_is_refused(area: EmploymentArea) -> None:
    before = recorded(area)
    with pytest.raises(CurrencyError, match="SEK"):
        area.plan_procurement(
            on=date(2025, 1, 10),
            area=AREA,
            service_type="coaching",
            title="Coaching",
            estimated_value="1000.00",
            period=Period.year(2025),
            currency="SEK",
        )
    assert recorded(area) == before


def test_steps_out_of_order_or_backwards_in_time_are_refused(area: EmploymentArea) -> None:
    procurement_id = planned(area)
    before = recorded(area)
    with pytest.raises(ProcurementStateError, match="is planned, not tendered"):
        area.award_procurement(
            procurement_id,
            on=date(2025, 2, 1),
            provider="X Oy",
            business_id="0101263-6",
            decision_reference="d",
        )
    with pytest.raises(ProcurementStateError, match="no contract yet"):
        reserve(area, procurement_id)
    with pytest.raises(ProcurementStateError, match="before the previous step on 2025-01-10"):
        area.publish_tender(procurement_id, on=date(2025, 1, 9), notice_reference="HILMA 1")
    assert recorded(area) == before


def test_contract_terms_need_seats_and_a_cap_above_the_unit_price(area: EmploymentArea) -> None:
    with pytest.raises(ProcurementError, match="at least 1: 0"):
        contracted(area, seats=0)
    with pytest.raises(ValueCapError, match=r"1000\.00 € exceeds the value cap 999\.00 €"):
        contracted(area, value_cap="999.00")


def test_seats_are_reserved_up_to_capacity_and_a_released_seat_is_free_again(
    area: EmploymentArea,
) -> None:
    procurement_id = contracted(area, seats=2)
    first = reserve(area, procurement_id)
    reserve(area, procurement_id)
    before = recorded(area)
    with pytest.raises(CapacityError, match="all 2 seats are taken"):
        reserve(area, procurement_id)
    assert recorded(area) == before
    area.release_seat(procurement_id, on=date(2025, 5, 1), referral_id=first)
    assert area.procurement_state(procurement_id)["free_seats"] == 1
    reserve(area, procurement_id)
    assert area.procurement_state(procurement_id)["free_seats"] == 0


def test_a_referral_holds_one_seat_and_releases_only_its_own(area: EmploymentArea) -> None:
    procurement_id = contracted(area)
    referral_id, client_id = uuid4(), uuid4()
    area.reserve_seat(
        procurement_id, on=date(2025, 4, 1), client_id=client_id, referral_id=referral_id
    )
    before = recorded(area)
    with pytest.raises(ReservationError, match="already holds a seat"):
        area.reserve_seat(
            procurement_id, on=date(2025, 4, 2), client_id=client_id, referral_id=referral_id
        )
    with pytest.raises(ReservationError, match="holds no seat"):
        area.release_seat(procurement_id, on=date(2025, 4, 2), referral_id=uuid4())
    assert recorded(area) == before
    reservation = area.procurement_state(procurement_id)["reservations"][str(referral_id)]
    assert reservation == {"client_id": str(client_id), "reserved_on": "2025-04-01"}


def test_a_seat_outside_the_contract_period_is_refused(area: EmploymentArea) -> None:
    procurement_id = contracted(area)
    with pytest.raises(ContractPeriodError, match=r"2025-02-28.*2025-03-01–2026-02-28"):
        reserve(area, procurement_id, on=date(2025, 2, 28))
    with pytest.raises(ContractPeriodError, match="2026-03-01"):
        reserve(area, procurement_id, on=date(2026, 3, 1))


def test_a_seat_needs_money_left_under_the_cap(area: EmploymentArea) -> None:
    procurement_id = contracted(area, seats=5, unit_price="1000.00", value_cap="1500.00")
    area.receive_invoice(
        procurement_id,
        on=date(2025, 4, 5),
        invoice_id="INV-1",
        amount="600.00",
        period=Period.month(2025, 3),
    )
    with pytest.raises(ValueCapError, match=r"900\.00 € left"):
        reserve(area, procurement_id)


def test_an_invoice_over_the_cap_is_refused_and_a_rejected_one_frees_the_cap(
    area: EmploymentArea,
) -> None:
    procurement_id = contracted(area, value_cap="5000.00")
    march = Period.month(2025, 3)
    area.receive_invoice(
        procurement_id, on=date(2025, 4, 5), invoice_id="INV-1", amount="4000.00", period=march
    )
    before = recorded(area)
    with pytest.raises(ValueCapError, match=r"INV-2.*1000\.00 €"):
        area.receive_invoice(
            procurement_id, on=date(2025, 4, 6), invoice_id="INV-2", amount="1000.01", period=march
        )
    assert recorded(area) == before
    area.reject_invoice(procurement_id, on=date(2025, 4, 7), invoice_id="INV-1", reason="wrong")
    area.receive_invoice(
        procurement_id, on=date(2025, 4, 8), invoice_id="INV-2", amount="5000.00", period=march
    )
    assert area.procurement_state(procurement_id)["value_left"] == "0.00"


def test_invoices_outside_the_contract_or_across_a_year_or_twice_are_refused(
    area: EmploymentArea,
) -> None:
    procurement_id = contracted(area)
    before = recorded(area)
    with pytest.raises(ContractPeriodError, match="outside the contract period"):
        area.receive_invoice(
            procurement_id,
            on=date(2025, 3, 5),
            invoice_id="INV-0",
            amount="10.00",
            period=Period.month(2025, 2),
        )
    with pytest.raises(ContractPeriodError, match="spans two years"):
        area.receive_invoice(
            procurement_id,
            on=date(2026, 1, 20),
            invoice_id="INV-9",
            amount="10.00",
            period=Period(date(2025, 12, 15), date(2026, 1, 15)),
        )
    assert recorded(area) == before
    area.receive_invoice(
        procurement_id,
        on=date(2025, 4, 5),
        invoice_id="INV-1",
        amount="10.00",
        period=Period.month(2025, 3),
    )
    with pytest.raises(InvoiceError, match="already received"):
        area.receive_invoice(
            procurement_id,
            on=date(2025, 4, 5),
            invoice_id="INV-1",
            amount="10.00",
            period=Period.month(2025, 3),
        )


def test_an_approved_invoice_posts_to_the_ledger_of_its_year_in_the_same_save(
    area: EmploymentArea,
) -> None:
    procurement_id = contracted(area)
    area.receive_invoice(
        procurement_id,
        on=date(2025, 4, 5),
        invoice_id="INV-1",
        amount="2000.00",
        period=Period.month(2025, 3),
    )
    before = recorded(area)
    entry_id = area.approve_invoice(procurement_id, on=date(2025, 4, 10), invoice_id="INV-1")
    approval, posting = application_of(area).notification_log.select(start=before + 1, limit=10)
    assert approval.topic.endswith("Procurement.InvoiceApproved")
    assert posting.topic.endswith("Ledger.CostRecorded")
    ledger = area.ledger_state(AREA, 2025)
    assert ledger["costs_by_category"]["purchased_services"] == "2000.00"
    (entry,) = ledger["entries"]
    assert entry["entry_id"] == str(entry_id) and entry["source"] == "invoice"
    assert "INV-1" in entry["reference"] and str(procurement_id) in entry["reference"]
    assert area.procurement_state(procurement_id)["approved"] == "2000.00"
    before = recorded(area)
    with pytest.raises(InvoiceError, match="already approved"):
        area.approve_invoice(procurement_id, on=date(2025, 4, 11), invoice_id="INV-1")
    assert recorded(area) == before


def test_an_invoice_of_a_closed_year_goes_to_the_next_year_as_a_prior_year_adjustment(
    area: EmploymentArea,
) -> None:
    procurement_id = contracted(area)
    area.receive_invoice(
        procurement_id,
        on=date(2026, 1, 5),
        invoice_id="INV-12",
        amount="900.00",
        period=Period.month(2025, 12),
    )
    for municipality in ("049", "235"):
        area.record_allocation_basis(
            AREA,
            2025,
            on=date(2025, 3, 1),
            municipality=municipality,
            population_18_64=100,
            population_reference_date=date(2024, 12, 31),
            population_source="test",
            unemployed_broad=10,
            unemployed_reference_date=date(2024, 12, 31),
            unemployed_source="test",
        )
    area.close_year(AREA, 2025, on=date(2026, 1, 31))
    before = recorded(area)
    with pytest.raises(NotFoundError, match="2026; open it first"):
        area.approve_invoice(procurement_id, on=date(2026, 2, 3), invoice_id="INV-12")
    assert recorded(area) == before
    area.open_ledger(AREA, 2026, on=date(2026, 1, 2))
    area.approve_invoice(procurement_id, on=date(2026, 2, 3), invoice_id="INV-12")
    (entry,) = area.ledger_state(AREA, 2026)["entries"]
    assert (entry["amount"], entry["adjusts_year"]) == ("900.00", 2025)
    assert area.ledger_state(AREA, 2025)["net_cost"] == "0.00"


def test_nothing_may_use_a_procurement_after_it_ended(area: EmploymentArea) -> None:
    procurement_id = contracted(area)
    referral_id = reserve(area, procurement_id)
    area.receive_invoice(
        procurement_id,
        on=date(2025, 4, 5),
        invoice_id="INV-1",
        amount="10.00",
        period=Period.month(2025, 3),
    )
    with pytest.raises(InvoiceError, match="INV-1 before ending"):
        area.end_procurement(procurement_id, on=date(2025, 6, 1), reason="budget cut")
    area.approve_invoice(procurement_id, on=date(2025, 4, 10), invoice_id="INV-1")
    area.end_procurement(procurement_id, on=date(2025, 6, 1), reason="budget cut")
    before = recorded(area)
    with pytest.raises(ContractEndedError, match="ended on 2025-06-01"):
        reserve(area, procurement_id, on=date(2025, 6, 2))
    with pytest.raises(ContractEndedError):
        area.release_seat(procurement_id, on=date(2025, 6, 2), referral_id=referral_id)
    with pytest.raises(ContractEndedError):
        area.receive_invoice(
            procurement_id,
            on=date(2025, 6, 5),
            invoice_id="INV-2",
            amount="10.00",
            period=Period.month(2025, 5),
        )
    with pytest.raises(ContractEndedError):
        area.end_procurement(procurement_id, on=date(2025, 6, 2), reason="again")
    assert recorded(area) == before
    assert area.procurement_state(procurement_id)["status"] == "ended"


def test_contracts_with_free_seats_lists_only_usable_contracts_of_the_service_type(
    area: EmploymentArea,
) -> None:
    cheap = contracted(area, unit_price="500.00")
    dear = contracted(area, unit_price="1500.00")
    full = contracted(area, seats=1)
    reserve(area, full)
    later = contracted(area, period=Period(date(2025, 9, 1), date(2026, 9, 1)))
    ended = contracted(area)
    area.end_procurement(ended, on=date(2025, 3, 15), reason="provider bankrupt")
    contracted(area, service_type="labour_market_training")
    offers = area.contracts_with_free_seats("coaching", date(2025, 4, 1))
    assert [offer["procurement_id"] for offer in offers] == [str(cheap), str(dear)]
    assert offers[0] == {
        "procurement_id": str(cheap),
        "area": AREA,
        "service_type": "coaching",
        "provider": "Valmennus Oy",
        "in_house": False,
        "unit_price": "500.00",
        "seats": 2,
        "free_seats": 2,
        "value_cap": "5000.00",
        "value_left": "5000.00",
        "contract_period": {"first_day": "2025-03-01", "last_day": "2026-02-28"},
        "target_groups": ["long_term_unemployed"],
    }
    in_autumn = area.contracts_with_free_seats("coaching", date(2025, 10, 1))
    assert str(later) in [offer["procurement_id"] for offer in in_autumn]
    assert area.contracts_with_free_seats("coaching", date(2025, 4, 1), area="other") == []
    assert area.contracts_with_free_seats("expert_assessment", date(2025, 4, 1)) == []


def test_the_index_lists_contracts_of_a_service_type_and_drops_ended_ones(
    area: EmploymentArea,
) -> None:
    kept, ended = contracted(area), contracted(area)
    area.end_procurement(ended, on=date(2025, 3, 15), reason="cancelled")
    index = application_of(area).load(ContractIndex, contract_index_id("coaching"))
    assert index.procurement_ids == [str(kept)]
    assert application_of(area).load(Procurement, ended).status == "ended"
