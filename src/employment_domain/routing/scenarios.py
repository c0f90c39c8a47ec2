"""Scenario files for the routing rules: read strictly, run on an engine, checked for coverage.

A scenario says that on a business date certain facts lead to a rule, a route and a unit (or to
an error). They live beside the rule files (``rules/tests/``, see ``rules/README.md``), so that
an administrator can test a rule change from the command line (``employment-area rules test``)
and the test suite can hold the packaged rulebook to the same files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import attrs
import yaml

from employment_domain.errors import EmploymentDomainError
from employment_domain.parameters import load_yaml
from employment_domain.routing.engine import (
    DURABLE_RULES_AVAILABLE,
    NoRuleMatchedError,
    RoutingEngine,
    make_engine,
)
from employment_domain.routing.rulebook import RoutingError, RoutingFactsError, Rulebook

__all__ = [
    "EXPECTED_ERRORS",
    "Scenario",
    "ScenarioFileError",
    "ScenarioResult",
    "available_engines",
    "check_scenario",
    "coverage_findings",
    "default_scenarios_folder",
    "load_scenarios",
    "run_scenarios",
    "undecided_rules",
    "untested_boundaries",
]

#: The errors a scenario may expect, by the name its file gives them.
EXPECTED_ERRORS: dict[str, type[RoutingError]] = {
    "no_rule": NoRuleMatchedError,
    "invalid_facts": RoutingFactsError,
}
_FILE_FIELDS = {"defaults", "scenarios"}
_CASE_FIELDS = {"name", "date", "facts", "expect", "also"}
_EXPECT_FIELDS = {"rule", "route", "unit", "procure", "procurement", "error"}


class ScenarioFileError(EmploymentDomainError, ValueError):
    """One or more scenario files are invalid; ``problems`` lists each with its file and case."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the scenario files:\n  " + "\n  ".join(problems)
        )


@attrs.frozen
class Scenario:
    """One expectation: on this date, these facts give this outcome."""

    file: str
    name: str
    on: date
    facts: dict[str, Any]
    expect: dict[str, Any]


@attrs.frozen
class ScenarioResult:
    """A scenario run on one engine; ``problem`` says how the outcome differed (empty: passed)."""

    scenario: Scenario
    engine: str
    problem: str

    @property
    def passed(self) -> bool:
        """Whether the engine gave the expected outcome."""
        return not self.problem


def default_scenarios_folder() -> Traversable:
    """The packaged scenario files of the Espoo–Kauniainen rulebook (``rules/tests/``)."""
    return resources.files("employment_domain.rules").joinpath("tests")


def available_engines() -> list[str]:
    """The engines this Python can run: the reference evaluator, and durable_rules where it
    can be imported; scenarios must pass on each."""
    return ["reference", "durable_rules"] if DURABLE_RULES_AVAILABLE else ["reference"]


def load_scenarios(folder: str | Path | Traversable | None = None) -> list[Scenario]:
    """Every scenario of the ``*.yaml`` files in ``folder`` (default: the packaged ones).

    Like the rule loader, it reads every file and reports every mistake before it refuses.
    """
    if folder is None:
        folder = default_scenarios_folder()
    elif isinstance(folder, str):
        folder = Path(folder)
    if isinstance(folder, Path) and not folder.is_dir():
        raise ScenarioFileError([f"{folder}: not a folder of scenario files"])
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith((".yaml", ".yml"))),
        key=lambda entry: entry.name,
    )
    if not entries:
        raise ScenarioFileError([f"{folder}: no scenario files (*.yaml) in this folder"])
    problems: list[str] = []
    scenarios: list[Scenario] = []
    for entry in entries:
        try:
            data = load_yaml(entry.read_text(encoding="utf-8"))
        except (yaml.YAMLError, ValueError, ArithmeticError) as error:
            problems.append(f"{entry.name}: not valid YAML: {error}")
            continue
        scenarios.extend(_file_scenarios(entry.name, data, problems))
    if problems:
        raise ScenarioFileError(problems)
    return scenarios


def _file_scenarios(file: str, data: Any, problems: list[str]) -> list[Scenario]:
    if not isinstance(data, dict) or set(data) != _FILE_FIELDS:
        problems.append(f"{file}: must be a mapping with exactly the sections defaults, scenarios")
        return []
    defaults, cases = data["defaults"], data["scenarios"]
    if not isinstance(defaults, dict) or not isinstance(cases, list):
        problems.append(f"{file}: defaults must be a mapping and scenarios a list")
        return []
    found: list[Scenario] = []
    for number, case in enumerate(cases, start=1):
        where = f"{file}: scenario {number}"
        if not isinstance(case, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        if isinstance(case.get("name"), str):
            where = f"{file}: {case['name']!r}"
        unknown = set(case) - _CASE_FIELDS
        missing = {"name", "date", "expect"} - set(case)
        if unknown or missing:
            problems.append(
                f"{where}: unknown field(s) {sorted(unknown)}, missing field(s) {sorted(missing)}"
            )
            continue
        facts = case.get("facts", {})
        also = case.get("also", [])
        if not isinstance(facts, dict) or not isinstance(also, list):
            problems.append(f"{where}: facts must be a mapping and also a list")
            continue
        for variant in [case, *also]:
            scenario = _scenario(file, where, case, variant, {**defaults, **facts}, problems)
            if scenario is not None:
                found.append(scenario)
    return found


def _scenario(
    file: str,
    where: str,
    case: dict[str, Any],
    variant: Any,
    facts: dict[str, Any],
    problems: list[str],
) -> Scenario | None:
    if not isinstance(variant, dict) or not isinstance(variant.get("expect"), dict):
        problems.append(f"{where}: every date needs an expect mapping")
        return None
    try:
        on = date.fromisoformat(str(variant.get("date")))
    except ValueError:
        problems.append(f"{where}: date must be YYYY-MM-DD, not {variant.get('date')!r}")
        return None
    expect = dict(variant["expect"])
    unknown = set(expect) - _EXPECT_FIELDS
    if unknown:
        problems.append(f"{where}: unknown expectation(s) {sorted(unknown)}")
        return None
    if "error" in expect and expect["error"] not in EXPECTED_ERRORS:
        problems.append(
            f"{where}: error must be one of {sorted(EXPECTED_ERRORS)}, not {expect['error']!r}"
        )
        return None
    if "error" not in expect and not {"rule", "route", "unit"} <= set(expect):
        problems.append(f"{where}: expect needs rule, route and unit (or an error)")
        return None
    name = str(case["name"]) if variant is case else f"{case['name']} (on {on})"
    return Scenario(file, name, on, dict(facts), expect)


def check_scenario(scenario: Scenario, rulebook: Rulebook, engine: RoutingEngine) -> str:
    """How ``engine`` deciding the scenario under ``rulebook`` differs from what it expects;
    empty when the outcome is the expected one."""
    expect = scenario.expect
    try:
        decision = engine.decide(rulebook, scenario.facts, on=scenario.on)
    except RoutingError as error:
        expected = EXPECTED_ERRORS.get(expect.get("error", ""))
        if expected is not None and isinstance(error, expected):
            return ""
        return f"expected {_expected(expect)}, got {type(error).__name__}: {_first_line(error)}"
    if "error" in expect:
        return f"expected the error {expect['error']}, got rule {decision.rule_id}"
    got = {
        "rule": decision.rule_id,
        "route": decision.route.value,
        "unit": decision.unit,
        "procure": decision.service_type,
        "procurement": decision.procurement_id,
    }
    wanted = {name: expect.get(name) for name in got}
    differences = [
        f"{name} {wanted[name]!r} expected, got {got[name]!r}"
        for name in got
        if got[name] != wanted[name]
    ]
    if decision.rulebook_version != rulebook.version:
        differences.append(f"the decision names rulebook {decision.rulebook_version}")
    if decision.decided_on != scenario.on:
        differences.append(f"the decision is dated {decision.decided_on}, not {scenario.on}")
    return "; ".join(differences)


def run_scenarios(
    scenarios: Iterable[Scenario], rulebook: Rulebook, engines: Sequence[str] | None = None
) -> list[ScenarioResult]:
    """Every scenario on every engine named (default: every available one)."""
    names = list(engines) if engines is not None else available_engines()
    made = {name: make_engine(name) for name in names}
    return [
        ScenarioResult(scenario, name, check_scenario(scenario, rulebook, engine))
        for scenario in scenarios
        for name, engine in made.items()
    ]


def undecided_rules(rulebook: Rulebook, scenarios: Sequence[Scenario]) -> list[str]:
    """The ids of rule versions that no scenario shows deciding while the version is in force."""
    decided = {(scenario.expect.get("rule"), scenario.on) for scenario in scenarios}
    return [
        rule.id
        for rule in rulebook.rules
        if not any(rule_id == rule.id and rule.in_force(on) for rule_id, on in decided)
    ]


def untested_boundaries(rulebook: Rulebook, scenarios: Sequence[Scenario]) -> list[str]:
    """Validity boundaries without a scenario on the rule's side and the same facts across it.

    Every rule version needs a scenario on its first day whose facts, one day earlier, lead
    elsewhere, and likewise on its last day, so no validity boundary goes untested.
    """
    missing = []
    for rule in rulebook.rules:
        start = rule.valid_from
        if not _boundary_is_tested(scenarios, rule.id, start, start - timedelta(days=1)):
            missing.append(
                f"rule {rule.id} needs a scenario on {start} and the same facts on the day before"
            )
        end = rule.valid_until
        if end is not None and not _boundary_is_tested(
            scenarios, rule.id, end, end + timedelta(days=1)
        ):
            missing.append(
                f"rule {rule.id} needs a scenario on {end} and the same facts on the day after"
            )
    return missing


def coverage_findings(rulebook: Rulebook, scenarios: Sequence[Scenario]) -> list[str]:
    """What the scenarios leave untested: rules never shown deciding, and validity boundaries."""
    return [
        *(
            f"rule {rule_id} has no scenario that it decides"
            for rule_id in undecided_rules(rulebook, scenarios)
        ),
        *untested_boundaries(rulebook, scenarios),
    ]


def _boundary_is_tested(
    scenarios: Sequence[Scenario], rule_id: str, inside: date, outside: date
) -> bool:
    for scenario in scenarios:
        if scenario.on == inside and scenario.expect.get("rule") == rule_id:
            twins = [s for s in scenarios if s.on == outside and s.facts == scenario.facts]
            if any(twin.expect.get("rule") != rule_id for twin in twins):
                return True
    return False


def _expected(expect: dict[str, Any]) -> str:
    if "error" in expect:
        return f"the error {expect['error']}"
    return f"rule {expect.get('rule')}"


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]
