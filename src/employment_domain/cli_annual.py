"""``report annual``: the annual report as one self-contained HTML page, with the latest anchor.

Every projection is caught up first (the annual report reads all their tables) in the same
read-model database as any report, or built in memory up to ``--as-known-at``; the page itself
is rendered by :func:`employment_domain.projections.annual.render_annual_report`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from employment_domain.cli_options import UsageError
from employment_domain.cli_report import built_read_model, report_rows
from employment_domain.cli_stores import (
    SCRATCH_READ_MODEL,
    CommandRefusedError,
    catch_up,
    open_reading,
)

if TYPE_CHECKING:
    from employment_domain.projections import ReadModel

__all__ = ["run_annual"]


def run_annual(arguments: argparse.Namespace) -> int:
    """Render the annual report to ``--out`` (or standard output)."""
    from employment_domain.integrity import latest_anchor
    from employment_domain.projections import ReadModel
    from employment_domain.projections.annual import render_annual_report

    if arguments.format not in (None, "html"):
        raise UsageError("the annual report is an HTML page: --format html")
    for given, option in (
        (arguments.as_of_date, "--as-of-date"),
        (arguments.by, "--by"),
        (arguments.published or None, "--published"),
    ):
        if given is not None:
            raise UsageError(f"the annual report takes no {option} (it is the published form)")
    app = open_reading(arguments.db)
    try:
        when = arguments.as_known_at
        if when is None:
            read_model, _ = built_read_model(app, None, arguments)
        else:
            from employment_domain.projections import position_known_at

            stop = when if isinstance(when, int) else position_known_at(app, when)
            read_model = ReadModel(SCRATCH_READ_MODEL)
            catch_up(app, read_model, stop=stop)
        anchor = latest_anchor(app)
        try:
            year = arguments.year if arguments.year is not None else _latest_year(read_model)
            html = render_annual_report(
                read_model,
                year=year,
                anchor=None if anchor is None else str(anchor),
                lang=arguments.lang,
            )
        finally:
            read_model.close()
    finally:
        app.close()
    if arguments.out is None:
        sys.stdout.write(html)
        return 0
    arguments.out.write_text(html, encoding="utf-8")
    print(f"annual report {year} written to {arguments.out}")
    return 0


def _latest_year(read_model: ReadModel) -> int:
    """The latest year with a ledger, which an annual report is most likely asked for."""
    from employment_domain.projections import projection_named

    years = [row["year"] for row in report_rows(read_model, projection_named("cost-split"))]
    if not years:
        raise CommandRefusedError("the store has no ledger year to report on; give --year")
    return int(max(years))
