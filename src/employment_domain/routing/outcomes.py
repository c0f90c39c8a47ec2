"""What a routing rule decides (its ``then``): the route, the unit, and what to procure.

The route is one of the generic routes of :class:`employment_domain.decisions.Route`; who
produces the service is the unit, named by the area's rule files. Only a purchase and an award to
an in-house entity procure, so only they may name a contract. An archived rulebook of release
0.1.0 names its routes by their old names; they are read as the generic route and rendered back
as written, so its canonical text still hashes to its version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from employment_domain.decisions import LEGACY_ROUTES, Route, route_named
from employment_domain.routing.conditions import FactDefinition

__all__ = ["PROCURING_ROUTES", "Outcome", "is_route_name", "parse_outcome"]

#: Routes under which a service is procured, so the outcome may name a contract.
PROCURING_ROUTES = (Route.PURCHASED, Route.IN_HOUSE_ENTITY)


def is_route_name(value: object) -> bool:
    """Whether ``value`` names a route: a generic one, or one an archived 0.1.0 rulebook used."""
    return isinstance(value, str) and (value in Route._value2member_map_ or value in LEGACY_ROUTES)


_OUTCOME_FIELDS = {"route", "unit", "unit_from", "procure", "procure_from", "contract_from"}


@attrs.frozen
class Outcome:
    """What a rule decides: the route, the unit (or the fact naming it), and what to procure.

    ``route_as_written`` is the route's name in the rule file when it is one release 0.1.0
    used (``omnia``, ``ohjaamo``…): an archived rulebook's canonical text then renders as it was
    recorded, so it still hashes to its version, while the decision carries the generic route.
    """

    route: Route
    unit: str | None = None
    unit_from: str | None = None
    procure: str | None = None
    procure_from: str | None = None
    contract_from: str | None = None
    route_as_written: str | None = attrs.field(default=None, eq=False)

    def to_data(self) -> dict[str, Any]:
        """The outcome as canonical plain data."""
        data = attrs.asdict(self)
        del data["route_as_written"]
        data["route"] = self.route_as_written or self.route.value
        return {key: value for key, value in data.items() if value is not None}


def parse_outcome(
    raw: object, facts: Mapping[str, FactDefinition], where: str, problems: list[str]
) -> Outcome | None:
    """The outcome of a rule's ``then``, or None with every mistake appended to ``problems``."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: then is a mapping with a route and a unit")
        return None
    before = len(problems)
    for key in sorted(set(raw) - _OUTCOME_FIELDS, key=str):
        problems.append(f"{where}: unknown field {key!r} in then")
    route = raw.get("route")
    if not is_route_name(route):
        known = ", ".join(r.value for r in Route)
        problems.append(f"{where}: unknown route {route!r}; the routes are {known}")
    if ("unit" in raw) == ("unit_from" in raw):
        problems.append(f"{where}: then needs exactly one of unit and unit_from")
    if "unit" in raw and (not isinstance(raw["unit"], str) or not raw["unit"].strip()):
        problems.append(f"{where}: unit must be non-empty text")
    unit_from = raw.get("unit_from")
    if unit_from is not None and (unit_from not in facts or not facts[unit_from].units):
        problems.append(f"{where}: unit_from names a fact with units: {unit_from!r}")
    service_types = facts["service_type"].values if "service_type" in facts else ()
    if raw.get("procure") is not None and raw["procure"] not in service_types:
        problems.append(f"{where}: procure {raw['procure']!r} is not a service_type")
    procure_from = raw.get("procure_from")
    if procure_from is not None and (
        procure_from not in facts or facts[procure_from].type != "enum"
    ):
        problems.append(f"{where}: procure_from names an enum fact: {procure_from!r}")
    contract_from = raw.get("contract_from")
    if contract_from is not None and (
        contract_from not in facts or facts[contract_from].required_when is None
    ):
        problems.append(f"{where}: contract_from names a text fact with required_when")
    procures = raw.get("procure") is not None or procure_from is not None
    if is_route_name(route):
        if route_named(str(route)) == Route.PURCHASED and (not procures or contract_from is None):
            problems.append(f"{where}: a purchase names what to procure and contract_from")
        procuring = route_named(str(route)) in PROCURING_ROUTES
        if not procuring and (procures or contract_from is not None):
            problems.append(
                f"{where}: only purchased and in_house_entity routes procure or name contracts"
            )
    if len(problems) > before:
        return None
    return Outcome(
        route=route_named(str(route)),
        route_as_written=str(route) if str(route) in LEGACY_ROUTES else None,
        unit=raw.get("unit"),
        unit_from=unit_from,
        procure=raw.get("procure"),
        procure_from=procure_from,
        contract_from=contract_from,
    )
