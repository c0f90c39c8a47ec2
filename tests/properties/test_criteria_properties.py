"""The split by criteria: for the plan's two criteria the very cents of the two-weight split."""

from __future__ import annotations

from fractions import Fraction
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from employment_domain.ledgers.allocation import MunicipalBasis, SplitWeights, split_cost
from employment_domain.ledgers.criteria import (
    Criterion,
    CriterionBasis,
    SplitCriteria,
    split_by_criteria,
)
from employment_domain.money import Money
from employment_domain.testing.strategies import allocation_bases, cost_split_weights, moneys


def as_criteria(
    bases: list[MunicipalBasis], weights: SplitWeights
) -> tuple[list[CriterionBasis], SplitCriteria]:
    criteria = SplitCriteria(
        [
            Criterion("population_18_64", weights.population_18_64),
            Criterion("unemployed_broad", weights.unemployed_broad),
        ]
    )
    counts = [
        CriterionBasis(
            b.municipality,
            {"population_18_64": b.population_18_64, "unemployed_broad": b.unemployed_broad},
        )
        for b in bases
    ]
    return counts, criteria


@given(moneys(), allocation_bases(), cost_split_weights())
def test_the_plans_two_criteria_split_to_the_same_cents_as_the_two_weights(
    net_cost: Money, bases: list[MunicipalBasis], weights: SplitWeights
) -> None:
    counts, criteria = as_criteria(bases, weights)
    assert split_by_criteria(net_cost, counts, criteria).amounts() == (
        split_cost(net_cost, bases, weights).amounts()
    )


@st.composite
def criteria_and_bases(draw: st.DrawFn) -> tuple[SplitCriteria, list[CriterionBasis]]:
    """One to five criteria with whole-number parts of 1, and bases counting each of them."""
    parts = draw(st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=5))
    names = [f"count_{index}" for index in range(len(parts))]
    criteria = SplitCriteria(
        [
            Criterion(name, Fraction(part, sum(parts)))
            for name, part in zip(names, parts, strict=True)
        ]
    )
    columns = {name: draw(allocation_bases(min_size=2, max_size=6)) for name in names[:1]}
    municipalities = [b.municipality for b in columns[names[0]]]
    figures = st.integers(min_value=0, max_value=1_000_000)
    bases = []
    for index, municipality in enumerate(municipalities):
        counts = {name: draw(figures) for name in names}
        counts[names[0]] = columns[names[0]][index].population_18_64
        bases.append(CriterionBasis(municipality, counts))
    for name in names:
        if not any(basis.counts[name] for basis in bases):
            bases[0] = CriterionBasis(bases[0].municipality, {**bases[0].counts, name: 1})
    return criteria, bases


@given(moneys(), criteria_and_bases(), st.randoms(use_true_random=False))
def test_a_split_by_any_criteria_sums_to_the_net_cost_within_a_cent_whatever_the_order(
    net_cost: Money, drawn: tuple[SplitCriteria, list[CriterionBasis]], random: Random
) -> None:
    criteria, bases = drawn
    split = split_by_criteria(net_cost, bases, criteria)
    assert sum((share.amount for share in split.shares), Money.zero()) == net_cost
    assert sum(share.share for share in split.shares) == 1
    cents = net_cost.to_cents()
    for share in split.shares:
        assert abs(share.amount.to_cents() - share.share * cents) < 1
    shuffled = list(bases)
    random.shuffle(shuffled)
    assert split_by_criteria(net_cost, shuffled, criteria).amounts() == split.amounts()
