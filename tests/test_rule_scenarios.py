"""The scenario files of rules/tests/ run against the packaged rulebook, on every engine.

Every scenario names its expected rule, route and unit (or the error); every rule version must
have a scenario on its first day whose facts, one day earlier, lead elsewhere, and likewise on
its last day, so no validity boundary goes untested.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from importlib import resources
from typing import Any

import attrs
import pytest

from employment_domain.engine import (
    DURABLE_RULES_AVAILABLE,
    NoRuleMatchedError,
    RoutingEngine,
    make_engine,
)
from employment_domain.parameters import load_yaml
from employment_domain.rulebook import RoutingFactsError, default_rulebook

_CASE_FIELDS = {"name", "date", "facts", "expect", "also"}
_EXPECT_FIELDS = {"rule", "route", "unit", "procure", "procurement", "error"}
_ERRORS = {"no_rule": NoRuleMatchedError, "invalid_facts": RoutingFactsError}


@attrs.frozen
class Scenario:
    """One expectation: on this date, these facts give this outcome."""

    file: str
    name: str
    on: date
    facts: dict[str, Any]
    expect: dict[str, Any]


def _scenarios() -> Iterator[Scenario]:
    folder = resources.files("employment_domain.rules").joinpath("tests")
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = load_yaml(entry.read_text(encoding="utf-8"))
        assert set(data) == {"defaults", "scenarios"}, entry.name
        for case in data["scenarios"]:
            assert set(case) <= _CASE_FIELDS, (entry.name, case.get("name"))
            facts = {**data["defaults"], **case.get("facts", {})}
            for variant in [case, *case.get("also", [])]:
                assert set(variant["expect"]) <= _EXPECT_FIELDS, (entry.name, case["name"])
                on = date.fromisoformat(str(variant["date"]))
                name = case["name"] if variant is case else f"{case['name']} (on {on})"
                yield Scenario(entry.name, name, on, facts, dict(variant["expect"]))


SCENARIOS = list(_scenarios())
ENGINES = ["reference", "durable_rules"] if DURABLE_RULES_AVAILABLE else ["reference"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> RoutingEngine:
    return make_engine(request.param)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario, engine: RoutingEngine) -> None:
    rulebook = default_rulebook()
    expect = scenario.expect
    if "error" in expect:
        with pytest.raises(_ERRORS[expect["error"]]):
            engine.decide(rulebook, scenario.facts, on=scenario.on)
        return
    decision = engine.decide(rulebook, scenario.facts, on=scenario.on)
    assert decision.rule_id == expect["rule"]
    assert decision.route.value == expect["route"]
    assert decision.unit == expect["unit"]
    assert decision.service_type == expect.get("procure")
    assert decision.procurement_id == expect.get("procurement")
    assert decision.rulebook_version == rulebook.version
    assert decision.decided_on == scenario.on


def test_every_rule_has_a_scenario_that_it_decides() -> None:
    decided = {(s.expect.get("rule"), s.on) for s in SCENARIOS}
    for rule in default_rulebook().rules:
        assert any(rule_id == rule.id and rule.in_force(on) for rule_id, on in decided), rule.id


def _boundary_is_tested(rule_id: str, inside: date, outside: date) -> bool:
    for scenario in SCENARIOS:
        if scenario.on == inside and scenario.expect.get("rule") == rule_id:
            twins = [s for s in SCENARIOS if s.on == outside and s.facts == scenario.facts]
            if any(twin.expect.get("rule") != rule_id for twin in twins):
                return True
    return False


def test_every_validity_boundary_has_a_scenario_on_each_side() -> None:
    for rule in default_rulebook().rules:
        start = rule.valid_from
        assert _boundary_is_tested(rule.id, start, start - timedelta(days=1)), (
            f"rule {rule.id} needs a scenario on {start} and the same facts on the day before"
        )
        if rule.valid_until is not None:
            end = rule.valid_until
            assert _boundary_is_tested(rule.id, end, end + timedelta(days=1)), (
                f"rule {rule.id} needs a scenario on {end} and the same facts on the day after"
            )


def test_the_scenario_files_hold_enough_cases_to_mean_something() -> None:
    assert len(SCENARIOS) >= 2 * len(default_rulebook().rules)
