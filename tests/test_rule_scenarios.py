"""The scenario files of rules/tests/ run against the packaged rulebook, on every engine.

Every scenario names its expected rule, route and unit (or the error); every rule version must
have a scenario on its first day whose facts, one day earlier, lead elsewhere, and likewise on
its last day, so no validity boundary goes untested. The reading and running live in
``employment_domain.routing.scenarios``, which ``employment-area rules test`` uses too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from employment_domain.routing.engine import RoutingEngine, make_engine
from employment_domain.routing.rulebook import default_rulebook
from employment_domain.routing.scenarios import (
    Scenario,
    ScenarioFileError,
    available_engines,
    check_scenario,
    load_scenarios,
    undecided_rules,
    untested_boundaries,
)

SCENARIOS = load_scenarios()


@pytest.fixture(params=available_engines())
def engine(request: pytest.FixtureRequest) -> RoutingEngine:
    return make_engine(request.param)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario, engine: RoutingEngine) -> None:
    assert check_scenario(scenario, default_rulebook(), engine) == ""


def test_every_rule_has_a_scenario_that_it_decides() -> None:
    assert undecided_rules(default_rulebook(), SCENARIOS) == []


def test_every_validity_boundary_has_a_scenario_on_each_side() -> None:
    assert untested_boundaries(default_rulebook(), SCENARIOS) == []


def test_the_scenario_files_hold_enough_cases_to_mean_something() -> None:
    assert len(SCENARIOS) >= 2 * len(default_rulebook().rules)


def test_a_scenario_expecting_another_rule_is_reported_with_what_the_engine_gave() -> None:
    scenario = next(s for s in SCENARIOS if "error" not in s.expect)
    wrong = Scenario(
        scenario.file,
        scenario.name,
        scenario.on,
        scenario.facts,
        {
            **scenario.expect,
            "rule": "no_such_rule",
        },
    )
    problem = check_scenario(wrong, default_rulebook(), make_engine("reference"))
    assert "no_such_rule" in problem and scenario.expect["rule"] in problem


def test_every_mistake_in_a_scenario_file_is_reported_before_it_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "defaults: {}\n"
        "scenarios:\n"
        "  - {name: no date, expect: {rule: a, route: in_house, unit: x}}\n"
        "  - {name: odd field, date: 2025-01-01, when: now, expect: {error: no_rule}}\n"
        "  - {name: unknown error, date: 2025-01-01, expect: {error: boom}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioFileError) as refused:
        load_scenarios(tmp_path)
    assert len(refused.value.problems) == 3
    assert all(problem.startswith("bad.yaml:") for problem in refused.value.problems)
