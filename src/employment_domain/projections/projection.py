"""What a projection is: SQL tables, a handler per domain event, a report; and the page it writes.

A projection declares its tables with SQLAlchemy Core (names prefixed ``rm_``) and marks methods
with :func:`handles`. Handlers do not issue SQL: they read and change rows through the
:class:`Page` they are given, which keeps the rows of the current page of notifications in
memory and writes them in one statement per table when the runner commits the page together with
the tracking position. One statement per event measured 1.9k events/s on this machine;
writing per page is what lets a rebuild keep up with decoding.
"""

from __future__ import annotations

import abc
import itertools
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import Connection, MetaData, Table, and_, bindparam, select
from sqlalchemy.sql.selectable import Select

from employment_domain.errors import EmploymentDomainError
from employment_domain.topics import topics_of

from .fetch import RowFetch
from .upsert import Upsert

__all__ = [
    "BY_ORIGINATOR",
    "TABLE_PREFIX",
    "Page",
    "Projection",
    "ProjectionError",
    "Rows",
    "event_class",
    "handles",
]

#: Every read-model table starts with this, so they sit beside the event tables without clashing.
TABLE_PREFIX = "rm_"

#: ``Table(..., info=BY_ORIGINATOR)`` says that the table's first primary-key column holds the
#: id (as text) of the aggregate whose events change its rows, so that the runner reads the
#: rows of a page's aggregates in one SELECT before handling the page instead of one SELECT per
#: missing row. It is a hint only: reading more rows than a page needs changes no result.
BY_ORIGINATOR: dict[str, Any] = {"prefetch": "originator"}
_CHUNK = 500
_HANDLES = "__projection_handles__"
_UNKNOWN: Any = object()
H = TypeVar("H", bound=Callable[..., None])


class ProjectionError(EmploymentDomainError):
    """A projection could not be built: a conflicting runner, a stale version, a bad history."""

    @classmethod
    def of_handler(
        cls, projection: Projection, position: int, topic: str, error: Exception
    ) -> ProjectionError:
        """The error for a handler that failed on the event at ``position``: catch-up and
        rebuild name it alike."""
        return cls(
            f"projection {projection.name!r} failed on notification {position} ({topic}): {error}"
        )


def handles(*event_classes: type) -> Callable[[H], H]:
    """Mark a projection method as the handler of these domain event classes.

    The method is called as ``method(self, event, page)`` once for each such event.
    """
    if not event_classes:
        raise TypeError("handles() needs at least one domain event class")

    def mark(function: H) -> H:
        setattr(function, _HANDLES, event_classes)
        return function

    return mark


def event_class(aggregate: type, name: str) -> type:
    """The event class ``name`` that eventsourcing's ``@event`` decorator made on ``aggregate``.

    Those classes exist only at run time, so type checkers do not see ``Client.JobSearchStarted``;
    this names them in a way both accept, and fails at import if an event is renamed.
    """
    cls = getattr(aggregate, name, None)
    if not isinstance(cls, type):
        raise TypeError(f"{aggregate.__name__} has no event class {name!r}")
    return cls


class Projection(abc.ABC):
    """A read model built from domain events: its tables, its handlers and its report.

    Subclasses set ``name`` (the stable report name, e.g. ``"caseload"``), ``metadata`` holding
    their tables, and ``version``, raised whenever the tables or handlers change meaning so that
    an existing read model is refused until it is rebuilt. A handler is a method marked with
    :func:`handles`; it gets each event once, in log order, with the :class:`Page` whose
    ``rows(table)`` it reads and changes (``page.originator_id`` is the event's aggregate id as
    text, ready to key a row), and must depend on nothing but the event and those rows (no
    clock, no parameters read at handling time), so that a rebuild gives the same tables.
    ``report`` reads the tables and returns plain rows; a report that can be cut at a business
    date takes it as ``through``.
    """

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    metadata: ClassVar[MetaData] = MetaData()
    #: Tables that earlier versions kept and this one no longer has: a rebuild drops them too,
    #: so that an upgraded read model holds no table that nothing keeps up to date.
    retired_tables: ClassVar[tuple[str, ...]] = ()
    #: Columns for programs and auditors (exact fractions, parameter ids, file names): JSON
    #: keeps them; the tables, CSV and HTML that controllers read leave them out.
    reference_columns: ClassVar[tuple[str, ...]] = ()
    #: The handler functions by event topic, collected from the methods marked with handles().
    handlers: ClassVar[dict[str, Callable[..., None]]] = {}
    #: Whether the tables come out the same when the history is applied aggregate by aggregate
    #: instead of in log order: every handler reads only rows that earlier events of the same
    #: aggregate wrote, and otherwise only adds to counters (sums do not depend on order), and
    #: rows of a ``BY_ORIGINATOR`` table are changed only by their own aggregate's events. A
    #: rebuild then holds one aggregate's rows at a time and writes them in key order (see
    #: ``rebuild``); the others are rebuilt in log order. A property test holds each claim.
    rebuilt_by_aggregate: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, Callable[..., None]] = {}
        for base in reversed(cls.__mro__):
            for value in vars(base).values():
                for handled in getattr(value, _HANDLES, ()):
                    # Every topic the event was ever stored under, so that history written
                    # before a class moved is read too.
                    for topic in topics_of(handled):
                        handlers[topic] = value
        cls.handlers = handlers
        for table in cls.metadata.tables.values():
            if not table.name.startswith(TABLE_PREFIX) or not table.primary_key.columns:
                raise TypeError(
                    f"projection {cls.__name__}: table {table.name!r} needs the prefix"
                    f" {TABLE_PREFIX!r} and a primary key"
                )

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics of the events this projection reads."""
        return tuple(self.handlers)

    @property
    def tables(self) -> list[Table]:
        """The projection's tables, in the order they can be created."""
        return list(self.metadata.sorted_tables)

    @classmethod
    @abc.abstractmethod
    def report(cls, connection: Connection, **options: Any) -> list[dict[str, Any]]:
        """The report as plain rows (no personal identity codes, no names)."""


class Rows:
    """The rows of one table as handlers see them: a write-back cache keyed by primary key.

    Rows read once stay cached across pages (only the runner writes these tables, which the
    tracking position guards), changed rows are written at the end of the page. ``complete``
    means the cache holds every row of the table (the table was empty when the runner started),
    so a missing key needs no SELECT; so does a key whose first column's value was prefetched
    (every row with that value is then in the cache). A table keyed by aggregate with more than
    one key column also knows the cached keys of each aggregate, for :meth:`latest`.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self.key_names = tuple(column.name for column in table.primary_key.columns)
        self.value_names = tuple(c.name for c in table.columns if c.name not in self.key_names)
        self._width = len(table.columns)
        self._width_of_key = len(self.key_names)
        self._key_set = frozenset(self.key_names)
        # A key is the value itself for a one-column primary key, else a tuple of values.
        self._key_of = operator.itemgetter(*self.key_names)
        self.complete = False
        #: Whether the runner prefetches rows by the first key column (see BY_ORIGINATOR).
        self.by_originator = table.info.get("prefetch") == BY_ORIGINATOR["prefetch"]
        # First-column values whose rows are all cached (a dict, to drop the oldest first).
        self._covered: dict[Any, None] = {}
        self._cache: dict[Any, dict[str, Any] | None] = {}
        # The cached keys by first-column value, for latest() (composite keys by aggregate only).
        # Lists, not sets: an aggregate has a few rows, and a set costs three times the memory.
        self._keys_of: dict[Any, list[Any]] | None = (
            {} if self.by_originator and self._width_of_key > 1 else None
        )
        self._dirty: set[Any] = set()
        self._connection: Connection | None = None
        self._select: Select[Any] = select(table).where(
            and_(*(column == bindparam(column.name) for column in table.primary_key.columns))
        )
        self._upsert = Upsert(table)
        self._fetch = RowFetch(table)

    def __len__(self) -> int:
        return len(self._cache)

    def _key(self, values: Mapping[str, Any]) -> Any:
        try:
            return self._key_of(values)
        except KeyError:
            raise TypeError(
                f"{self.table.name}: a key needs {', '.join(self.key_names)}, got {sorted(values)}"
            ) from None

    def _key_values(self, key: Any) -> dict[str, Any]:
        if len(self.key_names) == 1:
            return {self.key_names[0]: key}
        return dict(zip(self.key_names, key, strict=True))

    def _lookup(self, key: Any) -> dict[str, Any] | None:
        cached = self._cache.get(key, _UNKNOWN)
        if cached is not _UNKNOWN:
            return cast("dict[str, Any] | None", cached)
        row: dict[str, Any] | None = None
        if not self.complete and (self._width_of_key == 1 or key[0] not in self._covered):
            if self._connection is None:
                raise ProjectionError(f"{self.table.name}: rows are read only inside a page")
            found = self._connection.execute(self._select, self._key_values(key)).first()
            row = None if found is None else dict(found._mapping)
        self._cache[key] = row
        if self._keys_of is not None:
            self._remember(key)
        return row

    def _remember(self, key: Any) -> None:
        """Index a key that has just entered the cache under its first column's value."""
        keys = cast("dict[Any, list[Any]]", self._keys_of).get(key[0])
        if keys is None:
            cast("dict[Any, list[Any]]", self._keys_of)[key[0]] = [key]
        else:
            keys.append(key)

    def get(self, **key: Any) -> dict[str, Any] | None:
        """A copy of the row with this primary key, or None."""
        row = self._lookup(self._key(key))
        return None if row is None else row.copy()

    def put(self, **values: Any) -> None:
        """Insert the row, or update the given columns of the existing row with this key."""
        key = self._key(values)
        if len(values) != self._width:
            existing = self._lookup(key)
            if existing is None:
                row = dict.fromkeys(self.value_names)
                row.update(values)
                values = row
            else:
                values = {**existing, **values}
        elif self._keys_of is not None and key not in self._cache:
            self._remember(key)
        self._cache[key] = values
        self._dirty.add(key)

    def add(self, **values: Any) -> None:
        """Add the non-key values to the row with the key given (a new row starts at zero)."""
        key = self._key(values)
        row = self._lookup(key)
        if row is None:
            row = dict.fromkeys(self.value_names, 0)
            row.update(self._key_values(key))
            self._cache[key] = row
        key_names = self._key_set
        for name, amount in values.items():
            if name not in key_names:
                try:
                    row[name] += amount
                except KeyError:
                    raise TypeError(f"{self.table.name} has no column {name!r}") from None
        self._dirty.add(key)

    def delete(self, **key: Any) -> None:
        """Delete the row with this primary key, if there is one."""
        value = self._key(key)
        if self._keys_of is not None and value not in self._cache:
            self._remember(value)
        self._cache[value] = None
        self._dirty.add(value)

    def latest(self, value: Any, by: str) -> dict[str, Any] | None:
        """A copy of the row whose first key column holds ``value`` with the greatest ``by``.

        For tables keyed by aggregate (``BY_ORIGINATOR``) with more than one key column, ``by``
        being another key column: it finds, say, a client's current job search as the one
        started last, instead of a table of its own repeating which one that is. Ties on ``by``
        go to the greatest whole key, so the choice never depends on the order rows were cached.
        Rows not cached are read in one SELECT. None when the aggregate has no rows.
        """
        keys_of = self._keys_of
        if keys_of is None or by not in self.key_names[1:]:
            raise TypeError(
                f"{self.table.name}: latest() needs a table keyed by aggregate (BY_ORIGINATOR)"
                f" and another of its key columns, not {by!r}"
            )
        if not self.complete and value not in self._covered:
            self.prefetch((value,))
        cache, position = self._cache, self.key_names.index(by)
        present = {key: row for key in keys_of.get(value, ()) if (row := cache[key]) is not None}
        if not present:
            return None
        return present[max(present, key=lambda key: (key[position], key))].copy()

    def begin(self, connection: Connection) -> None:
        """Start a page: cache misses are read through ``connection``."""
        self._connection = connection

    def prefetch(self, values: Iterable[Any]) -> None:
        """Cache every row whose first key column holds one of ``values``, a few SELECTs in all.

        Rows already cached are kept (they may hold this page's changes); afterwards a missing
        key with one of these values is known to be absent without asking the database.
        """
        if self.complete:
            return
        if self._connection is None:
            raise ProjectionError(f"{self.table.name}: rows are read only inside a page")
        covered, cache = self._covered, self._cache
        if self._width_of_key == 1:
            wanted = [value for value in values if value not in cache]
        else:
            wanted = [value for value in values if value not in covered]
        if not wanted:
            return
        key_of, keys_of = self._key_of, self._keys_of
        for row in self._fetch.rows(self._connection, wanted):
            key = key_of(row)
            if key not in cache:
                cache[key] = row
                if keys_of is not None:
                    self._remember(key)
        if self._width_of_key == 1:
            for value in wanted:
                cache.setdefault(value, None)
        else:
            covered.update(dict.fromkeys(wanted))

    def evict(self, count: int) -> None:
        """Drop the ``count`` rows cached longest ago (between pages, when nothing is dirty).

        The table is no longer wholly cached, and the first-column values of dropped rows are no
        longer known to be wholly cached either.
        """
        if count <= 0 or self._dirty:
            return
        cache, covered = self._cache, self._covered
        dropped = list(itertools.islice(cache, count))
        composite = self._width_of_key > 1
        keys_of = self._keys_of
        for key in dropped:
            del cache[key]
            if composite:
                covered.pop(key[0], None)
            if keys_of is not None:
                keys = keys_of[key[0]]
                keys.remove(key)
                if not keys:
                    del keys_of[key[0]]
        # Values with no rows at all are covered too; keep no more of them than rows.
        for value in list(itertools.islice(covered, max(0, len(covered) - len(cache)))):
            del covered[value]
        self.complete = False

    def flush(self) -> int:
        """Write the changed rows of this page; returns how many rows were written."""
        if not self._dirty or self._connection is None:
            return 0
        upserts: list[dict[str, Any]] = []
        deletes: list[dict[str, Any]] = []
        for key in self._dirty:
            row = self._cache[key]
            if row is None:
                deletes.append(self._key_values(key))
            else:
                upserts.append(row)
        connection = self._connection
        if deletes:
            connection.execute(self._upsert.delete_statement(), deletes)
        self._upsert.execute(connection, upserts)
        self._dirty.clear()
        return len(upserts) + len(deletes)

    def forget(self) -> None:
        """Drop every cached row (after a failed page, or to bound memory)."""
        self._cache.clear()
        if self._keys_of is not None:
            self._keys_of.clear()
        self._dirty.clear()
        self._covered.clear()
        self.complete = False
        self._connection = None


class Page:
    """One page of notifications being applied in one read-model transaction."""

    def __init__(self, rows: Mapping[Table, Rows]) -> None:
        self._rows = rows
        #: The notification id of the event being handled.
        self.position = 0
        #: The id of the aggregate whose event is being handled, as the tables key it
        #: (``str(UUID)``). Formatted once per event here: ``str(event.originator_id)`` in
        #: every handler cost each projection more than a microsecond an event.
        self.originator_id = ""

    def rows(self, table: Table) -> Rows:
        """The rows of ``table`` (one of the projection's own tables)."""
        try:
            return self._rows[table]
        except KeyError:
            raise ProjectionError(
                f"table {table.name!r} belongs to no projection of this runner"
            ) from None
