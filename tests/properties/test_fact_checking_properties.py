"""The fact checker's generated fast path never accepts what the careful path refuses.

The fast path answers None at the first doubt and the careful path then names the problems; so
for any facts, valid or spoilt, the fast answer is either None or exactly the careful answer:
the same facts, in the same order, of the same types.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from employment_domain.money import Money
from employment_domain.routing.rulebook import RoutingFactsError, default_rulebook
from employment_domain.testing.routing_strategies import routing_facts

_LEAVE_OUT = object()
_NAMES = [*default_rulebook().facts, "colour"]


class _Text(str):
    """Text that is not exactly ``str``."""


_ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    14,
    15,
    100,
    101,
    1.0,
    "",
    " ",
    "P-1",
    "none",
    "vantaa",
    "coaching",
    "initial_interview",
    "049",
    "235",
    "metro",
    "rail",
    "unknown",
    "leppavaara",
    "kauniainen",
    _Text("coaching"),
    _Text("P-2"),
    Money("1.00"),
    [],
]
SPOILS = st.lists(
    st.tuples(st.sampled_from(_NAMES), st.sampled_from([_LEAVE_OUT, *_ODD_VALUES])),
    max_size=3,
)


def _careful(facts: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return default_rulebook()._checker._normalise_slowly(facts)
    except RoutingFactsError:
        return None


def _typed(facts: dict[str, Any]) -> list[tuple[str, type, Any]]:
    return [(name, type(value), value) for name, value in facts.items()]


@settings(max_examples=400, deadline=None)
@given(routing_facts(), SPOILS, st.booleans())
def test_the_fast_path_gives_the_careful_answer_or_leaves_it_to_the_careful_path(
    facts: dict[str, Any], spoils: list[tuple[str, Any]], give_line: bool
) -> None:
    if give_line:
        district = default_rulebook().districts[facts["district"]]
        facts["line"] = district.attributes["line"]
    for name, value in spoils:
        if value is _LEAVE_OUT:
            facts.pop(name, None)
        else:
            facts[name] = value
    checker = default_rulebook()._checker
    fast = checker._fast(facts)
    careful = _careful(facts)
    if fast is not None:
        assert careful is not None
        assert _typed(fast) == _typed(careful)
    if careful is None:
        return
    for given_as in (facts, OrderedDict(facts), dict(reversed(list(facts.items())))):
        assert _typed(default_rulebook().normalise_facts(given_as)) == _typed(careful)
