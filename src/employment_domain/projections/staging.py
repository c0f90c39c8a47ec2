"""Staging tables: where a rebuild writes, and the one transaction that puts their rows in place.

A rebuild writes each table of its projections into a staging table with the same columns and
key (the table's name followed by ``__next``; UNLOGGED on PostgreSQL, since a crash loses only
what running the rebuild again redoes), while readers go on reading the old tables. At the end
one transaction empties each table, copies the staging rows in, drops the staging tables and
the tables earlier versions retired, and writes the tracking rows. Killed before that commit, a
rebuild leaves the old tables and tracking rows as they were (the next rebuild drops the staging
tables left behind); after it, the new ones are complete: never a mix.

A table keeps its identity wherever its columns are unchanged (emptied, not dropped), so views
over it survive a rebuild; a table whose columns an earlier version of the projection laid out
otherwise is dropped and created anew. On SQLite the copy is ``INSERT INTO … SELECT *`` between
tables of one layout, which SQLite carries out record by record without decoding them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, MetaData, Table, delete, insert, inspect, text

from .projection import Projection
from .readmodel import TRACKING, ReadModel

__all__ = ["STAGING_SUFFIX", "Staging"]

#: Appended to a table's name to name its staging table.
STAGING_SUFFIX = "__next"


class Staging:
    """The staging tables of some projections in one read model, and their swap into place."""

    def __init__(self, read_model: ReadModel, projections: Sequence[Projection]) -> None:
        self.read_model = read_model
        self.projections = tuple(projections)
        self._metadata = MetaData()
        unlogged = read_model.engine.dialect.name == "postgresql"
        #: The staging table of each of the projections' tables.
        self.tables: dict[Table, Table] = {
            table: _staging_table(table, self._metadata, unlogged=unlogged)
            for projection in self.projections
            for table in projection.tables
        }

    def create(self) -> None:
        """Drop staging tables an interrupted rebuild left behind and create empty ones."""
        self.drop()
        self._metadata.create_all(self.read_model.engine, checkfirst=False)

    def drop(self) -> None:
        """Drop the staging tables, if there are any."""
        self._metadata.drop_all(self.read_model.engine, checkfirst=True)

    def swap(self, *, application: str, position: int, fingerprint: str | None) -> None:
        """Put the staged rows in place of the tables' rows and move the tracking rows to
        ``position``, all in one transaction."""
        read_model = self.read_model
        read_model.create_tables([])
        with read_model.engine.begin() as connection:
            for projection in self.projections:
                for table in projection.tables:
                    self._replace(connection, table, self.tables[table])
                retired = MetaData()
                for name in projection.retired_tables:
                    Table(name, retired)
                retired.drop_all(connection, checkfirst=True)
                connection.execute(delete(TRACKING).where(TRACKING.c.projection == projection.name))
                connection.execute(
                    insert(TRACKING).values(
                        projection=projection.name,
                        application=application,
                        position=position,
                        version=projection.version,
                        fingerprint=fingerprint,
                    )
                )

    def _replace(self, connection: Connection, table: Table, staged: Table) -> None:
        """Empty ``table`` (or create it afresh), copy ``staged`` into it, drop ``staged``."""
        schema = self.read_model.schema
        found = inspect(connection)
        names = [column.name for column in table.columns]
        if found.has_table(table.name, schema=schema):
            existing = [column["name"] for column in found.get_columns(table.name, schema=schema)]
            if existing == names:
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f"TRUNCATE TABLE {self._quoted(connection, table)}"))
                else:
                    connection.execute(delete(table))
            else:
                table.drop(connection)
                table.create(connection)
        else:
            table.create(connection)
        connection.execute(
            text(
                f"INSERT INTO {self._quoted(connection, table)}"
                f" SELECT * FROM {self._quoted(connection, staged)}"
            )
        )
        staged.drop(connection)

    def _quoted(self, connection: Connection, table: Table) -> str:
        preparer = connection.dialect.identifier_preparer
        name = preparer.quote(table.name)
        schema = self.read_model.schema
        return f"{preparer.quote_schema(schema)}.{name}" if schema else name


def _staging_table(table: Table, metadata: MetaData, *, unlogged: bool) -> Table:
    """A table with ``table``'s columns, key and options under the staging name."""
    return Table(
        f"{table.name}{STAGING_SUFFIX}",
        metadata,
        *(column._copy() for column in table.columns),
        info=dict(table.info),
        prefixes=["UNLOGGED"] if unlogged else [],
        **table.kwargs,
    )
