"""Reading back the rows of many aggregates at once: every row whose first key column matches.

Before a page is handled, the runner asks each table keyed by aggregate (see ``BY_ORIGINATOR``)
for the rows of the page's aggregates that it no longer caches. Through SQLAlchemy Core an
expanding ``IN`` was compiled afresh for each call and each row went through the result machinery,
about 28 µs a row, as much as one SELECT per row. On SQLite the statement here is compiled once
per schema with a fixed number of placeholders (a short chunk is padded by repeating its last
value), run on the driver, and the column types' result processors are applied by hand; on
PostgreSQL the values go as one array (``= ANY``), one statement per call. Other databases get a
Core ``IN``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, Uuid, any_, bindparam, cast, select
from sqlalchemy.dialects import postgresql

__all__ = ["RowFetch"]

#: Values per SQLite statement: well under SQLite's variable limit, few statements per page.
CHUNK = 250

_Processor = Callable[[Any], Any]
_Plan = tuple[str, Callable[[Any], Any] | None, list[tuple[str, _Processor | None]]]


class RowFetch:
    """Selects the rows of one table whose first primary-key column holds one of some values."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.lead = next(iter(table.primary_key.columns))
        self._sqlite: dict[str | None, _Plan] = {}
        self._postgresql = select(table).where(
            self.lead == any_(cast(bindparam("values"), postgresql.ARRAY(self.lead.type)))
        )

    def rows(self, connection: Connection, values: Sequence[Any]) -> Iterator[dict[str, Any]]:
        """Every row whose first key column holds one of ``values``, as a dict per row."""
        if not values:
            return
        dialect = connection.dialect.name
        if dialect == "sqlite":
            yield from self._rows_sqlite(connection, values)
        elif dialect == "postgresql":
            for found in connection.execute(self._postgresql, {"values": list(values)}):
                yield dict(found._mapping)
        else:
            for found in connection.execute(select(self.table).where(self.lead.in_(values))):
                yield dict(found._mapping)

    def _rows_sqlite(
        self, connection: Connection, values: Sequence[Any]
    ) -> Iterator[dict[str, Any]]:
        translate = connection.get_execution_options().get("schema_translate_map") or {}
        schema = translate.get(self.table.schema, self.table.schema)
        plan = self._sqlite.get(schema)
        if plan is None:
            plan = self._sqlite[schema] = self._compile_sqlite(connection, schema)
        sql, bind, columns = plan
        names = [name for name, _ in columns]
        processors = [(index, p) for index, (_, p) in enumerate(columns) if p is not None]
        bound = [bind(value) for value in values] if bind is not None else list(values)
        for start in range(0, len(bound), CHUNK):
            chunk = bound[start : start + CHUNK]
            chunk.extend(chunk[-1:] * (CHUNK - len(chunk)))
            for found in connection.exec_driver_sql(sql, tuple(chunk)).fetchall():
                items = list(found)
                for index, process in processors:
                    if items[index] is not None:
                        items[index] = process(items[index])
                yield dict(zip(names, items, strict=True))

    def _compile_sqlite(self, connection: Connection, schema: str | None) -> _Plan:
        table = self.table
        if schema is not None and schema != table.schema:
            table = table.to_metadata(MetaData(), schema=schema)
        dialect = connection.dialect
        lead = table.c[self.lead.name]
        statement = select(table).where(lead.in_([bindparam(f"v{i}") for i in range(CHUNK)]))
        compiled = statement.compile(dialect=dialect)
        order = tuple(compiled.positiontup or ())
        if order != tuple(f"v{i}" for i in range(CHUNK)):
            raise RuntimeError(f"{table.name}: unexpected parameter order in {compiled.string!r}")
        bind = lead.type.dialect_impl(dialect).bind_processor(dialect)
        columns = [(column.name, _result_processor(column, dialect)) for column in table.columns]
        return compiled.string, bind, columns


def _result_processor(column: Column[Any], dialect: Any) -> _Processor | None:
    """The column type's result processor; for ids kept as text, a faster one giving the same text.

    SQLite keeps a ``Uuid(as_uuid=False)`` as 32 hex digits, which SQLAlchemy turns back into
    ``str(UUID(value))`` at about 5 µs a row; the runner writes them lowercase, and inserting the
    dashes gives the same text.
    """
    processor: _Processor | None = column.type.dialect_impl(dialect).result_processor(dialect, None)
    if processor is None or not isinstance(column.type, Uuid) or column.type.as_uuid:
        return processor
    slow = processor

    def dashed(value: Any) -> Any:
        if type(value) is str and len(value) == 32 and value.islower():
            return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
        return slow(value)

    return dashed
