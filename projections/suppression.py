"""The published form of report rows: counts of people under five hidden and marked (no tables).

A published table (CSV or HTML for councils, the state or the public) must not let a reader pick
out a person, so a count of 1–4 is replaced by None and the row's ``suppressed`` column names every
hidden column; the row itself always stays, so nothing disappears silently. A zero is shown: it
reveals no one. Two secondary rules stop a hidden count from being worked out again: a total is
hidden when any of its parts is, and a figure computed from counts (a share, a median) is hidden
when any count it comes from is. Money amounts are not counts of people and are never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["MARKER", "THRESHOLD", "is_small", "suppress", "suppress_with_total_row"]

#: Counts of people below this are hidden in the published form.
THRESHOLD = 5
#: The column that names a row's hidden columns, comma-separated ("" when nothing is hidden).
MARKER = "suppressed"


def is_small(value: object) -> bool:
    """Whether ``value`` is a count of 1 to THRESHOLD − 1 people."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def suppress(
    rows: Iterable[Mapping[str, Any]],
    *,
    counts: Sequence[str],
    totals: Mapping[str, Sequence[str]] | None = None,
    derived: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """The published form of ``rows``: each row copied, small counts hidden and marked.

    ``counts`` are the columns that count people; ``totals`` maps a total column to the columns
    it adds up; ``derived`` maps a share or median column to the counts it is computed from.
    """
    return [_hide(row, (), counts, totals or {}, derived or {}) for row in rows]


def suppress_with_total_row(
    rows: Sequence[Mapping[str, Any]],
    *,
    counts: Sequence[str],
    totals: Mapping[str, Sequence[str]] | None = None,
    derived: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """As :func:`suppress`, where the last row adds up the rows above it column by column.

    A column of the last row is hidden too when any row above hides it, else the hidden cell
    could be worked out by subtracting the shown ones from the column total.
    """
    if not rows:
        return []
    body = suppress(rows[:-1], counts=counts, totals=totals, derived=derived)
    hidden = {name for row in body for name in row[MARKER].split(",") if name}
    last = _hide(rows[-1], sorted(hidden), counts, totals or {}, derived or {})
    return [*body, last]


def _hide(
    row: Mapping[str, Any],
    forced: Sequence[str],
    counts: Sequence[str],
    totals: Mapping[str, Sequence[str]],
    derived: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    copy = dict(row)
    hidden = [name for name in counts if is_small(copy.get(name))]
    hidden += [name for name in forced if name in copy and name not in hidden]
    for total, parts in totals.items():
        if total not in hidden and any(part in hidden for part in parts):
            hidden.append(total)
    for figure, bases in derived.items():
        if figure not in hidden and any(base in hidden for base in bases):
            hidden.append(figure)
    for name in hidden:
        copy[name] = None
    copy[MARKER] = ",".join(name for name in copy if name in hidden)
    return copy
