"""Explanations of routing decisions: which rule fired, on what facts, and why no rule ahead did.

A client may ask why a service is bought rather than produced by the office; an auditor why a
rule decided. The explanation is computed from the decision's recorded facts and the rulebook
version it records, never from the client's current state, so it stays true as the client's
facts change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from employment_domain.decisions import Decision
from employment_domain.routing.conditions import (
    All,
    Condition,
    FactDefinition,
    FactTest,
    Not,
    compile_condition,
    condition_facts,
    describe_condition,
    describe_test,
    holds,
)
from employment_domain.routing.rulebook import RoutingError, Rulebook

__all__ = ["Explanation", "RuleCheck", "explain", "failures"]


@attrs.frozen
class RuleCheck:
    """A rule ahead of the deciding one in the hit order, and why it did not match."""

    rule_id: str
    priority: int
    description: str
    reference: str
    matched: bool
    reasons: tuple[str, ...]


@attrs.frozen
class Explanation:
    """Why a recorded decision came out as it did.

    ``tested_facts`` are the facts the deciding rule tests, with their recorded values (money in
    euros); ``rules_ahead`` are the rules in force that day that come before it in the hit order
    (higher priority, or equal priority and a smaller id). ``reproduced`` is false when the
    recorded facts do not lead to the recorded rule under this rulebook.
    """

    decision: Decision
    rule_id: str
    description: str
    reference: str
    priority: int
    source_file: str
    valid_from: date
    valid_until: date | None
    condition: str
    tested_facts: Mapping[str, Any]
    rules_ahead: tuple[RuleCheck, ...]
    reproduced: bool

    def text(self) -> str:
        """The explanation as plain sentences, for a client letter or an audit note."""
        decision = self.decision
        until = f" to {self.valid_until}" if self.valid_until else ""
        lines = [
            f"Route {decision.route.value} ({decision.unit}) on {decision.decided_on},"
            f" decided by rule {self.rule_id} (priority {self.priority}, {self.source_file},"
            f" valid from {self.valid_from}{until}).",
            f"The rule: {self.description}",
            f"Reference: {self.reference}",
            f"It requires {self.condition}.",
            "Facts it tested: "
            + ", ".join(f"{name} = {_show(value)}" for name, value in self.tested_facts.items())
            + ".",
        ]
        if decision.procurement_id:
            lines.append(f"Procured: {decision.service_type} under {decision.procurement_id}.")
        for check in self.rules_ahead:
            why = "; ".join(check.reasons) if check.reasons else "it matched"
            lines.append(f"Rule {check.rule_id} (priority {check.priority}) did not apply: {why}.")
        if not self.reproduced:
            lines.append("WARNING: under this rulebook the recorded facts lead to another rule.")
        lines.append(f"Rulebook version {decision.rulebook_version}.")
        return "\n".join(lines)


def explain(decision: Decision, rulebook: Rulebook) -> Explanation:
    """The explanation of ``decision`` under ``rulebook`` (the version the decision records)."""
    if decision.decided_on is None:
        raise RoutingError(f"decision by {decision.rule_id} does not record its business date")
    if decision.rulebook_version != rulebook.version:
        raise RoutingError(
            f"decision was made under rulebook {decision.rulebook_version}, not {rulebook.version}"
        )
    on = decision.decided_on
    rule = rulebook.rule(decision.rule_id, on)
    facts = decision.facts
    catalogue = rulebook.facts
    missing = [name for name in condition_facts(rule.condition) if name not in facts]
    if missing:
        raise RoutingError(f"decision by {rule.id} does not record the facts {missing}")
    checks = []
    for other in rulebook.rules_in_force(on):
        if other.hit_order >= rule.hit_order:
            break
        reasons = tuple(failures(other.condition, facts, catalogue))
        checks.append(
            RuleCheck(
                other.id, other.priority, other.description, other.reference, not reasons, reasons
            )
        )
    return Explanation(
        decision=decision,
        rule_id=rule.id,
        description=rule.description,
        reference=rule.reference,
        priority=rule.priority,
        source_file=rule.source_file,
        valid_from=rule.valid_from,
        valid_until=rule.valid_until,
        condition=describe_condition(rule.condition, catalogue),
        tested_facts={
            name: catalogue[name].unliteral(facts[name]) for name in condition_facts(rule.condition)
        },
        rules_ahead=tuple(checks),
        reproduced=rule.matches(facts) and not any(check.matched for check in checks),
    )


def failures(
    condition: Condition,
    facts: Mapping[str, Any],
    catalogue: Mapping[str, FactDefinition] | None = None,
) -> list[str]:
    """Why the condition is false for these facts, as sentences; empty when it holds.

    For ``all`` every failing part is given; for ``any`` every alternative, since all failed.
    """
    if isinstance(condition, FactTest):
        actual = facts.get(condition.fact)
        if holds(condition, actual):
            return []
        definition = catalogue.get(condition.fact) if catalogue else None
        shown = definition.unliteral(actual) if definition is not None else actual
        needed = describe_test(condition, catalogue)
        return [f"{condition.fact} is {_show(shown)}, the rule needs {needed}"]
    if isinstance(condition, Not):
        if compile_condition(condition.part)(facts):
            return [f"the rule excludes {describe_condition(condition.part, catalogue)}"]
        return []
    if isinstance(condition, All):
        return [reason for part in condition.parts for reason in failures(part, facts, catalogue)]
    alternatives = [failures(part, facts, catalogue) for part in condition.parts]
    if any(not reasons for reasons in alternatives):
        return []
    return [
        "none of its alternatives holds: " + "; or ".join(" and ".join(r) for r in alternatives)
    ]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "not given" if value is None else str(value)
