"""The routing projection: referrals by service and route, with the deciding rules (``routing``).

Table (SQLAlchemy Core, in the read-model database):

- ``rm_routing_decisions``: per business day, service type, route and rule id, how many
  referrals were routed so, from the decision each ``Client.ReferredToService`` event records.
  Days, so the report can be cut at any business date or year.

The report gives either one row per service type, route and deciding rule (``by="rule"``), or, per
service type, the referrals by way of production (``by="production"``): ``in_house`` for the
area's own units (its offices and its integration services), ``joint`` for services produced
jointly with other authorities (the wellbeing services county and Kela), ``network`` for
networks the area takes part in (a youth one-stop guidance centre, the employer services
network), ``in_house_entity`` for an in-house entity (an award without a tender), ``partner``
for another municipality or area under a cooperation agreement, and ``purchased`` for a
purchased service, with a ``total`` row. Routes recorded under release 0.1.0's names count
under the way of production they read as (``employment_domain.decisions.LEGACY_ROUTES``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, select

from employment_domain.clients.client import Client
from employment_domain.decisions import LEGACY_ROUTES, Route

from .disclosure import Layout, Share, total
from .figures import percent
from .projection import Page, Projection, event_class, handles
from .suppression import period_end, protect, threshold_on

__all__ = ["PRODUCTION", "PRODUCTION_OF_ROUTE", "Routing", "production_layout"]

#: Ways of production in report order.
PRODUCTION = ("in_house", "joint", "network", "in_house_entity", "partner", "purchased")
#: The way of production of each route, and of each route release 0.1.0 recorded.
PRODUCTION_OF_ROUTE = {
    Route.IN_HOUSE.value: "in_house",
    Route.INTEGRATION.value: "in_house",
    Route.JOINT.value: "joint",
    Route.NETWORK.value: "network",
    Route.IN_HOUSE_ENTITY.value: "in_house_entity",
    Route.PARTNER.value: "partner",
    Route.PURCHASED.value: "purchased",
}
PRODUCTION_OF_ROUTE.update(
    {legacy: PRODUCTION_OF_ROUTE[route.value] for legacy, route in LEGACY_ROUTES.items()}
)

_metadata = MetaData()
_REFERRED_TO_SERVICE = event_class(Client, "ReferredToService")


class Routing(Projection):
    """Routing decisions of referrals by service type, route and rule."""

    name = "routing"
    # 2: routes stored under their generic names (release 0.3.0).
    version = 2
    rebuilt_by_aggregate = True
    metadata = _metadata
    decisions = Table(
        "rm_routing_decisions",
        _metadata,
        Column("day", Date, primary_key=True),
        Column("service_type", String(64), primary_key=True),
        Column("route", String(32), primary_key=True),
        Column("rule_id", String(128), primary_key=True),
        Column("referrals", Integer, nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(_REFERRED_TO_SERVICE)
    def _referred(self, event: Any, page: Page) -> None:
        decision = event.decision
        page.rows(self.decisions).add(
            day=event.on,
            service_type=event.service_type,
            route=decision.route.value,
            rule_id=decision.rule_id,
            referrals=1,
        )

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        by: str = "rule",
        published: bool = False,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Referrals of ``year`` (all years by default) up to the business date ``through``.

        ``by="rule"``: rows of service_type, route, production, rule_id, referrals.
        ``by="production"``: rows of service_type, in_house, joint, network, in_house_entity,
        partner, purchased, total and purchased_percent, and a last row whose service_type is
        ``total``. In the published form referral counts under 5 are hidden (see suppression).
        """
        if options:
            raise TypeError(f"the routing report has no options {sorted(options)}")
        if by not in ("rule", "production"):
            raise ValueError(f"the routing report is by 'rule' or 'production', not {by!r}")
        table = cls.decisions
        statement = select(table.c.service_type, table.c.route, table.c.rule_id, table.c.referrals)
        if year is not None:
            statement = statement.where(
                table.c.day >= date(year, 1, 1), table.c.day <= date(year, 12, 31)
            )
        if through is not None:
            statement = statement.where(table.c.day <= through)
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        for service_type, route, rule_id, referrals in connection.execute(statement):
            counts[(service_type, route, rule_id)] += referrals
        if by == "rule":
            rows = [
                {
                    "service_type": service_type,
                    "route": route,
                    "production": PRODUCTION_OF_ROUTE.get(route, route),
                    "rule_id": rule_id,
                    "referrals": referrals,
                }
                for (service_type, route, rule_id), referrals in sorted(counts.items())
            ]
            if not published:
                return rows
            layout = Layout(counts=tuple((index, "referrals") for index in range(len(rows))))
            return protect(rows, layout, threshold=threshold_on(period_end(year, through)))
        production = _by_production(counts)
        if not published:
            return production
        threshold = threshold_on(period_end(year, through))
        return protect(production, production_layout(production), threshold=threshold)


def production_layout(rows: list[dict[str, Any]]) -> Layout:
    """The production table's identities: each row's ``total`` adds up its ways of
    production, and the last row (``total``) adds up the rows above it, column by column."""
    columns = (*PRODUCTION, "total")
    body, last = range(len(rows) - 1), len(rows) - 1
    relations = [total((index, "total"), ((index, way) for way in PRODUCTION)) for index in body]
    relations.append(total((last, "total"), ((last, way) for way in PRODUCTION)))
    relations += [total((last, column), ((index, column) for index in body)) for column in columns]
    shares = tuple(
        Share((index, "purchased_percent"), ((index, "purchased"),), ((index, "total"),))
        for index in range(len(rows))
    )
    margins = frozenset({(index, "total") for index in range(len(rows))}) | {
        (last, column) for column in columns
    }
    counts = tuple((index, column) for index in range(len(rows)) for column in columns)
    return Layout(counts=counts, relations=tuple(relations), shares=shares, margins=margins)


def _by_production(counts: dict[tuple[str, str, str], int]) -> list[dict[str, Any]]:
    services: dict[str, dict[str, int]] = {}
    for (service_type, route, _), referrals in counts.items():
        row = services.setdefault(service_type, dict.fromkeys(PRODUCTION, 0))
        row[PRODUCTION_OF_ROUTE.get(route, "in_house")] += referrals
    all_services = dict.fromkeys(PRODUCTION, 0)
    rows = []
    for service_type in sorted(services):
        row = services[service_type]
        for way in PRODUCTION:
            all_services[way] += row[way]
        rows.append(_production_row(service_type, row))
    if rows:
        rows.append(_production_row("total", all_services))
    return rows


def _production_row(service_type: str, counts: dict[str, int]) -> dict[str, Any]:
    total = sum(counts.values())
    return {
        "service_type": service_type,
        **counts,
        "total": total,
        "purchased_percent": percent(counts["purchased"], total),
    }
