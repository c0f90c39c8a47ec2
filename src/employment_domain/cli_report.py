"""The ``report`` command: any report of the area by its stable name, now or as known then.

The event store is opened read-only (:func:`~employment_domain.readonly.open_for_audit`): a
report never writes to the history. Before reading, the report's projection is caught up in
the read-model database (see :mod:`employment_domain.cli_stores` for where that lives and when
a scratch database is used instead). ``--as-known-at`` always builds into a scratch database
from zero up to that position, since a read model's position never moves back.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from employment_domain.cli_options import (
    Subparsers,
    UsageError,
    add_db_option,
    add_lang_option,
    add_read_model_option,
    business_date,
    known_at,
    print_rows,
)
from employment_domain.cli_stores import (
    SCRATCH_READ_MODEL,
    CommandRefusedError,
    catch_up,
    check_read_model_matches,
    open_reading,
    read_model_for,
    read_model_is_writable,
)
from employment_domain.errors import StoreError
from employment_domain.tabulate import FORMATS, render

if TYPE_CHECKING:
    from employment_domain.application import EmploymentArea
    from employment_domain.projections import Projection, ReadModel

__all__ = [
    "ANNUAL",
    "STABLE_REPORT_NAMES",
    "add_parser",
    "available_reports",
    "built_read_model",
    "in_year",
    "report_options",
    "report_rows",
]

#: The name of the annual report, which is not one projection's report but all of them in HTML.
ANNUAL = "annual"
#: The reports' stable names, which other systems may rely on (issue 6); the ones this version
#: can build are those of the projections registry (:func:`available_reports`).
STABLE_REPORT_NAMES = (
    "cost-split",
    "budget",
    "caseload",
    "routing",
    "deadlines",
    "outcomes",
    "procurement",
    "structural-change",
)


_DESCRIPTION = f"""\
Print one report of the area. The reports, by their stable names:

  {", ".join(STABLE_REPORT_NAMES)}

(this version builds those of the projections registry: 'report NAME' with an unknown name
lists them), and 'annual': the annual report as one self-contained HTML page with charts
(report annual --format html --out FILE; --year defaults to the latest ledger year).

The event store is opened read-only; the report's projection is first caught up in the
read-model database beside the store (area.readmodel.db for area.db, the store's own
database for PostgreSQL) or the one --read-model names. When that database cannot be written,
or with --scratch, the report is built from zero in memory and nothing is written anywhere.
--as-known-at always builds in memory, from the first event up to that moment.
"""


def available_reports() -> list[str]:
    """The names of the reports this version can build, from the projections registry."""
    from employment_domain.projections import all_projections

    return [projection.name for projection in all_projections()]


def add_parser(commands: Subparsers) -> None:
    """``report NAME``: one report as a table, CSV or JSON."""
    parser = commands.add_parser(
        "report",
        help="print a report: " + ", ".join([*STABLE_REPORT_NAMES, ANNUAL]),
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", metavar="NAME", help="the report's stable name")
    add_db_option(parser)
    parser.add_argument(
        "--format",
        choices=(*FORMATS, "html"),
        default=None,
        help="table, csv or json (default: table; JSON keeps English keys and exact amounts);"
        " html for the annual report",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write to FILE, not to the screen"
    )
    add_lang_option(parser)
    parser.add_argument("--year", type=int, default=None, help="only this year's rows")
    parser.add_argument(
        "--as-of-date",
        type=business_date,
        default=None,
        metavar="DATE",
        help="the report as of this business date: events dated later are left out",
    )
    parser.add_argument(
        "--as-known-at",
        type=known_at,
        default=None,
        metavar="POSITION|TIME",
        help="the report as the store knew it then: a notification position, or an ISO time"
        " (UTC unless it says otherwise); built in a scratch database",
    )
    parser.add_argument(
        "--published",
        action="store_true",
        help="the published form: counts under 5 in a cell suppressed and marked",
    )
    parser.add_argument(
        "--by",
        default=None,
        metavar="BREAKDOWN",
        help="the report's breakdown, for reports that have several (e.g. budget by month)",
    )
    add_read_model_option(parser)
    parser.add_argument(
        "--scratch",
        action="store_true",
        help="build the report from zero in memory; write no read model",
    )
    parser.set_defaults(run=_run, parser=parser)


def _run(arguments: argparse.Namespace) -> int:
    if arguments.name == ANNUAL:
        from employment_domain.cli_annual import run_annual

        return run_annual(arguments)
    if arguments.format == "html":
        raise UsageError(f"--format html is for the annual report, not {arguments.name!r}")
    names = available_reports()
    if arguments.name not in names:
        later = " (not built by this version yet)" if arguments.name in STABLE_REPORT_NAMES else ""
        raise UsageError(
            f"unknown report {arguments.name!r}{later}; the reports are"
            f" {', '.join([*names, ANNUAL])}"
        )
    from employment_domain.audit import report_as_known
    from employment_domain.projections import projection_named

    projection = projection_named(arguments.name)
    options = report_options(
        projection,
        year=arguments.year,
        through=arguments.as_of_date,
        published=arguments.published,
        by=arguments.by,
    )
    when = arguments.as_known_at
    app = open_reading(arguments.db)
    try:
        if when is None:
            read_model, position = built_read_model(app, [projection], arguments)
            try:
                rows = read_model.report(projection, **options)
            finally:
                read_model.close()
            moment = f"as known at position {position}"
        else:
            at = None if isinstance(when, int) else when
            stop = when if isinstance(when, int) else None
            rows = report_as_known(app, projection.name, position=stop, at=at, **options)
            moment = f"as known at position {when}" if at is None else f"as known at {at}"
    finally:
        app.close()
    rows = in_year(rows, projection, arguments.year)
    fmt, title = arguments.format or "table", _title(arguments, moment)
    if arguments.out is None:
        print_rows(rows, fmt, lang=arguments.lang, title=title)
    else:
        text = render(rows, fmt, lang=arguments.lang, title=title if fmt == "table" else None)
        arguments.out.write_text(text + "\n", encoding="utf-8")
    return 0


def built_read_model(
    app: EmploymentArea, projections: list[Projection] | None, arguments: argparse.Namespace
) -> tuple[ReadModel, int]:
    """The read model holding ``projections`` (default: all) caught up, and the position it is
    built to: the store's own read model when it can be written, else a scratch database in
    memory."""
    from employment_domain.projections import ProjectionConflictError, ReadModel

    read_model = read_model_for(arguments.db, arguments.read_model)
    if not arguments.scratch and read_model_is_writable(read_model):
        try:
            check_read_model_matches(app, read_model)
            return read_model, catch_up(app, read_model, projections).position
        except (StoreError, ProjectionConflictError) as error:
            # The read model cannot be written now (refused, locked, another runner in it).
            print(f"employment-area: note: {error}; building in memory", file=sys.stderr)
    elif not arguments.scratch:
        print(
            f"employment-area: note: the read model {read_model.description} cannot be"
            " written; building the report in memory",
            file=sys.stderr,
        )
    read_model.close()
    scratch = ReadModel(SCRATCH_READ_MODEL)
    return scratch, catch_up(app, scratch, projections).position


def report_options(
    projection: Projection,
    *,
    year: int | None = None,
    through: date | None = None,
    published: bool = False,
    by: str | None = None,
) -> dict[str, Any]:
    """The options to hand to the projection's report function, which takes those it declares.

    A report that cannot be cut at a business date is refused rather than shown uncut, and so
    is a published form or a breakdown the report does not have; a report without ``year`` is
    cut to the year afterwards by :func:`in_year`.
    """
    accepted = _declared_options(projection)
    options: dict[str, Any] = {}
    if through is not None:
        if "through" not in accepted:
            raise CommandRefusedError(
                f"the {projection.name} report cannot be cut at a business date"
            )
        options["through"] = through
    if published:
        if "published" not in accepted:
            raise UsageError(f"the {projection.name} report has no published form (--published)")
        options["published"] = True
    if by is not None:
        if "by" not in accepted:
            raise UsageError(f"the {projection.name} report has no breakdowns (--by)")
        options["by"] = by
    if year is not None and "year" in accepted:
        options["year"] = year
    return options


def in_year(
    rows: list[dict[str, Any]], projection: Projection, year: int | None
) -> list[dict[str, Any]]:
    """The rows of ``year`` when the report could not be asked for it (by its ``year``,
    ``month`` or ``day`` column); all rows otherwise."""
    if year is None or "year" in _declared_options(projection):
        return rows
    return [row for row in rows if _in_year(row, year)]


def report_rows(
    read_model: ReadModel,
    projection: Projection,
    *,
    year: int | None = None,
    through: date | None = None,
) -> list[dict[str, Any]]:
    """The report's rows from ``read_model``, for ``year`` and up to the business date
    ``through`` when given."""
    options = report_options(projection, year=year, through=through)
    return in_year(read_model.report(projection, **options), projection, year)


def _declared_options(projection: Projection) -> set[str]:
    parameters = inspect.signature(type(projection).report).parameters.values()
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {p.name for p in parameters if p.kind in kinds and p.name != "connection"}


def _in_year(row: Mapping[str, Any], year: int) -> bool:
    if "year" in row:
        return str(row["year"]) == str(year)
    for column in ("month", "day", "date"):
        if column in row:
            return str(row[column]).startswith(f"{year:04d}")
    return True


def _title(arguments: argparse.Namespace, moment: str) -> str:
    parts = [f"Report {arguments.name}"]
    if arguments.year is not None:
        parts.append(f"year {arguments.year}")
    if arguments.as_of_date is not None:
        parts.append(f"as of {arguments.as_of_date}")
    if arguments.published:
        parts.append("published form (counts under 5 suppressed)")
    return ", ".join([*parts, moment])
