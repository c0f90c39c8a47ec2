"""The municipal cost ledger: postings, reversals, the basis, advances, the close, every refusal."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from employment_domain import (
    CurrencyError,
    EmploymentArea,
    MunicipalityError,
    NotFoundError,
    Parameters,
)
from employment_domain.ledgers.allocation import BasisError, WeightsError, ZeroBasisError
from employment_domain.ledgers.ledger import (
    DuplicatePostingError,
    Ledger,
    LedgerClosedError,
    LedgerError,
    MissingBasisError,
    UnknownMunicipalityError,
    ledger_id,
)
from employment_domain.ledgers.records import BasisDateError, ResponsibleMunicipalityAdvanceError
from employment_domain.money import Money
from employment_domain.values import MunicipalityCode

AREA = "espoo-kauniainen"


def recorded(area: EmploymentArea) -> int:
    """How many events the store holds: a refused command must leave this unchanged."""
    return area.head_position()


def record_basis(
    area: EmploymentArea, year: int, municipality: str, population: int, unemployed: int
) -> None:
    area.record_allocation_basis(
        AREA,
        year,
        on=date(year, 3, 1),
        municipality=municipality,
        population_18_64=population,
        population_reference_date=date(year - 1, 12, 31),
        population_source="Tilastokeskus, väestö iän mukaan (approximate test figure)",
        unemployed_broad=unemployed,
        unemployed_reference_date=date(year - 1, 12, 31),
        unemployed_source="KEHA, työnvälitystilasto (approximate test figure)",
    )


def cost(
    area: EmploymentArea,
    year: int,
    amount: str,
    reference: str,
    *,
    category: str = "staff",
    source: str = "payroll_run",
    adjusts_year: int | None = None,
    currency: str = "EUR",
) -> UUID:
    return area.record_cost(
        AREA,
        year,
        on=date(year, 6, 30),
        category=category,
        amount=amount,
        source=source,
        reference=reference,
        adjusts_year=adjusts_year,
        currency=currency,
    )


@pytest.fixture
def area() -> EmploymentArea:
    area = EmploymentArea(":memory:")
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    return area


def closed_2025(area: EmploymentArea) -> None:
    record_basis(area, 2025, "049", 300, 10)
    record_basis(area, 2025, "235", 100, 10)
    cost(area, 2025, "100.00", "payroll 2025-06")
    area.close_year(AREA, 2025, on=date(2026, 2, 15))


def test_a_ledger_opens_for_the_contracting_municipalities_of_the_rules(
    area: EmploymentArea,
) -> None:
    state = area.ledger_state(AREA, 2025)
    assert state["municipalities"] == ["049", "235"]
    assert state["id"] == str(ledger_id(AREA, 2025))
    assert state["net_cost"] == "0.00" and state["closed_on"] is None


def test_a_ledger_may_be_opened_for_any_municipalities(area: EmploymentArea) -> None:
    area.open_ledger("länsi-uusimaa", 2025, on=date(2025, 1, 2), municipalities=["444", "224"])
    assert area.ledger_state("länsi-uusimaa", 2025)["municipalities"] == ["444", "224"]


def test_a_year_is_opened_once(area: EmploymentArea) -> None:
    before = recorded(area)
    with pytest.raises(LedgerError, match="espoo-kauniainen 2025 is already open"):
        area.open_ledger(AREA, 2025, on=date(2025, 1, 3))
    assert recorded(area) == before


def test_an_unknown_municipality_code_is_refused_when_opening(area: EmploymentArea) -> None:
    before = recorded(area)
    with pytest.raises(MunicipalityError, match="999"):
        area.open_ledger(AREA, 2026, on=date(2026, 1, 2), municipalities=["049", "999"])
    assert recorded(area) == before


def test_a_ledger_never_opened_is_not_found_by_area_and_year(area: EmploymentArea) -> None:
    with pytest.raises(NotFoundError, match="'espoo-kauniainen' and 2024"):
        area.ledger_state(AREA, 2024)


def test_costs_are_kept_by_category_with_their_source_and_revenues_lower_the_net_cost(
    area: EmploymentArea,
) -> None:
    cost(area, 2025, "1200.00", "payroll 2025-06")
    cost(area, 2025, "300.50", "Sello rent 6/2025", category="premises", source="invoice")
    area.record_revenue(
        AREA, 2025, on=date(2025, 7, 1), amount="200.00", source="voucher", reference="ESR 1"
    )
    state = area.ledger_state(AREA, 2025)
    assert state["costs_by_category"]["staff"] == "1200.00"
    assert state["costs_by_category"]["premises"] == "300.50"
    assert state["costs_by_category"]["purchased_services"] == "0.00"
    assert (state["costs"], state["revenues"], state["net_cost"]) == (
        "1500.50",
        "200.00",
        "1300.50",
    )
    rent = next(entry for entry in state["entries"] if entry["category"] == "premises")
    assert (rent["source"], rent["reference"], rent["on"]) == (
        "invoice",
        "Sello rent 6/2025",
        "2025-06-30",
    )


def test_a_correction_is_a_reversing_entry_and_the_original_stays(area: EmploymentArea) -> None:
    entry_id = cost(area, 2025, "1200.00", "payroll 2025-06")
    reversal_id = area.reverse_entry(AREA, 2025, entry_id, on=date(2025, 7, 2), reason="twice")
    state = area.ledger_state(AREA, 2025)
    original, reversal = state["entries"]
    assert original["amount"] == "1200.00" and original["reversed_by"] == str(reversal_id)
    assert reversal["amount"] == "-1200.00" and reversal["reverses"] == str(entry_id)
    assert state["net_cost"] == "0.00"
    before = recorded(area)
    with pytest.raises(LedgerError, match="already reversed"):
        area.reverse_entry(AREA, 2025, entry_id, on=date(2025, 7, 3), reason="again")
    with pytest.raises(LedgerError, match="itself a reversal"):
        area.reverse_entry(AREA, 2025, reversal_id, on=date(2025, 7, 3), reason="undo")
    with pytest.raises(LedgerError, match="no entry"):
        area.reverse_entry(AREA, 2025, uuid4(), on=date(2025, 7, 3), reason="unknown")
    assert recorded(area) == before


def test_a_negative_cost_is_refused_because_corrections_are_reversals(
    area: EmploymentArea,
) -> None:
    before = recorded(area)
    with pytest.raises(LedgerError, match=r"reversing entry: -5\.00"):
        cost(area, 2025, "-5.00", "payroll fix")
    assert recorded(area) == before


def test_the_same_document_is_never_posted_twice_unless_reversed_first(
    area: EmploymentArea,
) -> None:
    entry_id = cost(area, 2025, "1200.00", "payroll 2025-06")
    before = recorded(area)
    with pytest.raises(DuplicatePostingError, match="payroll 2025-06"):
        cost(area, 2025, "1200.00", "payroll 2025-06")
    assert recorded(area) == before
    area.reverse_entry(AREA, 2025, entry_id, on=date(2025, 7, 2), reason="wrong amount")
    cost(area, 2025, "1250.00", "payroll 2025-06")
    assert area.ledger_state(AREA, 2025)["net_cost"] == "1250.00"


def test_an_unknown_category_source_or_function_is_refused_with_the_known_ones(
    area: EmploymentArea,
) -> None:
    before = recorded(area)
    with pytest.raises(LedgerError, match=r"'coffee'.*staff, purchased_services"):
        cost(area, 2025, "5.00", "receipt 1", category="coffee")
    with pytest.raises(LedgerError, match="'receipt'"):
        cost(area, 2025, "5.00", "receipt 1", source="receipt")
    with pytest.raises(LedgerError, match="'management'"):
        area.record_staff_resources(
            AREA, 2025, on=date(2025, 12, 31), function="management", person_years=3
        )
    assert recorded(area) == before


def test_a_currency_other_than_the_euro_is_refused_and_nothing_recorded(
    area: EmploymentArea,
) -> None:
    before = recorded(area)
    with pytest.raises(CurrencyError, match="SEK"):
        cost(area, 2025, "100.00", "payroll 2025-06", currency="SEK")
    with pytest.raises(CurrencyError, match="USD"):
        area.invoice_advance(
            AREA,
            2025,
            on=date(2025, 3, 1),
            municipality="235",
            amount="10.00",
            reference="advance 1/2025",
            currency="USD",
        )
    assert recorded(area) == before


def test_an_unknown_municipality_is_refused_for_basis_advance_and_subsidy(
    area: EmploymentArea,
) -> None:
    before = recorded(area)
    with pytest.raises(UnknownMunicipalityError, match="091 Helsinki is not a contracting"):
        record_basis(area, 2025, "091", 100, 10)
    with pytest.raises(MunicipalityError, match="091"):
        area.invoice_advance(
            AREA, 2025, on=date(2025, 3, 1), municipality="091", amount="1.00", reference="a"
        )
    with pytest.raises(MunicipalityError, match="999"):
        area.record_state_subsidy(
            AREA, 2025, on=date(2025, 3, 1), municipality="999", amount="1.00", reference="VOS"
        )
    assert recorded(area) == before


def test_a_negative_population_is_refused_and_nothing_recorded(area: EmploymentArea) -> None:
    before = recorded(area)
    with pytest.raises(BasisError, match="-300"):
        record_basis(area, 2025, "049", -300, 10)
    assert recorded(area) == before


def test_a_basis_needs_its_reference_dates_and_sources(area: EmploymentArea) -> None:
    with pytest.raises(LedgerError, match="source"):
        area.record_allocation_basis(
            AREA,
            2025,
            on=date(2025, 3, 1),
            municipality="049",
            population_18_64=10,
            population_reference_date=date(2024, 12, 31),
            population_source=" ",
            unemployed_broad=1,
            unemployed_reference_date=date(2024, 12, 31),
            unemployed_source="KEHA",
        )


def test_the_responsible_municipality_is_never_invoiced_an_advance_and_nothing_is_recorded(
    area: EmploymentArea,
) -> None:
    before = recorded(area)
    with pytest.raises(ResponsibleMunicipalityAdvanceError, match="049 is the responsible"):
        area.invoice_advance(
            AREA, 2025, on=date(2025, 3, 1), municipality="049", amount="1.00", reference="a"
        )
    assert recorded(area) == before
    area.invoice_advance(
        AREA, 2025, on=date(2025, 3, 1), municipality="235", amount="1.00", reference="a"
    )
    assert recorded(area) != before


def test_closing_splits_the_net_cost_and_settles_the_advances(area: EmploymentArea) -> None:
    record_basis(area, 2025, "049", 300, 10)
    record_basis(area, 2025, "235", 100, 10)
    cost(area, 2025, "1000.00", "payroll 2025-06")
    area.invoice_advance(
        AREA, 2025, on=date(2025, 3, 1), municipality="235", amount="400.00", reference="advance"
    )
    area.record_state_subsidy(
        AREA, 2025, on=date(2025, 3, 1), municipality="235", amount="9999.00", reference="VOS"
    )
    split = area.close_year(AREA, 2025, on=date(2026, 2, 15))
    assert split["status"] == "closed" and split["closed_on"] == "2026-02-15"
    assert split["net_cost"] == "1000.00"  # the state subsidy is not in it
    espoo, kauniainen = split["municipalities"]
    assert (espoo["amount"], espoo["advances"], espoo["settlement"]) == (
        "625.00",
        "0.00",
        "625.00",
    )
    assert (kauniainen["amount"], kauniainen["advances"], kauniainen["settlement"]) == (
        "375.00",
        "400.00",
        "-25.00",
    )
    assert espoo["population_source"].startswith("Tilastokeskus")
    assert espoo["unemployed_reference_date"] == "2024-12-31"
    assert area.ledger_state(AREA, 2025)["state_subsidies"] == {"049": "0.00", "235": "9999.00"}


def test_an_open_year_has_a_provisional_split(area: EmploymentArea) -> None:
    record_basis(area, 2025, "049", 300, 10)
    record_basis(area, 2025, "235", 100, 10)
    cost(area, 2025, "80.00", "payroll 2025-06")
    split = area.cost_split(AREA, 2025)
    assert split["status"] == "provisional"
    assert [row["amount"] for row in split["municipalities"]] == ["50.00", "30.00"]


def test_a_cost_in_a_closed_year_is_refused_and_goes_to_the_next_year_as_an_adjustment(
    area: EmploymentArea,
) -> None:
    closed_2025(area)
    before = recorded(area)
    with pytest.raises(LedgerClosedError, match=r"2025.*closed on 2026-02-15.*2026"):
        cost(area, 2025, "10.00", "late payroll")
    with pytest.raises(LedgerClosedError):
        record_basis(area, 2025, "049", 1, 1)
    assert recorded(area) == before
    area.open_ledger(AREA, 2026, on=date(2026, 1, 2))
    cost(area, 2026, "-10.00", "credit note 2025", adjusts_year=2025)
    entry = area.ledger_state(AREA, 2026)["entries"][0]
    assert (entry["amount"], entry["adjusts_year"]) == ("-10.00", 2025)


def test_a_prior_year_adjustment_of_a_year_still_open_is_refused(area: EmploymentArea) -> None:
    area.open_ledger(AREA, 2026, on=date(2026, 1, 2))
    before = recorded(area)
    with pytest.raises(LedgerError, match="2025 of espoo-kauniainen is still open"):
        cost(area, 2026, "10.00", "late payroll", adjusts_year=2025)
    with pytest.raises(LedgerError, match="corrects an earlier year"):
        cost(area, 2026, "10.00", "late payroll", adjusts_year=2026)
    assert recorded(area) == before


def test_closing_needs_every_basis_and_the_end_of_the_year(area: EmploymentArea) -> None:
    record_basis(area, 2025, "049", 300, 10)
    before = recorded(area)
    with pytest.raises(MissingBasisError, match="235"):
        area.close_year(AREA, 2025, on=date(2026, 2, 15))
    record_basis(area, 2025, "235", 100, 10)
    before = recorded(area)
    with pytest.raises(LedgerError, match="before it has ended: 2025-12-31"):
        area.close_year(AREA, 2025, on=date(2025, 12, 31))
    assert recorded(area) == before


def test_an_all_zero_basis_is_refused_at_the_close_and_nothing_recorded(
    area: EmploymentArea,
) -> None:
    record_basis(area, 2025, "049", 0, 0)
    record_basis(area, 2025, "235", 0, 0)
    before = recorded(area)
    with pytest.raises(ZeroBasisError):
        area.close_year(AREA, 2025, on=date(2026, 2, 15))
    assert recorded(area) == before
    assert area.ledger_state(AREA, 2025)["closed_on"] is None


def parameters_with_weights(tmp_path: Path, population: str, unemployed: str) -> Parameters:
    folder = tmp_path / "parameters"
    shutil.copytree(Path(str(resources.files("employment_domain.rules") / "parameters")), folder)
    text = (folder / "cost_split.yaml").read_text(encoding="utf-8")
    text = text.replace("value: 0.5", f"value: {population}", 1)
    text = text.replace("value: 0.5", f"value: {unemployed}", 1)
    (folder / "cost_split.yaml").write_text(text, encoding="utf-8")
    return Parameters.load(folder)


def test_weights_that_do_not_sum_to_one_refuse_the_close_and_nothing_is_recorded(
    tmp_path: Path,
) -> None:
    area = EmploymentArea(":memory:", parameters=parameters_with_weights(tmp_path, "0.6", "0.5"))
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    record_basis(area, 2025, "049", 300, 10)
    record_basis(area, 2025, "235", 100, 10)
    before = recorded(area)
    with pytest.raises(WeightsError, match=r"sum to 1: 0\.6 \+ 0\.5 = 1\.1"):
        area.close_year(AREA, 2025, on=date(2026, 2, 15))
    assert recorded(area) == before


def test_a_closed_split_stays_as_recorded_when_the_weights_change_later(tmp_path: Path) -> None:
    store = str(tmp_path / "area.db")
    area = EmploymentArea(store)
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    closed_2025(area)
    area.open_ledger(AREA, 2026, on=date(2026, 1, 2))
    record_basis(area, 2026, "049", 300, 10)
    record_basis(area, 2026, "235", 100, 10)
    cost(area, 2026, "100.00", "payroll 2026-06")
    changed = EmploymentArea(store, parameters=parameters_with_weights(tmp_path, "1", "0"))
    assert changed.cost_split(AREA, 2025)["weights"]["population_18_64"] == "0.5"
    assert [r["amount"] for r in changed.cost_split(AREA, 2025)["municipalities"]] == [
        "62.50",
        "37.50",
    ]
    provisional = changed.cost_split(AREA, 2026)
    assert provisional["weights"]["population_18_64"] == "1"
    assert [r["amount"] for r in provisional["municipalities"]] == ["75.00", "25.00"]


def test_staff_resources_are_person_years_by_function(area: EmploymentArea) -> None:
    area.record_staff_resources(
        AREA, 2025, on=date(2025, 12, 31), function="customer_service", person_years="182.5"
    )
    area.record_staff_resources(
        AREA, 2025, on=date(2025, 12, 31), function="support_services", person_years=12
    )
    assert area.ledger_state(AREA, 2025)["person_years"] == {
        "customer_service": "182.5",
        "support_services": "12",
    }
    with pytest.raises(LedgerError, match="-1"):
        area.record_staff_resources(
            AREA, 2025, on=date(2025, 12, 31), function="customer_service", person_years=Decimal(-1)
        )
    with pytest.raises(LedgerError, match=r"0\.5"):
        area.record_staff_resources(
            AREA,
            2025,
            on=date(2025, 12, 31),
            function="customer_service",
            person_years=0.5,  # type: ignore[arg-type]
        )


def test_a_split_of_bases_counted_on_different_dates_is_refused_naming_both_dates(
    area: EmploymentArea,
) -> None:
    record_basis(area, 2025, "049", 210_000, 24_000)
    area.record_allocation_basis(
        AREA,
        2025,
        on=date(2025, 3, 2),
        municipality="235",
        population_18_64=5_800,
        population_reference_date=date(2024, 12, 31),
        population_source="Tilastokeskus (test figure)",
        unemployed_broad=400,
        unemployed_reference_date=date(2024, 11, 30),
        unemployed_source="KEHA (test figure)",
    )
    cost(area, 2025, "100000.00", "payroll 2025-03")
    before = recorded(area)
    with pytest.raises(BasisDateError, match=r"049 on 2024-12-31, 235 on 2024-11-30"):
        area.close_year(AREA, 2025, on=date(2026, 2, 27))
    assert recorded(area) == before
    record_basis(area, 2025, "235", 5_800, 400)  # counted again on the same dates
    area.close_year(AREA, 2025, on=date(2026, 2, 27))
    assert area.ledger_state(AREA, 2025)["closed_on"] == "2026-02-27"


def test_an_adopted_budget_is_recorded_superseded_and_refused_when_negative_or_unknown() -> None:
    ledger = Ledger.open(
        area="a", year=2025, municipalities=[MunicipalityCode("049")], on=date(2025, 1, 2)
    )
    ledger.adopt_budget(on=date(2025, 1, 3), category="staff", amount=Money("10.00"), reference="r")
    ledger.adopt_budget(on=date(2025, 2, 3), category="staff", amount=Money("12.00"), reference="s")
    assert ledger.budget["staff"]["amount"] == Money("12.00")
    with pytest.raises(LedgerError, match="cannot be negative"):
        ledger.adopt_budget(
            on=date(2025, 3, 3), category="staff", amount=Money("-1.00"), reference="r"
        )
    with pytest.raises(LedgerError):
        ledger.adopt_budget(
            on=date(2025, 3, 3), category="salaries", amount=Money("1.00"), reference="r"
        )
    assert len(ledger.collect_events()) == 3
