"""The broadly unemployed of each municipality on a reference date, counted from the client history.

The cost split uses the official count of each municipality's broadly unemployed (the employment
service statistics). The area's own client history gives a second count of the same thing, and
the ``cost-split`` report shows it beside the official one so that a difference is seen: a
client missing from the history, or one counted in the wrong municipality, shows as a gap. Who
counts is the dated parameter ``unemployed_broad_definition``: a jobseeker whose job search is
active on the reference date, in the municipality they live in that day, unless they are in an
employment of an excluded kind (open-market work) that day; pay-subsidised work is a service and
counts.

The projection keeps each client's events that matter, by the client's own version number, in
``rm_cost_split_client_events``; the count replays them for one date, so any reference date can
be asked of the same table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, Uuid, select

from employment_domain.clients.client import Client
from employment_domain.ledgers.criteria import SplitCriteria
from employment_domain.parameters import Parameters, UnknownParameterError

from .disclosure import Layout
from .projection import BY_ORIGINATOR, Page, Projection, event_class, handles
from .suppression import MARKER, THRESHOLD, PublishedRows

__all__ = [
    "DEFINITION",
    "METADATA",
    "BroadUnemployment",
    "beside_the_official_counts",
    "count_broadly_unemployed",
    "published_without_client_counts",
]

#: The dated parameter that says who counts as broadly unemployed.
DEFINITION = "unemployed_broad_definition"
#: Without the parameter, open-market work is what ends a jobseeker's unemployment.
_EXCLUDED_BY_DEFAULT = ("open_market",)
METADATA = MetaData()

_STARTED = event_class(Client, "JobSearchStarted")
_RESTARTED = event_class(Client, "JobSearchRestarted")
_ENDED = event_class(Client, "JobSearchEnded")
_FACTS_CHANGED = event_class(Client, "FactsChanged")
_EMPLOYED = event_class(Client, "Employed")
_EMPLOYMENT_ENDED = event_class(Client, "EmploymentEnded")


class BroadUnemployment(Projection):
    """The client events that decide who is broadly unemployed where, on any date."""

    client_events = Table(
        "rm_cost_split_client_events",
        METADATA,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("version", Integer, primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("day", Date, nullable=False),
        Column("municipality", String(3)),
        Column("employment_id", Uuid(as_uuid=False)),
        Column("employment_kind", String(16)),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )

    def _client_event(self, event: Any, page: Page, kind: str, day: date, **more: Any) -> None:
        page.rows(self.client_events).put(
            client_id=page.originator_id,
            version=event.originator_version,
            kind=kind,
            day=day,
            **more,
        )

    @handles(_STARTED)
    def _search_started(self, event: Any, page: Page) -> None:
        self._client_event(event, page, "start", event.on, municipality=event.municipality.code)

    @handles(_RESTARTED)
    def _search_restarted(self, event: Any, page: Page) -> None:
        self._client_event(event, page, "start", event.on)

    @handles(_ENDED)
    def _search_ended(self, event: Any, page: Page) -> None:
        self._client_event(event, page, "end", event.on)

    @handles(_FACTS_CHANGED)
    def _moved(self, event: Any, page: Page) -> None:
        moved_to = event.changes.get("municipality")
        if moved_to is not None:
            self._client_event(event, page, "move", event.on, municipality=moved_to.code)

    @handles(_EMPLOYED)
    def _employed(self, event: Any, page: Page) -> None:
        self._client_event(
            event,
            page,
            "employed",
            event.starts_on,
            employment_id=str(event.employment_id),
            employment_kind=event.kind,
        )

    @handles(_EMPLOYMENT_ENDED)
    def _employment_ended(self, event: Any, page: Page) -> None:
        self._client_event(
            event, page, "employment_end", event.on, employment_id=str(event.employment_id)
        )


def excluded_kinds(parameters: Parameters, on: date) -> tuple[str, ...]:
    """The employment kinds that end a jobseeker's broad unemployment on ``on``."""
    try:
        definition = parameters.value(DEFINITION, on)
    except UnknownParameterError:
        return _EXCLUDED_BY_DEFAULT
    return tuple(str(kind) for kind in definition.get("excludes_employment_kinds", ()))


def count_broadly_unemployed(
    connection: Connection, on: date, parameters: Parameters, known_by: date | None = None
) -> Counter[str]:
    """Each municipality's broadly unemployed on ``on`` by the definition in force that day;
    with ``known_by``, only from the client events dated up to that business date."""
    table = BroadUnemployment.client_events
    statement = select(table)
    if known_by is not None:
        statement = statement.where(table.c.day <= known_by)
    by_client: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in connection.execute(statement).mappings():
        by_client[row["client_id"]].append(dict(row))
    excluded = excluded_kinds(parameters, on)
    counts: Counter[str] = Counter()
    for rows in by_client.values():
        municipality = _unemployed_in(sorted(rows, key=lambda row: row["version"]), on, excluded)
        if municipality is not None:
            counts[municipality] += 1
    return counts


def beside_the_official_counts(
    connection: Connection,
    rows: list[dict[str, Any]],
    parameters: Parameters,
    through: date | None = None,
) -> None:
    """Each row's broadly unemployed by the client history on the official figure's reference
    date (else the date the area's rule gives for the year), and the official figure less it."""
    counted: dict[date, Counter[str]] = {}
    for row in rows:
        day = row["unemployed_reference_date"] or _rule_date(parameters, row["year"])
        if day not in counted:
            counted[day] = count_broadly_unemployed(connection, day, parameters, through)
        clients = counted[day][row["municipality"]]
        row["unemployed_broad_clients"] = clients
        official = row["unemployed_broad"]
        row["unemployed_broad_difference"] = None if official is None else official - clients


def _rule_date(parameters: Parameters, year: int) -> date:
    """The broadly unemployed's reference date that the area's rule gives for ``year``."""
    for criterion in SplitCriteria.in_force(parameters, date(year, 12, 31)).criteria:
        if criterion.name == "unemployed_broad":
            return criterion.reference_date(date(year, 12, 31)) or date(year, 12, 31)
    return date(year, 12, 31)


#: The report's columns that count clients.
CLIENT_COLUMNS = ("unemployed_broad_clients", "unemployed_broad_difference")


def published_without_client_counts(rows: Iterable[Mapping[str, Any]]) -> PublishedRows:
    """The published cost split: euros and population statistics as they are, the client
    history's count (a count of people, small in a small municipality) hidden and marked."""
    hidden = dict.fromkeys(CLIENT_COLUMNS)
    marker = ",".join(CLIENT_COLUMNS)
    return PublishedRows(
        ({**row, **hidden, MARKER: marker} for row in rows), Layout(counts=()), THRESHOLD
    )


def _unemployed_in(
    rows: Iterable[Mapping[str, Any]], on: date, excluded: tuple[str, ...]
) -> str | None:
    """The municipality where one client is broadly unemployed on ``on``, or None."""
    municipality: str | None = None
    active = False
    work: dict[str, tuple[str, date, date | None]] = {}
    for row in rows:
        kind, day = row["kind"], row["day"]
        if kind == "employed":
            work[row["employment_id"]] = (row["employment_kind"], day, None)
        elif kind == "employment_end" and row["employment_id"] in work:
            work_kind, start, _ = work[row["employment_id"]]
            work[row["employment_id"]] = (work_kind, start, day)
        elif day <= on:
            municipality = row["municipality"] or municipality
            if kind in ("start", "end"):
                active = kind == "start"
    working = any(
        work_kind in excluded and start <= on and (end is None or end >= on)
        for work_kind, start, end in work.values()
    )
    return municipality if active and not working else None
