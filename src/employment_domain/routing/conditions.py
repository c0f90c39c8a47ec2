"""The condition language of routing rules: the facts a rule may test and the tests themselves.

A condition is a small tree (``all``, ``any``, ``not``, and tests of one fact) parsed from YAML
against a catalogue of typed facts, so a rule that tests an unknown fact or compares a yes/no fact
with a number is refused when the rulebook loads, not when a client is routed. The same tree is
evaluated three ways: compiled to Python closures (the reference evaluator), partially on a few
known facts (the lint and the loader's invariants), and with reasons (explanations). The parser,
the evaluators and the words for each operator change together whenever an operator is added or
changed, so this module is one concept (the condition language) even where it runs past 450 lines.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from employment_domain.money import Money, MoneyError

__all__ = [
    "All",
    "AnyOf",
    "Condition",
    "FactDefinition",
    "FactTest",
    "Not",
    "compile_condition",
    "compile_first_match",
    "condition_facts",
    "condition_source",
    "condition_tests",
    "condition_to_data",
    "describe_condition",
    "describe_test",
    "holds",
    "parse_condition",
    "partial",
    "push_negations",
]

FACT_TYPES = ("bool", "enum", "integer", "money", "text")
_ORDER_OPS = ("lt", "le", "gt", "ge")
_OPS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "bool": ("eq", "ne"),
    "enum": ("eq", "ne", "in", "not_in"),
    "integer": ("eq", "ne", *_ORDER_OPS, "in", "not_in"),
    "money": ("eq", "ne", *_ORDER_OPS, "in", "not_in"),
    "text": (),
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
#: The test that is true exactly when the named test is false.
NEGATED_OP = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
    "in": "not_in",
    "not_in": "in",
}
_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is less than",
    "le": "is at most",
    "gt": "is more than",
    "ge": "is at least",
    "in": "is one of",
    "not_in": "is none of",
}


@attrs.frozen
class FactDefinition:
    """One fact of the catalogue: its type and, for an enumerable fact, its values.

    ``units`` names the unit for some values (an outcome may take its unit from the fact);
    ``derived_from`` says the fact is computed from another (``line`` from ``district``);
    ``required_when`` makes a text fact required exactly when a yes/no fact is true;
    ``values_from: districts`` takes an enumeration's values from the district table.
    """

    name: str
    type: str
    description: str = ""
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    units: Mapping[str, str] = attrs.field(factory=dict)
    derived_from: str | None = None
    required_when: str | None = None
    values_from: str | None = None

    @property
    def enumerable(self) -> bool:
        """Whether the fact has a finite list of values (yes/no facts and enumerations)."""
        return self.type in ("bool", "enum")

    def domain(self) -> tuple[Any, ...]:
        """Every value of an enumerable fact."""
        return (True, False) if self.type == "bool" else self.values

    def literal(self, raw: object) -> tuple[Any, str | None]:
        """A value written in a rule, as the engines compare it, or the reason it is refused."""
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw, None
            return None, f"{self.name} is yes/no (true or false), not {raw!r}"
        if self.type == "enum":
            if isinstance(raw, str) and raw in self.values:
                return raw, None
            return (
                None,
                f"{raw!r} is not a value of {self.name}; the values are {list(self.values)}",
            )
        if self.type == "integer":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw, None
            return None, f"{self.name} is a whole number, not {raw!r}"
        if self.type == "money":
            if isinstance(raw, Decimal | str) and not isinstance(raw, bool):
                try:
                    return Money(raw).to_cents(), None
                except MoneyError as error:
                    return None, str(error)
            return (
                None,
                f"{self.name} is money: write it with cents as text, '1500.00', not {raw!r}",
            )
        return None, f"{self.name} is free text and cannot be tested by a rule"

    def impossible(self, op: str, value: Any) -> str | None:
        """Why the test ``op value`` on this fact cannot mean what it says, or None.

        A value the fact never takes, with any operator (``age: 200``, ``age: {in: [200, 300]}``,
        ``age: {ne: 200}``), is a typo more often than a choice, and the lint would call the rule
        never-firing only long after it was written; so is a bound no value in range passes
        (``age: {gt: 100}``). A bound every value passes (``age: {le: 100}``) states the range
        and stands. Enumerations refuse values outside their list in :meth:`literal`.
        """
        if self.type != "integer" or (self.minimum is None and self.maximum is None):
            return None
        low, high = self.minimum, self.maximum
        if op in _ORDER_OPS:
            never = (
                (op == "lt" and low is not None and value <= low)
                or (op == "le" and low is not None and value < low)
                or (op == "gt" and high is not None and value >= high)
                or (op == "ge" and high is not None and value > high)
            )
            if never:
                return (
                    f"'{self.name} {_WORDS[op]} {value}' never holds: {self.name} {self._range()}"
                )
            return None
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if (low is not None and item < low) or (high is not None and item > high):
                return f"{item} is not a value of {self.name}, which {self._range()}"
        return None

    def _range(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"runs from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"is at least {self.minimum}"
        return f"is at most {self.maximum}"

    def unliteral(self, value: Any) -> Any:
        """The value as a rule file writes it (money back to euros with cents)."""
        return str(Money.from_cents(value).amount) if self.type == "money" else value


@attrs.frozen
class FactTest:
    """A test of one fact: ``fact op value``; ``value`` is a tuple for ``in`` and ``not_in``."""

    fact: str
    op: str
    value: Any


@attrs.frozen
class All:
    """True when every part is true; ``all: []`` is always true."""

    parts: tuple[Condition, ...]


@attrs.frozen
class AnyOf:
    """True when at least one part is true."""

    parts: tuple[Condition, ...]


@attrs.frozen
class Not:
    """True when its part is false."""

    part: Condition


Condition = FactTest | All | AnyOf | Not


def parse_condition(
    raw: object,
    catalogue: Mapping[str, FactDefinition],
    where: str,
    problems: list[str],
    *,
    archived: bool = False,
) -> Condition | None:
    """The condition written in ``raw``; every mistake is added to ``problems`` with ``where``.

    A mapping of several facts means all of them; ``fact: value`` tests equality and
    ``fact: {op: value, ...}`` applies every operator given (eq, ne, lt, le, gt, ge, in, not_in).
    A value the fact cannot take is refused (:meth:`FactDefinition.impossible`), except in an
    ``archived`` text: earlier releases let such values through, and a rulebook that decided
    must load as it was written so that its decisions can be re-checked.
    """
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{where}: a condition is a non-empty mapping, not {raw!r}")
        return None
    logical = {"all", "any", "not"} & set(raw)
    if logical:
        if len(raw) > 1:
            problems.append(f"{where}: {sorted(logical)[0]!r} must stand alone in its mapping")
            return None
        key, body = next(iter(raw.items()))
        if key == "not":
            part = parse_condition(body, catalogue, where, problems, archived=archived)
            return None if part is None else Not(part)
        if not isinstance(body, list) or (key == "any" and not body):
            problems.append(f"{where}: {key!r} takes a list of conditions, not {body!r}")
            return None
        parsed = [
            parse_condition(item, catalogue, where, problems, archived=archived) for item in body
        ]
        if any(part is None for part in parsed):
            return None
        parts = tuple(part for part in parsed if part is not None)
        return All(parts) if key == "all" else AnyOf(parts)
    tests: list[Condition] = []
    ok = True
    for fact, spec in raw.items():
        for test in _parse_tests(fact, spec, catalogue, where, problems, archived):
            if test is None:
                ok = False
            else:
                tests.append(test)
    if not ok:
        return None
    return tests[0] if len(tests) == 1 else All(tuple(tests))


def _parse_tests(
    fact: object,
    spec: object,
    catalogue: Mapping[str, FactDefinition],
    where: str,
    problems: list[str],
    archived: bool,
) -> list[FactTest | None]:
    definition = catalogue.get(fact) if isinstance(fact, str) else None
    if definition is None:
        problems.append(f"{where}: condition on unknown fact {fact!r}")
        return [None]
    pairs = list(spec.items()) if isinstance(spec, dict) else [("eq", spec)]
    if not pairs:
        problems.append(f"{where}: {fact} needs at least one test")
        return [None]
    tests: list[FactTest | None] = []
    for op, raw_value in pairs:
        if op not in NEGATED_OP:
            problems.append(f"{where}: unknown operator {op!r} on {fact}")
            tests.append(None)
        elif op not in _OPS_BY_TYPE[definition.type]:
            problems.append(f"{where}: {fact} ({definition.type}) cannot be tested with {op!r}")
            tests.append(None)
        else:
            tests.append(_parse_value(definition, op, raw_value, where, problems, archived))
    return tests


def _parse_value(
    definition: FactDefinition,
    op: str,
    raw: object,
    where: str,
    problems: list[str],
    archived: bool,
) -> FactTest | None:
    value: Any
    if op in ("in", "not_in"):
        if not isinstance(raw, list) or not raw:
            problems.append(f"{where}: {definition.name} {op} needs a non-empty list, not {raw!r}")
            return None
        values = []
        for item in raw:
            value, error = definition.literal(item)
            if error is not None:
                problems.append(f"{where}: {error}")
                return None
            values.append(value)
        value = tuple(sorted(set(values), key=repr))
    else:
        value, error = definition.literal(raw)
        if error is not None:
            problems.append(f"{where}: {error}")
            return None
    impossible = None if archived else definition.impossible(op, value)
    if impossible is not None:
        problems.append(f"{where}: {impossible}")
        return None
    return FactTest(definition.name, op, value)


def condition_to_data(condition: Condition, catalogue: Mapping[str, FactDefinition]) -> Any:
    """The condition in the canonical form the rulebook version hashes (parseable again)."""
    if isinstance(condition, FactTest):
        definition = catalogue[condition.fact]
        if isinstance(condition.value, tuple):
            value: Any = [definition.unliteral(item) for item in condition.value]
        else:
            value = definition.unliteral(condition.value)
        return {condition.fact: {condition.op: value}}
    if isinstance(condition, Not):
        return {"not": condition_to_data(condition.part, catalogue)}
    key = "all" if isinstance(condition, All) else "any"
    return {key: [condition_to_data(part, catalogue) for part in condition.parts]}


def compile_condition(condition: Condition) -> Callable[[Mapping[str, Any]], bool]:
    """A Python function of the facts that is true exactly when the condition holds."""
    constants: list[Any] = []
    source = f"lambda facts: {condition_source(condition, constants)}"
    namespace = {f"_c{index}": value for index, value in enumerate(constants)}
    function: Callable[[Mapping[str, Any]], bool] = eval(source, namespace)
    return function


def compile_first_match(conditions: Sequence[Condition]) -> Callable[[Mapping[str, Any]], int]:
    """A function giving the index of the first condition that holds, or -1.

    The conditions become one chain of ``if`` statements in generated Python, as a programmer
    would write them by hand; rule values reach the code as bound constants, never as text.
    """
    constants: list[Any] = []
    lines = ["def first_match(facts):"]
    for index, condition in enumerate(conditions):
        lines.append(f"    if {condition_source(condition, constants)}: return {index}")
    lines.append("    return -1")
    namespace: dict[str, Any] = {f"_c{i}": value for i, value in enumerate(constants)}
    exec("\n".join(lines), namespace)
    function: Callable[[Mapping[str, Any]], int] = namespace["first_match"]
    return function


_PYTHON_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def condition_source(
    condition: Condition, constants: list[Any], variables: Mapping[str, str] | None = None
) -> str:
    """The condition as a Python expression; its values are appended to ``constants``.

    The expression names the values ``_c0``, ``_c1``... (the index in ``constants``), so rule
    values reach generated code as bound constants, never as text. It reads each fact as
    ``facts[name]``, or as the local variable ``variables`` names for it, so code that already
    holds the facts in variables (the fact checker) tests them without looking them up again.
    """
    if isinstance(condition, FactTest):
        constants.append(
            frozenset(condition.value) if condition.op in ("in", "not_in") else condition.value
        )
        constant = f"_c{len(constants) - 1}"
        fact = f"facts[{condition.fact!r}]" if variables is None else variables[condition.fact]
        if condition.op == "in":
            return f"({fact} in {constant})"
        if condition.op == "not_in":
            return f"({fact} not in {constant})"
        return f"({fact} {_PYTHON_OPS[condition.op]} {constant})"
    if isinstance(condition, Not):
        return f"(not {condition_source(condition.part, constants, variables)})"
    if not condition.parts:
        return "True" if isinstance(condition, All) else "False"
    joiner = " and " if isinstance(condition, All) else " or "
    parts = (condition_source(part, constants, variables) for part in condition.parts)
    return "(" + joiner.join(parts) + ")"


def holds(test: FactTest, value: Any) -> bool:
    """Whether ``value`` passes the test."""
    if test.op == "in":
        return value in test.value
    if test.op == "not_in":
        return value not in test.value
    return _COMPARE[test.op](value, test.value)


def partial(condition: Condition, known: Mapping[str, Any]) -> bool | None:
    """The condition's value when only the ``known`` facts are known: True, False or None.

    None means the unknown facts decide. The answer is never wrong when it is not None, which is
    what the loader's invariants and the lint rely on.
    """
    if isinstance(condition, FactTest):
        if condition.fact not in known:
            return None
        return holds(condition, known[condition.fact])
    if isinstance(condition, Not):
        inner = partial(condition.part, known)
        return None if inner is None else not inner
    results = [partial(part, known) for part in condition.parts]
    if isinstance(condition, All):
        if False in results:
            return False
        return True if all(result is True for result in results) else None
    if True in results:
        return True
    return False if all(result is False for result in results) else None


def condition_facts(condition: Condition) -> list[str]:
    """The facts a condition tests, in the order they first appear."""
    if isinstance(condition, FactTest):
        return [condition.fact]
    parts = [condition.part] if isinstance(condition, Not) else list(condition.parts)
    seen: dict[str, None] = {}
    for part in parts:
        seen.update(dict.fromkeys(condition_facts(part)))
    return list(seen)


def condition_tests(condition: Condition) -> list[FactTest]:
    """Every test in the condition, in order."""
    if isinstance(condition, FactTest):
        return [condition]
    parts = [condition.part] if isinstance(condition, Not) else list(condition.parts)
    return [test for part in parts for test in condition_tests(part)]


def describe_test(test: FactTest, catalogue: Mapping[str, FactDefinition] | None = None) -> str:
    """The test in words: ``service_type is one of coaching, information_advice``."""
    definition = catalogue.get(test.fact) if catalogue else None

    def show(value: Any) -> str:
        shown = definition.unliteral(value) if definition is not None else value
        return str(shown).lower() if isinstance(shown, bool) else str(shown)

    if isinstance(test.value, tuple):
        return f"{test.fact} {_WORDS[test.op]} {', '.join(show(item) for item in test.value)}"
    return f"{test.fact} {_WORDS[test.op]} {show(test.value)}"


def _describe(condition: Condition, catalogue: Mapping[str, FactDefinition] | None) -> str:
    if isinstance(condition, FactTest):
        return describe_test(condition, catalogue)
    if isinstance(condition, Not):
        return f"not ({_describe(condition.part, catalogue)})"
    joiner = " and " if isinstance(condition, All) else " or "
    return joiner.join(f"({_describe(part, catalogue)})" for part in condition.parts) or "always"


def describe_condition(
    condition: Condition, catalogue: Mapping[str, FactDefinition] | None = None
) -> str:
    """The whole condition in words."""
    return _describe(condition, catalogue)


def push_negations(condition: Condition, negate: bool = False) -> Condition:
    """The same condition with every ``not`` pushed into the tests (De Morgan).

    durable_rules has no negation of an expression, only of single comparisons.
    """
    if isinstance(condition, FactTest):
        if not negate:
            return condition
        return FactTest(condition.fact, NEGATED_OP[condition.op], condition.value)
    if isinstance(condition, Not):
        return push_negations(condition.part, not negate)
    parts = tuple(push_negations(part, negate) for part in condition.parts)
    stays_all = isinstance(condition, All) != negate
    return All(parts) if stays_all else AnyOf(parts)
