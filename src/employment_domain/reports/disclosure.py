"""The disclosure audit: every published report of a store checked for hidden cells a reader could
work out again.

:func:`audit_disclosure` reads each report in its published form (every breakdown) and, for each,
computes the interval of every hidden count from what that table shows (its totals, margins,
shares and the stock-and-flow identity; :func:`employment_domain.projections.disclosure.intervals`).
A report passes when every hidden count can take at least the disclosure threshold's number of
whole values. The command line runs it as ``employment-area audit disclosure``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from employment_domain.reports.read import Notes, _reading, built_read_model, report_options

if TYPE_CHECKING:
    from employment_domain.projections.disclosure import CellInterval

__all__ = ["PUBLISHED_FORMS", "DisclosureAudit", "ReportDisclosure", "audit_disclosure"]

#: Every published table: each report by its stable name, with each of its breakdowns.
PUBLISHED_FORMS: tuple[tuple[str, str | None], ...] = (
    ("cost-split", None),
    ("budget", "month"),
    ("budget", "year"),
    ("caseload", None),
    ("caseload-groups", None),
    ("routing", "rule"),
    ("routing", "production"),
    ("deadlines", None),
    ("outcomes", None),
    ("procurement", None),
    ("structural-change", "case"),
    ("structural-change", "service"),
    ("partners", None),
)


@attrs.frozen
class ReportDisclosure:
    """One published table's audit: its size, how many cells it hides, and every hidden count
    that can take fewer whole values than the threshold (``exposed``; none when it passes)."""

    name: str
    by: str | None
    rows: int
    cells: int
    suppressed: int
    threshold: int
    narrowest: float | None
    exposed: tuple[CellInterval, ...]

    @property
    def passed(self) -> bool:
        """Whether every hidden count of the table is protected."""
        return not self.exposed

    def as_row(self) -> dict[str, Any]:
        """The audit of the table as a report row."""
        narrowest = self.narrowest
        return {
            "report": self.name if self.by is None else f"{self.name} --by {self.by}",
            "rows": self.rows,
            "cells": self.cells,
            "suppressed_cells": self.suppressed,
            "threshold": self.threshold,
            "narrowest": None
            if narrowest is None
            else ("unbounded" if narrowest == float("inf") else int(narrowest)),
            "exposed": len(self.exposed),
            "passed": self.passed,
        }


@attrs.frozen
class DisclosureAudit:
    """The disclosure audit of every published report, and the moment of history it read."""

    reports: tuple[ReportDisclosure, ...]
    moment: str

    @property
    def passed(self) -> bool:
        """Whether every published report passed."""
        return all(report.passed for report in self.reports)


def audit_disclosure(
    db: str | None,
    *,
    year: int | None = None,
    through: date | None = None,
    read_model: str | None = None,
    scratch: bool = False,
    notes: Notes | None = None,
) -> DisclosureAudit:
    """Audit the published form of every report (``PUBLISHED_FORMS``) of the store ``db``, for
    ``year`` and up to the business date ``through`` when given."""
    from employment_domain.projections import projection_named as named
    from employment_domain.projections.disclosure import audit_table
    from employment_domain.projections.suppression import MARKER, PublishedRows

    results = []
    with _reading(db) as app:
        model, position = built_read_model(
            app, None, db=db, url=read_model, scratch=scratch, notes=notes
        )
        try:
            for name, by in PUBLISHED_FORMS:
                projection = named(name)
                options = report_options(
                    projection, year=year, through=through, published=True, by=by
                )
                rows = model.report(projection, **options)
                if not isinstance(rows, PublishedRows):
                    raise TypeError(f"the {name} report gave no published form")
                audit = audit_table(rows, rows.layout, threshold=rows.threshold, marker=MARKER)
                results.append(
                    ReportDisclosure(
                        name=name,
                        by=by,
                        rows=len(rows),
                        cells=sum(len(row) - 1 for row in rows),
                        suppressed=audit.hidden,
                        threshold=rows.threshold,
                        narrowest=audit.narrowest,
                        exposed=audit.exposed,
                    )
                )
        finally:
            model.close()
    return DisclosureAudit(tuple(results), f"as known at position {position}")
