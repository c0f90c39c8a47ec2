"""Properties of routing over generated facts, dates and rulebooks.

A statutory authority task is never routed out of the house; every valid set of facts gets
exactly the decision the hit policy names, or a named error; decisions are deterministic; and
durable_rules agrees with the reference evaluator, on the packaged rules and on generated ones.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from employment_domain.decisions import Route
from employment_domain.routing.conditions import (
    All,
    AnyOf,
    Condition,
    FactTest,
    Not,
    condition_to_data,
    partial,
)
from employment_domain.routing.engine import (
    DURABLE_RULES_AVAILABLE,
    NoRuleMatchedError,
    ReferenceEngine,
    RoutingEngine,
    make_engine,
)
from employment_domain.routing.explain import explain
from employment_domain.routing.rulebook import Rulebook, default_rulebook
from employment_domain.testing.routing_strategies import routing_dates, routing_facts

needs_durable_rules = pytest.mark.skipif(
    not DURABLE_RULES_AVAILABLE,
    reason=f"durable_rules cannot be imported on Python {sys.version_info[:2]}",
)
IN_FORCE = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
REFERENCE = ReferenceEngine()


def _engines() -> list[RoutingEngine]:
    return [REFERENCE, make_engine("durable_rules")] if DURABLE_RULES_AVAILABLE else [REFERENCE]


@settings(max_examples=200, deadline=None)
@given(routing_facts(fixed={"is_statutory_authority_task": True}), IN_FORCE)
def test_a_statutory_authority_task_is_always_produced_in_house(
    facts: dict[str, Any], on: date
) -> None:
    for engine in _engines():
        decision = engine.decide(default_rulebook(), facts, on=on)
        assert decision.route == Route.IN_HOUSE
        assert decision.procurement_id is None


@settings(max_examples=200, deadline=None)
@given(routing_facts(), routing_dates())
def test_every_valid_set_of_facts_gets_the_one_decision_the_hit_policy_names(
    facts: dict[str, Any], on: date
) -> None:
    rulebook = default_rulebook()
    normal = rulebook.normalise_facts(facts)
    # partial() walks the condition tree: an evaluator independent of the generated code.
    matching = [r for r in rulebook.rules if r.in_force(on) and partial(r.condition, normal)]
    if not matching:
        with pytest.raises(NoRuleMatchedError):
            REFERENCE.decide(rulebook, facts, on=on)
        assert on < date(2025, 1, 1)  # the packaged rules cover every valid case from day one
        return
    winner = min(matching, key=lambda rule: rule.hit_order)
    decision = REFERENCE.decide(rulebook, facts, on=on)
    assert decision.rule_id == winner.id
    assert decision.route == winner.outcome.route


@settings(max_examples=150, deadline=None)
@given(routing_facts(), IN_FORCE, st.randoms(use_true_random=False))
def test_the_same_facts_date_and_rulebook_always_give_the_same_decision(
    facts: dict[str, Any], on: date, shuffler: random.Random
) -> None:
    rulebook = default_rulebook()
    first = REFERENCE.decide(rulebook, facts, on=on)
    items = list(facts.items())
    shuffler.shuffle(items)
    again = Rulebook.from_canonical(rulebook.canonical_text)
    for engine in _engines():
        assert engine.decide(again, dict(items), on=on) == first
        assert engine.decide(rulebook, facts, on=on) == first


@settings(max_examples=100, deadline=None)
@given(routing_facts(), IN_FORCE)
def test_every_decision_is_explained_by_the_rule_that_made_it(
    facts: dict[str, Any], on: date
) -> None:
    decision = REFERENCE.decide(default_rulebook(), facts, on=on)
    explanation = explain(decision, default_rulebook())
    assert explanation.reproduced
    assert all(check.reasons for check in explanation.rules_ahead)


@needs_durable_rules
@settings(max_examples=200, deadline=None)
@given(routing_facts(), routing_dates())
def test_durable_rules_and_the_reference_evaluator_agree_on_the_packaged_rules(
    facts: dict[str, Any], on: date
) -> None:
    durable = make_engine("durable_rules")
    try:
        expected = REFERENCE.decide(default_rulebook(), facts, on=on)
    except NoRuleMatchedError:
        with pytest.raises(NoRuleMatchedError):
            durable.decide(default_rulebook(), facts, on=on)
        return
    assert durable.decide(default_rulebook(), facts, on=on) == expected


# -- generated rulebooks ------------------------------------------------------------------------

CATALOGUE = default_rulebook().facts
AGES = st.integers(min_value=28, max_value=32)  # facts and constants meet often
_BOOLS = [name for name, d in CATALOGUE.items() if d.type == "bool"]
_ENUMS = [name for name, d in CATALOGUE.items() if d.type == "enum" and d.derived_from is None]


@st.composite
def _tests(draw: st.DrawFn) -> Condition:
    kind = draw(st.sampled_from(["bool", "enum", "age", "age"]))
    if kind == "bool":
        return FactTest(
            draw(st.sampled_from(_BOOLS)), draw(st.sampled_from(["eq", "ne"])), draw(st.booleans())
        )
    if kind == "age":
        op = draw(st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]))
        return FactTest("age", op, draw(AGES))
    name = draw(st.sampled_from([*_ENUMS, "line"]))
    values = CATALOGUE[name].values
    op = draw(st.sampled_from(["eq", "ne", "in", "not_in"]))
    if op in ("in", "not_in"):
        chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=4, unique=True))
        return FactTest(name, op, tuple(sorted(chosen)))
    return FactTest(name, op, draw(st.sampled_from(values)))


CONDITIONS: st.SearchStrategy[Condition] = st.recursive(
    _tests(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda parts: All(tuple(parts))),
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: AnyOf(tuple(parts))),
        inner.map(Not),
    ),
    max_leaves=4,
)


@st.composite
def rulebooks(draw: st.DrawFn) -> Rulebook:
    """Small rulebooks on the packaged catalogue: random conditions, priorities and dates."""
    document = default_rulebook().to_document()
    rules = []
    for index in range(draw(st.integers(min_value=1, max_value=5))):
        start = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 30)))
        rule: dict[str, Any] = {
            "id": f"rule_{index}",
            "description": "generated",
            "reference": "generated",
            "valid_from": start.isoformat(),
            "priority": draw(st.integers(min_value=1, max_value=3)),
            "when": condition_to_data(draw(CONDITIONS), CATALOGUE),
            "then": {"route": "in_house", "unit": f"unit {index}"},
            "file": "generated.yaml",
        }
        if draw(st.booleans()):
            until = draw(st.dates(min_value=start, max_value=date(2026, 12, 31)))
            rule["valid_until"] = until.isoformat()
        rules.append(rule)
    document["rules"] = rules
    return Rulebook.from_document(document)


@needs_durable_rules
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rulebooks(),
    st.lists(st.tuples(routing_facts(), IN_FORCE, AGES), min_size=5, max_size=20),
)
def test_durable_rules_and_the_reference_evaluator_agree_on_generated_rules(
    rulebook: Rulebook, cases: list[tuple[dict[str, Any], date, int]]
) -> None:
    durable = make_engine("durable_rules")
    for drawn, on, age in cases:
        facts = {**drawn, "age": age}
        try:
            expected: str | None = REFERENCE.decide(rulebook, facts, on=on).rule_id
        except NoRuleMatchedError:
            expected = None
        try:
            got: str | None = durable.decide(rulebook, facts, on=on).rule_id
        except NoRuleMatchedError:
            got = None
        assert got == expected


@settings(max_examples=100, deadline=None)
@given(rulebooks())
def test_a_rulebooks_canonical_text_loads_back_to_the_same_version(rulebook: Rulebook) -> None:
    again = Rulebook.from_canonical(rulebook.canonical_text)
    assert again.version == rulebook.version
    assert again.to_document() == rulebook.to_document()
