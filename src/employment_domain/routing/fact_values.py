"""The check of one fact's value, both ways: the careful check and the generated line.

:class:`~employment_domain.routing.facts.FactChecker` checks every fact twice over: its generated
fast path returns None at the first doubt, and its careful path names every problem. The two
must accept exactly the same values, so the check of one value on each path lives here side by
side, to be read and changed together; ``facts`` keeps the checker that puts them to work.
"""

from __future__ import annotations

from typing import Any

from employment_domain.money import Money
from employment_domain.routing.conditions import FactDefinition

__all__ = ["MISSING", "check_value", "value_lines"]

#: A fact the caller did not give (None is a value a text fact may have).
MISSING = object()


def check_value(definition: FactDefinition, value: Any) -> tuple[Any, str | None]:
    """The value as the engines see it and None, or None and the problem with it, named."""
    name = definition.name
    if value is MISSING and definition.type != "text":
        return None, f"missing fact {name}"
    if definition.type == "bool":
        ok = value is True or value is False
        return (value, None) if ok else (None, f"{name} is yes/no: {value!r}")
    if definition.type == "enum":
        if isinstance(value, str) and value in definition.values:
            return str(value), None
        return None, f"{name} {value!r} is not one of {list(definition.values)}"
    if definition.type == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return None, f"{name} is a whole number: {value!r}"
        low, high = definition.minimum, definition.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            return None, f"{name} {value} is outside {low}–{high}"
        return value, None
    if definition.type == "money":
        if isinstance(value, Money):
            return value.to_cents(), None
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        return None, f"{name} is Money (or integer cents), not {value!r}"
    if value is MISSING or value is None:
        return None, None
    if isinstance(value, str) and value.strip():
        return value, None
    return None, f"{name} is non-empty text or absent: {value!r}"


def value_lines(definition: FactDefinition, v: str, namespace: dict[str, Any]) -> list[str]:
    """Generated lines that return None unless the fact in variable ``v`` is valid as given.

    Money becomes cents in ``v``; a text fact is read here, since it may be left out (the
    count of known facts given, ``given``, grows when it is not).
    """
    if definition.type == "bool":
        return [f"    if {v} is not True and {v} is not False: return None"]
    if definition.type == "enum":
        namespace[f"_{v}"] = frozenset(definition.values)
        return [f"    if {v}.__class__ is not str or {v} not in _{v}: return None"]
    if definition.type == "integer":
        low = definition.minimum if definition.minimum is not None else -(10**18)
        high = definition.maximum if definition.maximum is not None else 10**18
        return [f"    if {v}.__class__ is not int or not {low} <= {v} <= {high}: return None"]
    if definition.type == "money":
        return [
            f"    if {v}.__class__ is _Money: {v} = {v}.to_cents()",
            f"    elif {v}.__class__ is not int: return None",
        ]
    key = repr(definition.name)
    return [
        f"    if {key} in facts:",
        "        given += 1",
        f"        {v} = facts[{key}]",
        f"        if {v} is not None and ({v}.__class__ is not str or not {v}.strip()):",
        "            return None",
        "    else:",
        f"        {v} = None",
    ]
