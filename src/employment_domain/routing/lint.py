"""The lint of a rulebook: rules that can never fire, facts no rule covers, ties between rules.

The lint searches the space of facts rather than sampling it. It assigns one fact at a time
(enumerable facts take each of their values; numbers take the values next to every constant a
rule compares them with, which covers every case a rule can tell apart) and evaluates every
condition on the facts assigned so far; a branch stops as soon as the answer is certain, so
whole families of combinations are settled at once and reported as one finding. Combinations
that break the catalogue's constraints (an initial interview that is not an authority task) are
not valid facts and are never reported.

Asked for warnings, the lint also names every rule that departs from one of the plan's defaults
(a service the plan produces in-house "lähtökohtaisesti", routed elsewhere): the loader lets such
a rule stand when it states its status, and a warning keeps the departure in view without
failing the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import attrs

from employment_domain.routing.conditions import (
    Condition,
    condition_facts,
    condition_tests,
    partial,
)
from employment_domain.routing.rulebook import Default, Rule, Rulebook

__all__ = ["LintFinding", "departures", "lint"]

_Goal = Callable[[Mapping[str, Any]], bool | None]


@attrs.frozen
class LintFinding:
    """One thing the lint found.

    ``kind`` is never_fires, uncovered or same_priority, each an ``error``, or
    departs_from_default, a ``warning``: the plan allows it, but a reader should know.
    """

    kind: str
    message: str
    rule_ids: tuple[str, ...] = ()
    first_day: date | None = None
    last_day: date | None = None
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    severity: str = "error"

    def __str__(self) -> str:
        return self.message


def lint(
    rulebook: Rulebook, *, max_uncovered: int = 20, warnings: bool = False
) -> list[LintFinding]:
    """Every finding about ``rulebook``; an empty list means it is clean.

    At most ``max_uncovered`` uncovered combinations are listed per validity period. Warnings
    (:func:`departures`) are added only when asked for, so that a clean rulebook stays an empty
    list for the checks that fail on any finding.
    """
    findings: list[LintFinding] = []
    search = _Search(rulebook)
    can_fire: set[Rule] = set()
    for first, last in rulebook.segments():
        active = rulebook.rules_in_force(first)
        period = _period(first, last)
        for index, rule in enumerate(active):
            if rule not in can_fire and search.exists(_fires(rule, active[:index])):
                can_fire.add(rule)
        findings.extend(_uncovered(search, active, first, last, max_uncovered))
        for index, rule in enumerate(active):
            for other in active[index + 1 :]:
                if other.priority != rule.priority:
                    continue
                witness = search.first(_both(rule, other))
                if witness is not None:
                    shown = _show(witness, search.labels)
                    findings.append(
                        LintFinding(
                            "same_priority",
                            f"rules {rule.id} and {other.id} have the same priority"
                            f" {rule.priority} and both match {shown} {period};"
                            f" {rule.id} wins by the tie-break (smaller id)",
                            (rule.id, other.id),
                            first,
                            last,
                            witness,
                        )
                    )
    for rule in rulebook.rules:
        if rule not in can_fire:
            findings.append(
                LintFinding(
                    "never_fires",
                    f"rule {rule.id} ({rule.source_file}, priority {rule.priority}, from"
                    f" {rule.valid_from}) can never fire: every case it matches is taken by a"
                    " rule ahead of it, or no valid facts match it",
                    (rule.id,),
                    rule.valid_from,
                    rule.valid_until,
                )
            )
    return findings + (departures(rulebook, search) if warnings else [])


def departures(rulebook: Rulebook, search: _Search | None = None) -> list[LintFinding]:
    """A warning for each rule version that can decide a service of one of the plan's defaults
    and route it elsewhere, with the facts of the first such case.

    A rule whose every such case is taken by a rule ahead of it departs from nothing.
    """
    search = search or _Search(rulebook)
    found: list[LintFinding] = []
    warned: set[tuple[str, date]] = set()
    for first, last in rulebook.segments():
        active = rulebook.rules_in_force(first)
        for index, rule in enumerate(active):
            for default in rulebook.defaults.values():
                if (rule.id, rule.valid_from) in warned or not default.departed_by(rule):
                    continue
                witness = search.first(_covered_by(default, _fires(rule, active[:index])))
                if witness is None:
                    continue
                warned.add((rule.id, rule.valid_from))
                tested = {"service_type", *condition_facts(rule.condition)}
                shown = {name: value for name, value in witness.items() if name in tested}
                found.append(
                    LintFinding(
                        "departs_from_default",
                        f"rule {rule.id} ({rule.source_file}, status {rule.status}) routes"
                        f" {rule.outcome.route.value} for {_show(shown, search.labels)}"
                        f" {_period(first, last)}, where the plan's default {default.id} is"
                        f" {default.route.value} as a starting point",
                        (rule.id,),
                        first,
                        last,
                        witness,
                        "warning",
                    )
                )
    return found


def _uncovered(
    search: _Search, active: Sequence[Rule], first: date, last: date | None, limit: int
) -> Iterator[LintFinding]:
    period = _period(first, last)
    if not active:
        yield LintFinding("uncovered", f"no rule is in force {period}", (), first, last)
        return
    for count, witness in enumerate(search.all(_none_match(active))):
        if count == limit:
            yield LintFinding(
                "uncovered",
                f"more uncovered combinations {period} (first {limit} shown)",
                (),
                first,
                last,
            )
            return
        yield LintFinding(
            "uncovered",
            f"no rule covers {_show(witness, search.labels)} {period}",
            (),
            first,
            last,
            witness,
        )


def _fires(rule: Rule, ahead: Sequence[Rule]) -> _Goal:
    def goal(known: Mapping[str, Any]) -> bool | None:
        own = partial(rule.condition, known)
        if own is False:
            return False
        others = [partial(other.condition, known) for other in ahead]
        if True in others:
            return False
        return True if own is True and all(o is False for o in others) else None

    return goal


def _covered_by(default: Default, goal: _Goal) -> _Goal:
    def covered(known: Mapping[str, Any]) -> bool | None:
        if "service_type" in known and known["service_type"] not in default.services:
            return False
        reached = goal(known)
        return None if reached is True and "service_type" not in known else reached

    return covered


def _none_match(active: Sequence[Rule]) -> _Goal:
    def goal(known: Mapping[str, Any]) -> bool | None:
        results = [partial(rule.condition, known) for rule in active]
        if True in results:
            return False
        return True if all(result is False for result in results) else None

    return goal


def _both(rule: Rule, other: Rule) -> _Goal:
    def goal(known: Mapping[str, Any]) -> bool | None:
        results = (partial(rule.condition, known), partial(other.condition, known))
        if False in results:
            return False
        return True if results == (True, True) else None

    return goal


class _Search:
    """Depth-first assignment of facts, pruned by the goal and the catalogue's constraints."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.constraints = [constraint.condition for constraint in rulebook.constraints]
        conditions = [rule.condition for rule in rulebook.rules]
        self.labels: dict[str, dict[Any, str]] = {}
        self.domains = {
            name: self._domain(name, conditions) for name in _branch_facts(rulebook, conditions)
        }

    def _domain(self, name: str, conditions: list[Condition]) -> tuple[Any, ...]:
        """Every value of an enumerable fact; for a number, one value per interval it can take.

        The constants the rules compare a number with cut its range into intervals within
        which every test gives the same answer; each interval is represented by its first value
        and shown by its range.
        """
        definition = self.rulebook.facts[name]
        if definition.enumerable:
            return definition.domain()
        cuts: set[int] = set()  # first values of the intervals
        for condition in conditions:
            for test in condition_tests(condition):
                if test.fact != name:
                    continue
                values = test.value if isinstance(test.value, tuple) else (test.value,)
                for value in values:
                    if test.op in ("lt", "ge"):
                        cuts.add(value)
                    elif test.op in ("le", "gt"):
                        cuts.add(value + 1)
                    else:
                        cuts.update((value, value + 1))
        low = definition.minimum if definition.minimum is not None else min(cuts, default=1) - 1
        high = definition.maximum if definition.maximum is not None else max(cuts, default=0)
        starts = sorted({low, *(cut for cut in cuts if low < cut <= high)})
        labels = self.labels.setdefault(name, {})
        for start, following in zip(starts, [*starts[1:], high + 1], strict=True):
            last = following - 1
            if following > high and definition.maximum is None:
                labels[start] = f"{start} or more"
            elif start == low and definition.minimum is None:
                labels[start] = f"{last} or less"
            else:
                labels[start] = str(start) if start == last else f"{start}–{last}"
        return tuple(starts)

    def exists(self, goal: _Goal) -> bool:
        return self.first(goal) is not None

    def first(self, goal: _Goal) -> dict[str, Any] | None:
        return next(self.all(goal), None)

    def all(self, goal: _Goal) -> Iterator[dict[str, Any]]:
        yield from self._walk({}, goal)

    def _walk(self, known: dict[str, Any], goal: _Goal) -> Iterator[dict[str, Any]]:
        if any(partial(condition, known) is False for condition in self.constraints):
            return
        status = goal(known)
        if status is False:
            return
        if status is True:
            yield known
            return
        for name, domain in self.domains.items():
            if name not in known:
                for value in domain:
                    yield from self._walk(self._assign(known, name, value), goal)
                return

    def _assign(self, known: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
        assigned = {**known, name: value}
        for derived, definition in self.rulebook.facts.items():
            if definition.derived_from == name:
                assigned[derived] = self.rulebook.districts[value].attributes[derived]
        return assigned


def _branch_facts(rulebook: Rulebook, conditions: list[Condition]) -> list[str]:
    """The facts to assign, most tested first; a derived fact is assigned through its source."""
    counts: dict[str, int] = {}
    for condition in conditions:
        for name in condition_facts(condition):
            source = rulebook.facts[name].derived_from or name
            counts[source] = counts.get(source, 0) + 1
    return sorted(counts, key=lambda name: (-counts[name], name))


def _period(first: date, last: date | None) -> str:
    return f"from {first}" + (f" to {last}" if last is not None else "")


def _show(facts: Mapping[str, Any], labels: Mapping[str, Mapping[Any, str]]) -> str:
    shown = []
    for name, value in facts.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        shown.append(f"{name}={labels.get(name, {}).get(value, text)}")
    return "{" + ", ".join(shown) + "}"
