"""Money: exact euros, refused floats, and the largest-remainder split."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from employment_domain import CurrencyError, Money, MoneyError


def test_an_amount_is_exact_to_the_cent() -> None:
    assert Money("0.10") + Money("0.20") == Money("0.30")
    assert Money("12.5").amount == Decimal("12.50")
    assert str(Money("3")) == "3.00 €"


def test_a_float_amount_is_refused_with_its_value_in_the_message() -> None:
    with pytest.raises(MoneyError, match=r"0\.1"):
        Money(0.1)


def test_an_amount_with_three_decimals_is_refused() -> None:
    with pytest.raises(MoneyError, match=r"1\.234"):
        Money("1.234")


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-inf", "abc", "", "1,5"])
def test_non_numbers_nan_and_infinity_are_refused(bad: str) -> None:
    with pytest.raises(MoneyError):
        Money(bad)


def test_a_currency_other_than_euro_is_refused() -> None:
    with pytest.raises(CurrencyError, match="SEK"):
        Money.euros("100", currency="SEK")
    assert Money.euros("100", currency="EUR") == Money("100")


def test_cents_round_trip_through_integers() -> None:
    assert Money.from_cents(2_100_000_000).amount == Decimal("21000000.00")
    assert Money("-0.07").to_cents() == -7
    with pytest.raises(MoneyError):
        Money.from_cents(1.5)  # type: ignore[arg-type]


def test_amounts_compare_and_subtract() -> None:
    assert Money("1.00") < Money("1.01")
    assert Money("5") - Money("7.25") == Money("-2.25")
    assert -Money("1") == Money("-1")
    assert Money("2.50").times(3) == Money("7.50")


def test_a_split_gives_left_over_cents_to_the_largest_remainders_first() -> None:
    assert Money("10.00").split([1, 1, 1]) == [Money("3.34"), Money("3.33"), Money("3.33")]
    assert Money("0.05").split([Fraction(1, 3), Fraction(2, 3)]) == [Money("0.02"), Money("0.03")]


def test_a_negative_amount_splits_as_the_mirror_of_its_positive() -> None:
    assert Money("-10.00").split([1, 1, 1]) == [-m for m in Money("10.00").split([1, 1, 1])]


def test_a_part_with_zero_weight_gets_nothing() -> None:
    assert Money("100").split([0, Decimal("0.5"), 1]) == [
        Money("0"),
        Money("33.33"),
        Money("66.67"),
    ]


@pytest.mark.parametrize(
    "weights", [[], [0, 0], [-1, 2], [0.5, 0.5], [Decimal("NaN"), 1], [True, False]]
)
def test_bad_split_weights_are_refused(weights: list[object]) -> None:
    with pytest.raises(MoneyError):
        Money("1").split(weights)  # type: ignore[arg-type]
