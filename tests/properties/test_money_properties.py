"""Properties of the largest-remainder split, for any amount and any weights."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given

from employment_domain import Money
from employment_domain.testing.strategies import moneys, split_weights


@given(moneys(), split_weights())
def test_a_split_always_sums_exactly_to_the_amount(amount: Money, weights: list[int]) -> None:
    assert sum(amount.split(weights), Money.zero()) == amount


@given(moneys(), split_weights())
def test_every_part_is_within_one_cent_of_its_exact_share(
    amount: Money, weights: list[int]
) -> None:
    total = sum(weights)
    for part, weight in zip(amount.split(weights), weights, strict=True):
        exact = Fraction(amount.to_cents() * weight, total)
        assert abs(part.to_cents() - exact) < 1


@given(moneys(), split_weights())
def test_a_split_is_deterministic(amount: Money, weights: list[int]) -> None:
    assert amount.split(weights) == amount.split(list(weights))


@given(moneys(), split_weights())
def test_a_part_with_zero_weight_always_gets_zero(amount: Money, weights: list[int]) -> None:
    for part, weight in zip(amount.split(weights), weights, strict=True):
        if weight == 0:
            assert part == Money.zero()


@given(moneys())
def test_cents_round_trip_any_amount(amount: Money) -> None:
    assert Money.from_cents(amount.to_cents()) == amount
