"""Routing asks the procurements for free seats; a purchased referral takes its seat atomically."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from employment_domain import EmploymentArea, Period, Route

AREA = "espoo-kauniainen"


def _contract(area: EmploymentArea, *, seats: int, omnia: bool) -> UUID:
    procurement_id = area.plan_procurement(
        on=date(2025, 1, 10),
        area=AREA,
        service_type="labour_market_training",
        title="ICT labour market training",
        estimated_value="100000.00",
        period=Period.year(2025),
    )
    if omnia:
        area.award_in_house(procurement_id, on=date(2025, 1, 20), provider="Omnia")
    else:
        area.publish_tender(procurement_id, on=date(2025, 1, 12), notice_reference="HILMA-1")
        area.award_procurement(
            procurement_id,
            on=date(2025, 1, 20),
            provider="Koulutus Oy",
            business_id="0101263-6",
            decision_reference="Työllisyysjaosto 12.1.2025 § 3",
        )
    area.conclude_contract(
        procurement_id,
        on=date(2025, 1, 31),
        unit_price="4000.00",
        seats=seats,
        value_cap="100000.00",
        period=Period(date(2025, 2, 1), date(2026, 1, 1)),
    )
    return procurement_id


def _jobseeker(area: EmploymentArea) -> UUID:
    return area.start_job_search(
        on=date(2025, 2, 3), municipality="049", birth_date=date(1980, 5, 5), district="Matinkylä"
    )


def test_when_omnias_seats_run_out_routing_moves_to_a_purchase_contract(
    durable_store: str,
) -> None:
    area = EmploymentArea(durable_store)
    omnia = _contract(area, seats=1, omnia=True)
    purchase = _contract(area, seats=1, omnia=False)
    first = area.refer_with_routing(
        _jobseeker(area), on=date(2025, 3, 3), service_type="labour_market_training"
    )
    second = area.refer_with_routing(
        _jobseeker(area), on=date(2025, 3, 4), service_type="labour_market_training"
    )
    assert (first.route, first.procurement_id) == (Route.IN_HOUSE_ENTITY, str(omnia))
    assert (second.route, second.procurement_id) == (Route.PURCHASED, str(purchase))
    assert area.procurement_state(omnia)["free_seats"] == 0
    assert area.procurement_state(purchase)["free_seats"] == 0
    third = area.refer_with_routing(
        _jobseeker(area), on=date(2025, 3, 5), service_type="labour_market_training"
    )
    assert third.route not in (Route.IN_HOUSE_ENTITY, Route.PURCHASED)


def test_the_seat_is_reserved_in_the_same_transaction_as_the_referral(durable_store: str) -> None:
    area = EmploymentArea(durable_store)
    omnia = _contract(area, seats=2, omnia=True)
    client_id = _jobseeker(area)
    before = area.get_procurement(omnia).version
    area.refer_with_routing(client_id, on=date(2025, 3, 3), service_type="labour_market_training")
    reopened = EmploymentArea(durable_store)
    state = reopened.procurement_state(omnia)
    assert reopened.get_procurement(omnia).version == before + 1
    (reservation,) = state["reservations"].values()
    assert reservation["client_id"] == str(client_id)
    referral = reopened.client_state(client_id)["referrals"][0]
    assert referral["decision"]["procurement_id"] == str(omnia)
