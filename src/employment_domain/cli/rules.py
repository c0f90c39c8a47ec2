"""The ``rules`` commands: check a rulebook, run its scenarios, explain and diff decisions.

An administrator checks a changed rule folder (``rules check``), runs the scenario files
against it (``rules test``), and measures what adopting it would change in the decisions
already recorded (``rules diff``) before it goes into force; ``rules explain`` gives a client's
decisions with their reasons.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from employment_domain.cli import provenance
from employment_domain.cli.options import (
    Subparsers,
    add_db_option,
    add_format_option,
    add_lang_option,
    client_id,
    print_rows,
)
from employment_domain.commands.clients import plain_data
from employment_domain.parameters import RULES_VARIABLE
from employment_domain.reports.stores import CommandRefusedError, open_reading
from employment_domain.routing.engine import make_engine
from employment_domain.routing.lint import departures, lint
from employment_domain.routing.rulebook import Rulebook, default_rulebook
from employment_domain.routing.scenarios import (
    Scenario,
    available_engines,
    coverage_findings,
    load_scenarios,
    run_scenarios,
)

__all__ = ["add_parser"]

#: The columns of ``rules diff``: each changed decision with its old and new answer.
_DIFF_COLUMNS = (
    "decided_on",
    "client_id",
    "referral_id",
    "service_type",
    "rule_id",
    "route",
    "new_rule_id",
    "new_route",
    "euros",
)

_T = TypeVar("_T")


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
        help="list the recorded decisions a new rulebook would change, with their euros",
        description="Re-run the recorded facts of every recorded decision under NEW_DIR and"
        " list each decision that would change (client, referral, date, old and new rule and"
        " route), the changes by service type and route, and the purchased seats and euros at"
        " the contracts' unit prices. OLD_DIR is the rulebook in force; decisions recorded"
        " under another version are reported. The store is opened read-only.",
    )
    diff.add_argument("old", metavar="OLD_DIR", help="the rule folder in force")
    diff.add_argument("new", metavar="NEW_DIR", help="the changed rule folder")
    add_db_option(diff)
    add_format_option(diff)
    add_lang_option(diff)
    diff.set_defaults(run=_diff, parser=diff)
    show = actions.add_parser(
        "show",
        help="print an archived rulebook by its version (content hash)",
        description="Print the canonical text of the rulebook whose version (the SHA-256 that"
        " decisions record) is VERSION, as archived in the store when it first decided, or the"
        " packaged rulebook when that is the one. The store is opened read-only.",
    )
    show.add_argument("version", metavar="VERSION")
    add_db_option(show)
    show.set_defaults(run=_show, parser=show)
    provenance.add_parser(actions)


def _rulebook(folder: str | None) -> Rulebook:
    """The rulebook of ``folder``: an area's rules folder (its ``routing/``) or, as in release
    0.2.0, a folder of routing rule files alone; None, the area in use."""
    if folder is None:
        return default_rulebook()
    routing = routing_folder(folder)
    return _read(routing, "rule", lambda: Rulebook.load(routing))


def routing_folder(folder: str) -> str:
    """The routing rules of ``folder``: its ``routing/`` when it is an area's rules folder."""
    nested = Path(folder, "routing")
    return str(nested) if nested.is_dir() else folder


def _scenarios(folder: str | None, rules: str | None = None) -> list[Scenario]:
    """The scenarios of ``folder``; without it, those of the area's rules folder ``rules``
    (its ``tests/``), else of the area in use."""
    if folder is None:
        area = rules or os.environ.get(RULES_VARIABLE)
        if area is not None and Path(area, "tests").is_dir():
            folder = str(Path(area, "tests"))
    return _read(folder or "the packaged scenarios", "scenario", lambda: load_scenarios(folder))


def _read(folder: str, kind: str, load: Callable[[], _T]) -> _T:
    """``load()``; a file nested deeper than Python can recurse (``[[[[…]]]]`` ten thousand
    levels deep) stops the YAML reader with a RecursionError, which is the file's fault."""
    try:
        return load()
    except RecursionError:
        raise CommandRefusedError(
            f"{folder}: a {kind} file is nested too deeply to be read"
        ) from None


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
    # A departure from one of the plan's defaults is allowed when the rule states its status; it
    # is shown as a warning so that it stays in view, and does not fail the check.
    warnings = departures(rulebook)
    for warning in warnings:
        print(f"  warning: {warning}")
    print(
        "the rules load and lint clean"
        + (f"; {len(warnings)} rule(s) depart from the plan's defaults" if warnings else "")
    )
    return 0


def _test(arguments: argparse.Namespace) -> int:
    rulebook = _rulebook(arguments.rules)
    scenarios = _scenarios(arguments.scenarios, arguments.rules)
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
    from employment_domain.audit.rule_change import rule_change_impact

    old, new = _rulebook(arguments.old), _rulebook(arguments.new)
    app = open_reading(arguments.db)
    try:
        impact = rule_change_impact(app, old, new, make_engine())
    finally:
        app.close()
    if impact.other_versions:
        listed = ", ".join(
            f"{version[:12]}… ({count})" for version, count in impact.other_versions.items()
        )
        print(
            f"employment-area: note: {sum(impact.other_versions.values())} of {impact.total}"
            f" decisions were recorded under another rulebook than OLD_DIR ({old.version[:12]}…):"
            f" {listed}",
            file=sys.stderr,
        )
    if arguments.format == "json":
        print(json.dumps(impact.as_data(), ensure_ascii=False, indent=2))
        return 0
    title = (
        f"{len(impact.changed)} of {impact.total} recorded decisions would change under"
        f" {arguments.new} (version {new.version[:12]}…; in force: {old.version[:12]}…);"
        f" purchased seats {impact.seats_change:+d}, {impact.euros_change.amount} €"
    )
    rows = [change.as_row() for change in impact.changed]
    print_rows(rows, arguments.format, lang=arguments.lang, title=title, columns=_DIFF_COLUMNS)
    if arguments.format == "table":
        print_rows(impact.breakdown(), "table", lang=arguments.lang, title="By service and route")
    return 0


def _show(arguments: argparse.Namespace) -> int:
    app = open_reading(arguments.db)
    try:
        rulebook = app.rulebook_for(arguments.version)
    finally:
        app.close()
    print(json.dumps(json.loads(rulebook.canonical_text), ensure_ascii=False, indent=2))
    return 0
