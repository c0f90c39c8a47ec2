"""The ``report`` command: any report of the area by its stable name, now or as known then.

This module only parses the arguments and prints: the report is read through the one read
path, :func:`employment_domain.reports.read.read_report` (the annual report through
:func:`~employment_domain.reports.read.read_annual_report`), which opens the store read-only,
catches the read model up or builds it in a scratch database, and selects the rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from employment_domain.cli.options import (
    Subparsers,
    UsageError,
    add_db_option,
    add_lang_option,
    add_read_model_option,
    business_date,
    calendar_year,
    known_at,
    print_rows,
)
from employment_domain.i18n import language
from employment_domain.reports.read import (
    STABLE_REPORT_NAMES,
    Report,
    ReportOptionError,
    ReportRequest,
    read_annual_report,
    read_report,
)
from employment_domain.tabulate import CSV_DIALECTS, FORMATS, render, render_xlsx

__all__ = ["ANNUAL", "add_parser", "print_note", "run_annual"]

#: The name of the annual report, which is not one projection's report but all of them in HTML.
ANNUAL = "annual"
#: The spreadsheet format: bytes, so written to a file or a pipe, never to a terminal.
XLSX = "xlsx"


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
        choices=(*FORMATS, XLSX, "html"),
        default=None,
        help="table, csv, json or xlsx (default: table; JSON keeps English keys and exact"
        " amounts; xlsx is a spreadsheet with typed cells, written with --out FILE or to a"
        " pipe); html for the annual report",
    )
    parser.add_argument(
        "--csv-dialect",
        choices=CSV_DIALECTS,
        default="standard",
        help="standard: comma-separated, decimal point; excel-fi: semicolon-separated, decimal"
        " comma and a UTF-8 byte-order mark, as Excel with Finnish settings opens it"
        " (default: standard)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write to FILE, not to the screen"
    )
    add_lang_option(parser)
    parser.add_argument("--year", type=calendar_year, default=None, help="only this year's rows")
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
        "--unsuppressed",
        action="store_true",
        help="the internal form with every small count shown (not for publication; says so on"
        " standard error); without it every format is the published form, with small counts"
        " and the cells that would reveal them suppressed and shown as '..'",
    )
    parser.add_argument("--published", action="store_true", help=argparse.SUPPRESS)
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
        return run_annual(arguments)
    if arguments.format == "html":
        raise UsageError(f"--format html is for the annual report, not {arguments.name!r}")
    if arguments.csv_dialect != "standard" and arguments.format != "csv":
        raise UsageError("--csv-dialect is for --format csv")
    if arguments.format == XLSX and arguments.out is None and sys.stdout.isatty():
        raise UsageError(
            "an xlsx spreadsheet is binary, not for a terminal: give --out FILE"
            " (or redirect standard output to a file)"
        )
    request = ReportRequest(
        name=arguments.name,
        year=arguments.year,
        through=arguments.as_of_date,
        known_at=arguments.as_known_at,
        published=not arguments.unsuppressed,
        by=arguments.by,
    )
    if arguments.unsuppressed:
        if arguments.published:
            raise UsageError("--unsuppressed and --published contradict each other")
        print(
            "employment-area: warning: unsuppressed form: counts under the disclosure threshold"
            " are shown; do not publish it",
            file=sys.stderr,
        )
    try:
        report = read_report(
            arguments.db,
            request,
            read_model=arguments.read_model,
            scratch=arguments.scratch,
            notes=print_note,
        )
    except ReportOptionError as error:
        message = str(error)
        if message.startswith("unknown report"):
            message = f"{message}, {ANNUAL}"
        raise UsageError(message) from error
    if not report.rows:
        print_note(f"the {arguments.name} report has no rows for {_selection(arguments)}")
    fmt, title = arguments.format or "table", _title(arguments, report)
    if fmt == XLSX:
        data = render_xlsx(
            report.rows,
            lang=arguments.lang,
            title=title,
            sheet=arguments.name,
            columns=report.columns(fmt),
        )
        if arguments.out is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            arguments.out.write_bytes(data)
        return 0
    if fmt == "csv":
        end = "\r\n" if arguments.csv_dialect == "excel-fi" else "\n"
        text = render(
            report.rows,
            fmt,
            lang=arguments.lang,
            dialect=arguments.csv_dialect,
            columns=report.columns(fmt),
        )
        text += end
        if arguments.out is None:
            sys.stdout.write(text)
        else:
            arguments.out.write_bytes(text.encode("utf-8"))
        return 0
    if arguments.out is None:
        print_rows(report.rows, fmt, lang=arguments.lang, title=title, columns=report.columns(fmt))
    else:
        text = render(
            report.rows,
            fmt,
            lang=arguments.lang,
            title=title if fmt == "table" else None,
            columns=report.columns(fmt),
        )
        arguments.out.write_text(text + "\n", encoding="utf-8")
    return 0


def run_annual(arguments: argparse.Namespace) -> int:
    """``report annual``: the annual report as one HTML page, to ``--out`` or standard output."""
    if arguments.format not in (None, "html"):
        raise UsageError("the annual report is an HTML page: --format html")
    for given, option in (
        (arguments.as_of_date, "--as-of-date"),
        (arguments.by, "--by"),
        (arguments.published or None, "--published"),
        (arguments.unsuppressed or None, "--unsuppressed"),
    ):
        if given is not None:
            raise UsageError(f"the annual report takes no {option} (it is the published form)")
    if arguments.out is None and sys.stdout.isatty():
        raise UsageError(
            "the annual report is an HTML page, not for a terminal: give --out FILE"
            " (or redirect standard output to a file)"
        )
    year, html = read_annual_report(
        arguments.db,
        year=arguments.year,
        lang=arguments.lang,
        known_at=arguments.as_known_at,
        read_model=arguments.read_model,
        scratch=arguments.scratch,
        notes=print_note,
    )
    if arguments.out is None:
        sys.stdout.write(html)
        return 0
    arguments.out.write_text(html, encoding="utf-8")
    print(f"annual report {year} written to {arguments.out}")
    return 0


def print_note(note: str) -> None:
    """A reader's note, on standard error as the command line's notes are."""
    print(f"employment-area: note: {note}", file=sys.stderr)


def _selection(arguments: argparse.Namespace) -> str:
    """The options that selected the rows, for the note that none were found."""
    parts = []
    if arguments.year is not None:
        parts.append(f"year {arguments.year}")
    if arguments.as_of_date is not None:
        parts.append(f"as of {arguments.as_of_date}")
    if arguments.as_known_at is not None:
        parts.append(f"as known at {arguments.as_known_at}")
    if arguments.by is not None:
        parts.append(f"by {arguments.by}")
    return ", ".join(parts) or "this store (it holds nothing the report counts)"


def _title(arguments: argparse.Namespace, report: Report) -> str:
    """The report's title in ``--lang``: its name, the selection and the moment it holds."""
    words = language(arguments.lang)
    name = arguments.name
    parts = [words.text("title", "report", name=name, label=words.report(name))]
    if arguments.year is not None:
        parts.append(words.text("title", "year", year=arguments.year))
    if arguments.as_of_date is not None:
        parts.append(words.text("title", "as_of", date=words.date(arguments.as_of_date)))
    parts.append(words.text("title", "unsuppressed" if arguments.unsuppressed else "published"))
    known_at = arguments.as_known_at
    if arguments.lang == "en":
        moment = report.moment
    elif known_at is not None and not isinstance(known_at, int):
        moment = words.text("title", "known_at_time", time=known_at.isoformat())
    else:
        moment = words.text("title", "known_at_position", position=report.position)
    return ", ".join([*parts, moment])
