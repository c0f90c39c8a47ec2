"""The caseload projection: jobseekers by month and municipality (report ``caseload``).

Tables (SQLAlchemy Core, in the read-model database):

- ``rm_caseload_days``: per business day and municipality, how many job searches started,
  restarted and ended there and how many active jobseekers moved in and out. Days rather than
  months, so that the report can be cut at any business date.
- ``rm_caseload_clients``: per client (a UUID, nothing personal), the municipality and whether
  the job search is active, which the events that do not carry a municipality need.

The report adds the flows up month by month; ``active`` is the number of jobseekers with an
active job search at the end of the month. Target group and office are added as further key
columns of the day table when their events land (raise ``version`` then).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    select,
)

from employment_domain.clients.client import Client

from .disclosure import Cell, Layout, Relation
from .projection import BY_ORIGINATOR, Page, Projection, ProjectionError, event_class, handles
from .suppression import period_end, protect, threshold_on

__all__ = ["FLOWS", "Caseload", "stock_and_flow_layout"]

#: The counted flows of a day, in report order.
FLOWS = ("started", "restarted", "ended", "moved_in", "moved_out")
_INFLOWS = ("started", "restarted", "moved_in")
_OUTFLOWS = ("ended", "moved_out")

_metadata = MetaData()
_STARTED = event_class(Client, "JobSearchStarted")
_RESTARTED = event_class(Client, "JobSearchRestarted")
_ENDED = event_class(Client, "JobSearchEnded")
_FACTS_CHANGED = event_class(Client, "FactsChanged")


class Caseload(Projection):
    """Job searches started, restarted and ended, moves, and the active caseload."""

    name = "caseload"
    version = 1
    rebuilt_by_aggregate = True
    metadata = _metadata
    days = Table(
        "rm_caseload_days",
        _metadata,
        Column("day", Date, primary_key=True),
        Column("municipality", String(3), primary_key=True),
        *(Column(flow, Integer, nullable=False) for flow in FLOWS),
        sqlite_with_rowid=False,
    )
    clients = Table(
        "rm_caseload_clients",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("municipality", String(3), nullable=False),
        Column("active", Boolean, nullable=False),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )

    @handles(_STARTED)
    def _started(self, event: Any, page: Page) -> None:
        municipality = event.municipality.code
        page.rows(self.clients).put(
            client_id=page.originator_id, municipality=municipality, active=True
        )
        page.rows(self.days).add(day=event.on, municipality=municipality, started=1)

    @handles(_RESTARTED)
    def _restarted(self, event: Any, page: Page) -> None:
        client = self._client(event, page)
        page.rows(self.clients).put(client_id=client["client_id"], active=True)
        page.rows(self.days).add(day=event.on, municipality=client["municipality"], restarted=1)

    @handles(_ENDED)
    def _ended(self, event: Any, page: Page) -> None:
        client = self._client(event, page)
        page.rows(self.clients).put(client_id=client["client_id"], active=False)
        page.rows(self.days).add(day=event.on, municipality=client["municipality"], ended=1)

    @handles(_FACTS_CHANGED)
    def _facts_changed(self, event: Any, page: Page) -> None:
        moved_to = event.changes.get("municipality")
        if moved_to is None:
            return
        client = self._client(event, page)
        if moved_to.code == client["municipality"]:
            return
        days = page.rows(self.days)
        if client["active"]:
            days.add(day=event.on, municipality=client["municipality"], moved_out=1)
            days.add(day=event.on, municipality=moved_to.code, moved_in=1)
        page.rows(self.clients).put(client_id=client["client_id"], municipality=moved_to.code)

    def _client(self, event: Any, page: Page) -> dict[str, Any]:
        client: dict[str, Any] | None = page.rows(self.clients).get(client_id=page.originator_id)
        if client is None:
            raise ProjectionError(
                f"caseload: {type(event).__name__} at position {page.position} for a client"
                " whose job search never started"
            )
        return client

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        through: date | None = None,
        year: int | None = None,
        published: bool = False,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Rows of month (``YYYY-MM``), municipality, the flows, and ``active`` at month end.

        ``through`` cuts the history at that business date (the last month ends there). Every
        month from the first event on is listed for each municipality while it has anything to
        show, so months without events still give the caseload; ``year`` keeps that year's
        months. The published form hides counts under 5 (see ``suppression``).
        """
        if options:
            raise TypeError(f"the caseload report has no options {sorted(options)}")
        statement = select(cls.days).order_by(cls.days.c.day, cls.days.c.municipality)
        if through is not None:
            statement = statement.where(cls.days.c.day <= through)
        flows: dict[tuple[str, str], dict[str, int]] = defaultdict(dict.fromkeys(FLOWS, 0).copy)
        for row in connection.execute(statement):
            counts = flows[(row.day.strftime("%Y-%m"), row.municipality)]
            for flow in FLOWS:
                counts[flow] += getattr(row, flow)
        if not flows:
            return []
        months = [month for month, _ in flows]
        last = max(months) if through is None else max(*months, through.strftime("%Y-%m"))
        report: list[dict[str, Any]] = []
        for municipality in sorted({municipality for _, municipality in flows}):
            active = 0
            for month in _months(min(months), last):
                counts = flows.get((month, municipality), dict.fromkeys(FLOWS, 0))
                active += sum(counts[f] for f in _INFLOWS) - sum(counts[f] for f in _OUTFLOWS)
                if active or any(counts.values()):
                    report.append(
                        {"month": month, "municipality": municipality, **counts, "active": active}
                    )
        report.sort(key=lambda row: (row["month"], row["municipality"]))
        stocks: dict[tuple[str, str], int] = {
            (str(row["month"]), str(row["municipality"])): int(row["active"]) for row in report
        }
        if year is not None:
            report = [row for row in report if str(row["month"]).startswith(f"{year:04d}-")]
        if not published:
            return report
        threshold = threshold_on(period_end(year, through))
        return protect(report, stock_and_flow_layout(report, stocks), threshold=threshold)


def stock_and_flow_layout(rows: list[dict[str, Any]], stocks: dict[tuple[str, str], int]) -> Layout:
    """The caseload table's identities: in every row, ``active`` = the previous month's
    ``active`` + started + restarted + moved in − ended − moved out.

    The previous month's stock is its row's cell when the table shows that month; otherwise a
    reader is taken to know it (from last year's report, or as 0 for a month without a row):
    ``stocks`` gives every month's true stock, and a stock the table does not show enters the
    identity as a constant.
    """
    at = {(row["month"], row["municipality"]): index for index, row in enumerate(rows)}
    relations = []
    for index, row in enumerate(rows):
        previous = (_previous_month(row["month"]), row["municipality"])
        terms: list[tuple[Cell, int]] = [((index, "active"), 1)]
        terms += [((index, flow), -1) for flow in _INFLOWS]
        terms += [((index, flow), 1) for flow in _OUTFLOWS]
        constant = 0
        if previous in at:
            terms.append(((at[previous], "active"), -1))
        else:
            constant = -stocks.get(previous, 0)
        relations.append(Relation(tuple(terms), constant))
    counts = tuple((index, name) for index in range(len(rows)) for name in (*FLOWS, "active"))
    margins = frozenset((index, "active") for index in range(len(rows)))
    return Layout(counts=counts, relations=tuple(relations), margins=margins)


def _previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def _months(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:])
    result = []
    while (text := f"{year:04d}-{month:02d}") <= last:
        result.append(text)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result
