"""The effectiveness report on a small history built with the area's commands, every row worked
out by hand in the comments; its published form; and the demo's rows, the same when the tables
are caught up event by event as when they are rebuilt from zero."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text

from employment_domain import Decision, EmploymentArea, MasterKey
from employment_domain.cli.main import main
from employment_domain.projections import ProjectionRunner, ReadModel
from employment_domain.projections.disclosure import audit_table
from employment_domain.projections.effectiveness import Effectiveness, age_band
from employment_domain.projections.suppression import MARKER, PublishedRows
from employment_domain.values import Period

AREA = "test-area"
THROUGH = date(2025, 12, 31)


def decision(route: str, on: date, procurement: UUID | None = None) -> Decision:
    return Decision(
        route=route,
        unit="test unit",
        rule_id=f"guidance_{route}",
        rulebook_version="test",
        procurement_id=None if procurement is None else str(procurement),
        decided_on=on,
    )


def build(area: EmploymentArea) -> None:
    """Four Espoo jobseekers referred to coaching in February 2025, two in-house, two bought.

    X (born 1980, aged 44 on referral, band 30-54, no target group): in-house, started 10.2.,
    completed 31.3.; work from 30.6. = 31.3. + 3 months, the last day of the 3-month window.
    W (born 2003, aged 21, band 0-24, groups young and young_statistics): in-house, never
    started, interrupted 20.2.; never employed.
    Y (born 1980, aged 45, band 30-54): purchased (seat on P1), started 10.2., interrupted 15.4.;
    work from 1.8.: after the 3-month window's end 15.7., inside the 6-month one's 15.10.,
    108 days after the end (15 + 31 + 30 + 31 + 1).
    Z (born 1980, aged 45, band 30-54): purchased (seat on P1), started 10.2., completed 20.11.;
    its 3-month window ends 20.2.2026, after the report date, so it is not yet observed.
    P1's invoices: 900.00 received (and approved) and 300.00 received but rejected, so 900.00
    shared by its two seats: 450.00 each.
    """
    start = area.start_job_search
    born = {"X": date(1980, 5, 15), "W": date(2003, 3, 10), "Y": date(1980, 1, 1),
            "Z": date(1980, 2, 2)}  # fmt: skip
    client = {
        name: start(
            on=date(2025, 1, 8),
            municipality="049",
            birth_date=birth,
            mother_tongue="fi",
            education_level="basic",
        )
        for name, birth in born.items()
    }
    year = Period(date(2025, 2, 1), date(2026, 1, 1))
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    p1 = area.plan_procurement(
        on=date(2025, 1, 2), area=AREA, service_type="coaching", title="Coaching",
        estimated_value="6000.00", period=year,
    )  # fmt: skip
    area.publish_tender(p1, on=date(2025, 1, 3), notice_reference="HILMA 2025-001")
    area.award_procurement(
        p1, on=date(2025, 1, 10), provider="Valmennus Testi Oy", business_id="1572860-0",
        decision_reference="Jaosto 10.1.2025 § 1",
    )  # fmt: skip
    area.conclude_contract(
        p1, on=date(2025, 1, 20), unit_price="500.00", seats=10, value_cap="6000.00", period=year
    )
    refer, feb = area.refer_to_service, date(2025, 2, 3)
    x = refer(client["X"], on=feb, service_type="coaching", decision=decision("in_house", feb))
    w = refer(client["W"], on=feb, service_type="coaching", decision=decision("in_house", feb))
    bought = {}
    for name in ("Y", "Z"):
        bought[name] = refer(
            client[name], on=feb, service_type="coaching", decision=decision("purchased", feb, p1)
        )
        area.reserve_seat(p1, on=feb, client_id=client[name], referral_id=bought[name])
    for name, referral in (("X", x), ("Y", bought["Y"]), ("Z", bought["Z"])):
        area.start_service(client[name], referral, on=date(2025, 2, 10))
    area.interrupt_service(client["W"], w, on=date(2025, 2, 20), reason="did not come")
    area.complete_service(client["X"], x, on=date(2025, 3, 31))
    area.interrupt_service(client["Y"], bought["Y"], on=date(2025, 4, 15), reason="moved")
    area.complete_service(client["Z"], bought["Z"], on=date(2025, 11, 20))
    area.record_employment(client["X"], on=date(2025, 6, 2), kind="open_market",
                           term="permanent", starts_on=date(2025, 6, 30))  # fmt: skip
    area.record_employment(client["Y"], on=date(2025, 7, 20), kind="open_market",
                           term="permanent", starts_on=date(2025, 8, 1))  # fmt: skip
    area.receive_invoice(p1, on=date(2025, 3, 3), invoice_id="INV-1", amount="900.00",
                         period=Period.month(2025, 2))  # fmt: skip
    area.approve_invoice(p1, on=date(2025, 3, 5), invoice_id="INV-1")
    area.receive_invoice(p1, on=date(2025, 4, 3), invoice_id="INV-2", amount="300.00",
                         period=Period.month(2025, 3))  # fmt: skip
    area.reject_invoice(p1, on=date(2025, 4, 10), invoice_id="INV-2", reason="wrong seats")


@pytest.fixture(scope="module")
def read_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadModel]:
    store = str(tmp_path_factory.mktemp("effectiveness") / "area.db")
    area = EmploymentArea(store, master_key=MasterKey.generate())
    build(area)
    model = ReadModel.for_store(store)
    ProjectionRunner(area, model, page_size=7).catch_up()
    yield model
    model.close()
    area.close()


def row(group: str, band: str, route: str, *counts: int, median: str | None = None,
        euros: str | None = None) -> dict[str, Any]:  # fmt: skip
    names = ("stratum_referrals", "referrals", "started", "completed", "interrupted",
             "observed_3_months", "employed_within_3_months", "observed_6_months",
             "employed_within_6_months", "participants_invoiced")  # fmt: skip
    return {
        "year": 2025, "service_type": "coaching", "target_group": group, "municipality": "049",
        "age_band": band, "production": route, "route": route,
        **dict(zip(names, counts, strict=True)),
        "median_days_to_employment": None if median is None else Decimal(median),
        "euros_invoiced_per_participant": None if euros is None else Decimal(euros),
    }  # fmt: skip


def test_each_stratum_sets_in_house_against_purchased_services_with_employment_after_them(
    read_model: ReadModel,
) -> None:
    assert read_model.report(Effectiveness, through=THROUGH) == [
        # Rows by year, service type, target group, municipality, age band and route.
        # W alone in band 0-24: referred, interrupted on 20.2., observed 3 and 6 months, no work.
        row("all", "0-24", "in_house", 1, 1, 0, 0, 1, 1, 0, 1, 0, 0),
        # Band 30-54, stratum of 3: X in-house, completed 31.3., employed on the window's last
        # day 30.6., 91 days after (30 in April + 31 in May + 30 in June).
        row("all", "30-54", "in_house", 3, 1, 1, 1, 0, 1, 1, 1, 1, 0, median="91"),
        # Y and Z purchased: both started; Z completed, Y interrupted; only Y observed (15.4.
        # + 3 and + 6 months are past) and employed within 6 months, 108 days after; two
        # participants at 450.00 each.
        row(
            "all", "30-54", "purchased", 3, 2, 2, 1, 1, 1, 0, 1, 1, 2, median="108", euros="450.00"
        ),
        # W is young by both age limits (under 30 and under 25); nobody else is in a group.
        row("young", "0-24", "in_house", 1, 1, 0, 0, 1, 1, 0, 1, 0, 0),
        row("young_statistics", "0-24", "in_house", 1, 1, 0, 0, 1, 1, 0, 1, 0, 0),
    ]


def test_before_the_windows_close_the_services_are_not_yet_counted_as_without_work(
    read_model: ReadModel,
) -> None:
    # On 30.6.: X's 3-month window closes that day (employed), Y's closes 15.7. (not observed);
    # no 6-month window has closed (W's closes 20.8.); Z's service is still running.
    rows = read_model.report(Effectiveness, through=date(2025, 6, 30))
    bought = next(r for r in rows if r["route"] == "purchased")
    own = next(r for r in rows if r["route"] == "in_house" and r["age_band"] == "30-54")
    assert (own["observed_3_months"], own["employed_within_3_months"]) == (1, 1)
    assert (own["observed_6_months"], own["median_days_to_employment"]) == (0, None)
    assert (bought["completed"], bought["interrupted"], bought["observed_3_months"]) == (0, 1, 0)


def test_the_published_form_hides_small_strata_with_their_median_and_euros(
    read_model: ReadModel,
) -> None:
    published = read_model.report(Effectiveness, through=THROUGH, published=True)
    assert isinstance(published, PublishedRows)
    bought = published[2]
    assert bought["route"] == "purchased"
    assert bought["referrals"] is None and bought["participants_invoiced"] is None
    assert bought["median_days_to_employment"] is None
    # The stratum has 3 referrals: hidden whole, but a zero is never hidden.
    assert bought["stratum_referrals"] is None and bought["employed_within_3_months"] == 0
    assert bought["euros_invoiced_per_participant"] is None
    assert "euros_invoiced_per_participant" in bought[MARKER].split(",")
    audit = audit_table(published, published.layout, threshold=published.threshold, marker=MARKER)
    assert audit.passed, audit.exposed


def test_age_bands_start_at_the_parameter_s_ages() -> None:
    bands = (25, 30, 55)
    assert [age_band(age, bands) for age in (0, 24, 25, 29, 30, 54, 55, 90)] == [
        "0-24", "0-24", "25-29", "25-29", "30-54", "30-54", "55-", "55-",
    ]  # fmt: skip


def test_the_demo_s_effectiveness_rows_are_the_same_caught_up_and_rebuilt(tmp_path: Path) -> None:
    store = tmp_path / "demo.db"
    assert main(["demo", "--db", str(store), "--scale", "0.05", "--quiet"]) == 0
    out = tmp_path / "effectiveness.json"
    assert main(["report", "effectiveness", "--db", str(store), "--format", "json",
                 "--unsuppressed", "--out", str(out)]) == 0  # fmt: skip
    shown = json.loads(out.read_text())
    assert len(shown) > 0 and any(r["euros_invoiced_per_participant"] for r in shown)
    assert any(r["employed_within_3_months"] for r in shown)
    # The report caught the read model beside the store up, in log order, as a live one is.
    beside = ReadModel.for_store(str(store))
    try:
        live = beside.report(Effectiveness)
    finally:
        beside.close()
    assert main(["projections", "rebuild", "--db", str(store)]) == 0
    beside = ReadModel.for_store(str(store))
    try:
        rebuilt = beside.report(Effectiveness)
    finally:
        beside.close()
    assert live and live == rebuilt
    assert len(live) == len(shown)


def test_the_bi_view_counts_referrals_and_how_their_services_went_by_month_and_route(
    read_model: ReadModel,
) -> None:
    with read_model.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM rv_service_outcomes ORDER BY route")
        ).fetchall()
    # February: X and W in-house (X started and completed, W interrupted unstarted); Y and Z
    # purchased (both started, Z completed, Y interrupted).
    assert [tuple(row) for row in rows] == [
        ("2025-02", "coaching", "in_house", "049", 2, 1, 1, 1),
        ("2025-02", "coaching", "purchased", "049", 2, 2, 1, 1),
    ]
