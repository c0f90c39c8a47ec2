"""The annual report's words in English, Finnish or Swedish: texts, labels and numbers (no tables).

The words come from the message catalogs of :mod:`employment_domain.i18n` (the ``annual``
context for the report's own sentences, the column and value contexts for its tables), so the
HTML report and the command line's tables say the same thing in the same language.
Municipalities are shown by their official names in the language; numbers, percentages and
dates are written as the language writes them (Babel), with a true minus sign.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from employment_domain.i18n import LANGUAGES, language
from employment_domain.tabulate import MONEY_COLUMNS

from .charts import SUPPRESSED_MARK
from .suppression import MARKER

__all__ = ["LANGUAGES", "Words"]


class Words:
    """The report's words in one language: texts, column labels and cell values."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._language = language(lang)

    def __call__(self, key: str, **values: Any) -> str:
        return self._language.text("annual", key, **values)

    def column(self, name: str) -> str:
        """A column's label."""
        return self._language.column(name)

    def value(self, value: str, column: str | None = None) -> str:
        """A coded value (of ``column``) as a reader reads it: its label or official name."""
        return self._language.value(value, column)

    def municipality(self, code: str) -> str:
        """A municipality's official name in this language."""
        return self._language.municipality(code)

    def cell(self, row: Mapping[str, Any], column: str) -> str:
        """One ``<td>`` of a table: the suppression mark, or the value in this language."""
        value = row.get(column)
        hidden = column in str(row.get(MARKER) or "").split(",")
        if hidden:
            return f"<td class=s>{SUPPRESSED_MARK}</td>"
        if value is None:
            return "<td></td>"
        if isinstance(value, bool):
            return f"<td>{escape(self._language.yes_no(value))}</td>"
        if isinstance(value, int | Decimal):
            if column == "year":
                return f"<td>{value}</td>"
            if column.endswith("_percent"):
                text = self._minus(self._language.percent(value))
            else:
                text = self.number(value, money=column in MONEY_COLUMNS)
            return f"<td class=n>{escape(text)}</td>"
        if isinstance(value, date):
            return f"<td>{escape(self._language.date(value))}</td>"
        return f"<td>{escape(self.value(str(value), column))}</td>"

    def number(self, value: int | Decimal, *, money: bool = False) -> str:
        """A number in this language's way, money with two decimals."""
        return self._minus(self._language.number(value, money=money))

    @staticmethod
    def _minus(text: str) -> str:
        return text.replace("-", "\u2212")
