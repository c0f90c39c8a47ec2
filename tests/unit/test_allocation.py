"""The cost split checked by hand: the seed's scale, small cases, the odd cent, each refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from employment_domain import Money, MunicipalityCode, Parameters, default_parameters
from employment_domain.ledgers.allocation import (
    AllocationError,
    BasisError,
    MunicipalBasis,
    SplitWeights,
    WeightsError,
    ZeroBasisError,
    split_cost,
)

ESPOO, KAUNIAINEN = MunicipalityCode("049"), MunicipalityCode("235")
HALF_AND_HALF = SplitWeights(Decimal("0.5"), Decimal("0.5"))


def basis(code: str, population: int, unemployed: int) -> MunicipalBasis:
    return MunicipalBasis(MunicipalityCode(code), population, unemployed)


def test_the_seed_scale_split_matches_the_hand_calculation() -> None:
    # All figures are APPROXIMATE, taken from docs/domain.md §3.1 and §4; none is a
    # verified basis of the real invoice:
    # - net cost ≈ 21 M€ (SEED: operating costs at transfer, TEM calculation);
    # - 18–64-year-olds: docs/domain.md has no count, so the total populations stand in for them:
    #   Espoo 326,280 (end of 2025, preliminary), Kauniainen ≈ 10,250;
    # - broadly unemployed: Espoo's unemployed jobseekers 17,842 (Nov 2025) stand in; Kauniainen
    #   has no separate figure, so Espoo's rate per inhabitant is applied to its population:
    #   17,842 / 326,280 × 10,250 ≈ 560.
    # By hand: Kauniainen's population share 10,250 / 336,530 = 0.0304579087, its unemployed
    # share 560 / 18,402 = 0.0304314748; half of each: 0.0304446917. Times 21,000,000.00 € this
    # is 630,000 + 9,338.527 = 639,338.527 €, i.e. 63,933,852.67 cents: floor 63,933,852 with
    # remainder 0.67 against Espoo's 0.33, so the one left-over cent goes to Kauniainen:
    # 639,338.53 €. Espoo pays the rest, 21,000,000.00 − 639,338.53 = 20,360,661.47 €.
    split = split_cost(
        Money("21000000.00"),
        [basis("049", 326_280, 17_842), basis("235", 10_250, 560)],
        HALF_AND_HALF,
    )
    assert split.share_of(KAUNIAINEN).amount == Money("639338.53")
    assert split.share_of(ESPOO).amount == Money("20360661.47")
    assert split.population_18_64_total == 336_530
    assert split.unemployed_broad_total == 18_402
    assert split.share_of(KAUNIAINEN).population_share == Fraction(10_250, 336_530)
    assert split.share_of(KAUNIAINEN).unemployed_share == Fraction(560, 18_402)


def test_a_small_split_is_half_by_population_and_half_by_unemployed() -> None:
    # Espoo has 3/4 of the population and 1/2 of the unemployed: 0.5 × 3/4 + 0.5 × 1/2 = 5/8.
    split = split_cost(
        Money("100.00"), [basis("049", 300, 10), basis("235", 100, 10)], HALF_AND_HALF
    )
    assert split.amounts() == {"049": Money("62.50"), "235": Money("37.50")}
    assert split.share_of(ESPOO).share == Fraction(5, 8)


def test_any_number_of_municipalities_share_the_cost() -> None:
    bases = [basis(code, 1000, 100) for code in ("049", "235", "257", "092", "091")]
    split = split_cost(Money("1000.01"), bases, HALF_AND_HALF)
    assert [share.municipality.code for share in split.shares] == [
        "049",
        "091",
        "092",
        "235",
        "257",
    ]
    assert sum(split.amounts().values(), Money.zero()) == Money("1000.01")
    # Identical figures: the odd cent goes to the lowest code.
    assert split.amounts()["049"] == Money("200.01")


def test_between_equal_remainders_the_odd_cent_goes_to_the_larger_share() -> None:
    # Shares 0.15, 0.25 and 0.60 of 10 cents: 1.5, 2.5 and 6 cents; one cent is left over and
    # the two remainders of 0.5 tie, so the larger share (2.5 cents) gets it.
    split = split_cost(
        Money("0.10"),
        [basis("049", 15, 15), basis("235", 25, 25), basis("257", 60, 60)],
        HALF_AND_HALF,
    )
    assert split.amounts() == {"049": Money("0.01"), "235": Money("0.03"), "257": Money("0.06")}


def test_a_negative_net_cost_is_refunded_in_the_same_shares() -> None:
    split = split_cost(
        Money("-100.00"), [basis("049", 300, 10), basis("235", 100, 10)], HALF_AND_HALF
    )
    assert split.amounts() == {"049": Money("-62.50"), "235": Money("-37.50")}


def test_a_column_with_zero_weight_may_be_all_zero() -> None:
    weights = SplitWeights(1, 0)
    split = split_cost(Money("10.00"), [basis("049", 3, 0), basis("235", 1, 0)], weights)
    assert split.amounts() == {"049": Money("7.50"), "235": Money("2.50")}


def test_the_split_as_plain_data_names_the_figures_shares_and_weights() -> None:
    split = split_cost(
        Money("100.00"),
        [basis("049", 300, 10), basis("235", 100, 10)],
        SplitWeights.in_force(default_parameters(), date(2025, 12, 31)),
    )
    data = split.to_dict()
    assert data["net_cost"] == "100.00"
    assert data["municipalities"][0] == {
        "municipality": "049",
        "population_18_64": 300,
        "population_reference_date": None,
        "population_source": None,
        "unemployed_broad": 10,
        "unemployed_reference_date": None,
        "unemployed_source": None,
        "population_share": "3/4",
        "unemployed_share": "1/2",
        "share": "5/8",
        "amount": "62.50",
    }
    sources = data["weights"]["sources"]
    assert [source["parameter"] for source in sources] == [
        "cost_split_weight_population_18_64",
        "cost_split_weight_unemployed_broad",
    ]
    assert sources[0]["value"] == "0.5" and sources[0]["valid_from"] == "2025-01-01"
    assert "Järjestämissuunnitelma" in sources[0]["reference"]
    assert sources[0]["source_file"] == "cost_split.yaml"


def test_the_weights_in_force_follow_their_dates(tmp_path: Path) -> None:
    (tmp_path / "cost_split.yaml").write_text(
        "cost_split_weight_population_18_64:\n"
        "  values:\n"
        "    - {valid_from: 2025-01-01, valid_until: 2025-12-31, value: 0.5, reference: plan}\n"
        "    - {valid_from: 2026-01-01, value: 0.4, reference: council 2025}\n"
        "cost_split_weight_unemployed_broad:\n"
        "  values:\n"
        "    - {valid_from: 2025-01-01, valid_until: 2025-12-31, value: 0.5, reference: plan}\n"
        "    - {valid_from: 2026-01-01, value: 0.6, reference: council 2025}\n",
        encoding="utf-8",
    )
    parameters = Parameters.load(tmp_path)
    assert SplitWeights.in_force(parameters, date(2025, 12, 31)).population_18_64 == Decimal("0.5")
    weights = SplitWeights.in_force(parameters, date(2026, 1, 1))
    assert (weights.population_18_64, weights.unemployed_broad) == (
        Decimal("0.4"),
        Decimal("0.6"),
    )
    assert weights.sources[1].reference == "council 2025"


def test_weights_that_do_not_sum_to_one_are_refused_with_their_sum() -> None:
    with pytest.raises(WeightsError, match=r"0\.6 \+ 0\.5 = 1\.1"):
        SplitWeights(Decimal("0.6"), Decimal("0.5"))


def test_negative_and_inexact_weights_are_refused() -> None:
    with pytest.raises(WeightsError, match=r"-0\.5"):
        SplitWeights(Decimal("-0.5"), Decimal("1.5"))
    with pytest.raises(WeightsError, match=r"0\.5"):
        SplitWeights(0.5, 0.5)  # type: ignore[arg-type]


def test_a_negative_population_is_refused_naming_the_municipality() -> None:
    with pytest.raises(BasisError, match=r"population_18_64 of 049 Espoo cannot be negative: -1"):
        basis("049", -1, 10)


def test_a_fractional_or_true_count_of_people_is_refused() -> None:
    with pytest.raises(BasisError, match=r"1\.5"):
        MunicipalBasis(ESPOO, 1.5, 10)  # type: ignore[arg-type]
    with pytest.raises(BasisError, match="True"):
        MunicipalBasis(ESPOO, 10, True)


def test_an_all_zero_basis_is_refused() -> None:
    with pytest.raises(ZeroBasisError, match="18–64-year-olds"):
        split_cost(Money("10.00"), [basis("049", 0, 5), basis("235", 0, 1)], HALF_AND_HALF)
    with pytest.raises(ZeroBasisError, match=r"broadly unemployed.*049, 235"):
        split_cost(Money("10.00"), [basis("049", 5, 0), basis("235", 1, 0)], HALF_AND_HALF)


def test_a_municipality_listed_twice_or_no_municipality_at_all_is_refused() -> None:
    with pytest.raises(BasisError, match="049 Espoo has two bases"):
        split_cost(Money("1.00"), [basis("049", 1, 1), basis("049", 2, 2)], HALF_AND_HALF)
    with pytest.raises(AllocationError, match="at least one municipality"):
        split_cost(Money("1.00"), [], HALF_AND_HALF)
