"""Hypothesis strategies for routing: valid, consistent facts of a rulebook's catalogue, and dates.

Facts are drawn from the catalogue itself (every enumerable value, numbers within their bounds,
contract ids exactly when their availability flag is set, districts with their municipality) and
kept only when they satisfy the catalogue's constraints, so any rulebook can be property-tested,
not only the packaged one.

Valid is not enough: the rules engine would accept a 52-year-old who is ``young``, but the
library never routes one, since it derives the target groups from the client's recorded facts
(``EmploymentArea.client_routing_facts``). A property that holds only for such facts proves
nothing about the area, and one that fails on them reports a bug that cannot happen. So the
facts that the library derives from the age are drawn consistently with it, by the dated
parameters (``young`` by the Ohjaamo age limit; ``long_term_unemployed`` only at an age a long
enough spell fits into); the other target groups rest on independent records (mother tongue,
education, residence permit, work ability) and are drawn independently.

A ``fixed`` fact that the catalogue does not have, that its definition refuses, or that
contradicts another fixed fact is refused when the strategy is made, naming the fact: a typo
(``{"agee": 25}``) would otherwise leave the fact random and the test weaker than it reads.
Importing this module needs Hypothesis (the ``testing`` extra).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from employment_domain.money import Money
from employment_domain.parameters import Parameters, UnknownParameterError, default_parameters
from employment_domain.routing.conditions import FactDefinition
from employment_domain.routing.fact_values import check_value
from employment_domain.routing.facts import District
from employment_domain.routing.parts import AUTHORITY_FACT
from employment_domain.routing.rulebook import RoutingFactsError, Rulebook, default_rulebook

__all__ = ["AgeRules", "routing_dates", "routing_facts"]

#: The facts the library derives from a client's age (EmploymentArea.client_routing_facts).
AGE, YOUNG, LONG_TERM = "age", "young", "long_term_unemployed"


@attrs.frozen
class AgeRules:
    """What the dated parameters say about the facts that depend on the age, on every date.

    ``young_limits`` are every value the Ohjaamo age limit has had; an age under all of them is
    young on any date and one at or over all of them never is. An age between two values is
    young on some dates only, so :func:`routing_facts`, which does not know the date the facts
    will be decided on, never draws it. ``long_term_from`` is the youngest age at which a client
    can have been unemployed long enough: the youngest age at an act plus the whole years of the
    long-term threshold. None where the parameters do not say (another area's files).
    """

    young_limits: tuple[int, ...] = ()
    long_term_from: int | None = None

    @classmethod
    def of(cls, parameters: Parameters) -> AgeRules:
        """The rules that the parameters give over their whole history."""
        limits = _values(parameters, "young_age_limit_ohjaamo")
        youngest = _values(parameters, "youngest_age_at_act")
        months = _values(parameters, "long_term_unemployment_months")
        long_term = max(youngest) + max(months) // 12 if youngest and months else None
        return cls(tuple(sorted(set(limits))), long_term)

    def young(self, age: int) -> bool | None:
        """Whether ``age`` is young on every date (True) or on none (False); None when it is
        young on some dates only, or when no limit is known."""
        if self.young_limits and age < min(self.young_limits):
            return True
        if self.young_limits and age >= max(self.young_limits):
            return False
        return None

    def may_be_long_term(self, age: int) -> bool:
        """Whether a client of ``age`` can have been unemployed long enough to be long-term."""
        return self.long_term_from is None or age >= self.long_term_from


def _values(parameters: Parameters, name: str) -> list[int]:
    try:
        return [int(entry.value) for entry in parameters.history(name)]
    except UnknownParameterError:
        return []


def _values_of(definition: FactDefinition) -> st.SearchStrategy[Any]:
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


def _refuse(problem: str) -> InvalidArgument:
    return InvalidArgument(f"routing_facts(fixed=...): {problem}")


def _check_names(fixed: Mapping[str, Any], rulebook: Rulebook) -> None:
    known = sorted(rulebook.facts)
    for name in fixed:
        if name not in rulebook.facts:
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _refuse(
                f"unknown fact {name!r}{hint}; the rulebook's facts are {', '.join(known)}"
            )
        _, problem = check_value(rulebook.facts[name], fixed[name])
        if problem is not None:
            raise _refuse(problem)


def _check_contracts(fixed: Mapping[str, Any], rulebook: Rulebook) -> dict[str, Any]:
    """Fixed facts with the availability flag of every fixed contract id set to match it."""
    pinned = dict(fixed)
    for name, definition in rulebook.facts.items():
        flag = definition.required_when
        if flag is None or name not in fixed:
            continue
        wanted = fixed[name] is not None
        if pinned.get(flag, wanted) != wanted:
            state = "given" if wanted else "empty"
            raise _refuse(f"{name} is {state} but {flag} is {pinned[flag]!r}")
        pinned[flag] = wanted
    return pinned


def _districts(fixed: Mapping[str, Any], rulebook: Rulebook) -> list[str]:
    """The districts that agree with the fixed municipality and the fixed derived facts."""
    derived = {
        name: fixed[name]
        for name, definition in rulebook.facts.items()
        if definition.derived_from is not None and name in fixed
    }

    def agrees(district: District) -> bool:
        municipality = fixed.get("municipality", district.municipality)
        return district.municipality in (None, municipality) and all(
            district.attributes.get(name) == value for name, value in derived.items()
        )

    keys = [key for key, district in rulebook.districts.items() if agrees(district)]
    wanted = {"municipality": fixed.get("municipality"), **derived}
    given = {name: value for name, value in wanted.items() if value is not None}
    if "district" in fixed and fixed["district"] not in keys:
        raise _refuse(f"district {fixed['district']!r} contradicts {given}")
    if given and not keys:
        raise _refuse(f"no district agrees with {given}")
    return keys


def _ages(fixed: Mapping[str, Any], rulebook: Rulebook, rules: AgeRules) -> tuple[int, ...] | None:
    """The ages that agree with the fixed age-dependent facts, or None when the catalogue has no
    integer ``age``. An age that is young on some dates only is never among them."""
    definition = rulebook.facts.get(AGE)
    if definition is None or definition.type != "integer":
        return None
    low = definition.minimum if definition.minimum is not None else 0
    high = definition.maximum if definition.maximum is not None else 150
    derives = {name for name in (YOUNG, LONG_TERM) if _is_bool(rulebook, name)}
    if not rules.young_limits:
        derives.discard(YOUNG)
    candidates = [fixed[AGE]] if AGE in fixed else range(low, high + 1)

    def agrees(age: int) -> bool:
        if YOUNG in derives and rules.young(age) is None:
            return False
        if YOUNG in derives and YOUNG in fixed and rules.young(age) is not fixed[YOUNG]:
            return False
        long_term = LONG_TERM in derives and fixed.get(LONG_TERM) is True
        return not long_term or rules.may_be_long_term(age)

    ages = tuple(age for age in candidates if agrees(age))
    if not ages:
        wanted = {name: fixed[name] for name in (AGE, YOUNG, LONG_TERM) if name in fixed}
        raise _refuse(
            f"the facts {wanted} contradict each other by the parameters: the Ohjaamo age limit"
            f" {list(rules.young_limits)}, long-term unemployment from age {rules.long_term_from}"
        )
    return ages


def _is_bool(rulebook: Rulebook, name: str) -> bool:
    definition = rulebook.facts.get(name)
    return definition is not None and definition.type == "bool"


def routing_facts(
    *,
    rulebook: Rulebook | None = None,
    fixed: Mapping[str, Any] | None = None,
    parameters: Parameters | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid, consistent facts for ``rulebook`` (the packaged one by default), as the library
    would give them for a client.

    ``fixed`` pins some facts (``{"is_statutory_authority_task": True}``, ``{"age": 25}``); a
    name the catalogue does not have, a value its definition refuses, or fixed facts that
    contradict each other raise :class:`~hypothesis.errors.InvalidArgument` here, naming them.
    Fixing ``line`` (derived from the district) draws districts on that line. ``parameters``
    (the packaged ones by default) say how ``young`` and ``long_term_unemployed`` follow the age,
    on every date they cover, so the facts hold whatever date they are decided on. Derived facts
    are left out, as the rulebook computes them.
    """
    rulebook = rulebook if rulebook is not None else default_rulebook()
    given = dict(fixed or {})
    _check_names(given, rulebook)
    pinned = _check_contracts(given, rulebook)
    districts = _districts(pinned, rulebook)
    rules = AgeRules.of(parameters if parameters is not None else default_parameters())
    ages = _ages(pinned, rulebook, rules)
    return _facts(rulebook, pinned, districts, rules, ages)


@st.composite
def _facts(
    draw: st.DrawFn,
    rulebook: Rulebook,
    pinned: Mapping[str, Any],
    districts: Sequence[str],
    rules: AgeRules,
    ages: Sequence[int] | None,
) -> dict[str, Any]:
    def value(name: str, strategy: st.SearchStrategy[Any]) -> Any:
        return pinned[name] if name in pinned else draw(strategy)

    facts: dict[str, Any] = {}
    for name, definition in rulebook.facts.items():
        if definition.derived_from is not None or definition.required_when is not None:
            continue
        if name == "district" and districts:
            facts[name] = value(name, st.sampled_from(districts))
        elif name == AGE and ages is not None:
            facts[name] = value(name, st.sampled_from(ages))
        else:
            facts[name] = value(name, _values_of(definition))
    district = rulebook.districts.get(facts.get("district", ""))
    if district is not None and district.municipality is not None:
        facts["municipality"] = district.municipality
    if ages is not None:
        young = rules.young(facts[AGE])
        if _is_bool(rulebook, YOUNG) and young is not None:
            facts[YOUNG] = young
        if _is_bool(rulebook, LONG_TERM) and not rules.may_be_long_term(facts[AGE]):
            facts[LONG_TERM] = False
    for name, definition in rulebook.facts.items():
        flag = definition.required_when
        if flag is not None:
            needed = facts.get(flag) is True
            facts[name] = value(name, _values_of(definition)) if needed else None
    try:
        rulebook.normalise_facts(facts)
    except RoutingFactsError:
        # A constraint failed: usually a statutory service (an initial interview) drawn as not
        # an authority task. Make it one, unless the caller pinned the flag.
        assume(AUTHORITY_FACT not in pinned)
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
