"""The routing decision: where a service is produced for a client, and why.

A decision is made once by the rules engine and then recorded in the referral event with the rule
id, the rulebook version (a content hash of the rule files) and the facts the rule saw. Replaying
history never re-runs rules; an audit re-runs them to prove they still give the recorded answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from employment_domain.errors import EmploymentDomainError

__all__ = [
    "LEGACY_FACTS",
    "LEGACY_ROUTES",
    "Decision",
    "DecisionError",
    "Route",
    "route_named",
    "trusted_decision",
]


class DecisionError(EmploymentDomainError, ValueError):
    """A decision value that is incomplete or names an unknown route."""


class Route(StrEnum):
    """How a service is produced: by the area itself or with whom, named for what it means.

    The routes are the same for every employment area; who produces a service (the office, the
    in-house entity, the partner, the network) is the decision's ``unit``, named by the area's
    rule files. Release 0.1.0 recorded routes named for Espoo–Kauniainen's partners; they read
    as the generic routes of :data:`LEGACY_ROUTES`.
    """

    IN_HOUSE = "in_house"  # the area's own staff: its offices, service points, remote service
    INTEGRATION = "integration"  # the area's own integration services (681/2023)
    JOINT = "joint"  # jointly with other authorities: the wellbeing services county and Kela
    NETWORK = "network"  # in a network the area takes part in (a youth one-stop guidance centre)
    IN_HOUSE_ENTITY = "in_house_entity"  # an in-house entity (sidosyksikkö), without a tender
    PARTNER = "partner"  # another municipality or area under a cooperation agreement
    PURCHASED = "purchased"  # a purchased service under a named procurement


#: The routes release 0.1.0 recorded, named for Espoo–Kauniainen's partners, and the generic
#: route each reads as: decisions stored under them load, replay and re-check unchanged.
LEGACY_ROUTES: dict[str, Route] = {
    "ohjaamo": Route.NETWORK,
    "business_espoo": Route.NETWORK,
    "multi_agency": Route.JOINT,
    "omnia": Route.IN_HOUSE_ENTITY,
    "partner_city": Route.PARTNER,
}


#: The facts release 0.2.0 named for Espoo–Kauniainen's partners, and their names since 0.3.0.
LEGACY_FACTS: dict[str, str] = {
    "omnia_contract_available": "entity_contract_available",
    "omnia_contract_id": "entity_contract_id",
    "partner_cooperation": "partner_agreement",
}


def route_named(value: object) -> Route:
    """The route named by ``value``: a route's own name or one release 0.1.0 recorded.

    Raises :class:`DecisionError` naming the routes when ``value`` names none.
    """
    if isinstance(value, Route):
        return value
    if isinstance(value, str):
        if value in Route._value2member_map_:
            return Route(value)
        if value in LEGACY_ROUTES:
            return LEGACY_ROUTES[value]
    known = ", ".join(route.value for route in Route)
    raise DecisionError(f"unknown route {value!r}; the routes are {known}")


def _check_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DecisionError(f"a decision needs a non-empty {attribute.name}: {value!r}")


def _to_route(value: object) -> Route:
    """The route named by ``value``; a Route is taken as it is, since calling Route is slow."""
    if isinstance(value, Route):
        return value
    return route_named(value)


@attrs.frozen
class Decision:
    """A routing outcome with its provenance.

    ``facts`` are the named facts the rules saw (plain JSON values: str, int, bool, lists), so
    the decision can be explained and re-checked later. ``service_type`` is the service type to
    procure and ``procurement_id`` the contract, when the decision procures (a purchase, or an
    in-house award to Omnia). ``decided_on`` is the business date whose rules decided, so an
    audit can re-run the same rules.
    """

    route: Route = attrs.field(converter=_to_route)
    unit: str = attrs.field(validator=_check_text)
    rule_id: str = attrs.field(validator=_check_text)
    rulebook_version: str = attrs.field(validator=_check_text)
    facts: dict[str, Any] = attrs.field(factory=dict)
    service_type: str | None = None
    procurement_id: str | None = None
    decided_on: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """The decision as plain data, as it is stored in an event."""
        return {
            "route": self.route.value,
            "unit": self.unit,
            "rule_id": self.rule_id,
            "rulebook_version": self.rulebook_version,
            "facts": dict(self.facts),
            "service_type": self.service_type,
            "procurement_id": self.procurement_id,
            "decided_on": None if self.decided_on is None else self.decided_on.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        """The decision stored by :meth:`to_dict`."""
        return cls(
            route=data["route"],
            unit=data["unit"],
            rule_id=data["rule_id"],
            rulebook_version=data["rulebook_version"],
            facts=dict(data.get("facts") or {}),
            service_type=data.get("service_type"),
            procurement_id=data.get("procurement_id"),
            decided_on=(date.fromisoformat(data["decided_on"]) if data.get("decided_on") else None),
        )


def _slot_setter(name: str) -> Callable[[Decision, Any], None]:
    """The setter of one of a decision's slots, which a frozen class's ``__setattr__`` refuses."""
    setter: Callable[[Decision, Any], None] = Decision.__dict__[name].__set__
    return setter


_FIELDS = (
    "route",
    "unit",
    "rule_id",
    "rulebook_version",
    "facts",
    "service_type",
    "procurement_id",
    "decided_on",
)
if tuple(field.name for field in attrs.fields(Decision)) != _FIELDS:  # pragma: no cover
    raise ImportError("trusted_decision must set every field of Decision; update it")
_NEW = object.__new__
_SET_ROUTE, _SET_UNIT, _SET_RULE_ID, _SET_VERSION = map(_slot_setter, _FIELDS[:4])
_SET_FACTS, _SET_SERVICE_TYPE, _SET_PROCUREMENT_ID, _SET_DECIDED_ON = map(_slot_setter, _FIELDS[4:])


def trusted_decision(
    route: Route,
    unit: str,
    rule_id: str,
    rulebook_version: str,
    facts: dict[str, Any],
    service_type: str | None,
    procurement_id: str | None,
    decided_on: date,
) -> Decision:
    """The decision with these fields, built without the constructor's checks: rulebooks only.

    A rulebook calls this for every routing decision with a route, unit, rule id and version
    that ``Decision(...)`` has already accepted once for that rule (they come from the rule
    files, not from the caller, and do not change), and facts it has checked itself. Checking
    them again would only cost time; it cost more than finding the rule. Everything else,
    above all a decision read back from an event, goes through ``Decision(...)``, which checks.
    """
    decision: Decision = _NEW(Decision)
    _SET_ROUTE(decision, route)
    _SET_UNIT(decision, unit)
    _SET_RULE_ID(decision, rule_id)
    _SET_VERSION(decision, rulebook_version)
    _SET_FACTS(decision, facts)
    _SET_SERVICE_TYPE(decision, service_type)
    _SET_PROCUREMENT_ID(decision, procurement_id)
    _SET_DECIDED_ON(decision, decided_on)
    return decision
