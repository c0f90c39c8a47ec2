"""The published form of report rows: small counts of people hidden, and whatever would reveal them.

A published table (CSV, a spreadsheet or HTML for councils, the state or the public) must not let
a reader pick out a person. :func:`protect` hides, in a copy of the rows:

1. **Primary suppression**: every count of 1 to ``threshold − 1`` people (the dated parameter
   ``disclosure_threshold``, 5; :func:`threshold_on`). A zero is shown: it reveals no one.
2. **Secondary (complementary) suppression**: further counts, chosen so that no hidden cell can
   be worked out from what the same table shows: its totals and margins, the month-end
   stock-and-flow identity, a group within its whole (the table's :class:`~.disclosure.Layout`).
   Like τ-Argus's hypercube method and sdcTable's, it works identity by identity: an identity
   with a single hidden cell gives that cell away, so the cheapest other cell of it is hidden
   too (the smallest count, a total or a stock only when no inner cell is left); then the
   linear programme of :func:`~.disclosure.intervals` checks every hidden cell, and one still
   narrower than the threshold gets the smallest cell of its identities that is at least as
   large as the width it lacks, until every hidden cell is protected. Zeros are never hidden.
3. **Shares and medians**: a share whose counts are all shown is shown. One computed from a
   hidden count is shown as it is when the audit still passes with it (its printed digits
   bound the hidden count), else rounded to a whole percent when that passes, else hidden.
   A median is hidden with any count it comes from.

Every hidden cell is None, with one marker for all of them (``..`` in tables, CSV and HTML, as
in Statistics Finland's tables), so a reader cannot tell a small count from a cell hidden to
protect one; the row's ``suppressed`` column names the hidden columns, and no row is ever
dropped. Money amounts and population statistics are not counts of clients and are never
hidden. The rows are returned as :class:`PublishedRows`, which carry their layout, so the
disclosure audit (:func:`~.disclosure.audit_table`) can check them from what they show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from employment_domain.parameters import ParameterError, Parameters, default_parameters
from employment_domain.tabulate import HIDDEN

from .disclosure import Cell, Layout, intervals

__all__ = [
    "HIDDEN",
    "MARKER",
    "THRESHOLD",
    "THRESHOLD_PARAMETER",
    "PublishedRows",
    "is_small",
    "period_end",
    "protect",
    "published_as_is",
    "threshold_on",
]

#: The threshold in force since the parameter's first date (``disclosure_threshold``).
THRESHOLD = 5
#: The dated parameter holding the threshold.
THRESHOLD_PARAMETER = "disclosure_threshold"
#: The column that names a row's hidden columns, comma-separated ("" when nothing is hidden).
MARKER = "suppressed"
_WHOLE = Decimal(1)


class PublishedRows(list[dict[str, Any]]):
    """Rows in their published form, with the layout and threshold they were protected by."""

    def __init__(self, rows: Iterable[dict[str, Any]], layout: Layout, threshold: int) -> None:
        super().__init__(rows)
        self.layout = layout
        self.threshold = threshold


def period_end(year: int | None, through: date | None) -> date | None:
    """The last day a report covers: ``through``, else its year's last day (None: all of it)."""
    if through is not None:
        return through if year is None else min(through, date(year, 12, 31))
    return None if year is None else date(year, 12, 31)


def threshold_on(day: date | None, parameters: Parameters | None = None) -> int:
    """The disclosure threshold in force on ``day`` (the end of the period a report covers);
    the latest value without a day, never today's."""
    parameters = parameters or default_parameters()
    try:
        if day is None:
            return int(parameters.history(THRESHOLD_PARAMETER)[-1].value)
        return int(parameters.value(THRESHOLD_PARAMETER, day))
    except (ParameterError, IndexError):
        return THRESHOLD


def is_small(value: object, threshold: int = THRESHOLD) -> bool:
    """Whether ``value`` is a count of 1 to ``threshold`` − 1 people."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def published_as_is(rows: Iterable[Mapping[str, Any]]) -> PublishedRows:
    """The published form of a report that counts no people (euros, population statistics):
    the rows with an empty ``suppressed`` column."""
    return PublishedRows(({**row, MARKER: ""} for row in rows), Layout(counts=()), THRESHOLD)


def protect(
    rows: Sequence[Mapping[str, Any]], layout: Layout, *, threshold: int = THRESHOLD
) -> PublishedRows:
    """The published form of ``rows``: each row copied, with primary and secondary suppression
    and the shares and medians they affect hidden (see the module's text)."""
    values: dict[Cell, Any] = {cell: rows[cell[0]].get(cell[1]) for cell in layout.cells}
    hidden = {cell for cell in layout.counts if is_small(values[cell], threshold)}
    _complement(values, hidden, layout, threshold)
    shown_shares = _shares(rows, values, hidden, layout, threshold)
    hidden_figures = {share.cell for share in layout.shares if share.cell not in shown_shares}
    hidden_figures |= {
        figure for figure, bases in layout.follows.items() if any(b in hidden for b in bases)
    }
    out = []
    for index, row in enumerate(rows):
        copy = dict(row)
        names = [
            name
            for name in copy
            if (index, name) in hidden
            or ((index, name) in hidden_figures and copy[name] is not None)
        ]
        for name in names:
            copy[name] = None
        for (share_row, name), printed in shown_shares.items():
            if share_row == index:
                copy[name] = printed
        copy[MARKER] = ",".join(names)
        out.append(copy)
    return PublishedRows(out, layout, threshold)


def _complement(
    values: Mapping[Cell, Any], hidden: set[Cell], layout: Layout, threshold: int
) -> None:
    """Add to ``hidden`` the cells that protect it (secondary suppression), in place."""
    equalities = [
        [cell for cell, _ in relation.terms if cell in values]
        for relation in layout.relations
        if relation.equality
    ]
    relations_of: dict[Cell, list[list[Cell]]] = {}
    for relation in layout.relations:
        cells = [cell for cell, _ in relation.terms if cell in values]
        for cell in cells:
            relations_of.setdefault(cell, []).append(cells)

    def eligible(cell: Cell) -> bool:
        value = values.get(cell)
        return cell not in hidden and isinstance(value, int) and value > 0

    def cost(cell: Cell, need: float = 0) -> tuple[bool, bool, int, Cell]:
        value = int(values[cell])
        return (cell in layout.margins, value < need, value, cell)

    for _ in range(len(values) + 1):
        changed = True
        while changed:
            changed = False
            for cells in equalities:
                if sum(cell in hidden for cell in cells) == 1:
                    candidates = [cell for cell in cells if eligible(cell)]
                    if candidates:
                        hidden.add(min(candidates, key=cost))
                        changed = True
        shown = {cell: value for cell, value in values.items() if cell not in hidden}
        found = intervals(shown, hidden, layout)
        failing = sorted(cell for cell, i in found.items() if not i.protects(threshold))
        if not failing:
            return
        added = False
        for cell in failing:
            need = threshold - found[cell].values
            candidates = [c for cells in relations_of.get(cell, []) for c in cells if eligible(c)]
            if candidates:
                hidden.add(min(candidates, key=lambda c: cost(c, need)))
                added = True
                break
        if not added:
            return  # nothing left to hide: the disclosure audit reports the cell


def _shares(
    rows: Sequence[Mapping[str, Any]],
    values: Mapping[Cell, Any],
    hidden: set[Cell],
    layout: Layout,
    threshold: int,
) -> dict[Cell, Decimal]:
    """The shares to show, each as printed: as computed, or rounded to a whole percent."""
    shown_values = {cell: value for cell, value in values.items() if cell not in hidden}
    shown: dict[Cell, Decimal] = {}
    for share in layout.shares:
        value = rows[share.cell[0]].get(share.cell[1])
        if not isinstance(value, Decimal):
            continue
        if not any(cell in hidden for cell in (*share.part, *share.whole)):
            shown[share.cell] = value
            continue
        for printed in (value, value.quantize(_WHOLE, rounding=ROUND_HALF_EVEN)):
            if _still_protected(
                shown_values, hidden, layout, {**shown, share.cell: printed}, threshold
            ):
                shown[share.cell] = printed
                break
    return shown


def _still_protected(
    values: Mapping[Cell, Any],
    hidden: set[Cell],
    layout: Layout,
    shares: Mapping[Cell, Decimal],
    threshold: int,
) -> bool:
    found = intervals(values, hidden, layout, shown_shares=shares)
    return all(interval.protects(threshold) for interval in found.values())
