"""What a published table lets a reader work out: its identities and the intervals of hidden cells.

A published table is described by a :class:`Layout`: which of its cells count people, the linear
identities between them that a reader knows (a total and its parts, a margin, the month-end
stock-and-flow identity ``stock_end = stock_start + inflows − outflows``, a group never larger
than the whole), the shares shown as percentages of its counts, and the figures (medians) that
must be hidden with a count. :func:`intervals` gives, for every hidden count, the smallest and
largest value it can take given everything the table shows: a linear programme over the
identities (``scipy.optimize.linprog``, HiGHS), with each shown cell fixed to its value, each
shown share held to the band its printed digits allow, and each hidden cell at least 1 (a zero
is never hidden, so a reader knows a hidden cell is not 0). The bounds are rounded inwards to
whole numbers, since counts are whole.

A hidden cell is **protected** when the interval holds at least ``threshold`` whole values,
``upper − lower + 1 ≥ threshold`` (the disclosure threshold, 5): a reader who knows every
identity of the table cannot narrow the cell to fewer values than "under the threshold" itself
leaves open, and since a hidden cell is at least 1, the interval always reaches a value
(``threshold`` or more) that primary suppression would not hide, so the reader cannot even
tell that the cell is small. No table here; :mod:`.suppression` chooses what to hide,
:func:`audit_table` checks a published table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

__all__ = [
    "Cell",
    "CellInterval",
    "Layout",
    "Relation",
    "Share",
    "TableAudit",
    "at_most",
    "audit_table",
    "intervals",
    "total",
]

#: A cell of a table: its row's index and its column's name.
Cell = tuple[int, str]
_EPSILON = 1e-6


@attrs.frozen
class Relation:
    """A linear identity a reader knows: ``Σ coefficient × cell + constant`` is 0 (or ≤ 0)."""

    terms: tuple[tuple[Cell, int], ...]
    constant: int = 0
    equality: bool = True


def total(whole: Cell, parts: Iterable[Cell]) -> Relation:
    """``whole`` is the sum of ``parts``."""
    return Relation(((whole, 1), *((part, -1) for part in parts)))


def at_most(part: Cell, whole: Cell) -> Relation:
    """``part`` is never larger than ``whole`` (a target group within all jobseekers)."""
    return Relation(((part, 1), (whole, -1)), equality=False)


@attrs.frozen
class Share:
    """A percentage cell: 100 × Σ ``part`` / (Σ ``whole`` + ``whole_constant``)."""

    cell: Cell
    part: tuple[Cell, ...]
    whole: tuple[Cell, ...]
    whole_constant: int = 0


@attrs.frozen
class Layout:
    """What a published table shows and the identities a reader knows between its cells.

    ``margins`` are totals and stocks, the key figures: secondary suppression hides them only
    when no other cell protects. ``complements`` are whole numbers that count no people (a
    contract's seats) but bound a count: never hidden for being small, they may be hidden to
    protect one. ``follows`` maps a figure computed from counts (a median) to
    the counts it comes from: it is hidden when any of them is, or when they are too few.
    """

    counts: tuple[Cell, ...]
    relations: tuple[Relation, ...] = ()
    shares: tuple[Share, ...] = ()
    follows: Mapping[Cell, tuple[Cell, ...]] = attrs.field(factory=dict)
    margins: frozenset[Cell] = frozenset()
    complements: tuple[Cell, ...] = ()

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The counts and the complements: every cell the identities may leave unknown."""
        return (*self.counts, *self.complements)


@attrs.frozen
class CellInterval:
    """The whole values a hidden cell can take given the published table: ``lower``–``upper``
    (``upper`` is None when nothing bounds it above)."""

    cell: Cell
    lower: int
    upper: int | None

    @property
    def values(self) -> float:
        """How many whole values the cell can take, ``upper − lower + 1``; infinite when
        nothing bounds it above."""
        return math.inf if self.upper is None else self.upper - self.lower + 1

    def protects(self, threshold: int) -> bool:
        """Whether the cell can take at least ``threshold`` whole values."""
        return self.values >= threshold


@attrs.frozen
class TableAudit:
    """The disclosure audit of one published table: how many cells it hides (counts and the
    figures hidden with them) and the interval of each hidden count."""

    hidden: int
    intervals: tuple[CellInterval, ...]
    threshold: int

    @property
    def exposed(self) -> tuple[CellInterval, ...]:
        """The hidden cells that can take fewer whole values than the threshold."""
        return tuple(i for i in self.intervals if not i.protects(self.threshold))

    @property
    def passed(self) -> bool:
        """Whether every hidden cell is protected."""
        return not self.exposed

    @property
    def narrowest(self) -> float | None:
        """How many values the narrowest hidden cell can take (None when nothing is hidden)."""
        return min((i.values for i in self.intervals), default=None)


def intervals(
    values: Mapping[Cell, Any],
    hidden: Iterable[Cell],
    layout: Layout,
    *,
    shown_shares: Mapping[Cell, Decimal] | None = None,
    only: Iterable[Cell] | None = None,
) -> dict[Cell, CellInterval]:
    """The interval of every hidden count (or of those in ``only``) given the shown cells.

    ``values`` holds what the table shows for every shown cell (hidden cells' values are not
    read); ``shown_shares`` the printed value of each share whose cell is shown.
    """
    hidden_set = set(hidden)
    wanted = hidden_set if only is None else set(only) & hidden_set
    rows = _rows(values, hidden_set, layout, shown_shares or {})
    result: dict[Cell, CellInterval] = {}
    for component in _components(hidden_set, rows):
        targets = [cell for cell in component if cell in wanted]
        if targets:
            result.update(_solve(component, [r for r in rows if r[0].keys() & component], targets))
    return result


def audit_table(
    rows: Sequence[Mapping[str, Any]], layout: Layout, *, threshold: int, marker: str
) -> TableAudit:
    """Audit a published table from what it shows: the rows (hidden cells None and named in
    the ``marker`` column) and the identities of its layout."""
    named = {
        (index, name)
        for index, row in enumerate(rows)
        for name in str(row.get(marker) or "").split(",")
        if name
    }
    hidden = named & set(layout.cells)
    values = {cell: rows[cell[0]].get(cell[1]) for cell in layout.cells if cell not in hidden}
    shares = {
        share.cell: rows[share.cell[0]][share.cell[1]]
        for share in layout.shares
        if isinstance(rows[share.cell[0]].get(share.cell[1]), Decimal)
    }
    found = intervals(values, hidden, layout, shown_shares=shares)
    ordered = tuple(found[cell] for cell in sorted(found))
    return TableAudit(hidden=len(named), intervals=ordered, threshold=threshold)


# A constraint over hidden cells: coefficients by cell, the right-hand side, and whether it is
# an equality (else ≤).
_Row = tuple[dict[Cell, float], float, bool]


def _rows(
    values: Mapping[Cell, Any],
    hidden: set[Cell],
    layout: Layout,
    shares: Mapping[Cell, Decimal],
) -> list[_Row]:
    rows: list[_Row] = []
    for relation in layout.relations:
        coefficients: dict[Cell, float] = {}
        known = float(relation.constant)
        for cell, coefficient in relation.terms:
            if cell in hidden:
                coefficients[cell] = coefficients.get(cell, 0.0) + coefficient
            else:
                known += coefficient * float(values.get(cell) or 0)
        if coefficients:
            rows.append((coefficients, -known, relation.equality))
    for share in layout.shares:
        printed = shares.get(share.cell)
        if printed is None or share.cell in hidden:
            continue
        half = float(Decimal(1).scaleb(printed.as_tuple().exponent)) / 2  # type: ignore[arg-type]
        low, high = float(printed) - half - _EPSILON, float(printed) + half + _EPSILON
        part: dict[Cell, float] = {}
        whole: dict[Cell, float] = {}
        part_known = 0.0
        whole_known = float(share.whole_constant)
        for cell in share.part:
            if cell in hidden:
                part[cell] = part.get(cell, 0.0) + 100.0
            else:
                part_known += 100.0 * float(values.get(cell) or 0)
        for cell in share.whole:
            if cell in hidden:
                whole[cell] = whole.get(cell, 0.0) + 1.0
            else:
                whole_known += float(values.get(cell) or 0)
        if not part and not whole:
            continue
        # low × whole ≤ 100 × part ≤ high × whole, with the shown cells moved to the right.
        upper = {c: part.get(c, 0.0) - high * whole.get(c, 0.0) for c in part.keys() | whole}
        lower = {c: low * whole.get(c, 0.0) - part.get(c, 0.0) for c in part.keys() | whole}
        rows.append((upper, high * whole_known - part_known, False))
        rows.append((lower, part_known - low * whole_known, False))
    return rows


def _components(hidden: set[Cell], rows: list[_Row]) -> list[set[Cell]]:
    """The hidden cells grouped by the constraints that link them (each solved on its own)."""
    parent = {cell: cell for cell in hidden}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for coefficients, _, _ in rows:
        cells = list(coefficients)
        for other in cells[1:]:
            parent[root(other)] = root(cells[0])
    groups: dict[Cell, set[Cell]] = {}
    for cell in hidden:
        groups.setdefault(root(cell), set()).add(cell)
    return list(groups.values())


def _solve(component: set[Cell], rows: list[_Row], targets: list[Cell]) -> dict[Cell, CellInterval]:
    from scipy.optimize import linprog  # imported here: only auditing and publishing need it

    cells = sorted(component)
    index = {cell: i for i, cell in enumerate(cells)}
    a_eq: list[list[float]] = []
    a_ub: list[list[float]] = []
    b_eq: list[float] = []
    b_ub: list[float] = []
    for coefficients, right, equality in rows:
        line = [0.0] * len(cells)
        for cell, coefficient in coefficients.items():
            line[index[cell]] = coefficient
        (a_eq if equality else a_ub).append(line)
        (b_eq if equality else b_ub).append(right)
    problem = {
        "A_ub": a_ub or None,
        "b_ub": b_ub or None,
        "A_eq": a_eq or None,
        "b_eq": b_eq or None,
        "bounds": [(1, None)] * len(cells),
    }
    result = {}
    for cell in targets:
        objective = [0.0] * len(cells)
        objective[index[cell]] = 1.0
        lowest = linprog(objective, method="highs", **problem)
        if lowest.status != 0:
            raise ValueError(
                f"the published table's identities have no solution ({lowest.message});"
                " its layout does not describe it"
            )
        objective[index[cell]] = -1.0
        highest = linprog(objective, method="highs", **problem)
        if highest.status == 2:
            # HiGHS's presolve may call an unbounded problem infeasible; the minimum above
            # proves it feasible, so ask again without presolve.
            highest = linprog(objective, method="highs", options={"presolve": False}, **problem)
        if highest.status not in (0, 2, 3):
            raise ValueError(f"the disclosure audit's linear programme failed: {highest.message}")
        lower = max(1, math.ceil(lowest.fun - _EPSILON))
        upper = math.floor(-highest.fun + _EPSILON) if highest.status == 0 else None
        result[cell] = CellInterval(cell, lower, upper)
    return result
