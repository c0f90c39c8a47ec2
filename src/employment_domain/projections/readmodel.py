"""Where the read-model tables live: a SQLAlchemy database, its tracking table, and reading rows.

By default the read model sits next to the event store: a SQLite file beside a SQLite store
(``area.db`` → ``area.readmodel.db``, so that the projector never holds the writers' lock), the
same PostgreSQL database and schema as a PostgreSQL store (tables prefixed ``rm_``), or an
in-memory SQLite database beside an in-memory store. Any SQLAlchemy URL may be given instead;
``?schema=NAME`` on a PostgreSQL URL puts the tables in that schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from employment_domain.store.persistence import store_environment

from .projection import TABLE_PREFIX, Projection, ProjectionError
from .views import create_views, drop_views

__all__ = ["TRACKING", "ReadModel", "read_model_url"]

_tracking_metadata = MetaData()
#: One row per projection: how far into the notification log its tables are, in which version.
TRACKING = Table(
    f"{TABLE_PREFIX}tracking",
    _tracking_metadata,
    Column("projection", String(64), primary_key=True),
    Column("application", String(128), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    # The digest of the event at ``position`` (see the runner's history_fingerprint): the read
    # model knows its history by more than a number, so a store restored from a backup or
    # replaced by another is noticed before a report mixes two timelines. Empty in rows written
    # before 0.2.0 until their next page.
    Column("fingerprint", String(64), nullable=True),
)
_TRACKING_COLUMNS = (
    TRACKING.c.projection,
    TRACKING.c.application,
    TRACKING.c.position,
    TRACKING.c.version,
)


def read_model_url(store: str | os.PathLike[str] | None = None) -> str:
    """The default read-model URL for an event store named as EmploymentArea names it."""
    settings = store_environment(store)
    module = settings["PERSISTENCE_MODULE"]
    if module == "eventsourcing.popo":
        return "sqlite://"
    if module == "eventsourcing.sqlite":
        path = Path(settings["SQLITE_DBNAME"]).resolve()
        stem, suffix = (path.stem, path.suffix) if path.suffix else (path.name, ".db")
        database = str(path.with_name(f"{stem}.readmodel{suffix}"))
        return URL.create("sqlite", database=database).render_as_string(hide_password=False)
    url = URL.create(
        "postgresql+psycopg",
        username=settings.get("POSTGRES_USER"),
        password=settings.get("POSTGRES_PASSWORD"),
        host=settings.get("POSTGRES_HOST"),
        port=int(settings["POSTGRES_PORT"]) if "POSTGRES_PORT" in settings else None,
        database=settings.get("POSTGRES_DBNAME"),
        query={"schema": settings["POSTGRES_SCHEMA"]} if "POSTGRES_SCHEMA" in settings else {},
    )
    return url.render_as_string(hide_password=False)


class ReadModel:
    """A read-model database: its engine, the tracking table, and plain reads of its tables."""

    def __init__(self, url: str | URL) -> None:
        parsed = make_url(url)
        schema = parsed.query.get("schema")
        if isinstance(schema, tuple):
            schema = schema[-1]
        parsed = parsed.difference_update_query(["schema"])
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.url = parsed
        self.schema = schema
        self.description = parsed.render_as_string(hide_password=True) + (
            f" (schema {schema})" if schema else ""
        )
        engine = _create_engine(parsed)
        self._engine = engine
        self.engine: Engine = (
            engine.execution_options(schema_translate_map={None: schema}) if schema else engine
        )

    @classmethod
    def for_store(cls, store: str | os.PathLike[str] | None = None) -> ReadModel:
        """The default read model of an event store (see the module's docstring)."""
        return cls(read_model_url(store))

    def __repr__(self) -> str:
        return f"ReadModel({self.description!r})"

    def same_database(self, other: ReadModel) -> bool:
        """Whether both name the same tables (an in-memory SQLite database is never shared)."""
        return self is other or (
            self._identity() is not None and self._identity() == other._identity()
        )

    def _identity(self) -> tuple[str, ...] | None:
        if self.url.drivername.startswith("sqlite"):
            database = self.url.database
            if not database or database == ":memory:":
                return None
            return ("sqlite", str(Path(database).resolve()))
        url = self.url
        return (
            url.drivername,
            url.username or "",
            url.host or "",
            str(url.port or ""),
            url.database or "",
            self.schema or "",
        )

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading reports."""
        with self.engine.connect() as connection:
            yield connection

    def create_tables(self, projections: Sequence[Projection]) -> None:
        """Create the tracking table and each projection's tables that do not exist yet, and the
        report-shaped views (``rv_``) over them for BI tools."""
        _tracking_metadata.create_all(self.engine, checkfirst=True)
        self._add_fingerprint_column()
        for projection in projections:
            projection.metadata.create_all(self.engine, checkfirst=True)
        with self.engine.begin() as connection:
            create_views(connection, [projection.name for projection in projections], self.schema)

    def _add_fingerprint_column(self) -> None:
        """A tracking table made before 0.2.0 gets its fingerprint column."""
        with self.engine.begin() as connection:
            columns = inspect(connection).get_columns(TRACKING.name, schema=self.schema)
            if "fingerprint" not in {column["name"] for column in columns}:
                preparer = connection.dialect.identifier_preparer
                table = preparer.quote(TRACKING.name)
                if self.schema:
                    table = f"{preparer.quote_schema(self.schema)}.{table}"
                connection.execute(text(f"ALTER TABLE {table} ADD COLUMN fingerprint VARCHAR(64)"))

    def drop_tables(self, projection: Projection) -> None:
        """Drop a projection's tables, those its earlier versions kept, and its tracking row,
        so it can be rebuilt from zero; the views over them go first."""
        with self.engine.begin() as connection:
            drop_views(connection, [projection.name], self.schema)
        projection.metadata.drop_all(self.engine, checkfirst=True)
        retired = MetaData()
        for name in projection.retired_tables:
            Table(name, retired)
        retired.drop_all(self.engine, checkfirst=True)
        _tracking_metadata.create_all(self.engine, checkfirst=True)
        with self.engine.begin() as connection:
            connection.execute(TRACKING.delete().where(TRACKING.c.projection == projection.name))

    def positions(self) -> dict[str, int]:
        """Each projection's tracking position (the last notification id applied)."""
        with self.engine.connect() as connection:
            if not self.engine.dialect.has_table(connection, TRACKING.name, schema=self.schema):
                return {}
            rows = connection.execute(select(TRACKING.c.projection, TRACKING.c.position))
            return {name: position for name, position in rows}

    def tracking(self) -> dict[str, dict[str, Any]]:
        """The tracking rows by projection name: application, position, version."""
        with self.engine.connect() as connection:
            if not self.engine.dialect.has_table(connection, TRACKING.name, schema=self.schema):
                return {}
            rows = connection.execute(select(*_TRACKING_COLUMNS))
            return {row.projection: dict(row._mapping) for row in rows}

    def rows(self, table: Table, connection: Connection | None = None) -> list[dict[str, Any]]:
        """Every row of ``table`` as a dict, ordered by primary key."""
        if connection is None:
            with self.engine.connect() as own:
                return self.rows(table, own)
        statement = select(table).order_by(*table.primary_key.columns)
        return [dict(row._mapping) for row in connection.execute(statement)]

    def snapshot(self, projections: Sequence[Projection]) -> dict[str, list[dict[str, Any]]]:
        """Every row of the projections' tables and their tracking rows, by table name.

        Read so that positions and rows belong together: if a runner committed a page meanwhile,
        the read is repeated.
        """
        for _ in range(20):
            before = self.positions()
            with self.engine.connect() as connection:
                tables = {
                    table.name: self.rows(table, connection)
                    for projection in projections
                    for table in projection.tables
                }
            if self.positions() == before:
                names = {projection.name for projection in projections}
                tables[TRACKING.name] = [
                    {"projection": name, "position": position}
                    for name, position in sorted(before.items())
                    if name in names
                ]
                return tables
        raise ProjectionError(f"the read model {self.description} kept changing while being read")

    def report(
        self, projection: Projection | type[Projection], **options: Any
    ) -> list[dict[str, Any]]:
        """A projection's report read from this database."""
        with self.engine.connect() as connection:
            return projection.report(connection, **options)


def _create_engine(url: URL) -> Engine:
    if url.drivername.startswith("sqlite"):
        if not url.database or url.database == ":memory:":
            return create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.drivername.startswith("postgresql"):
        return create_engine(url, connect_args={"connect_timeout": 5})
    return create_engine(url)


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    """WAL lets reports read while the runner writes; NORMAL sync survives a killed process."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
    finally:
        cursor.close()
