"""The routing rulebook: rule files read strictly, versioned by a hash of their content.

A rulebook folder (``rules/routing/`` by default) holds YAML files with five kinds of sections:
``facts`` (the catalogue of facts rules may test), ``constraints`` (what every valid set of
facts satisfies), ``districts`` (where clients live and which transport line, hence which office,
serves them), ``defaults`` (what the organising plan does as a starting point) and ``rules``.
The loader reports every mistake with its file and rule id before it refuses; every rule,
default and district says what it rests on (``parameters.STATUSES``); ``rules/README.md``
describes the format. The version is the SHA-256 of the canonical JSON text of the whole
rulebook, so it changes exactly when the content does, and that text can be archived and loaded
again to re-check an old decision. The module is one concept (the rulebook whose content, hash
and decisions are one value), so it stays whole though it is over the usual length.
"""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple

import attrs
import yaml

from employment_domain.decisions import (
    LEGACY_FACTS,
    Decision,
    DecisionError,
    Route,
    trusted_decision,
)
from employment_domain.parameters import RULES_VARIABLE, load_yaml, take_sources
from employment_domain.routing.conditions import (
    FactDefinition,
    compile_first_match,
    condition_to_data,
    describe_condition,
    partial,
)
from employment_domain.routing.facts import (
    Constraint,
    District,
    FactChecker,
    RoutingError,
    RoutingFactsError,
    district_constraints,
    district_index,
    fact_to_data,
    fold,
    parse_districts,
    parse_facts,
)
from employment_domain.routing.parts import (
    AUTHORITY_FACT,
    Default,
    Outcome,
    Rule,
    check_departures,
    parse_constraints,
    parse_defaults,
    parse_rules,
)

__all__ = [
    "Constraint",
    "Default",
    "District",
    "Outcome",
    "Route",
    "RoutingError",
    "RoutingFactsError",
    "Rule",
    "Rulebook",
    "RulebookFileError",
    "default_rulebook",
    "packaged_rulebook",
]

FORMAT = 1
_SECTIONS = ("facts", "constraints", "districts", "defaults", "rules")


class RulebookFileError(RoutingError, ValueError):
    """One or more rule files are invalid; ``problems`` lists every one with file and rule id."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the rule files:\n  " + "\n  ".join(problems)
        )


class _Head(NamedTuple):
    """A rule's outcome as :meth:`Rulebook.decision` needs it, after the decision's checks.

    ``unit`` is the fixed unit, or None when the unit comes from the fact ``unit_from``, whose
    checked units ``units`` maps by value.
    """

    route: Route
    unit: str | None
    unit_from: str | None
    units: Mapping[Any, str]
    procure: str | None
    procure_from: str | None
    contract_from: str | None


class Rulebook:
    """A validated set of routing rules with its fact catalogue, districts and version.

    ``constraints`` are the written ones and one per district (a district lies in its own
    municipality); ``rules`` are in hit order; ``defaults`` are the plan's starting points;
    ``district_sources`` hold each district's file, section, quote and why.
    """

    def __init__(
        self,
        facts: Mapping[str, FactDefinition],
        constraints: list[Constraint],
        districts: Mapping[str, District],
        rules: list[Rule],
        defaults: Mapping[str, Default] | None = None,
        district_sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.facts = dict(facts)
        self.written_constraints = tuple(constraints)
        self.districts = dict(districts)
        self.defaults = dict(defaults or {})
        self.district_sources = {key: dict(v) for key, v in (district_sources or {}).items()}
        self.constraints = (*constraints, *district_constraints(self.districts, self.facts))
        self.rules = tuple(sorted(rules, key=lambda rule: rule.hit_order))
        self.canonical_text = json.dumps(
            self.to_document(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        self.version = hashlib.sha256(self.canonical_text.encode("utf-8")).hexdigest()
        starts = {rule.valid_from for rule in self.rules}
        starts |= {rule.valid_until + timedelta(days=1) for rule in self.rules if rule.valid_until}
        self._segment_starts = sorted(starts)
        self._in_force = [
            tuple(rule for rule in self.rules if rule.in_force(start))
            for start in self._segment_starts
        ]
        self._pickers = [
            compile_first_match([rule.condition for rule in rules]) for rules in self._in_force
        ]
        self._checker = FactChecker(self.facts, self.districts, self.constraints)
        heads = {id(rule): self._head(rule) for rule in self.rules}
        self._heads = {key: head for key, head in heads.items() if head is not None}
        self._district_index = district_index(self.districts)

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: str | Path | Traversable) -> Rulebook:
        """Read every ``*.yaml`` file of ``folder``; refuse them all if any has a mistake."""
        if isinstance(folder, str):
            folder = Path(folder)
        if isinstance(folder, Path) and not folder.is_dir():
            raise RulebookFileError([f"{folder}: not a folder of rule files"])
        problems: list[str] = []
        sources: dict[str, list[tuple[str, Any]]] = {section: [] for section in _SECTIONS}
        files = sorted(
            (entry for entry in folder.iterdir() if entry.name.endswith((".yaml", ".yml"))),
            key=lambda entry: entry.name,
        )
        if not files:
            raise RulebookFileError([f"{folder}: no rule files (*.yaml) in this folder"])
        for entry in files:
            try:
                data = load_yaml(entry.read_text(encoding="utf-8"))
            except (yaml.YAMLError, ValueError, ArithmeticError) as error:
                problems.append(f"{entry.name}: not valid YAML: {error}")
                continue
            if data is None:
                continue
            if not isinstance(data, dict):
                problems.append(f"{entry.name}: must be a mapping with sections {list(_SECTIONS)}")
                continue
            for key, body in data.items():
                if key not in sources:
                    problems.append(
                        f"{entry.name}: unknown section {key!r}; the sections are {list(_SECTIONS)}"
                    )
                else:
                    sources[key].append((entry.name, body))
        return cls._build(sources, problems)

    @classmethod
    def from_canonical(cls, text: str) -> Rulebook:
        """The rulebook whose canonical text this is (as archived); its version is the text's."""
        try:
            document = json.loads(text)
        except ValueError as error:
            raise RulebookFileError([f"canonical text: not JSON: {error}"]) from None
        rulebook = cls.from_document(document, archived=True)
        if rulebook.canonical_text != text:
            raise RulebookFileError(["canonical text: does not round-trip; it was altered"])
        return rulebook

    @classmethod
    def from_document(cls, document: Mapping[str, Any], *, archived: bool = False) -> Rulebook:
        """The rulebook of a document shaped like :meth:`to_document` (each rule names its file).

        The checks are those of :meth:`load`; a tool that generates rules can use this. An
        ``archived`` document (an earlier version's canonical text) keeps the status words of
        its release and needs no quotes: history is read as it was written.
        """
        if not isinstance(document, Mapping) or document.get("format") != FORMAT:
            raise RulebookFileError([f"document: not a rulebook of format {FORMAT}"])
        sources: dict[str, list[tuple[str, Any]]] = {section: [] for section in _SECTIONS}
        for section in ("facts", "constraints", "districts"):
            sources[section].append(("document", document.get(section)))
        by_file: dict[str, list[Any]] = {}
        for raw in document.get("rules") or []:
            raw = dict(raw)
            by_file.setdefault(str(raw.pop("file", "document")), []).append(raw)
        sources["rules"] = list(by_file.items())
        defaults_by_file: dict[str, dict[str, Any]] = {}
        for key, raw in (document.get("defaults") or {}).items():
            raw = dict(raw)
            defaults_by_file.setdefault(str(raw.pop("file", "document")), {})[key] = raw
        sources["defaults"] = list(defaults_by_file.items())
        return cls._build(sources, [], archived=archived)

    @classmethod
    def _build(
        cls,
        sources: Mapping[str, list[tuple[str, Any]]],
        problems: list[str],
        *,
        archived: bool = False,
    ) -> Rulebook:
        facts = parse_facts(sources["facts"], problems)
        district_sources: dict[str, dict[str, str]] = {}
        bare = [
            (name, take_sources(body, name, district_sources, problems, archived))
            for name, body in sources["districts"]
        ]
        districts = parse_districts(bare, facts, problems)
        for name, definition in list(facts.items()):
            if definition.values_from == "districts":
                facts[name] = attrs.evolve(definition, values=tuple(districts))
        if AUTHORITY_FACT not in facts or facts[AUTHORITY_FACT].type != "bool":
            problems.append(f"the fact catalogue must define {AUTHORITY_FACT} as a bool fact")
        constraints = [
            Constraint.of(description, condition)
            for description, condition in parse_constraints(sources["constraints"], facts, problems)
        ]
        defaults = parse_defaults(sources["defaults"], facts, problems)
        rules = parse_rules(sources["rules"], facts, problems, archived=archived)
        if not archived:
            check_departures(rules, defaults, problems)
        if problems:
            raise RulebookFileError(problems)
        return cls(facts, constraints, districts, rules, defaults, district_sources)

    # -- canonical form ----------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        """The rulebook as plain data: the canonical form that is hashed and archived."""
        return {
            "format": FORMAT,
            "facts": {name: fact_to_data(definition) for name, definition in self.facts.items()},
            "constraints": [
                {
                    "description": c.description,
                    "require": condition_to_data(c.condition, self.facts),
                }
                for c in self.written_constraints
            ],
            "districts": {key: self._district_data(key) for key in self.districts},
            **(
                {"defaults": {key: d.to_data() for key, d in self.defaults.items()}}
                if self.defaults
                else {}  # the canonical text of a rulebook without defaults stays as it was
            ),
            "rules": [
                rule.to_data(self.facts)
                for rule in sorted(self.rules, key=lambda rule: (rule.id, rule.valid_from))
            ],
        }

    def _district_data(self, key: str) -> dict[str, Any]:
        """A district as canonical data, with the section, quote and why of its line."""
        taken = self.district_sources.get(key, {})
        sources = {name: text for name, text in taken.items() if name != "file"}
        return {**self.districts[key].to_data(), **sources}

    # -- asking ------------------------------------------------------------------------------

    def rules_in_force(self, on: date) -> tuple[Rule, ...]:
        """The rules valid on ``on``, in hit order: highest priority first, then by id."""
        index = bisect_right(self._segment_starts, on) - 1
        return self._in_force[index] if index >= 0 else ()

    def first_match(self, facts: Mapping[str, Any], on: date) -> Rule | None:
        """The first rule in hit order in force on ``on`` whose condition holds, if any.

        This is the reference evaluator: the rules of each validity period are compiled into one
        chain of ``if`` statements.
        """
        index = bisect_right(self._segment_starts, on) - 1
        if index < 0:
            return None
        hit = self._pickers[index](facts)
        return None if hit < 0 else self._in_force[index][hit]

    def segments(self) -> list[tuple[date, date | None]]:
        """The periods (first day, last day or None) within which the same rules are in force."""
        ends: list[date | None] = [start - timedelta(days=1) for start in self._segment_starts[1:]]
        return list(zip(self._segment_starts, [*ends, None], strict=True))

    def rule(self, rule_id: str, on: date) -> Rule:
        """The version of rule ``rule_id`` valid on ``on``."""
        for rule in self.rules:
            if rule.id == rule_id and rule.in_force(on):
                return rule
        raise RoutingError(f"no rule {rule_id!r} is in force on {on.isoformat()} in {self.version}")

    def district_key(self, name: str | None, municipality: str | None = None) -> str:
        """The district of the catalogue that ``name`` (a district, an area in it) refers to.

        No name, or ``unknown``, gives the municipality's district when it has only one
        (Kauniainen), else ``unknown``. An unrecognised name is a :class:`RoutingFactsError`
        listing the districts.
        """
        key = None if name is None else self._district_index.get(fold(str(name)))
        if key is None and name is not None and str(name).strip():
            known = ", ".join(d.name for d in self.districts.values())
            raise RoutingFactsError([f"unknown district {name!r}; the districts are {known}"])
        if key is None or self.districts[key].municipality is None:
            own = [k for k, d in self.districts.items() if d.municipality == municipality]
            return own[0] if len(own) == 1 else (key or "unknown")
        return key

    def in_its_names(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Recorded ``facts`` with the names release 0.2.0 gave them (``LEGACY_FACTS``) renamed
        to this catalogue's, so a decision recorded then can be re-run under today's rules."""
        renamed = dict(facts)
        for old, new in LEGACY_FACTS.items():
            if old in renamed and old not in self.facts and new in self.facts:
                renamed[new] = renamed.pop(old)
        return renamed

    def normalise_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The facts checked against the catalogue, as plain JSON values, derived facts added.

        Money becomes integer cents. Every problem is reported at once in a
        :class:`RoutingFactsError`.
        """
        return self._checker.normalise(facts)

    def decision(self, rule: Rule, facts: dict[str, Any], on: date) -> Decision:
        """The decision that ``rule`` gives for these (normalised) facts on ``on``.

        A rule of this rulebook whose outcome the decision's checks accepted when the rulebook
        was built gets its decision without checking it again (see :func:`trusted_decision`);
        any other rule, or a unit its outcome cannot vouch for, goes the checking way, which
        raises what it always raised.
        """
        head = self._heads.get(id(rule))
        if head is not None:
            route, unit, unit_from, units, procure, procure_from, contract_from = head
            if unit_from is not None:
                unit = units.get(facts[unit_from])
            if unit is not None:
                return trusted_decision(
                    route,
                    unit,
                    rule.id,
                    self.version,
                    facts,
                    procure if procure_from is None else facts[procure_from],
                    facts[contract_from] if contract_from else None,
                    on,
                )
        return self._checked_decision(rule, facts, on)

    def _checked_decision(self, rule: Rule, facts: dict[str, Any], on: date) -> Decision:
        """The decision built by the checking constructor (any rule, any unit)."""
        outcome = rule.outcome
        unit = outcome.unit
        if unit is None:
            source = outcome.unit_from or ""
            unit = self.facts[source].units.get(facts[source])
            if unit is None:
                raise RoutingError(f"rule {rule.id} has no unit for {source} {facts[source]!r}")
        procured = outcome.procure
        if outcome.procure_from is not None:
            procured = facts[outcome.procure_from]
        return Decision(
            route=outcome.route,
            unit=unit,
            rule_id=rule.id,
            rulebook_version=self.version,
            facts=facts,
            service_type=procured,
            procurement_id=facts[outcome.contract_from] if outcome.contract_from else None,
            decided_on=on,
        )

    def _head(self, rule: Rule) -> _Head | None:
        """What decides ``rule``'s decisions besides the facts, once checked; None if unchecked.

        The route, unit, rule id and version are put to ``Decision(...)`` once here, for each
        unit the outcome can give; a unit (or a rule) that it refuses is left out, so that its
        decisions go the checking way and fail there as before.
        """
        outcome = rule.outcome
        unit_from = outcome.unit_from if outcome.unit is None else None
        candidates: dict[Any, Any]  # unit names as written in the outcome or the catalogue
        if unit_from is None:
            candidates = {None: outcome.unit}
        elif unit_from in self.facts:
            candidates = dict(self.facts[unit_from].units)
        else:
            return None
        units: dict[Any, str] = {}
        route: Route | None = None
        for value, unit in candidates.items():
            try:
                checked = Decision(outcome.route, unit, rule.id, self.version)
            except DecisionError:
                continue
            route, units[value] = checked.route, checked.unit
        if route is None:
            return None
        return _Head(
            route,
            units.get(None) if unit_from is None else None,
            unit_from,
            units,
            outcome.procure,
            outcome.procure_from,
            outcome.contract_from,
        )

    def forced_authority_task(self, facts: Mapping[str, Any]) -> bool:
        """Whether the constraints force ``is_statutory_authority_task`` for these facts.

        The routing command uses this as the default: an initial interview is always an
        authority task, a labour market training never is unless the caller says so.
        """
        trial = dict(facts)
        trial[AUTHORITY_FACT] = False
        partial_facts = {k: v for k, v in trial.items() if k in self.facts}
        return any(partial(c.condition, partial_facts) is False for c in self.constraints)

    def describe_rule(self, rule: Rule) -> str:
        """The rule's condition in words."""
        return describe_condition(rule.condition, self.facts)


def default_rulebook() -> Rulebook:
    """The rulebook of the area in use (``EMPLOYMENT_AREA_RULES``, else the packaged one)."""
    return _rulebook_of(os.environ.get(RULES_VARIABLE) or None)


def packaged_rulebook() -> Rulebook:
    """The packaged rulebook of the Espoo–Kauniainen employment area."""
    return _rulebook_of(None)


@cache
def _rulebook_of(folder: str | None) -> Rulebook:
    """Each folder's rulebook is read once per process."""
    root = resources.files("employment_domain.rules") if folder is None else Path(folder)
    return Rulebook.load(root.joinpath("routing"))
