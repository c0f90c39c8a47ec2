"""``rules provenance``: what every parameter value, routing rule and district rests on.

A model of an employment area is only as good as its sources. This command lists every dated
parameter value, every rule version, every default of the plan and every district of the rule
files with its status (``seed``: the organising plan states it; ``law``: a statute; ``recalled``:
from memory, to be verified; ``assumption``: a modelling choice the plan leaves open), its
reference, the plan's words or the reason, and the file and key where it is written, so that a
reviewer can check each one and count how much of the model rests on what. The table form ends
with the totals by status and with the rules that depart from the plan's defaults (the lint's
warnings).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from employment_domain.area_rules import AreaDefinition, rules_folder
from employment_domain.cli.options import Subparsers, add_format_option, print_rows
from employment_domain.parameters import STATUSES, Parameters, default_parameters
from employment_domain.routing.lint import departures
from employment_domain.routing.rulebook import Rulebook, default_rulebook

__all__ = ["KINDS", "UNSTATED", "add_parser", "provenance_rows", "status_totals"]

#: The kinds of row, in the order they are listed.
KINDS = ("area", "parameter", "default", "rule", "district")
#: The status of a row whose file gives none.
UNSTATED = "unstated"
COLUMNS = (
    "kind",
    "id",
    "valid_from",
    "status",
    "section",
    "quote",
    "why",
    "reference",
    "file",
    "key",
    "departs_from",
)
# The long texts are cut in the table form (CSV and JSON give them whole), so a row fits a line.
_TABLE_COLUMNS = ("kind", "id", "valid_from", "status", "section", "basis", "reference", "file")
_TABLE_TEXT = 60


def add_parser(actions: Subparsers) -> None:
    """``rules provenance``, a subcommand of ``rules``."""
    parser = actions.add_parser(
        "provenance",
        help="what every parameter value, rule and district rests on",
        description="Every parameter value, routing rule, default of the plan and district with"
        " its status (seed, law, recalled, assumption), reference, the plan's words (quote) or"
        " the reason (why), file and key. The table form cuts long texts and ends with the"
        " totals by status and the rules that depart from the plan's defaults; CSV and JSON give"
        " every text whole.",
    )
    parser.add_argument(
        "--status",
        choices=(*STATUSES, UNSTATED),
        help="only the rows of this status",
    )
    parser.add_argument(
        "--rules",
        metavar="DIR",
        help="a folder of rule files (default: the packaged rules of Espoo–Kauniainen)",
    )
    parser.add_argument(
        "--parameters",
        metavar="DIR",
        help="a folder of parameter files (default: the packaged parameters)",
    )
    add_format_option(parser)
    parser.set_defaults(run=_provenance, parser=parser)


def provenance_rows(
    parameters: Parameters, rulebook: Rulebook, area: AreaDefinition | None = None
) -> list[dict[str, Any]]:
    """One row per entry of the area's definition, parameter value, default, rule version and
    district, with its source.

    Every row has every column of :data:`COLUMNS`, so CSV and JSON readers see one shape;
    ``departs_from`` names the plan's default a rule departs from.
    """
    rows: list[dict[str, Any]] = []
    for key, source in ({} if area is None else area.sources).items():
        rows.append(
            _row("area", key, None, area.source_file if area is not None else "")
            | _source(source["status"], source["section"], source["quote"], source["why"])
            | {"reference": source["reference"], "key": key}
        )
    for name in parameters.names():
        for value in parameters.history(name):
            rows.append(
                _row("parameter", name, value.valid_from.isoformat(), value.source_file)
                | _source(value.status, value.section, value.quote, value.why, value.reference)
                | {"key": value.key or name}
            )
    for default in rulebook.defaults.values():
        rows.append(
            _row("default", default.id, None, default.source_file)
            | _source(default.status, default.section, default.quote, default.why)
            | {"reference": default.reference, "key": f"default {default.id}"}
        )
    for rule in sorted(rulebook.rules, key=lambda rule: (rule.source_file, rule.id)):
        departed = [d.id for d in rulebook.defaults.values() if d.departed_by(rule)]
        rows.append(
            _row("rule", rule.id, rule.valid_from.isoformat(), rule.source_file)
            | _source(rule.status, rule.section, rule.quote, rule.why, rule.reference)
            | {"key": f"rule {rule.id}", "departs_from": ", ".join(departed) or None}
        )
    for key, district in rulebook.districts.items():
        source = rulebook.district_sources.get(key, {})
        rows.append(
            _row("district", key, None, source.get("file", ""))
            | _source(district.status, source.get("section"), source.get("quote"))
            | {"why": source.get("why"), "reference": district.note, "key": f"district {key}"}
        )
    return rows


def status_totals(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """How many rows of each kind rest on each status, with a total row; no status is left out,
    so that a zero is seen as a zero."""
    counts = Counter((row["status"], row["kind"]) for row in rows)
    totals = []
    for status in (*STATUSES, UNSTATED, "total"):
        line: dict[str, Any] = {"status": status}
        for kind in KINDS:
            line[kind] = sum(
                count
                for (counted, counted_kind), count in counts.items()
                if counted_kind == kind and status in (counted, "total")
            )
        line["all"] = sum(line[kind] for kind in KINDS)
        if status != UNSTATED or line["all"]:
            totals.append(line)
    return totals


def _row(kind: str, name: str, valid_from: str | None, file: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(kind=kind, id=name, valid_from=valid_from, file=file)
    return row


def _source(
    status: str | None,
    section: str | None,
    quote: str | None,
    why: str | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    return {
        "status": status or UNSTATED,
        "section": section,
        "quote": quote,
        "why": why,
        "reference": reference,
    }


def _cut(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) <= _TABLE_TEXT else text[: _TABLE_TEXT - 1] + "…"


def _provenance(arguments: argparse.Namespace) -> int:
    rules = arguments.rules
    area_parameters = None if rules is None else Path(rules, "parameters")
    if arguments.parameters is not None:
        parameters = Parameters.load(Path(arguments.parameters))
    elif area_parameters is not None and area_parameters.is_dir():
        parameters = Parameters.load(area_parameters)
    else:
        parameters = default_parameters()
    routing = None if rules is None else Path(rules, "routing")
    if rules is None:
        rulebook = default_rulebook()
    else:
        rulebook = Rulebook.load(routing if routing is not None and routing.is_dir() else rules)
    folder = rules_folder(rules) if rules is None or Path(rules, "area.yaml").is_file() else None
    rows = provenance_rows(parameters, rulebook, None if folder is None else folder.area)
    if arguments.status is not None:
        rows = [row for row in rows if row["status"] == arguments.status]
    if arguments.format != "table":
        print_rows(rows, arguments.format, columns=COLUMNS)
        return 0
    shown = [
        {**row, "basis": _cut(row["quote"] or row["why"]), "reference": _cut(row["reference"])}
        for row in rows
    ]
    where = arguments.rules or "the packaged rules"
    title = f"What the model rests on ({len(rows)} rows; {where})"
    print_rows(shown, "table", title=title, columns=_TABLE_COLUMNS)
    sys.stdout.write("\n")
    print_rows(status_totals(rows), "table", title="Totals by status")
    statuses = {rule.id: rule.status or UNSTATED for rule in rulebook.rules}
    warnings = [
        warning
        for warning in departures(rulebook)
        if arguments.status in (None, statuses[warning.rule_ids[0]])
    ]
    if warnings:
        sys.stdout.write(f"\nRules that depart from the plan's defaults ({len(warnings)}):\n")
        for warning in warnings:
            sys.stdout.write(f"  warning: {warning}\n")
    return 0
