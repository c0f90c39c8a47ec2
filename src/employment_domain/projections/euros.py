"""The column type of every amount of money in the read-model tables: exact euros (no tables).

PostgreSQL stores an amount as ``NUMERIC(16, 2)``. SQLite has no exact decimal storage: SQLAlchemy's
``Numeric`` hands SQLite a float, which a column of numeric affinity keeps as a binary fraction. So
on SQLite the amount is stored as its decimal text (``"1234.50"``), which keeps every cent exactly
and reads back as the same ``Decimal``; a BI tool casts it with ``CAST(amount AS DECIMAL)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["CENT", "Euros", "euros"]

CENT = Decimal("0.01")


def euros(value: Any) -> Decimal:
    """``value`` (a Decimal, an int, decimal text or a Money) as a Decimal to the cent."""
    amount = getattr(value, "amount", value)
    if isinstance(amount, float | bool):
        raise TypeError(f"an amount of money is never a float or a truth value: {value!r}")
    return Decimal(amount).quantize(CENT)


class Euros(TypeDecorator[Decimal]):
    """Euros to the cent: ``NUMERIC(16, 2)`` where the database has it, decimal text on SQLite."""

    impl = Numeric(16, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(24))
        return dialect.type_descriptor(Numeric(16, 2, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = euros(value)
        return str(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return euros(value)
