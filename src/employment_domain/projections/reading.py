"""Reading the notification log fast: pages of stored events as tuples, decoded into domain events.

A rebuild reads and decodes every event of the history, and reading and decoding were most of its
time. On SQLite and PostgreSQL stores a page is one SELECT of the recorder's own table returning
plain tuples (the recorders' ``select_notifications`` made a dataclass, and on PostgreSQL a dict,
per row, which cost several times the SELECT); other stores go through
``select_notifications``. The decoder gives the same
domain event objects as ``app.mapper.to_domain_event`` (the tests compare them event by event),
with one JSON decoder, per-topic look-ups made once, immutable values that repeat (an
aggregate's id, a municipality, a date) decoded once and shared, and events of an older class
version upcast as the mapper upcasts them. Anything it is not sure of (a cipher, a compressor,
another transcoder, an event class without its upcasts, a class version newer than the class's,
an undecodable state) goes to the mapper itself, which then raises the mapper's own errors.

A rebuild may also read the log aggregate by aggregate (:meth:`LogReader.by_aggregate`): each
aggregate's events together, in version order, the aggregates in the order of their ids.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, StoredEvent, find_id_convertor
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import resolve_topic
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from employment_domain.store.service import AreaLike, application_of

__all__ = ["LogReader", "Row", "uuid_text"]

#: A stored event in the log: (id, topic, originator_id, originator_version, state).
Row = tuple[int, str, Any, int, bytes]
#: Decoded values kept for reuse (municipalities, dates, money amounts repeat across events).
_MAX_KNOWN = 20_000
_UNKNOWN: Any = object()
#: What decoding a topic needs: the event class, the id type, its convertor, the class version.
_Target = tuple[type[Any], type[Any], Callable[[Any], Any], int] | None


class LogReader:
    """Pages of one application's notification log, and their domain events."""

    def __init__(self, app: AreaLike) -> None:
        app = application_of(app)
        self.app = app
        recorder = app.recorder
        self._sqlite = recorder if isinstance(recorder, SQLiteApplicationRecorder) else None
        self._postgres = recorder if isinstance(recorder, PostgresApplicationRecorder) else None
        self._prefetch = self._postgres is not None
        self.decode = _event_decoder(app)

    def page(
        self, *, after: int, limit: int, stop: int | None = None, topics: Sequence[str] = ()
    ) -> list[Row]:
        """Up to ``limit`` stored events after position ``after`` (up to ``stop``), in order."""
        if self._sqlite is not None:
            return self._sqlite_page(self._sqlite, after, limit, stop, topics)
        if self._postgres is not None:
            return self._postgres_page(self._postgres, after, limit, stop, topics)
        return [
            (n.id, n.topic, n.originator_id, n.originator_version, n.state)
            for n in self.app.recorder.select_notifications(
                start=after, limit=limit, stop=stop, topics=topics, inclusive_of_start=False
            )
        ]

    @staticmethod
    def _sqlite_page(
        recorder: SQLiteApplicationRecorder,
        after: int,
        limit: int,
        stop: int | None,
        topics: Sequence[str],
    ) -> list[Row]:
        statement = (
            "SELECT rowid, topic, originator_id, originator_version, state"
            f" FROM {recorder.events_table_name} WHERE rowid > ?"
        )
        parameters: list[Any] = [after]
        if stop is not None:
            statement += " AND rowid <= ?"
            parameters.append(stop)
        if topics:
            statement += f" AND topic IN ({','.join('?' * len(topics))})"
            parameters.extend(topics)
        statement += " ORDER BY rowid LIMIT ?"
        parameters.append(limit)
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, parameters)
            return [tuple(row) for row in cursor.fetchall()]

    @staticmethod
    def _postgres_page(
        recorder: PostgresApplicationRecorder,
        after: int,
        limit: int,
        stop: int | None,
        topics: Sequence[str],
    ) -> list[Row]:
        statement = SQL(
            "SELECT notification_id, topic, originator_id, originator_version, state"
            " FROM {schema}.{table} WHERE notification_id > %s"
        ).format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name),
        )
        parameters: list[Any] = [after]
        if stop is not None:
            statement += SQL(" AND notification_id <= %s")
            parameters.append(stop)
        if topics:
            statement += SQL(" AND topic = ANY(%s)")
            parameters.append(list(topics))
        statement += SQL(" ORDER BY notification_id LIMIT %s")
        parameters.append(limit)
        with (
            recorder.datastore.get_connection() as connection,
            connection.cursor(row_factory=tuple_row) as cursor,
        ):
            cursor.execute(statement, parameters, prepare=True)
            return [
                (i, topic, originator_id, version, state if type(state) is bytes else bytes(state))
                for i, topic, originator_id, version, state in cursor.fetchall()
            ]

    def pages(
        self, *, after: int, limit: int, stop: int, topics: Sequence[str] = ()
    ) -> Generator[list[Row], None, None]:
        """Successive pages after ``after`` up to ``stop``, ending with the first short page.

        Without topics there is nothing to read: one empty page. On PostgreSQL the next page is
        fetched on a second thread while the caller works on this one, which hides the
        server's time (the thread waits on the network without the GIL); SQLite releases the
        GIL for every row it steps, so a second thread there would only contend for it.
        """
        if not topics:
            yield []
            return
        fetch = functools.partial(self.page, limit=limit, stop=stop, topics=topics)
        if not self._prefetch:
            while True:
                rows = fetch(after=after)
                yield rows
                if len(rows) < limit:
                    return
                after = rows[-1][0]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="log-reader") as executor:
            upcoming = executor.submit(fetch, after=after)
            while True:
                rows = upcoming.result()
                if len(rows) == limit:
                    upcoming = executor.submit(fetch, after=rows[-1][0])
                yield rows
                if len(rows) < limit:
                    return

    def by_aggregate(
        self, *, stop: int, limit: int, topics: Sequence[str] = ()
    ) -> Generator[list[Row], None, None]:
        """The stored events up to position ``stop`` with these topics, ``limit`` at a time,
        grouped by aggregate: ordered by aggregate id, then version.

        The order is that of the ids as the read model keys them (``str(UUID)``, the same
        order as SQLite's hex text and PostgreSQL's ``uuid``), so rows written aggregate by
        aggregate arrive in key order. SQLite walks the store's primary-key index; PostgreSQL
        streams from a server-side cursor. Other stores are read whole and sorted: they are in
        memory already.
        """
        if not topics or stop <= 0:
            return
        if self._sqlite is not None:
            yield from self._sqlite_by_aggregate(self._sqlite, stop, limit, topics)
        elif self._postgres is not None:
            yield from self._postgres_by_aggregate(self._postgres, stop, limit, topics)
        else:
            rows: list[Row] = []
            for page in self.pages(after=0, limit=max(limit, 1_000), stop=stop, topics=topics):
                rows.extend(page)
            rows.sort(key=lambda row: (uuid_text(row[2]), row[3]))
            for start in range(0, len(rows), limit):
                yield rows[start : start + limit]

    @staticmethod
    def _sqlite_by_aggregate(
        recorder: SQLiteApplicationRecorder, stop: int, limit: int, topics: Sequence[str]
    ) -> Generator[list[Row], None, None]:
        statement = (
            "SELECT rowid, topic, originator_id, originator_version, state"
            f" FROM {recorder.events_table_name} WHERE rowid <= ?"
            f" AND topic IN ({','.join('?' * len(topics))})"
            " ORDER BY originator_id, originator_version"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, [stop, *topics])
            while rows := cursor.sqlite_cursor.fetchmany(limit):
                yield [tuple(row) for row in rows]

    @staticmethod
    def _postgres_by_aggregate(
        recorder: PostgresApplicationRecorder, stop: int, limit: int, topics: Sequence[str]
    ) -> Generator[list[Row], None, None]:
        statement = SQL(
            "SELECT notification_id, topic, originator_id, originator_version, state"
            " FROM {schema}.{table} WHERE notification_id <= %s AND topic = ANY(%s)"
            " ORDER BY originator_id, originator_version"
        ).format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name),
        )
        with (
            recorder.datastore.get_connection() as connection,
            connection.transaction(),
            connection.cursor(name="rebuild_by_aggregate", row_factory=tuple_row) as cursor,
        ):
            cursor.itersize = limit
            cursor.execute(statement, [stop, list(topics)])
            while found := cursor.fetchmany(limit):
                yield [
                    (i, topic, originator_id, version, s if type(s) is bytes else bytes(s))
                    for i, topic, originator_id, version, s in found
                ]

    def head(self) -> int:
        """The last position in the log (0 when it is empty)."""
        return self.app.recorder.max_notification_id() or 0


def _event_decoder(app: Application[Any]) -> Callable[[Row], Any]:
    """A function from a stored-event row of ``app`` to its domain event."""
    mapper = app.mapper

    def slow(row: Row) -> Any:
        return mapper.to_domain_event(
            StoredEvent(originator_id=row[2], originator_version=row[3], topic=row[1], state=row[4])
        )

    transcoder = mapper.transcoder
    if (
        mapper.cipher is not None
        or mapper.compressor is not None
        or not isinstance(transcoder, JSONTranscoder)
        or type(transcoder).decode is not JSONTranscoder.decode
        or type(transcoder)._decode_obj is not JSONTranscoder._decode_obj
    ):
        return slow
    names = transcoder.names
    known: dict[tuple[str, str], Any] = {}

    def revive(value: dict[str, Any]) -> Any:
        if len(value) != 2:
            return value
        try:
            name, data = value["_type_"], value["_data_"]
        except KeyError:
            return value
        if type(data) is not str:
            return names[name].decode(data)
        found = known.get((name, data), _UNKNOWN)
        if found is _UNKNOWN:
            found = names[name].decode(data)
            if _shareable(found):
                if len(known) >= _MAX_KNOWN:
                    known.clear()
                known[(name, data)] = found
        return found

    # The decoder's scanner itself: ``raw_decode`` only wraps it, at a call and a check per event.
    decoder: Any = json.JSONDecoder(object_hook=revive)
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once
    targets: dict[str, _Target] = {}
    ids: dict[Any, Any] = {}

    def target(row: Row) -> _Target:
        cls = resolve_topic(row[1])
        if not isinstance(cls, type):
            return None
        version = getattr(cls, "class_version", 1)
        if not isinstance(version, int) or not all(
            callable(getattr(cls, f"upcast_v{v}_v{v + 1}", None)) for v in range(1, version)
        ):
            return None
        id_type = type(row[2])
        return cls, id_type, find_id_convertor(cls, cast(Any, id_type)), version

    def decode(row: Row) -> Any:
        try:
            found = targets[row[1]]
        except KeyError:
            found = targets[row[1]] = target(row)
        if found is None or type(row[2]) is not found[1]:
            return slow(row)
        try:
            text = row[4].decode("utf8")
            state, end = scan(text, 0)
        except Exception:
            return slow(row)
        if end != len(text) or not isinstance(state, dict):
            return slow(row)
        try:
            state["originator_id"] = ids[row[2]]
        except KeyError:
            if len(ids) >= _MAX_KNOWN:
                ids.clear()
            state["originator_id"] = ids[row[2]] = found[2](row[2])
        state["originator_version"] = row[3]
        # Events of an older class version are upcast step by step, as the mapper does.
        version = state.pop("class_version", 1)
        if version != found[3]:
            if type(version) is not int or version > found[3]:
                return slow(row)
            cls = found[0]
            while version < found[3]:
                getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
                version += 1
        domain_event = object.__new__(found[0])
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event

    return decode


def _shareable(value: Any) -> bool:
    """Whether one decoded value may stand in for every equal one: immutable and not unique.

    Hashable values are the immutable ones (frozen attrs classes, dates, decimals, UUIDs); an
    event's timestamp is hashable too but unique, so keeping it would only fill the memory.
    """
    if isinstance(value, datetime):
        return False
    try:
        hash(value)
    except TypeError:
        return False
    return True


def uuid_text(originator_id: Any) -> str:
    """An aggregate id as the tables key it: ``str(UUID)`` (SQLite stores it as bare hex)."""
    if type(originator_id) is str and len(originator_id) == 32 and originator_id.islower():
        text = originator_id
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    try:
        return str(originator_id if isinstance(originator_id, UUID) else UUID(originator_id))
    except (TypeError, ValueError):
        return str(originator_id)
