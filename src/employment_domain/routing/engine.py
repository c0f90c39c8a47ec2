"""The routing engines: durable_rules behind one narrow wrapper, and a plain-Python reference.

This is the only module that imports durable_rules. durable_rules is unmaintained and has sharp
edges (checked by running it), so the wrapper keeps to what was found to work: one Host
per process holding every rulebook version under its own ruleset name; a lock around every
evaluation; routing decisions posted as events to one standing session per ruleset (an event is
consumed by the one rule that fires, so the session holds nothing between decisions, and each
decision is matched to its post by a sequence number), other rulesets given a fresh session per
evaluation, deleted afterwards, so the limit of 1,024 live sessions per ruleset is never
reached; an exception raised inside an action raised again to the caller; facts sent as JSON
numbers, booleans and text only (money as integer cents). The Host's background dispatch
threads are not started: every action runs synchronously inside ``post``, so nothing can run a
decision on another thread. Every compiled ruleset ends with a catch-all rule, because deleting
a session that no rule had handled crashed the process (found here).

The reference evaluator runs the same rule format in plain Python. It is used automatically
where durable_rules cannot be imported (Python 3.13 and newer), and property tests hold the two
against each other where both exist.

Hit policy (both engines): of the rules in force on the business date whose condition holds,
the one with the highest priority wins; among equal priorities, the smaller rule id in code
point order wins. No matching rule is a :class:`NoRuleMatchedError`.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import attrs

from employment_domain.decisions import Decision
from employment_domain.routing.conditions import (
    All,
    AnyOf,
    Condition,
    FactTest,
    condition_facts,
    push_negations,
)
from employment_domain.routing.rulebook import RoutingError, Rule, Rulebook

try:  # durable_rules does not build on Python 3.13 and newer.
    from durable import engine as _durable
except ImportError:  # pragma: no cover - exercised on Python 3.13
    _durable = None

__all__ = [
    "DURABLE_RULES_AVAILABLE",
    "DurableRulesEngine",
    "NoRuleMatchedError",
    "ReferenceEngine",
    "RoutingEngine",
    "RuleEngineError",
    "default_engine",
    "make_engine",
]

#: Whether durable_rules could be imported on this Python.
DURABLE_RULES_AVAILABLE = _durable is not None
#: Names an engine ("durable_rules" or "reference") to use instead of the default.
ENGINE_ENVIRONMENT_VARIABLE = "EMPLOYMENT_DOMAIN_RULES_ENGINE"


class NoRuleMatchedError(RoutingError, LookupError):
    """No rule in force on the business date matches the facts."""


class RuleEngineError(RoutingError, RuntimeError):
    """The rules engine failed: an action raised, or durable_rules is not available."""


class RoutingEngine:
    """Chooses the winning rule for normalised facts; the engines differ only in how."""

    name = "engine"

    def decide(self, rulebook: Rulebook, facts: Mapping[str, Any], *, on: date) -> Decision:
        """The decision for these facts on business date ``on`` under ``rulebook``.

        Facts are checked against the rulebook's catalogue first (:class:`RoutingFactsError`).
        """
        _check_date(on)
        return self.decide_normalised(rulebook, rulebook.normalise_facts(facts), on=on)

    def decide_normalised(self, rulebook: Rulebook, facts: dict[str, Any], *, on: date) -> Decision:
        """The decision for facts already normalised by ``rulebook.normalise_facts``."""
        return rulebook.decision(self.winner(rulebook, facts, on), facts, on)

    def winner(self, rulebook: Rulebook, facts: Mapping[str, Any], on: date) -> Rule:
        """The rule that decides; subclasses implement it."""
        raise NotImplementedError


class ReferenceEngine(RoutingEngine):
    """The rule format evaluated in plain Python: the first rule in hit order that matches.

    The rules in force in each validity period are compiled into one generated chain of ``if``
    statements (:meth:`Rulebook.first_match`).
    """

    name = "reference"

    def winner(self, rulebook: Rulebook, facts: Mapping[str, Any], on: date) -> Rule:
        rule = rulebook.first_match(facts, on)
        if rule is None:
            raise no_rule_matched(rulebook, facts, on)
        return rule


def no_rule_matched(rulebook: Rulebook, facts: Mapping[str, Any], on: date) -> NoRuleMatchedError:
    """The error both engines raise when nothing matches, naming the date and the facts."""
    shown = ", ".join(f"{name}={value!r}" for name, value in facts.items() if value is not None)
    if not rulebook.rules_in_force(on):
        starts = [rule.valid_from for rule in rulebook.rules]
        first = min(starts).isoformat() if starts else "never"
        return NoRuleMatchedError(
            f"no routing rule is in force on {on.isoformat()} (rulebook {rulebook.version[:12]}"
            f" starts on {first})"
        )
    return NoRuleMatchedError(
        f"no routing rule in force on {on.isoformat()} matches {shown}"
        f" (rulebook {rulebook.version[:12]})"
    )


def _check_date(on: object) -> None:
    """Refuse anything but a business date; a plain date, the usual case, is passed at once."""
    if on.__class__ is date:
        return
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise RoutingError(f"a routing decision needs a business date (datetime.date): {on!r}")


# -- durable_rules ---------------------------------------------------------------------------

_LOCK = threading.Lock()
_SESSION_IDS = itertools.count(1)
_POSTS = itertools.count(1)
_HOST: Any = None
_STANDING_SID = "routing"  # the one session each compiled routing ruleset is posted to
_SEQ = "post_seq"  # the post's sequence number, copied into the state by the action that fires
_PREFIX = "f_"  # fact keys are prefixed so no fact can clash with durable's sid and id
_DAY = "on_day"
_NO_MATCH = "none"
_DURABLE_OPS = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


@attrs.frozen
class _Compiled:
    name: str
    rules: tuple[Rule, ...]
    keys: tuple[tuple[str, str], ...]


_COMPILED: dict[str, _Compiled] = {}


def _record_firing(label: str) -> Callable[[Any], None]:
    def fire(c: Any) -> None:
        c.s.fired = label
        seq = c.m[_SEQ]
        if seq is not None:
            c.s[_SEQ] = seq

    return fire


if _durable is not None:

    class _Host(_durable.Host):  # type: ignore[misc]
        """The process's one Host: actions by name, no background dispatch threads."""

        def get_action(self, action_name: str) -> Callable[[Any], None]:
            return _record_firing(action_name)

        def _run(self) -> None:
            # The dispatch and timer threads serve asynchronous actions and timers, which
            # routing never uses; without them every action runs inside post(), on the caller's
            # thread, under the lock.
            return


class DurableRulesEngine(RoutingEngine):
    """Rules compiled to durable_rules rulesets, one per rulebook version, on one shared Host."""

    name = "durable_rules"

    def __init__(self) -> None:
        if _durable is None:
            raise RuleEngineError(
                "durable_rules cannot be imported on this Python; use ReferenceEngine"
            )

    def winner(self, rulebook: Rulebook, facts: Mapping[str, Any], on: date) -> Rule:
        compiled = _compiled(rulebook)
        message = {key: facts[name] for name, key in compiled.keys}
        message[_DAY] = on.toordinal()
        fired = _post_to_standing_session(compiled.name, message)
        if fired == _NO_MATCH:
            raise no_rule_matched(rulebook, facts, on)
        return compiled.rules[int(fired)]

    @staticmethod
    def post_event(ruleset: str, message: dict[str, Any]) -> str:
        """Post ``message`` in a fresh session and return the label of the action that ran.

        The session is deleted before the lock is released, so at most one session is alive at
        any time. An exception inside the action is raised here. Every ruleset posted to must
        end with a catch-all rule (see :func:`ruleset_definition`): durable_rules 2.0.28 crashed
        the process (SIGSEGV or abort) when deleting a session that a message no rule handled
        had created, so an unhandled message is refused and its session left alone.
        """
        with _LOCK:
            host = _shared_host()
            sid = str(next(_SESSION_IDS))
            try:
                state = host.post(ruleset, {**message, "sid": sid})
            except _durable.MessageNotHandledException:
                raise RuleEngineError(
                    f"ruleset {ruleset} has no rule for the message; it needs a catch-all rule"
                ) from None
            except Exception as error:  # durable_rules raises bare Exceptions and C errors
                raise RuleEngineError(f"durable_rules failed on {ruleset}: {error}") from error
            try:
                if not state or ("fired" not in state and "exception" not in state):
                    state = host.get_state(ruleset, sid)
            finally:
                _delete_session(host, ruleset, sid)
        if "exception" in state:
            raise RuleEngineError(f"an action of ruleset {ruleset} raised: {state['exception']}")
        if "fired" not in state:
            raise RuleEngineError(f"ruleset {ruleset} ran no action for session {sid}")
        return str(state["fired"])

    @staticmethod
    def register(definition: dict[str, Any]) -> None:
        """Register raw rulesets (``{name: {rule: {...}}}``) on the shared Host.

        Actions given by name fire :func:`_record_firing`; a callable runs as given. A copy is
        registered, since durable_rules deletes ``run`` from what it is given.
        """
        with _LOCK:
            _shared_host().register_rulesets(_copy(definition))


def _post_to_standing_session(ruleset: str, message: dict[str, Any]) -> str:
    """Post a routing event to the ruleset's standing session; the label of the action that ran.

    Only for compiled routing rulesets: their last rule is a catch-all, so every event is
    consumed, and their actions only record their label and the post's sequence number, so they
    cannot raise. Reusing one session saves creating and deleting one per decision (about a
    third of durable_rules' cost here). Should the state ever not show this post's number, the
    session is deleted, so that nothing in it can reach a later decision, and the decision
    fails with :class:`RuleEngineError`.
    """
    with _LOCK:
        host = _shared_host()
        seq = next(_POSTS)
        message["sid"] = _STANDING_SID
        message[_SEQ] = seq
        try:
            state = host.post(ruleset, message)
        except Exception as error:  # durable_rules raises bare Exceptions and C errors
            raise RuleEngineError(f"durable_rules failed on {ruleset}: {error}") from error
        if not state or state.get(_SEQ) != seq:
            state = host.get_state(ruleset, _STANDING_SID)
        if state.get(_SEQ) == seq and "exception" not in state and "fired" in state:
            return str(state["fired"])
        _delete_session(host, ruleset, _STANDING_SID)
    raise RuleEngineError(
        f"ruleset {ruleset} recorded no action for post {seq}: {state.get('exception', state)}"
    )


def _shared_host() -> Any:
    global _HOST
    if _HOST is None:
        _HOST = _Host()
    return _HOST


def _delete_session(host: Any, ruleset: str, sid: str) -> None:
    try:
        host.delete_state(ruleset, sid)
    except _durable.durable_rules_engine.error as error:
        if "309" not in str(error):  # 309: the session was never created
            raise RuleEngineError(f"cannot delete session {sid} of {ruleset}: {error}") from error


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _compiled(rulebook: Rulebook) -> _Compiled:
    compiled = _COMPILED.get(rulebook.version)
    if compiled is not None:
        return compiled
    with _LOCK:
        compiled = _COMPILED.get(rulebook.version)
        if compiled is None:
            compiled = compile_ruleset(rulebook)
            _shared_host().register_rulesets(
                {compiled.name: ruleset_definition(rulebook, compiled.rules)}
            )
            _COMPILED[rulebook.version] = compiled
    return compiled


def compile_ruleset(rulebook: Rulebook) -> _Compiled:
    """The durable_rules ruleset name, rule order and message keys for a rulebook version."""
    used = {test_fact for rule in rulebook.rules for test_fact in condition_facts(rule.condition)}
    keys = tuple((name, _PREFIX + name) for name in rulebook.facts if name in used)
    return _Compiled(f"routing_{rulebook.version}", rulebook.rules, keys)


def ruleset_definition(rulebook: Rulebook, rules: tuple[Rule, ...]) -> dict[str, Any]:
    """The durable_rules JSON ruleset: one rule per rule version, ``pri`` in hit order.

    A last catch-all rule fires when no rule of the rulebook matches, so every message is
    handled and every session can be deleted safely.
    """
    definition = {}
    for index, rule in enumerate(rules):
        tests: list[dict[str, Any]] = [{"$gte": {_DAY: rule.valid_from.toordinal()}}]
        if rule.valid_until is not None:
            tests.append({"$lte": {_DAY: rule.valid_until.toordinal()}})
        expression = _expression(push_negations(rule.condition))
        if expression is not None:
            tests.append(expression)
        definition[f"r{index:04d}"] = {
            "pri": index + 1,
            "all": [{"m": {"$and": tests}}],
            "run": str(index),
        }
    definition["none"] = {
        "pri": len(rules) + 1,
        "all": [{"m": {"$gte": {_DAY: 0}}}],
        "run": _NO_MATCH,
    }
    return definition


def _expression(condition: Condition) -> dict[str, Any] | None:
    """A negation-free condition as a durable_rules expression; None means always true."""
    if isinstance(condition, FactTest):
        key = _PREFIX + condition.fact
        if condition.op == "in":
            return _joined("$or", [{key: value} for value in condition.value])
        if condition.op == "not_in":
            return _joined("$and", [{"$neq": {key: value}} for value in condition.value])
        if condition.op == "eq":
            return {key: condition.value}
        return {_DURABLE_OPS[condition.op]: {key: condition.value}}
    if not isinstance(condition, All | AnyOf):
        raise RuleEngineError("negations must be pushed into the tests before compiling")
    parts = [_expression(part) for part in condition.parts]
    if isinstance(condition, All):
        kept = [part for part in parts if part is not None]
        return _joined("$and", kept) if kept else None
    if any(part is None for part in parts):
        return None
    if not parts:
        return {"$lt": {_DAY: 0}}  # an empty "any" never holds
    return _joined("$or", [part for part in parts if part is not None])


def _joined(operator: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {operator: parts}


# -- choosing ----------------------------------------------------------------------------------


def make_engine(name: str | None = None) -> RoutingEngine:
    """The engine called ``name`` ("durable_rules" or "reference").

    Without a name: ``EMPLOYMENT_DOMAIN_RULES_ENGINE`` if set, else durable_rules where it can
    be imported and the reference evaluator elsewhere.
    """
    name = name or os.environ.get(ENGINE_ENVIRONMENT_VARIABLE) or None
    if name is None:
        return DurableRulesEngine() if DURABLE_RULES_AVAILABLE else ReferenceEngine()
    if name == "reference":
        return ReferenceEngine()
    if name == "durable_rules":
        return DurableRulesEngine()
    raise RuleEngineError(f"unknown rules engine {name!r}; use 'durable_rules' or 'reference'")


def default_engine() -> RoutingEngine:
    """The engine the employment area uses unless told otherwise (see :func:`make_engine`)."""
    return make_engine()
