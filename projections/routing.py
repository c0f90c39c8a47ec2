"""The routing projection: referrals by service and route, with the deciding rules (``routing``).

Table (SQLAlchemy Core, in the read-model database):

- ``rm_routing_decisions``: per business day, service type, route and rule id, how many
  referrals were routed so, from the decision each ``Client.ReferredToService`` event records.
  Days, so the report can be cut at any business date or year.

The report gives either one row per service type, route and deciding rule (``by="rule"``), or, per
service type, the referrals by way of production (``by="production"``): ``in_house`` for the
area's own units (its offices, Ohjaamo, the multi-agency and integration services, Business
Espoo), ``in_house_entity`` for Omnia (an in-house award without a tender), ``partner`` for the
Helsinki and Vantaa cooperation, and ``purchased`` for a purchased service, with a ``total`` row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, select

from employment_domain.clients.client import Client
from employment_domain.decisions import Route

from .figures import percent
from .projection import Page, Projection, event_class, handles
from .suppression import suppress, suppress_with_total_row

__all__ = ["PRODUCTION", "PRODUCTION_OF_ROUTE", "Routing"]

#: Ways of production in report order.
PRODUCTION = ("in_house", "in_house_entity", "partner", "purchased")
#: The way of production of each route.
PRODUCTION_OF_ROUTE = {
    Route.IN_HOUSE.value: "in_house",
    Route.OHJAAMO.value: "in_house",
    Route.MULTI_AGENCY.value: "in_house",
    Route.INTEGRATION.value: "in_house",
    Route.BUSINESS_ESPOO.value: "in_house",
    Route.OMNIA.value: "in_house_entity",
    Route.PARTNER_CITY.value: "partner",
    Route.PURCHASED.value: "purchased",
}

_metadata = MetaData()
_REFERRED_TO_SERVICE = event_class(Client, "ReferredToService")


class Routing(Projection):
    """Routing decisions of referrals by service type, route and rule."""

    name = "routing"
    version = 1
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
        ``by="production"``: rows of service_type, in_house, in_house_entity, partner,
        purchased, total and purchased_percent, and a last row whose service_type is
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
            return suppress(rows, counts=("referrals",)) if published else rows
        return _by_production(counts, published)


def _by_production(
    counts: dict[tuple[str, str, str], int], published: bool
) -> list[dict[str, Any]]:
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
    if not published:
        return rows
    return suppress_with_total_row(
        rows,
        counts=(*PRODUCTION, "total"),
        totals={"total": PRODUCTION},
        derived={"purchased_percent": ("purchased", "total")},
    )


def _production_row(service_type: str, counts: dict[str, int]) -> dict[str, Any]:
    total = sum(counts.values())
    return {
        "service_type": service_type,
        **counts,
        "total": total,
        "purchased_percent": percent(counts["purchased"], total),
    }
