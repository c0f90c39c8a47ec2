"""The property-testing kit gives what its names say, refuses what it cannot honour, draws facts
the library could have given, and registers the value types with Hypothesis.

A kit that draws impossible facts (a 52-year-old who is young) or ignores a mistyped pin makes
every property built on it weaker than it reads, so these properties hold the kit itself to the
library: the target groups the area derives for a client are the ones the kit drew.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import employment_domain.testing
from employment_domain import (
    BusinessId,
    EmploymentArea,
    Money,
    MunicipalityCode,
    Period,
    PersonalIdentityCode,
    SplitWeights,
    default_parameters,
)
from employment_domain.routing.rulebook import default_rulebook
from employment_domain.testing import strategies
from employment_domain.testing.routing_strategies import AgeRules, routing_facts
from employment_domain.testing.strategies import (
    business_dates,
    cost_split_weights,
    money_split_weights,
    split_weights,
)

PARAMETERS = default_parameters()
IN_FORCE = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
VALUE_TYPES: list[type[Any]] = [
    Money,
    MunicipalityCode,
    BusinessId,
    PersonalIdentityCode,
    Period,
    SplitWeights,
]


# -- names that say what they give ---------------------------------------------------------------


def test_the_old_name_split_weights_is_an_alias_of_money_split_weights() -> None:
    assert split_weights is money_split_weights
    assert {"split_weights", "money_split_weights", "cost_split_weights", "business_dates"} <= set(
        strategies.__all__
    )


@given(money_split_weights())
def test_money_split_weights_are_whole_numbers_that_money_split_takes(weights: list[int]) -> None:
    assert all(type(weight) is int and weight >= 0 for weight in weights) and any(weights)
    assert sum(Money("100.00").split(weights), Money.zero()) == Money("100.00")


@given(cost_split_weights())
def test_cost_split_weights_are_split_weights_that_sum_to_one(weights: SplitWeights) -> None:
    assert isinstance(weights, SplitWeights)
    assert Fraction(weights.population_18_64) + Fraction(weights.unemployed_broad) == 1


@given(business_dates(min_value=date(2026, 1, 1), max_value=date(2026, 3, 31)))
def test_business_dates_stay_within_their_bounds(day: date) -> None:
    assert date(2026, 1, 1) <= day <= date(2026, 3, 31)


# -- the value types registered with Hypothesis -------------------------------------------------


@pytest.mark.parametrize("value_type", VALUE_TYPES, ids=lambda t: t.__name__)
@settings(max_examples=30)
@given(data=st.data())
def test_every_value_type_can_be_drawn_with_from_type_after_importing_the_kit(
    value_type: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(value_type))
    assert type(value) is value_type
    # A drawn value is one the type accepts: rebuilding it from its fields gives it back.
    assert attrs.evolve(value) == value


@dataclasses.dataclass(frozen=True)
class _Payment:
    """A record of a system built on the library, with the library's values as fields."""

    amount: Money
    municipality: MunicipalityCode
    payer: BusinessId
    period: Period


@given(st.builds(_Payment))
def test_builds_fills_fields_of_the_value_types_with_valid_values(payment: _Payment) -> None:
    assert str(payment.municipality) and str(payment.payer)
    assert Money.from_cents(payment.amount.to_cents()) == payment.amount
    assert payment.period.start < payment.period.end


def test_importing_the_kit_registers_the_types_and_the_library_alone_imports_no_hypothesis() -> (
    None
):
    script = (
        "import sys\n"
        "import employment_domain\n"
        "assert 'hypothesis' not in sys.modules, 'the library imported Hypothesis'\n"
        "import employment_domain.testing\n"
        "from hypothesis import strategies as st\n"
        "from employment_domain import Money, SplitWeights\n"
        "assert isinstance(st.from_type(Money).example(), Money)\n"
        "assert isinstance(st.from_type(SplitWeights).example(), SplitWeights)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def test_the_kit_registers_a_strategy_for_each_value_type_it_lists() -> None:
    assert set(strategies.TYPE_STRATEGIES) == set(VALUE_TYPES)
    assert employment_domain.testing.register_type_strategies is (
        strategies.register_type_strategies
    )


# -- routing facts: pins that are checked --------------------------------------------------------


def test_an_unknown_fixed_fact_is_refused_naming_it_and_the_fact_it_resembles() -> None:
    with pytest.raises(InvalidArgument, match=r"unknown fact 'agee' \(did you mean 'age'\?\)"):
        routing_facts(fixed={"agee": 25})


@pytest.mark.parametrize(
    ("fixed", "named"),
    [
        ({"age": 52, "young": True}, "'age': 52, 'young': True"),
        ({"age": 15, "long_term_unemployed": True}, "'long_term_unemployed': True"),
        ({"age": 200}, "age 200 is outside 15–100"),
        ({"young": "yes"}, "young is yes/no"),
        ({"municipality": "235", "line": "metro"}, "no district agrees"),
        ({"district": "kauniainen", "municipality": "049"}, "district 'kauniainen'"),
        (
            {"purchase_contract_id": "P-1", "purchase_contract_available": False},
            "purchase_contract_id is given",
        ),
    ],
)
def test_fixed_facts_that_the_catalogue_refuses_or_that_contradict_each_other_are_refused(
    fixed: dict[str, Any], named: str
) -> None:
    with pytest.raises(InvalidArgument, match=named.replace("(", r"\(")):
        routing_facts(fixed=fixed)


@settings(max_examples=50, deadline=None)
@given(routing_facts(fixed={"age": 25, "line": "metro", "purchase_contract_id": "P-7"}))
def test_fixed_facts_are_kept_and_the_facts_they_imply_follow(facts: dict[str, Any]) -> None:
    assert facts["age"] == 25 and facts["young"] is True
    assert facts["purchase_contract_available"] is True and facts["purchase_contract_id"] == "P-7"
    assert default_rulebook().normalise_facts(facts)["line"] == "metro"


# -- routing facts: consistent with each other ---------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(routing_facts(), IN_FORCE)
def test_the_target_groups_drawn_follow_the_age_on_every_date(
    facts: dict[str, Any], on: date
) -> None:
    assert facts["young"] == (facts["age"] < PARAMETERS.value("young_age_limit_ohjaamo", on))
    if facts["long_term_unemployed"]:
        youngest = PARAMETERS.value("youngest_age_at_act", on)
        months = PARAMETERS.value("long_term_unemployment_months", on)
        assert facts["age"] >= youngest + months // 12
    district = default_rulebook().districts[facts["district"]]
    assert district.municipality in (None, facts["municipality"])


@settings(max_examples=100, deadline=None)
@given(routing_facts(fixed={"young": False}))
def test_a_fixed_target_group_draws_only_ages_that_agree_with_it(facts: dict[str, Any]) -> None:
    assert facts["age"] >= 30 and facts["young"] is False


AREA = EmploymentArea(":memory:")


@settings(max_examples=60, deadline=None)
@given(routing_facts(), IN_FORCE)
def test_the_area_derives_the_same_age_and_young_for_a_client_of_the_drawn_age(
    facts: dict[str, Any], on: date
) -> None:
    client_id = AREA.start_job_search(
        on=on,
        municipality=facts["municipality"],
        birth_date=date(on.year - facts["age"], 1, 1),
    )
    derived = AREA.routing_facts(client_id, on=on, service_type=facts["service_type"])
    assert (derived["age"], derived["young"]) == (facts["age"], facts["young"])


def test_age_rules_leave_out_ages_that_are_young_on_some_dates_only() -> None:
    rules = AgeRules(young_limits=(29, 30), long_term_from=16)
    assert [rules.young(age) for age in (28, 29, 30)] == [True, None, False]
    assert not rules.may_be_long_term(15) and rules.may_be_long_term(16)
    assert AgeRules.of(PARAMETERS) == AgeRules(young_limits=(30,), long_term_from=16)
