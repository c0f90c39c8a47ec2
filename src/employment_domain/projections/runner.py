"""The projection runner: applies the notification log to read-model tables, a page at a time.

It pulls pages of notifications from the application's recorder (so it works the same on SQLite,
PostgreSQL and in memory), hands each decoded event to every projection that handles its topic,
and writes the changed rows together with each projection's tracking position in one read-model
transaction per page. A tracking row is moved only from the position the runner read, inside the
same transaction, so each event is applied exactly once: a killed runner leaves the tables of the
last committed page, a second runner on the same tables fails with ProjectionConflictError
instead of applying a page twice, and a restarted runner resumes after the last committed page.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from employment_domain.store.service import AreaLike, application_of

from .projection import Page, Projection, ProjectionError, Rows
from .reading import LogReader, Row, uuid_text
from .readmodel import TRACKING, ReadModel
from .rebuild import rebuild_tables
from .reports import all_projections

__all__ = [
    "HistoryMismatchError",
    "Progress",
    "ProjectionConflictError",
    "ProjectionRunner",
    "ProjectionVersionError",
    "position_known_at",
]

#: Notifications per read-model transaction unless the caller asks otherwise.
DEFAULT_PAGE_SIZE = 5_000
#: Cached rows kept between pages; beyond it the rows cached longest ago are dropped, down to
#: half of it, which bounds memory whatever the length of the history.
DEFAULT_MAX_CACHED_ROWS = 100_000
_SCAN_PAGE = 1_000

_Handler = tuple[int, Projection, Callable[..., None]]


class ProjectionConflictError(ProjectionError):
    """Another runner moved a projection's position first; nothing of this page was written."""


class HistoryMismatchError(ProjectionError):
    """The read model was built from another history than the store holds now: the store was
    restored from a backup or replaced. Catching up would mix two timelines; rebuild instead."""


class ProjectionVersionError(ProjectionError):
    """The tables were built by another version of the projection, or for another application."""


@attrs.frozen
class Progress:
    """How far a catch-up got: the position every projection has reached, events and pages read."""

    position: int
    events: int
    pages: int


class ProjectionRunner:
    """Keeps a read model's projections up to date with one application's notification log.

    ``projections`` defaults to every report projection of the library. One runner per read
    model at a time; a second one is refused at its first page (ProjectionConflictError).
    """

    def __init__(
        self,
        app: AreaLike,
        read_model: ReadModel | str,
        projections: Sequence[Projection] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_cached_rows: int = DEFAULT_MAX_CACHED_ROWS,
    ) -> None:
        app = application_of(app)
        if page_size < 1:
            raise ValueError(f"a page holds at least one notification, not {page_size!r}")
        self.app = app
        self.read_model = read_model if isinstance(read_model, ReadModel) else ReadModel(read_model)
        self.projections = tuple(all_projections() if projections is None else projections)
        names = [projection.name for projection in self.projections]
        if len(set(names)) != len(names) or not all(names):
            raise ProjectionError(f"projections need distinct, non-empty names: {names}")
        self.page_size = page_size
        self.max_cached_rows = max_cached_rows
        self._rows = {table: Rows(table) for p in self.projections for table in p.tables}
        self._dispatch: dict[str, list[_Handler]] = {}
        for index, projection in enumerate(self.projections):
            for topic, handler in projection.handlers.items():
                self._dispatch.setdefault(topic, []).append((index, projection, handler))
        self._topics = sorted(self._dispatch)
        self._prefetching = [
            (index, frozenset(projection.handlers), self._rows[table])
            for index, projection in enumerate(self.projections)
            for table in projection.tables
            if self._rows[table].by_originator
        ]
        self._log = LogReader(app)
        self._positions: list[int] = []
        self._created = False

    # Positions ---------------------------------------------------------------------------------

    @property
    def positions(self) -> dict[str, int]:
        """Each projection's position as this runner last saw it."""
        return dict(zip((p.name for p in self.projections), self._positions, strict=True))

    def _prepare(self) -> None:
        """Create missing tables and tracking rows, check versions, read the positions."""
        if not self._created:
            self.read_model.create_tables(self.projections)
            self._created = True
        with self.read_model.engine.connect() as connection:
            tracking = {row.projection: row for row in connection.execute(select(TRACKING))}
        missing = [p for p in self.projections if p.name not in tracking]
        if missing:
            # Dropped by a rebuild elsewhere, or never built: (re)create tables and rows.
            self.read_model.create_tables(missing)
            try:
                with self.read_model.engine.begin() as connection:
                    for projection in missing:
                        connection.execute(
                            insert(TRACKING).values(
                                projection=projection.name,
                                application=self.app.name,
                                position=0,
                                version=projection.version,
                            )
                        )
            except IntegrityError as error:
                raise ProjectionConflictError(
                    f"another runner is creating the tracking rows of {self.read_model.description}"
                ) from error
        positions = []
        head = self._log.head()
        fingerprints: dict[int, str | None] = {}
        for projection in self.projections:
            row = tracking.get(projection.name)
            if row is None:
                positions.append(0)
                continue
            self._check_tracking(projection, row.application, row.version)
            self._check_history(projection, row.position, row.fingerprint, head, fingerprints)
            positions.append(row.position)
        if positions != self._positions:
            self._forget()
            self._positions = positions
        for projection, position in zip(self.projections, positions, strict=True):
            if position == 0:
                self._mark_complete_if_empty(projection)

    def _check_tracking(self, projection: Projection, application: str, version: int) -> None:
        if application != self.app.name:
            raise ProjectionVersionError(
                f"projection {projection.name!r} in {self.read_model.description} follows"
                f" application {application!r}, not {self.app.name!r}"
            )
        if version != projection.version:
            raise ProjectionVersionError(
                f"projection {projection.name!r} in {self.read_model.description} was built by"
                f" version {version}; version {projection.version} needs a rebuild"
            )

    def _check_history(
        self,
        projection: Projection,
        position: int,
        fingerprint: str | None,
        head: int,
        known: dict[int, str | None],
    ) -> None:
        """Refuse to go on from ``position`` unless the store still holds the history the read
        model was built from there: the same event at that position (its fingerprint).
        ``known`` holds the fingerprints already read, by position."""
        if position == 0:
            return
        if fingerprint and position <= head and position not in known:
            known[position] = self._fingerprint_at(position)
        if position > head:
            found = f"holds only {head} events"
        elif fingerprint and known[position] != fingerprint:
            found = f"holds another event at position {position}"
        else:
            return
        raise HistoryMismatchError(
            f"projection {projection.name!r} in {self.read_model.description} was built from"
            f" another history: the store {found} (was it restored from a backup or replaced?);"
            " its reports would mix two timelines, so run 'employment-area projections rebuild'"
        )

    def _fingerprint_at(self, position: int) -> str | None:
        """The fingerprint of the stored event at ``position``; None where there is none."""
        found = self.app.recorder.select_notifications(start=position, limit=1, stop=position)
        if not found or found[0].id != position:
            return None
        n = found[0]
        return history_fingerprint(n.id, n.originator_id, n.originator_version, n.topic, n.state)

    def _mark_complete_if_empty(self, projection: Projection) -> None:
        """At position 0 an empty table is wholly cached: a missing row needs no SELECT."""
        with self.read_model.engine.connect() as connection:
            for table in projection.tables:
                rows = self._rows[table]
                if rows.complete or len(rows):
                    continue
                if connection.execute(select(1).select_from(table).limit(1)).first() is None:
                    rows.complete = True

    def _forget(self) -> None:
        for rows in self._rows.values():
            rows.forget()

    # Running -----------------------------------------------------------------------------------

    def catch_up(
        self,
        *,
        stop: int | None = None,
        until: datetime | None = None,
        on_page: Callable[[Progress], None] | None = None,
    ) -> Progress:
        """Apply every notification after the tracked positions, up to ``stop`` if given.

        ``until`` stops at the history as known at that recorded time (see position_known_at).
        A position never moves back: to see an earlier moment, run into a fresh read model.
        ``on_page`` is called after each committed page.
        """
        if until is not None:
            known = position_known_at(self.app, until)
            stop = known if stop is None else min(stop, known)
        self._prepare()
        head = self._log.head()
        target = head if stop is None else min(stop, head)
        events = pages = 0
        start = min(self._positions, default=target)
        if start < target:
            with closing(
                self._log.pages(after=start, limit=self.page_size, stop=target, topics=self._topics)
            ) as log_pages:
                for rows in log_pages:
                    reached = rows[-1][0] if len(rows) == self.page_size else target
                    self._apply(rows, reached)
                    events += len(rows)
                    pages += 1
                    if on_page is not None:
                        on_page(Progress(reached, events, pages))
        return Progress(min(self._positions, default=target), events, pages)

    def rebuild(
        self,
        *,
        stop: int | None = None,
        until: datetime | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> Progress:
        """Build the projections' tables again from zero, up to ``stop`` if given.

        The tables are built beside the old ones and put in their place in one transaction at
        the end (see ``rebuild``): until then readers see the old tables, and a rebuild killed
        midway leaves them as they were. ``on_batch`` is called with the number of events
        applied after each committed batch.
        """
        if until is not None:
            known = position_known_at(self.app, until)
            stop = known if stop is None else min(stop, known)
        head = self._log.head()
        target = head if stop is None else max(0, min(stop, head))
        self._forget()
        self._positions = []
        self._created = False
        events = rebuild_tables(
            self.read_model,
            self._log,
            self.projections,
            application=self.app.name,
            position=target,
            fingerprint=self._fingerprint_at(target) if target else None,
            batch_size=self.page_size,
            max_cached_rows=self.max_cached_rows,
            on_batch=on_batch,
        )
        return Progress(target, events, 1)

    def follow(
        self,
        *,
        poll_interval: float = 1.0,
        stopping: threading.Event | None = None,
        on_page: Callable[[Progress], None] | None = None,
    ) -> None:
        """Catch up, then poll for new notifications every ``poll_interval`` seconds until
        ``stopping`` is set (pulling works on every store, SQLite included)."""
        stopping = stopping or threading.Event()
        while not stopping.is_set():
            self.catch_up(on_page=on_page)
            stopping.wait(poll_interval)

    def _apply(self, rows: Sequence[Row], reached: int) -> None:
        """One read-model transaction: claim the positions, handle the events, write the rows."""
        positions = self._positions
        behind = [index for index, position in enumerate(positions) if position < reached]
        fingerprint: str | None
        if rows and rows[-1][0] == reached:
            last = rows[-1]
            fingerprint = history_fingerprint(last[0], last[2], last[3], last[1], last[4])
        else:
            fingerprint = self._fingerprint_at(reached)
        try:
            with self.read_model.engine.begin() as connection:
                for index in behind:
                    self._claim(connection, index, reached, fingerprint)
                for table_rows in self._rows.values():
                    table_rows.begin(connection)
                texts = [uuid_text(row[2]) for row in rows]
                self._prefetch(rows, texts, reached)
                page = Page(self._rows)
                self._handle_all(rows, texts, page)
                for table_rows in self._rows.values():
                    table_rows.flush()
        except BaseException:
            self._forget()
            raise
        for index in behind:
            positions[index] = reached
        cached = sum(len(table_rows) for table_rows in self._rows.values())
        if cached > self.max_cached_rows:
            share = (cached - self.max_cached_rows // 2) / cached
            for table_rows in self._rows.values():
                table_rows.evict(round(len(table_rows) * share))

    def _prefetch(self, rows: Sequence[Row], texts: Sequence[str], reached: int) -> None:
        """Read the rows of the page's aggregates in the tables keyed by them, a SELECT each.

        ``texts`` are the rows' aggregate ids as the tables key them.
        """
        positions = self._positions
        originators: dict[frozenset[str], set[str]] = {}
        for index, topics, table_rows in self._prefetching:
            if table_rows.complete or positions[index] >= reached:
                continue
            ids = originators.get(topics)
            if ids is None:
                ids = originators[topics] = {
                    text for text, row in zip(texts, rows, strict=True) if row[1] in topics
                }
            table_rows.prefetch(ids)

    def _handle_all(self, rows: Sequence[Row], texts: Sequence[str], page: Page) -> None:
        """Hand each event to every projection behind it; decode each event once."""
        positions, dispatch, decode = self._positions, self._dispatch, self._log.decode
        for row, text in zip(rows, texts, strict=True):
            position = page.position = row[0]
            domain_event = None
            for index, projection, handler in dispatch.get(row[1], ()):
                if positions[index] < position:
                    if domain_event is None:
                        domain_event = decode(row)
                        page.originator_id = text
                    try:
                        handler(projection, domain_event, page)
                    except ProjectionError:
                        raise
                    except Exception as error:
                        raise ProjectionError.of_handler(
                            projection, position, row[1], error
                        ) from error

    def _claim(self, connection: Any, index: int, reached: int, fingerprint: str | None) -> None:
        projection = self.projections[index]
        result = connection.execute(
            update(TRACKING)
            .where(
                TRACKING.c.projection == projection.name,
                TRACKING.c.position == self._positions[index],
            )
            .values(position=reached, fingerprint=fingerprint)
        )
        if result.rowcount != 1:
            raise ProjectionConflictError(
                f"projection {projection.name!r} in {self.read_model.description} moved from"
                f" position {self._positions[index]} under another runner; nothing was written"
            )


def history_fingerprint(
    position: int, originator_id: Any, originator_version: int, topic: str, state: bytes
) -> str:
    """The digest that names the stored event at ``position``: its aggregate, version, topic and
    bytes. Two histories that agree on it at a position almost surely hold the same event."""
    digest = hashlib.sha256()
    for part in (str(position), uuid_text(originator_id), str(originator_version), topic):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(bytes(state))
    return digest.hexdigest()


def position_known_at(app: AreaLike, when: datetime) -> int:
    """The last notification position of the history as known at the recorded time ``when``.

    Events are stamped when they are made, before they are stored, so an event stamped after
    ``when`` cannot have been known then, and neither can anything stored after it: the history
    known at ``when`` is the log up to the first event stamped later. ``when`` needs a timezone.
    """
    app = application_of(app)
    if when.tzinfo is None:
        raise ValueError(f"a recorded time needs a timezone (the store records UTC): {when!r}")
    position = 0
    log = LogReader(app)
    while True:
        rows = log.page(after=position, limit=_SCAN_PAGE)
        for row in rows:
            if log.decode(row).timestamp > when:
                return position
            position = row[0]
        if len(rows) < _SCAN_PAGE:
            return position
