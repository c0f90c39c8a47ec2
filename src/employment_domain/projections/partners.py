"""The partners projection: services given with each partner, per service type and year
(``partners``).

Table (SQLAlchemy Core, in the read-model database):

- ``rm_partner_services``: per business day, partner and service type, how many referrals were
  routed to a partner (another municipality or employment area under a cooperation agreement),
  from the decision each ``Client.ReferredToService`` event records. The partner is the
  ``partner_agreement`` fact the decision saw (the id the area file gives the partner); a
  decision of release 0.1.0, which had no such fact, counts under its unit.

The report gives one row per year, partner and service type with the number of services, so an
area can show what its cooperation agreements gave (the plan, sections b and f).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, select

from employment_domain.clients.client import Client
from employment_domain.decisions import Route

from .disclosure import Layout
from .projection import Page, Projection, event_class, handles
from .suppression import period_end, protect, threshold_on

__all__ = ["Partners"]

_metadata = MetaData()
_REFERRED_TO_SERVICE = event_class(Client, "ReferredToService")


class Partners(Projection):
    """Referrals routed to a partner, by day, partner and service type."""

    name = "partners"
    version = 1
    rebuilt_by_aggregate = True
    metadata = _metadata
    services = Table(
        "rm_partner_services",
        _metadata,
        Column("day", Date, primary_key=True),
        Column("partner", String(64), primary_key=True),
        Column("service_type", String(64), primary_key=True),
        Column("services", Integer, nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(_REFERRED_TO_SERVICE)
    def _referred(self, event: Any, page: Page) -> None:
        decision = event.decision
        if decision.route is not Route.PARTNER:
            return
        partner = decision.facts.get("partner_agreement")
        if not isinstance(partner, str) or partner == "none":
            partner = decision.unit.lower()
        page.rows(self.services).add(
            day=event.on, partner=partner, service_type=event.service_type, services=1
        )

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        published: bool = False,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Rows of year, partner, service_type and services: the referrals routed to each
        partner, of ``year`` (all years by default) up to the business date ``through``. In
        the published form counts under the threshold are hidden (see suppression)."""
        if options:
            raise TypeError(f"the partners report has no options {sorted(options)}")
        table = cls.services
        statement = select(table.c.day, table.c.partner, table.c.service_type, table.c.services)
        if year is not None:
            statement = statement.where(
                table.c.day >= date(year, 1, 1), table.c.day <= date(year, 12, 31)
            )
        if through is not None:
            statement = statement.where(table.c.day <= through)
        counts: dict[tuple[int, str, str], int] = defaultdict(int)
        for day, partner, service_type, services in connection.execute(statement):
            counts[(day.year, partner, service_type)] += services
        rows = [
            {"year": year_of, "partner": partner, "service_type": service_type, "services": n}
            for (year_of, partner, service_type), n in sorted(counts.items())
        ]
        if not published:
            return rows
        layout = Layout(counts=tuple((index, "services") for index in range(len(rows))))
        return protect(rows, layout, threshold=threshold_on(period_end(year, through)))
