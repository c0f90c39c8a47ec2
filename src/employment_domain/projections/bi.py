"""The BI copy: the report-shaped views published as plain tables in a database of their own.

The read model keeps per-client working rows (``rm_caseload_group_facts`` and the like) beside
the views, so a BI tool pointed at the read model could read them. :func:`publish_bi` copies the
rows of every ``rv_`` view, and nothing else, into tables of the same names and columns in
another database: a SQLite file to hand to Power BI or DuckDB, or a PostgreSQL schema that only
the BI role of ``docs/bi-role.sql`` can read. That database never holds a table of the
projections, a client id or a fact about one person; a test inspects every table of it.

Publishing replaces the copy in one transaction (a reader sees the old copy or the new one),
and a database that holds any other table is refused, so it is never pointed at the read model
or the event store by mistake.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    MetaData,
    Numeric,
    Table,
    Text,
    inspect,
    text,
)
from sqlalchemy.types import TypeEngine

from employment_domain.errors import EmploymentDomainError

from .readmodel import ReadModel
from .views import VIEWS, View

__all__ = ["BiCopyError", "publish_bi"]


class BiCopyError(EmploymentDomainError):
    """The database named for the BI copy holds tables that are not the copy's."""


def _type(kind: str, sqlite: bool) -> TypeEngine[Any]:
    if kind in ("integer", "cents"):
        return BigInteger()
    if kind == "euros":
        # SQLite has no exact decimal: the column adds up as a float there, as the view does.
        return Numeric(16, 2, asdecimal=False) if sqlite else Numeric(16, 2)
    if kind == "date":
        return Date()
    if kind == "boolean":
        return Boolean()
    return Text()


def _tables(sqlite: bool) -> list[tuple[View, Table]]:
    metadata = MetaData()
    return [
        (
            view,
            Table(
                view.name,
                metadata,
                *(Column(column.name, _type(column.kind, sqlite)) for column in view.columns),
            ),
        )
        for view in VIEWS
    ]


def _value(kind: str, value: Any, sqlite: bool) -> Any:
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "euros":
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
        return float(amount) if sqlite else amount
    if kind == "boolean":
        return bool(value)
    return value


def publish_bi(read_model: ReadModel, target: ReadModel) -> dict[str, int]:
    """Copy every view of ``read_model`` into a table of ``target``; the rows copied per table.

    The views read what the read model holds: catch it up first. Raises :class:`BiCopyError`
    when ``target`` is the read model itself or holds any table that is not a view's copy.
    """
    if target.same_database(read_model):
        raise BiCopyError(
            f"the BI copy must go to a database of its own, not the read model"
            f" {read_model.description}"
        )
    sqlite = target.engine.dialect.name == "sqlite"
    tables = _tables(sqlite)
    names = {view.name for view, _ in tables}
    with target.engine.connect() as connection:
        existing = set(inspect(connection).get_table_names(schema=target.schema))
    foreign = sorted(existing - names)
    if foreign:
        raise BiCopyError(
            f"{target.description} holds tables that are not the BI copy's"
            f" ({', '.join(foreign[:5])}): give the copy a database or schema of its own"
        )
    rows: dict[str, list[dict[str, Any]]] = {}
    schema = read_model.schema
    with read_model.connect() as connection:
        for view, _ in tables:
            name = f'"{schema}"."{view.name}"' if schema else f'"{view.name}"'
            result = connection.execute(text(f"SELECT * FROM {name}"))
            rows[view.name] = [
                {
                    column.name: _value(column.kind, row[index], sqlite)
                    for index, column in enumerate(view.columns)
                }
                for row in result
            ]
    with target.engine.begin() as connection:
        for view, table in tables:
            table.drop(connection, checkfirst=True)
            table.create(connection)
            if rows[view.name]:
                connection.execute(table.insert(), rows[view.name])
    return {name: len(copied) for name, copied in rows.items()}
