"""The ``rules`` commands: check a rulebook, run its scenarios, explain and diff decisions.

An administrator checks a changed rule folder (``rules check``), runs the scenario files
against it (``rules test``), and measures what adopting it would change in the decisions
already recorded (``rules diff``) before it goes into force; ``rules explain`` gives a client's
decisions with their reasons.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from employment_domain.audit.recorded_decisions import recorded_decisions
from employment_domain.cli.options import (
    Subparsers,
    add_db_option,
    add_format_option,
    add_lang_option,
    client_id,
    print_rows,
)
from employment_domain.commands.clients import plain_data
from employment_domain.reports.stores import open_reading
from employment_domain.routing.engine import make_engine
from employment_domain.routing.lint import lint
from employment_domain.routing.rulebook import RoutingError, Rulebook, default_rulebook
from employment_domain.routing.scenarios import (
    available_engines,
    coverage_findings,
    load_scenarios,
    run_scenarios,
)

__all__ = ["add_parser"]

_COMPARED = ("route", "unit", "rule_id", "service_type", "procurement_id")


def add_parser(commands: Subparsers) -> None:
    """``rules check|test|explain|diff``."""
    parser = commands.add_parser(
        "rules",
        help="check, test, explain and diff the routing rules",
        description="The routing rules: check a rule folder, run its scenario files, explain a"
        " client's decisions, and count what a new rulebook would change.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    rules_help = "a folder of rule files (default: the packaged rules of Espoo–Kauniainen)"

    check = actions.add_parser(
        "check",
        help="load and lint a rulebook",
        description="Load every rule file (all mistakes reported with file and rule id), then"
        " lint the rulebook: rules that can never fire, facts no rule covers, ties. Exit 1 if"
        " the files are refused or the lint finds anything.",
    )
    check.add_argument("--rules", metavar="DIR", help=rules_help)
    check.set_defaults(run=_check, parser=check)

    test = actions.add_parser(
        "test",
        help="run the scenario files against a rulebook",
        description="Run every scenario on every available engine and check that each rule"
        " version has a scenario that it decides and one on each side of every validity"
        " boundary. Exit 1 if any scenario fails or anything is untested.",
    )
    test.add_argument("--rules", metavar="DIR", help=rules_help)
    test.add_argument(
        "--scenarios", metavar="DIR", help="a folder of scenario files (default: the packaged ones)"
    )
    test.set_defaults(run=_test, parser=test)

    explain = actions.add_parser(
        "explain",
        help="a client's routing decisions with their reasons",
        description="Each routing decision of the client: the rule that decided, its reference,"
        " the facts it tested and why no rule ahead of it applied, under the rulebook version"
        " the decision records. The store is opened read-only.",
    )
    explain.add_argument("client", type=client_id, metavar="CLIENT_ID", help="the client's UUID")
    add_db_option(explain)
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(run=_explain, parser=explain)

    diff = actions.add_parser(
        "diff",
        help="count the recorded decisions a new rulebook would change",
        description="Replay the recorded facts of every recorded decision under NEW_DIR and"
        " count the decisions that would change, by rule id and route. OLD_DIR is the rulebook"
        " in force; decisions recorded under another version are reported. The store is"
        " opened read-only.",
    )
    diff.add_argument("old", metavar="OLD_DIR", help="the rule folder in force")
    diff.add_argument("new", metavar="NEW_DIR", help="the changed rule folder")
    add_db_option(diff)
    add_format_option(diff)
    add_lang_option(diff)
    diff.set_defaults(run=_diff, parser=diff)


def _rulebook(folder: str | None) -> Rulebook:
    return default_rulebook() if folder is None else Rulebook.load(folder)


def _check(arguments: argparse.Namespace) -> int:
    rulebook = _rulebook(arguments.rules)
    where = arguments.rules or "the packaged rules"
    print(f"{where}: {len(rulebook.rules)} rules, version {rulebook.version}")
    findings = lint(rulebook)
    for finding in findings:
        print(f"  {finding.kind}: {finding}")
    if findings:
        print(f"employment-area: the lint found {len(findings)} problem(s)", file=sys.stderr)
        return 1
    print("the rules load and lint clean")
    return 0


def _test(arguments: argparse.Namespace) -> int:
    rulebook = _rulebook(arguments.rules)
    scenarios = load_scenarios(arguments.scenarios)
    engines = available_engines()
    results = run_scenarios(scenarios, rulebook, engines)
    failed = [result for result in results if not result.passed]
    for result in failed:
        scenario = result.scenario
        print(f"FAIL {scenario.file}: {scenario.name} [{result.engine}]: {result.problem}")
    gaps = coverage_findings(rulebook, scenarios)
    for gap in gaps:
        print(f"UNTESTED {gap}")
    print(
        f"{len(scenarios)} scenarios on {', '.join(engines)}: {len(results) - len(failed)} of"
        f" {len(results)} runs passed; {len(gaps)} coverage gap(s); rulebook {rulebook.version}"
    )
    if failed or gaps:
        print(
            f"employment-area: {len(failed)} scenario run(s) failed, {len(gaps)} gap(s)",
            file=sys.stderr,
        )
        return 1
    return 0


def _explain(arguments: argparse.Namespace) -> int:
    app = open_reading(arguments.db)
    try:
        client = app.get_client(arguments.client)
        referrals = sorted(client.referrals.values(), key=lambda r: (r.referred_on, r.referral_id))
        explained = [(referral, app.explain_decision(referral.decision)) for referral in referrals]
    finally:
        app.close()
    if arguments.format == "json":
        data = [
            {
                "referral_id": str(referral.referral_id),
                "service_type": referral.service_type,
                "referred_on": referral.referred_on.isoformat(),
                "decision": plain_data(referral.decision),
                "explanation": explanation.text(),
                "reproduced": explanation.reproduced,
            }
            for referral, explanation in explained
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if not explained:
        print(f"client {arguments.client} has no routing decisions")
    for number, (referral, explanation) in enumerate(explained, start=1):
        print(
            f"{number}. Referral {referral.referral_id} to {referral.service_type}"
            f" on {referral.referred_on}:"
        )
        for line in explanation.text().splitlines():
            print(f"   {line}")
    return 0


def _diff(arguments: argparse.Namespace) -> int:
    old, new = Rulebook.load(arguments.old), Rulebook.load(arguments.new)
    engine = make_engine()
    app = open_reading(arguments.db)
    changes: Counter[tuple[str, str, str, str]] = Counter()
    versions: Counter[str] = Counter()
    total = 0
    try:
        for recorded in recorded_decisions(app):
            decision = recorded.decision
            total += 1
            versions[decision.rulebook_version] += 1
            if decision.decided_on is None:
                changes[(decision.rule_id, decision.route.value, "(no business date)", "")] += 1
                continue
            try:
                rerun = engine.decide(new, decision.facts, on=decision.decided_on)
            except RoutingError as error:
                refused = f"(refused: {type(error).__name__})"
                changes[(decision.rule_id, decision.route.value, refused, "")] += 1
                continue
            if any(getattr(decision, name) != getattr(rerun, name) for name in _COMPARED):
                key = (decision.rule_id, decision.route.value, rerun.rule_id, rerun.route.value)
                changes[key] += 1
    finally:
        app.close()
    others = {version: count for version, count in versions.items() if version != old.version}
    if others:
        listed = ", ".join(f"{version[:12]}… ({count})" for version, count in others.items())
        print(
            f"employment-area: note: {sum(others.values())} of {total} decisions were recorded"
            f" under another rulebook than OLD_DIR ({old.version[:12]}…): {listed}",
            file=sys.stderr,
        )
    rows: list[dict[str, Any]] = [
        {
            "rule_id": rule,
            "route": route,
            "new_rule_id": new_rule,
            "new_route": new_route,
            "decisions": count,
        }
        for (rule, route, new_rule, new_route), count in sorted(changes.items())
    ]
    title = (
        f"{sum(changes.values())} of {total} recorded decisions would change under"
        f" {arguments.new} (version {new.version[:12]}…; in force: {old.version[:12]}…)"
    )
    print_rows(rows, arguments.format, lang=arguments.lang, title=title)
    return 0
