"""The effectiveness projection: what became of the clients referred to each service, by route,
way of production, service type, target group, municipality and age band (``effectiveness``).

The plan's goals are fast and lasting employment and effective services; this report lets the
area compare its own services with purchased ones like for like. Tables (SQLAlchemy Core, in the
read-model database), from the clients' and the procurements' events; clients are UUIDs and of
the birth date only its month is kept:

- ``rm_effect_clients``: per client, the facts as last recorded that decide target groups,
  municipality and age, and the start of the current job search.
- ``rm_effect_referrals``: per referral, its service type and route, the day it was made, the
  client's facts as recorded by then, and the service's first and last day and outcome
  (``completed`` or ``interrupted``).
- ``rm_effect_employments``: per employment, its first and last day and when it was recorded.
- ``rm_effect_seats``: per procurement and referral, the day a seat was reserved.
- ``rm_effect_invoices``: per procurement and invoice, its amount, when it was received and
  whether it was rejected.

Definitions (business dates only, never the clock):

- A referral counts in the year it was made. Its target groups and age band are those on the
  day of the referral, derived by the library's own ``derive_target_groups`` (a client counts in
  ``all`` and in every group it belongs to, so the groups do not add up to ``all``).
- "Within 3 months" of a service's last day ``d`` means an employment whose first day lies from
  ``d`` to ``add_months(d, 3)`` inclusive, where ``add_months`` moves to the same day of the
  later month, or that month's last day when it is shorter (31 August + 3 months = 30
  November); an employment running already on the last day counts only if it started on that
  day. A service ended is observed for 3 (6) months once ``add_months(d, 3)`` (6) is on or before
  the report date, and only observed services are counted as employed or not, so a recent end is
  never a failure. The windows of 3 and 6 months are the plan's indicators as the area asked for
  them, not parameters.
- ``median_days_to_employment`` is the median of the days from the last day of the service to
  the first day of the first employment found within 6 months, over the services counted in
  ``employed_within_6_months``.
- ``euros_invoiced_per_participant`` (purchased services only): each procurement's invoices
  received and not rejected by the report date are shared equally among the referrals that held
  a seat on it (a seat released later still held one); the row's figure is the mean of its
  participants' shares, to the cent, over ``participants_invoiced``, the referrals of the row
  with such a share.
- Age bands start at the ages of the parameter ``effectiveness_age_bands`` (status
  ``assumption``), in force on the report date.

Like-for-like comparison: the rows of one stratum (year, service type, target group,
municipality and age band) differ only in route and way of production, and each carries
``stratum_referrals``, the referrals of its stratum over all routes. The published form hides a
stratum of fewer referrals than the disclosure threshold whole, and elsewhere the counts under it
and every cell that would let a reader work one out again, and with a hidden count the median and
the euros computed from it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    MetaData,
    Numeric,
    String,
    Table,
    Uuid,
    func,
    select,
)

from employment_domain.clients.client import Client
from employment_domain.parameters import Parameters, default_parameters
from employment_domain.procurements.procurement import Procurement
from employment_domain.target_groups import (
    age_on,
)

from .effectiveness_figures import (
    ALL,
    add,
    age_band,
    breaking_types,
    empty_cell,
    figures_of,
    groups_of,
    rows_of,
)
from .effectiveness_layout import COUNTS, protect_by_block
from .projection import BY_ORIGINATOR, Page, Projection, ProjectionError, event_class, handles
from .routing import PRODUCTION_OF_ROUTE
from .suppression import period_end, threshold_on

__all__ = ["ALL", "COUNTS", "Effectiveness", "age_band"]

#: The facts kept for target groups, municipality and age, as the job search start names them.
FACTS = (
    "municipality",
    "birth_month",
    "mother_tongue",
    "education_level",
    "first_residence_permit_on",
    "partially_able_to_work",
)

_metadata = MetaData()
_EMPLOYED = event_class(Client, "Employed")
_EMPLOYMENT_ENDED = event_class(Client, "EmploymentEnded")
_FACTS_CHANGED = event_class(Client, "FactsChanged")
_JOB_SEARCH_RESTARTED = event_class(Client, "JobSearchRestarted")
_JOB_SEARCH_STARTED = event_class(Client, "JobSearchStarted")
_REFERRED_TO_SERVICE = event_class(Client, "ReferredToService")
_SERVICE_COMPLETED = event_class(Client, "ServiceCompleted")
_SERVICE_INTERRUPTED = event_class(Client, "ServiceInterrupted")
_SERVICE_STARTED = event_class(Client, "ServiceStarted")
_SEAT_RESERVED = event_class(Procurement, "SeatReserved")
_INVOICE_RECEIVED = event_class(Procurement, "InvoiceReceived")
_INVOICE_REJECTED = event_class(Procurement, "InvoiceRejected")


def _fact_columns() -> list[Column[Any]]:
    return [
        Column("municipality", String(3), nullable=False),
        Column("birth_month", Date, nullable=False),
        Column("mother_tongue", String(3), nullable=False),
        Column("education_level", String(32), nullable=False),
        Column("first_residence_permit_on", Date),
        Column("partially_able_to_work", Boolean, nullable=False),
        Column("search_started_on", Date, nullable=False),
    ]


class Effectiveness(Projection):
    """Referrals, completions, interruptions and employment after services, by stratum."""

    name = "effectiveness"
    rebuilt_by_aggregate = True
    metadata = _metadata
    clients = Table(
        "rm_effect_clients",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        *_fact_columns(),
        info=BY_ORIGINATOR,
    )
    referrals = Table(
        "rm_effect_referrals",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("referral_id", Uuid(as_uuid=False), primary_key=True),
        Column("service_type", String(64), nullable=False),
        Column("route", String(32), nullable=False),
        Column("referred_on", Date, nullable=False),
        *_fact_columns(),
        Column("started_on", Date),
        Column("ended_on", Date),
        Column("outcome", String(16)),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    employments = Table(
        "rm_effect_employments",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("employment_id", Uuid(as_uuid=False), primary_key=True),
        Column("starts_on", Date, nullable=False),
        Column("recorded_on", Date, nullable=False),
        Column("ended_on", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    seats = Table(
        "rm_effect_seats",
        _metadata,
        Column("procurement_id", Uuid(as_uuid=False), primary_key=True),
        Column("referral_id", Uuid(as_uuid=False), primary_key=True),
        Column("reserved_on", Date, nullable=False),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    invoices = Table(
        "rm_effect_invoices",
        _metadata,
        Column("procurement_id", Uuid(as_uuid=False), primary_key=True),
        Column("invoice_id", String(128), primary_key=True),
        Column("amount", Numeric(14, 2), nullable=False),
        Column("received_on", Date, nullable=False),
        Column("rejected_on", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )

    @handles(_JOB_SEARCH_STARTED)
    def _started(self, event: Any, page: Page) -> None:
        page.rows(self.clients).put(
            client_id=page.originator_id,
            municipality=event.municipality.code,
            birth_month=event.birth_month,
            mother_tongue=event.mother_tongue,
            education_level=event.education_level,
            first_residence_permit_on=event.first_residence_permit_on,
            partially_able_to_work=event.partially_able_to_work,
            search_started_on=event.on,
        )

    @handles(_FACTS_CHANGED)
    def _facts_changed(self, event: Any, page: Page) -> None:
        changes = {name: value for name, value in event.changes.items() if name in FACTS}
        if "municipality" in changes:
            changes["municipality"] = changes["municipality"].code
        if changes:
            self._client(event, page)
            page.rows(self.clients).put(client_id=page.originator_id, **changes)

    @handles(_JOB_SEARCH_RESTARTED)
    def _restarted(self, event: Any, page: Page) -> None:
        self._client(event, page)
        page.rows(self.clients).put(client_id=page.originator_id, search_started_on=event.on)

    @handles(_REFERRED_TO_SERVICE)
    def _referred(self, event: Any, page: Page) -> None:
        facts = self._client(event, page)
        page.rows(self.referrals).put(
            **facts,
            referral_id=str(event.referral_id),
            service_type=event.service_type,
            route=event.decision.route.value,
            referred_on=event.on,
            started_on=None,
            ended_on=None,
            outcome=None,
        )

    @handles(_SERVICE_STARTED)
    def _service_started(self, event: Any, page: Page) -> None:
        self._referral(event, page, started_on=event.on)

    @handles(_SERVICE_COMPLETED)
    def _service_completed(self, event: Any, page: Page) -> None:
        self._referral(event, page, ended_on=event.on, outcome="completed")

    @handles(_SERVICE_INTERRUPTED)
    def _service_interrupted(self, event: Any, page: Page) -> None:
        self._referral(event, page, ended_on=event.on, outcome="interrupted")

    @handles(_EMPLOYED)
    def _employed(self, event: Any, page: Page) -> None:
        page.rows(self.employments).put(
            client_id=page.originator_id,
            employment_id=str(event.employment_id),
            starts_on=event.starts_on,
            recorded_on=event.on,
            ended_on=None,
        )

    @handles(_EMPLOYMENT_ENDED)
    def _employment_ended(self, event: Any, page: Page) -> None:
        page.rows(self.employments).put(
            client_id=page.originator_id, employment_id=str(event.employment_id), ended_on=event.on
        )

    @handles(_SEAT_RESERVED)
    def _seat(self, event: Any, page: Page) -> None:
        page.rows(self.seats).put(
            procurement_id=page.originator_id,
            referral_id=str(event.referral_id),
            reserved_on=event.on,
        )

    @handles(_INVOICE_RECEIVED)
    def _invoice(self, event: Any, page: Page) -> None:
        page.rows(self.invoices).put(
            procurement_id=page.originator_id,
            invoice_id=event.invoice_id,
            amount=event.amount.amount,
            received_on=event.on,
            rejected_on=None,
        )

    @handles(_INVOICE_REJECTED)
    def _rejected(self, event: Any, page: Page) -> None:
        page.rows(self.invoices).put(
            procurement_id=page.originator_id, invoice_id=event.invoice_id, rejected_on=event.on
        )

    def _client(self, event: Any, page: Page) -> dict[str, Any]:
        row = page.rows(self.clients).get(client_id=page.originator_id)
        if row is None:
            raise ProjectionError(
                f"effectiveness: {type(event).__name__} at position {page.position} for a client"
                " whose job search never started"
            )
        return row

    def _referral(self, event: Any, page: Page, **changes: Any) -> None:
        page.rows(self.referrals).put(
            client_id=page.originator_id, referral_id=str(event.referral_id), **changes
        )

    # The report ----------------------------------------------------------------------------

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        published: bool = False,
        parameters: Parameters | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """One row per year, route, service type, target group, municipality and age band with
        referrals: the way of production, ``COUNTS``, ``median_days_to_employment`` (an exact
        Decimal, ``.5`` for an even count) and ``euros_invoiced_per_participant``, as known on
        the business date ``through`` (by default the last one in the history).

        Rows are ordered so that the routes of one stratum stand together.
        """
        if options:
            raise TypeError(f"the effectiveness report has no options {sorted(options)}")
        parameters = parameters or default_parameters()
        as_of = through or cls._last_day(connection)
        if as_of is None:
            return []
        bands = tuple(parameters.value("effectiveness_age_bands", as_of))
        breaking = breaking_types(parameters, as_of)
        work = cls._employments(connection, as_of)
        spans = cls._service_spans(connection, as_of, breaking)
        shares = cls._shares(connection, as_of)
        cells: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(empty_cell)
        statement = select(cls.referrals).where(cls.referrals.c.referred_on <= as_of)
        for row in connection.execute(statement):
            if year is not None and row.referred_on.year != year:
                continue
            figures = figures_of(row, as_of, work.get(row.client_id, []), shares)
            groups = groups_of(row, parameters, breaking, work, spans)
            band = age_band(age_on(row.birth_month, row.referred_on), bands)
            for group in (ALL, *sorted(groups)):
                key = (
                    row.referred_on.year,
                    row.service_type,
                    group,
                    row.municipality,
                    band,
                    PRODUCTION_OF_ROUTE.get(row.route, row.route),
                    row.route,
                )
                add(cells[key], figures)
        rows = rows_of(cells)
        if not published:
            return rows
        threshold = threshold_on(period_end(year, through), parameters)
        return protect_by_block(rows, threshold)

    @classmethod
    def _employments(cls, connection: Connection, as_of: date) -> dict[str, list[Any]]:
        """Each client's employments recorded by ``as_of``, by first day."""
        work: dict[str, list[Any]] = defaultdict(list)
        statement = (
            select(cls.employments)
            .where(cls.employments.c.recorded_on <= as_of)
            .order_by(cls.employments.c.starts_on)
        )
        for row in connection.execute(statement):
            work[row.client_id].append(row)
        return work

    @classmethod
    def _service_spans(
        cls, connection: Connection, as_of: date, breaking: frozenset[str] | None
    ) -> dict[str, list[tuple[date, date | None]]]:
        """Each client's started services of the unemployment-breaking types."""
        spans: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
        if breaking is None:
            return spans
        table = cls.referrals
        statement = select(table.c.client_id, table.c.started_on, table.c.ended_on).where(
            table.c.started_on <= as_of, table.c.service_type.in_(sorted(breaking))
        )
        for client_id, first, last in connection.execute(statement):
            spans[client_id].append((first, last if last is not None and last <= as_of else None))
        return spans

    @classmethod
    def _shares(cls, connection: Connection, as_of: date) -> dict[str, Fraction]:
        """Each seat-holding referral's equal share of its procurement's invoices."""
        holders: dict[str, list[str]] = defaultdict(list)
        statement = select(cls.seats).where(cls.seats.c.reserved_on <= as_of)
        for row in connection.execute(statement):
            holders[row.procurement_id].append(row.referral_id)
        invoiced: dict[str, Fraction] = defaultdict(Fraction)
        statement = select(cls.invoices).where(cls.invoices.c.received_on <= as_of)
        for row in connection.execute(statement):
            if row.rejected_on is None or row.rejected_on > as_of:
                invoiced[row.procurement_id] += Fraction(Decimal(row.amount))
        shares: dict[str, Fraction] = {}
        for procurement_id, referrals in holders.items():
            for referral_id in referrals:
                shares[referral_id] = invoiced.get(procurement_id, Fraction(0)) / len(referrals)
        return shares

    @classmethod
    def _last_day(cls, connection: Connection) -> date | None:
        """The last business date the tables know of."""
        columns = (
            cls.referrals.c.referred_on,
            cls.referrals.c.ended_on,
            cls.employments.c.recorded_on,
            cls.employments.c.ended_on,
            cls.invoices.c.received_on,
            cls.seats.c.reserved_on,
        )
        days = [connection.execute(select(func.max(column))).scalar() for column in columns]
        known = [day for day in days if day is not None]
        return max(known) if known else None
