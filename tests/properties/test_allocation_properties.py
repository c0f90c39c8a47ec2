"""Properties of the cost split, for any allocation basis, any net cost and any valid weights."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from random import Random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from employment_domain import Money
from employment_domain.ledgers.allocation import (
    MunicipalBasis,
    SplitWeights,
    WeightsError,
    split_cost,
)
from employment_domain.testing.strategies import (
    allocation_bases,
    cost_split_weights,
    moneys,
    municipalities,
)

HALF_AND_HALF = SplitWeights(Decimal("0.5"), Decimal("0.5"))
net_costs = moneys(min_value="-50000000.00", max_value="50000000.00")


def exact_share(net_cost: Money, bases: list[MunicipalBasis], index: int) -> Fraction:
    """(0.5 × population share + 0.5 × unemployed share) × net cost, in cents, by the formula."""
    population = sum(basis.population_18_64 for basis in bases)
    unemployed = sum(basis.unemployed_broad for basis in bases)
    share = Fraction(1, 2) * Fraction(bases[index].population_18_64, population) + Fraction(
        1, 2
    ) * Fraction(bases[index].unemployed_broad, unemployed)
    return share * net_cost.to_cents()


@settings(max_examples=200)
@given(net_costs, allocation_bases(), cost_split_weights())
def test_the_split_sums_to_the_net_cost_to_the_cent(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights
) -> None:
    split = split_cost(net_cost, bases, weights)
    assert sum((share.amount for share in split.shares), Money.zero()) == net_cost


@settings(max_examples=200)
@given(net_costs, allocation_bases())
def test_each_share_is_within_one_cent_of_half_by_population_and_half_by_unemployed(
    net_cost: Money, bases: list[MunicipalBasis]
) -> None:
    split = split_cost(net_cost, bases, HALF_AND_HALF)
    for index, basis in enumerate(bases):
        amount = split.share_of(basis.municipality).amount
        assert abs(amount.to_cents() - exact_share(net_cost, bases, index)) < 1


@settings(max_examples=150)
@given(net_costs, allocation_bases(), cost_split_weights(), st.data())
def test_a_municipality_with_no_population_and_no_unemployed_pays_nothing(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights, data: st.DataObject
) -> None:
    listed = {basis.municipality for basis in bases}
    empty = MunicipalBasis(data.draw(municipalities().filter(lambda m: m not in listed)), 0, 0)
    split = split_cost(net_cost, [*bases, empty], weights)
    assert split.share_of(empty.municipality).amount == Money.zero()


@settings(max_examples=150)
@given(
    net_costs, allocation_bases(), cost_split_weights(), st.integers(min_value=2, max_value=1000)
)
def test_multiplying_every_basis_figure_by_one_factor_leaves_the_split_unchanged(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights, factor: int
) -> None:
    scaled = [
        MunicipalBasis(b.municipality, b.population_18_64 * factor, b.unemployed_broad * factor)
        for b in bases
    ]
    assert split_cost(net_cost, scaled, weights).amounts() == (
        split_cost(net_cost, bases, weights).amounts()
    )


@settings(max_examples=150)
@given(net_costs, allocation_bases(min_size=2), cost_split_weights(), st.data())
def test_swapping_two_municipalities_figures_swaps_their_shares(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights, data: st.DataObject
) -> None:
    # Between identical figures an odd cent can only go by name, so the figures are distinct.
    figures = [(b.population_18_64, b.unemployed_broad) for b in bases]
    assume(len(set(figures)) == len(figures))
    first, second = data.draw(
        st.lists(st.integers(0, len(bases) - 1), min_size=2, max_size=2, unique=True)
    )
    swapped = list(bases)
    a, b = bases[first], bases[second]
    swapped[first] = MunicipalBasis(a.municipality, b.population_18_64, b.unemployed_broad)
    swapped[second] = MunicipalBasis(b.municipality, a.population_18_64, a.unemployed_broad)
    before = split_cost(net_cost, bases, weights).amounts()
    after = split_cost(net_cost, swapped, weights).amounts()
    assert after[a.municipality.code] == before[b.municipality.code]
    assert after[b.municipality.code] == before[a.municipality.code]
    others = set(before) - {a.municipality.code, b.municipality.code}
    assert all(after[code] == before[code] for code in others)


@settings(max_examples=150)
@given(net_costs, allocation_bases(), cost_split_weights(), st.randoms(use_true_random=False))
def test_the_order_in_which_municipalities_are_listed_does_not_matter(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights, random: Random
) -> None:
    shuffled = list(bases)
    random.shuffle(shuffled)
    assert split_cost(net_cost, shuffled, weights) == split_cost(net_cost, bases, weights)


@settings(max_examples=100)
@given(net_costs, allocation_bases(min_size=2), cost_split_weights())
def test_municipalities_with_identical_figures_pay_within_one_cent_of_each_other(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights
) -> None:
    twin = MunicipalBasis(
        bases[1].municipality, bases[0].population_18_64, bases[0].unemployed_broad
    )
    with_twin = [bases[0], twin, *bases[2:]]
    assume(
        sum(b.population_18_64 for b in with_twin) and sum(b.unemployed_broad for b in with_twin)
    )
    split = split_cost(net_cost, with_twin, weights)
    difference = (
        split.share_of(bases[0].municipality).amount - split.share_of(twin.municipality).amount
    )
    assert abs(difference.to_cents()) <= 1


@settings(max_examples=150)
@given(
    st.decimals(min_value=0, max_value=2, places=3),
    st.decimals(min_value=0, max_value=2, places=3),
)
def test_weights_are_accepted_exactly_when_they_sum_to_one(
    population: Decimal, unemployed: Decimal
) -> None:
    if population + unemployed == 1:
        assert SplitWeights(population, unemployed).population_18_64 == population
    else:
        with pytest.raises(WeightsError, match="must sum to 1"):
            SplitWeights(population, unemployed)
