"""Hypothesis strategies for routing: valid facts of a rulebook's catalogue, and decision dates.

Facts are drawn from the catalogue itself (every enumerable value, numbers within their bounds,
contract ids exactly when their availability flag is set, districts with their municipality) and
kept only when they satisfy the catalogue's constraints, so any rulebook can be property-tested,
not only the packaged one. Importing this module needs Hypothesis (the ``testing`` extra).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from employment_domain.money import Money
from employment_domain.routing.conditions import FactDefinition
from employment_domain.routing.parts import AUTHORITY_FACT
from employment_domain.routing.rulebook import RoutingFactsError, Rulebook, default_rulebook

__all__ = ["routing_dates", "routing_facts"]


def _values(definition: FactDefinition) -> st.SearchStrategy[Any]:
    if definition.type == "bool":
        return st.booleans()
    if definition.type == "enum":
        return st.sampled_from(definition.values)
    low = definition.minimum if definition.minimum is not None else -(10**9)
    high = definition.maximum if definition.maximum is not None else 10**9
    if definition.type == "integer":
        return st.integers(min_value=low, max_value=high)
    if definition.type == "money":
        return st.integers(min_value=low, max_value=high).map(Money.from_cents)
    return st.from_regex(r"[A-Z]{2,6}-20[2-3][0-9]-[0-9]{3}", fullmatch=True)


@st.composite
def routing_facts(
    draw: st.DrawFn,
    *,
    rulebook: Rulebook | None = None,
    fixed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Valid facts for ``rulebook`` (the packaged one by default), as a caller would give them.

    ``fixed`` pins some facts (``{"is_statutory_authority_task": True}``); derived facts are
    left out, as the rulebook computes them.
    """
    rulebook = rulebook if rulebook is not None else default_rulebook()
    fixed = dict(fixed or {})
    facts: dict[str, Any] = {}
    for name, definition in rulebook.facts.items():
        if definition.derived_from is not None or definition.required_when is not None:
            continue
        facts[name] = fixed[name] if name in fixed else draw(_values(definition))
    district = rulebook.districts.get(facts.get("district", ""))
    if district is not None and district.municipality is not None and "municipality" not in fixed:
        facts["municipality"] = district.municipality
    for name, definition in rulebook.facts.items():
        if definition.required_when is not None:
            needed = facts.get(definition.required_when) is True
            facts[name] = (fixed.get(name) or draw(_values(definition))) if needed else None
    try:
        rulebook.normalise_facts(facts)
    except RoutingFactsError:
        # A constraint failed: usually a statutory service (an initial interview) drawn as not
        # an authority task. Make it one, unless the caller pinned the flag.
        assume(AUTHORITY_FACT not in fixed)
        facts[AUTHORITY_FACT] = True
        try:
            rulebook.normalise_facts(facts)
        except RoutingFactsError:
            assume(False)
    return facts


def routing_dates(
    *, rulebook: Rulebook | None = None, margin: timedelta = timedelta(days=400)
) -> st.SearchStrategy[date]:
    """Business dates around the rulebook's validity: from before its first rule to after its last
    boundary, so dates on which no rule is in force are drawn too."""
    rulebook = rulebook if rulebook is not None else default_rulebook()
    boundaries = [rule.valid_from for rule in rulebook.rules]
    boundaries += [rule.valid_until for rule in rulebook.rules if rule.valid_until is not None]
    first, last = min(boundaries), max(boundaries)
    return st.dates(min_value=first - timedelta(days=30), max_value=last + margin)
