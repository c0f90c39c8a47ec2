"""Rebuilding projections from zero: the whole history once, into staging tables put in place.

Catching up applies the log in order, a page at a time, to tables that readers read, keeping a
bounded cache of rows; on a long history most rows it needs have left that cache and most rows it
writes land at random places in large tables, so each event cost more the longer the history
(3.1 % of a raw read at a million events against 7.6 % at 60,000). A rebuild is another job: it
starts from nothing, sees every event once, and nobody reads its tables before it ends. So:

- Projections that may (``Projection.rebuilt_by_aggregate``) get the history aggregate by
  aggregate (:meth:`LogReader.by_aggregate`). An aggregate's rows in its own tables
  (``BY_ORIGINATOR``) are then all known while its events are applied and never needed again
  afterwards: :class:`AggregateRows` holds them, never reads the database, and writes them once,
  in key order, which appends to the table instead of scattering writes over it. Memory holds
  one aggregate's rows and one batch of finished rows, whatever the length of the history.
- Other tables (counters by day, rows keyed by something else) and the other projections, in log
  order, keep the runner's bounded cache of rows, which starts complete (the staging tables are
  empty), so that a missing row costs no SELECT until the cache first overflows.
- Everything is written into staging tables (see ``staging``), a transaction per batch, and put
  in place in one transaction at the end, tracking rows included: a rebuild killed at any moment
  leaves the old tables readable, and a finished one leaves the new tables complete.

The handlers are the projections' own, called as the runner calls them, so the tables equal
those of catching up from zero; a property test compares the two on random histories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table

from .projection import BY_ORIGINATOR, Page, Projection, ProjectionError, Rows
from .reading import LogReader, Row, uuid_text
from .readmodel import ReadModel
from .staging import STAGING_SUFFIX, Staging
from .upsert import Upsert

__all__ = ["AggregateRows", "rebuild_tables"]

_Handlers = dict[str, list[tuple[Projection, Callable[..., None]]]]


class AggregateRows(Rows):
    """The rows of one table keyed by aggregate (``BY_ORIGINATOR``) while a rebuild applies the
    history aggregate by aggregate: the current aggregate's rows in memory, and those of the
    aggregates finished since the last batch, waiting to be written in key order.

    The table starts empty and only the aggregate's own events change its rows, so a key not
    in memory has no row: nothing is ever read back. A handler that changes a row of another
    aggregate than the event's breaks that promise, and is refused.
    """

    def __init__(self, table: Table, page: Page) -> None:
        super().__init__(table)
        self.complete = True
        # Each aggregate's rows are written once, to a table that never held them.
        self._upsert = Upsert(table, replacing=False)
        self._page = page
        self._aggregate: Any = None
        self._rows: dict[Any, dict[str, Any] | None] = {}
        self._finished: list[dict[str, Any]] = []
        self._single = self._width_of_key == 1

    def __len__(self) -> int:
        return len(self._rows) + len(self._finished)

    def _own(self, key: Any) -> dict[Any, dict[str, Any] | None]:
        """The current aggregate's rows, after checking that ``key`` is one of its rows."""
        value = key if self._single else key[0]
        if value != self._page.originator_id:
            table = self.table.name.removesuffix(STAGING_SUFFIX)
            raise ProjectionError(
                f"{table}: an event of aggregate {self._page.originator_id} at"
                f" position {self._page.position} changed a row of {value}; a projection whose"
                " events change other aggregates' rows cannot be rebuilt aggregate by aggregate"
                " (rebuilt_by_aggregate)"
            )
        if value != self._aggregate:
            self.finish()
            self._aggregate = value
        return self._rows

    def finish(self) -> None:
        """The current aggregate is done: queue its rows, in key order, to be written."""
        rows = self._rows
        if rows:
            finished = self._finished
            for key in sorted(rows):
                row = rows[key]
                if row is not None:
                    finished.append(row)
            rows.clear()
        self._aggregate = None

    def get(self, **key: Any) -> dict[str, Any] | None:
        """A copy of the row with this primary key, or None."""
        value = self._key(key)
        row = self._own(value).get(value)
        return None if row is None else row.copy()

    def put(self, **values: Any) -> None:
        """Insert the row, or update the given columns of the existing row with this key."""
        key = self._key(values)
        rows = self._own(key)
        if len(values) != self._width:
            existing = rows.get(key)
            if existing is None:
                row = dict.fromkeys(self.value_names)
                row.update(values)
                values = row
            else:
                values = {**existing, **values}
        rows[key] = values

    def add(self, **values: Any) -> None:
        """Add the non-key values to the row with the key given (a new row starts at zero)."""
        key = self._key(values)
        rows = self._own(key)
        row = rows.get(key)
        if row is None:
            row = dict.fromkeys(self.value_names, 0)
            row.update(self._key_values(key))
            rows[key] = row
        key_names = self._key_set
        for name, amount in values.items():
            if name not in key_names:
                try:
                    row[name] += amount
                except KeyError:
                    raise TypeError(f"{self.table.name} has no column {name!r}") from None

    def delete(self, **key: Any) -> None:
        """Delete the row with this primary key, if there is one."""
        value = self._key(key)
        self._own(value)[value] = None

    def latest(self, value: Any, by: str) -> dict[str, Any] | None:
        """A copy of the aggregate's row with the greatest ``by`` (see :meth:`Rows.latest`)."""
        if self._single or by not in self.key_names[1:]:
            raise TypeError(
                f"{self.table.name}: latest() needs a table keyed by aggregate (BY_ORIGINATOR)"
                f" and another of its key columns, not {by!r}"
            )
        rows = self._own((value,))
        position = self.key_names.index(by)
        present = [key for key, row in rows.items() if row is not None]
        if not present:
            return None
        return cast("dict[str, Any]", rows[max(present, key=lambda k: (k[position], k))]).copy()

    def flush(self) -> int:
        """Write the rows of the aggregates finished so far; returns how many."""
        finished = self._finished
        if not finished or self._connection is None:
            return 0
        self._upsert.execute(self._connection, finished)
        count = len(finished)
        self._finished = []
        return count

    def evict(self, count: int) -> None:
        """Nothing to drop: finished rows leave memory when they are written."""

    def forget(self) -> None:
        """Drop every row held (after a failed batch)."""
        self._rows.clear()
        self._finished = []
        self._aggregate = None
        self._connection = None


def rebuild_tables(
    read_model: ReadModel,
    log: LogReader,
    projections: Sequence[Projection],
    *,
    application: str,
    position: int,
    fingerprint: str | None,
    batch_size: int,
    max_cached_rows: int,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Build ``projections``' tables from the history up to ``position`` in staging tables and
    put them in place with their tracking rows (at ``position``, with ``fingerprint``).

    ``on_batch`` is called with the number of events applied after each committed batch.
    Returns the number of events applied.
    """
    staging = Staging(read_model, projections)
    staging.create()
    try:
        by_aggregate = [p for p in projections if p.rebuilt_by_aggregate]
        in_order = [p for p in projections if not p.rebuilt_by_aggregate]
        applied = _Pass(staging, by_aggregate, by_aggregate=True, max_cached_rows=max_cached_rows)
        events = applied.run(log, position, batch_size, 0, on_batch)
        applied = _Pass(staging, in_order, by_aggregate=False, max_cached_rows=max_cached_rows)
        events = applied.run(log, position, batch_size, events, on_batch)
        staging.swap(application=application, position=position, fingerprint=fingerprint)
    except BaseException:
        staging.drop()
        raise
    return events


class _Pass:
    """One reading of the history for some projections: aggregate by aggregate, or in log order."""

    def __init__(
        self,
        staging: Staging,
        projections: Sequence[Projection],
        *,
        by_aggregate: bool,
        max_cached_rows: int,
    ) -> None:
        self.staging = staging
        self.projections = projections
        self.by_aggregate = by_aggregate
        self.max_cached_rows = max_cached_rows
        #: Each table's rows, kept in its staging table, under the table the handlers name.
        self.rows: dict[Table, Rows] = {}
        self.page = Page(self.rows)
        for projection in projections:
            for table in projection.tables:
                staged = staging.tables[table]
                if by_aggregate and table.info.get("prefetch") == BY_ORIGINATOR["prefetch"]:
                    self.rows[table] = AggregateRows(staged, self.page)
                else:
                    # The staging table is empty: every row is in the (empty) cache.
                    self.rows[table] = Rows(staged)
                    self.rows[table].complete = True
        self.handlers: _Handlers = {}
        for projection in projections:
            for topic, handler in projection.handlers.items():
                self.handlers.setdefault(topic, []).append((projection, handler))

    def run(
        self,
        log: LogReader,
        position: int,
        batch_size: int,
        events: int,
        on_batch: Callable[[int], None] | None,
    ) -> int:
        """Apply the history up to ``position``, a transaction per batch; returns ``events``
        plus the number of events applied."""
        if not self.handlers or position <= 0:
            return events
        topics = sorted(self.handlers)
        if self.by_aggregate:
            batches: Iterable[list[Row]] = log.by_aggregate(
                stop=position, limit=batch_size, topics=topics
            )
        else:
            batches = log.pages(after=0, limit=batch_size, stop=position, topics=topics)
        engine = self.staging.read_model.engine
        rows = list(self.rows.values())
        try:
            for batch in batches:
                with engine.begin() as connection:
                    self._apply(connection, batch, log.decode, rows)
                events += len(batch)
                self._bound(rows)
                if on_batch is not None:
                    on_batch(events)
            with engine.begin() as connection:
                for table_rows in rows:
                    table_rows.begin(connection)
                    if isinstance(table_rows, AggregateRows):
                        table_rows.finish()
                    table_rows.flush()
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()
            for table_rows in rows:
                table_rows.forget()
        return events

    def _apply(
        self,
        connection: Connection,
        batch: Sequence[Row],
        decode: Callable[[Row], Any],
        rows: Sequence[Rows],
    ) -> None:
        """Hand each event of ``batch`` to its handlers and write the aggregates it finished.

        Other rows stay in memory, changed, until the end or until the cache overflows: applied
        aggregate by aggregate, every batch touches counters all over the history (a day's
        counts), and writing them after each batch cost more the longer the history.
        """
        for table_rows in rows:
            table_rows.begin(connection)
        if not self.by_aggregate:
            self._prefetch(batch, rows)
        page, handlers = self.page, self.handlers
        last_id: Any = None
        for row in batch:
            found = handlers.get(row[1])
            if not found:
                continue
            page.position = row[0]
            if row[2] != last_id:
                last_id = row[2]
                page.originator_id = uuid_text(last_id)
            domain_event = decode(row)
            for projection, handler in found:
                try:
                    handler(projection, domain_event, page)
                except ProjectionError:
                    raise
                except Exception as error:
                    raise ProjectionError.of_handler(projection, row[0], row[1], error) from error
        for table_rows in rows:
            if isinstance(table_rows, AggregateRows):
                table_rows.flush()

    @staticmethod
    def _prefetch(batch: Sequence[Row], rows: Sequence[Rows]) -> None:
        """In log order, once the cache has overflowed: the batch's aggregates' rows in the
        tables keyed by aggregate, a few SELECTs each (rows of other aggregates cost nothing)."""
        wanted: set[str] | None = None
        for table_rows in rows:
            if table_rows.by_originator and not table_rows.complete:
                if wanted is None:
                    wanted = {uuid_text(row[2]) for row in batch}
                table_rows.prefetch(wanted)

    def _bound(self, rows: Sequence[Rows]) -> None:
        """Past the bound on cached rows, write the changed ones and drop the oldest, down to
        half of the bound."""
        cached = sum(len(table_rows) for table_rows in rows)
        if cached > self.max_cached_rows:
            share = (cached - self.max_cached_rows // 2) / cached
            with self.staging.read_model.engine.begin() as connection:
                for table_rows in rows:
                    table_rows.begin(connection)
                    table_rows.flush()
            for table_rows in rows:
                table_rows.evict(round(len(table_rows) * share))
