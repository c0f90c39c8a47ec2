"""``audit disclosure``: the disclosure audit of every published report, with its suppressed cells.

Prints one row per published table (each report and breakdown): its rows and cells, how many
cells its published form suppresses, the threshold, how many whole values the narrowest hidden
count can still take, and how many hidden counts a reader could narrow below the threshold.
Exit 1 when any table has one (:func:`employment_domain.reports.disclosure.audit_disclosure`).
"""

from __future__ import annotations

import argparse
import sys

from employment_domain.cli.options import (
    Subparsers,
    add_db_option,
    add_format_option,
    add_read_model_option,
    business_date,
    calendar_year,
    print_rows,
)
from employment_domain.reports.disclosure import audit_disclosure

__all__ = ["add_actions"]


def add_actions(actions: Subparsers) -> None:
    """The ``disclosure`` action of ``audit``."""
    parser = actions.add_parser(
        "disclosure",
        help="check that no published report lets a reader work out a suppressed count",
        description="For every published report (each breakdown), compute the interval of each"
        " suppressed count from what the table shows (its totals, margins, shares and the"
        " month-end stock-and-flow identity) by linear programming, and print the suppressed"
        " cells per report. A report passes when every suppressed count can take at least"
        " as many whole values as the disclosure threshold (5). Exit 1 if any report fails."
        " The store is opened read-only.",
    )
    add_db_option(parser)
    parser.add_argument("--year", type=calendar_year, default=None, help="only this year's rows")
    parser.add_argument(
        "--as-of-date",
        type=business_date,
        default=None,
        metavar="DATE",
        help="the reports as of this business date",
    )
    add_read_model_option(parser)
    parser.add_argument(
        "--scratch", action="store_true", help="build the reports from zero in memory"
    )
    add_format_option(parser)
    parser.set_defaults(run=_run, parser=parser)


def _run(arguments: argparse.Namespace) -> int:
    def note(text: str) -> None:
        print(f"employment-area: note: {text}", file=sys.stderr)

    audit = audit_disclosure(
        arguments.db,
        year=arguments.year,
        through=arguments.as_of_date,
        read_model=arguments.read_model,
        scratch=arguments.scratch,
        notes=note,
    )
    title = f"Disclosure audit of the published reports, {audit.moment}"
    print_rows([report.as_row() for report in audit.reports], arguments.format, title=title)
    failed = [report for report in audit.reports if not report.passed]
    for report in failed:
        for interval in report.exposed:
            row, column = interval.cell
            print(
                f"employment-area: {report.name}: row {row + 1} {column} can be narrowed to"
                f" {interval.lower}–{interval.upper}",
                file=sys.stderr,
            )
    return 1 if failed else 0
