"""Routing rules, their outcomes and the plan's defaults, and the strict parsers of the sections.

Every parser appends each mistake to a shared list, prefixed with the file and the rule it
concerns, so the loader can refuse a rulebook once with every problem named. Two kinds of
routing limits are told apart. What the law reserves to the authority (the exercise of public
power, :data:`AUTHORITY_RESERVATION`) is an invariant: a rule that could send a statutory
authority task anywhere but in-house is refused. What the organising plan does only as a
starting point ("lähtökohtaisesti") is a :class:`Default`: a rule may route such a service
elsewhere if it states its status, and the lint warns where one does. A purchase that does not
name its contract is refused as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from itertools import pairwise
from typing import Any

import attrs

from employment_domain.decisions import Route, route_named
from employment_domain.parameters import STATUSES, as_date, single_spaced, source_problems
from employment_domain.routing.conditions import (
    Condition,
    FactDefinition,
    compile_condition,
    condition_to_data,
    parse_condition,
    partial,
)
from employment_domain.routing.facts import NAME
from employment_domain.routing.facts import STATUSES as LEGACY_STATUSES
from employment_domain.routing.outcomes import Outcome, is_route_name, parse_outcome

__all__ = [
    "AUTHORITY_FACT",
    "AUTHORITY_RESERVATION",
    "Default",
    "Outcome",
    "Rule",
    "parse_constraints",
    "parse_defaults",
    "parse_rules",
]

#: The fact that marks a statutory authority task, which is always produced in-house.
AUTHORITY_FACT = "is_statutory_authority_task"
#: Why a statutory authority task never leaves the authority (status law): only the organiser's
#: own bodies and office-holders exercise public power, so no provider, partner network or
#: in-house entity may decide on it.
AUTHORITY_RESERVATION = (
    "the law reserves the exercise of public power to the authority's office-holders"
    " (kuntalaki 410/2015 8 § 2 mom 5 k; laki työvoimapalvelujen järjestämisestä 380/2023)"
)
#: The fields that say what a rule or a default rests on (parameters.STATUSES).
SOURCE_FIELDS = ("status", "section", "quote", "why")
_REQUIRED_RULE_FIELDS = ("id", "description", "reference", "valid_from", "priority", "when", "then")
_RULE_FIELDS = {*_REQUIRED_RULE_FIELDS, "valid_until", "note", *SOURCE_FIELDS}


@attrs.frozen
class Rule:
    """One dated routing rule; ``matches`` is its condition compiled to a Python function."""

    id: str
    description: str
    reference: str
    valid_from: date
    valid_until: date | None
    priority: int
    condition: Condition
    outcome: Outcome
    source_file: str
    status: str | None = None
    note: str | None = None
    section: str | None = None
    quote: str | None = None
    why: str | None = None
    matches: Callable[[Mapping[str, Any]], bool] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "matches", compile_condition(self.condition))

    @property
    def hit_order(self) -> tuple[int, str, date]:
        """The sort key of the hit policy: higher priority first, then the smaller id."""
        return (-self.priority, self.id, self.valid_from)

    def in_force(self, on: date) -> bool:
        """Whether the rule is valid on ``on`` (``valid_until`` is the last valid day)."""
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    def to_data(self, facts: Mapping[str, FactDefinition]) -> dict[str, Any]:
        """The rule as canonical plain data, with the file it came from."""
        data: dict[str, Any] = {
            "id": self.id,
            "description": self.description,
            "reference": self.reference,
            "valid_from": self.valid_from.isoformat(),
            "priority": self.priority,
            "when": condition_to_data(self.condition, facts),
            "then": self.outcome.to_data(),
            "file": self.source_file,
        }
        if self.valid_until is not None:
            data["valid_until"] = self.valid_until.isoformat()
        for key in ("note", *SOURCE_FIELDS):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@attrs.frozen
class Default:
    """What the plan does with some services as a starting point (``lähtökohtaisesti``).

    Unlike the law's reservation, a default binds no rule: a rule may route one of its
    ``services`` elsewhere when the rule states its status, and the lint warns where one does.
    """

    id: str
    description: str
    services: tuple[str, ...]
    route: Route
    reference: str
    source_file: str
    status: str | None = None
    section: str | None = None
    quote: str | None = None
    why: str | None = None

    def departed_by(self, rule: Rule) -> bool:
        """Whether ``rule`` may route one of the services to another route."""
        return rule.outcome.route != self.route and any(
            partial(rule.condition, {"service_type": service}) is not False
            for service in self.services
        )

    def to_data(self) -> dict[str, Any]:
        """The default as canonical plain data, with the file it came from."""
        data: dict[str, Any] = {
            "description": self.description,
            "services": list(self.services),
            "route": self.route.value,
            "reference": self.reference,
            "file": self.source_file,
        }
        data.update({key: getattr(self, key) for key in SOURCE_FIELDS if getattr(self, key)})
        return data


def parse_defaults(
    sources: Iterable[tuple[str, Any]], facts: Mapping[str, FactDefinition], problems: list[str]
) -> dict[str, Default]:
    """The plan's defaults from the ``defaults`` sections, each checked like a rule's source."""
    defaults: dict[str, Default] = {}
    fields = {"description", "services", "route", "reference", *SOURCE_FIELDS}
    known = facts["service_type"].values if "service_type" in facts else ()
    for file_name, body in sources:
        if body is not None and not isinstance(body, dict):
            problems.append(f"{file_name}: defaults map ids to services and a route")
            continue
        for key, raw in (body or {}).items():
            where = f"{file_name}: default {key}"
            if not isinstance(key, str) or not NAME.fullmatch(key) or key in defaults:
                problems.append(f"{where}: a default id is snake_case and defined once")
                continue
            if not isinstance(raw, dict) or not fields - set(SOURCE_FIELDS) <= set(raw):
                problems.append(f"{where}: needs description, services, route and reference")
                continue
            before = len(problems)
            problems += [f"{where}: unknown field {name!r}" for name in sorted(set(raw) - fields)]
            problems += [
                f"{where}: {problem}" for problem in source_problems(raw, raw["reference"])
            ]
            services = raw["services"]
            if not isinstance(services, list) or not services:
                problems.append(f"{where}: services is a non-empty list of service types")
                services = []
            problems += [
                f"{where}: {s!r} is not a service_type" for s in services if s not in known
            ]
            if not is_route_name(raw["route"]):
                problems.append(f"{where}: unknown route {raw['route']!r}")
            if len(problems) > before:
                continue
            defaults[key] = Default(
                id=key,
                description=single_spaced(raw["description"]) or "",
                services=tuple(services),
                route=route_named(str(raw["route"])),
                reference=single_spaced(raw["reference"]) or "",
                source_file=file_name,
                status=raw.get("status"),
                section=single_spaced(raw.get("section")),
                quote=single_spaced(raw.get("quote")),
                why=single_spaced(raw.get("why")),
            )
    return defaults


def check_departures(
    rules: Iterable[Rule], defaults: Mapping[str, Default], problems: list[str]
) -> None:
    """Refuse a rule that departs from a default of the plan without stating its status, so
    that every departure says what it rests on and can be counted."""
    for rule in rules:
        for default in defaults.values():
            if rule.status is None and default.departed_by(rule):
                problems.append(
                    f"{rule.source_file}: rule {rule.id}: routes {rule.outcome.route.value} where"
                    f" the plan's default {default.id} is {default.route.value} as a starting"
                    f" point; state the rule's status ({', '.join(STATUSES)}) with its quote or"
                    " why"
                )


def parse_constraints(
    sources: Iterable[tuple[str, Any]], facts: Mapping[str, FactDefinition], problems: list[str]
) -> list[tuple[str, Condition]]:
    """The constraints of the ``constraints`` sections: a description and a condition each."""
    constraints = []
    for file_name, body in sources:
        if body is None:
            continue
        if not isinstance(body, list):
            problems.append(f"{file_name}: constraints are a list")
            continue
        for index, raw in enumerate(body):
            where = f"{file_name}: constraint {index + 1}"
            if not isinstance(raw, dict) or set(raw) != {"description", "require"}:
                problems.append(f"{where}: needs exactly description and require")
                continue
            condition = parse_condition(raw["require"], facts, where, problems)
            if condition is not None:
                constraints.append((str(raw["description"]), condition))
    return constraints


def parse_rules(
    sources: Iterable[tuple[str, Any]],
    facts: Mapping[str, FactDefinition],
    problems: list[str],
    *,
    archived: bool = False,
) -> list[Rule]:
    """The rules of the ``rules`` sections, checked one by one and against each other.

    An ``archived`` rulebook is history: its sources are read in the vocabulary they were
    written in (statuses such as ``verified``, no quotes), since its text must load unchanged.
    """
    rules: list[Rule] = []
    files_of_id: dict[str, str] = {}
    for file_name, body in sources:
        if not isinstance(body, list):
            problems.append(f"{file_name}: rules are a list")
            continue
        in_file: list[Rule] = []
        for index, raw in enumerate(body):
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(rule_id, str):
                first = files_of_id.setdefault(rule_id, file_name)
                if first != file_name:
                    problems.append(f"{file_name}: rule {rule_id}: duplicate id, also in {first}")
                    continue
            rule = _parse_rule(raw, file_name, index, facts, problems, archived)
            if rule is not None:
                in_file.append(rule)
        by_id: dict[str, list[Rule]] = {}
        for rule in in_file:
            by_id.setdefault(rule.id, []).append(rule)
        for rule_id, versions in by_id.items():
            versions.sort(key=lambda rule: rule.valid_from)
            for earlier, later in pairwise(versions):
                if earlier.valid_until is None or earlier.valid_until >= later.valid_from:
                    problems.append(
                        f"{file_name}: rule {rule_id}: overlapping validity, the versions from"
                        f" {earlier.valid_from} and from {later.valid_from} are both in force"
                    )
        rules.extend(in_file)
    return rules


def _parse_rule(
    raw: object,
    file_name: str,
    index: int,
    facts: Mapping[str, FactDefinition],
    problems: list[str],
    archived: bool,
) -> Rule | None:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"{file_name}: rule {rule_id if rule_id is not None else f'#{index + 1}'}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: a rule is a mapping")
        return None
    before = len(problems)
    for key in sorted(set(raw) - _RULE_FIELDS, key=str):
        problems.append(f"{where}: unknown field {key!r}")
    missing = [key for key in _REQUIRED_RULE_FIELDS if key not in raw]
    for key in missing:
        problems.append(f"{where}: missing field {key!r}")
    if missing:
        return None
    if not isinstance(rule_id, str) or not NAME.fullmatch(rule_id):
        problems.append(f"{where}: an id is snake_case text: {rule_id!r}")
    for key in ("description", "reference"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            problems.append(f"{where}: {key} must be non-empty text")
    start = as_date(raw["valid_from"], where, "valid_from", problems)
    until = raw.get("valid_until")
    end = None if until is None else as_date(until, where, "valid_until", problems)
    if start is not None and end is not None and end < start:
        problems.append(f"{where}: valid_until {end} is before valid_from {start}")
    priority = raw["priority"]
    if not isinstance(priority, int) or isinstance(priority, bool):
        problems.append(f"{where}: priority is a whole number: {priority!r}")
    if not archived:
        problems += [f"{where}: {problem}" for problem in source_problems(raw, raw["reference"])]
    elif raw.get("status") not in (None, *STATUSES, *LEGACY_STATUSES):
        problems.append(f"{where}: status is not one of any release: {raw['status']!r}")
    condition = parse_condition(raw["when"], facts, f"{where}: when", problems, archived=archived)
    outcome = parse_outcome(raw["then"], facts, where, problems)
    if condition is not None and outcome is not None:
        _check_outcome_against_condition(outcome, condition, facts, where, problems)
    if len(problems) > before or condition is None or outcome is None or start is None:
        return None
    return Rule(
        id=str(rule_id),
        description=raw["description"].strip(),
        reference=raw["reference"].strip(),
        valid_from=start,
        valid_until=end,
        priority=priority,
        condition=condition,
        outcome=outcome,
        source_file=file_name,
        status=raw.get("status"),
        note=raw.get("note"),
        section=single_spaced(raw.get("section")),
        quote=single_spaced(raw.get("quote")),
        why=single_spaced(raw.get("why")),
    )


def _check_outcome_against_condition(
    outcome: Outcome,
    condition: Condition,
    facts: Mapping[str, FactDefinition],
    where: str,
    problems: list[str],
) -> None:
    """Refuse outcomes the condition does not make safe, using partial evaluation."""
    if outcome.route != Route.IN_HOUSE and partial(condition, {AUTHORITY_FACT: True}) is not False:
        problems.append(
            f"{where}: routes {outcome.route.value} but could fire for a statutory authority"
            f" task, which is always in-house: {AUTHORITY_RESERVATION} (status law); add"
            f" '{AUTHORITY_FACT}: false' to its condition"
        )
    if outcome.unit_from is not None and outcome.unit_from in facts:
        source = facts[outcome.unit_from]
        for value in source.values:
            if value not in source.units and partial(condition, {source.name: value}) is not False:
                problems.append(
                    f"{where}: takes its unit from {source.name}, which names no unit for"
                    f" {value!r}; exclude that value in the condition"
                )
    if outcome.contract_from is not None and outcome.contract_from in facts:
        flag = facts[outcome.contract_from].required_when
        if flag is not None and partial(condition, {flag: False}) is not False:
            problems.append(
                f"{where}: takes its contract from {outcome.contract_from} but does not require"
                f" '{flag}: true'"
            )
