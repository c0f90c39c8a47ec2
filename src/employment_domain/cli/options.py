"""The options every subcommand shares (store, format, language, dates), and printing rows.

Kept in one place so that ``--db``, ``--format`` and ``--lang`` read and behave alike in every
command, and every table goes through :func:`employment_domain.tabulate.render`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from employment_domain.store.persistence import DEFAULT_DB_PATH, describe_store
from employment_domain.tabulate import FORMATS, LANGUAGES, render

__all__ = [
    "UsageError",
    "add_db_option",
    "add_format_option",
    "add_lang_option",
    "add_read_model_option",
    "business_date",
    "calendar_year",
    "client_id",
    "known_at",
    "print_rows",
    "read_model_url",
]

#: The type of ``argparse``'s sub-parser collection, which it does not export.
Subparsers = Any


class UsageError(Exception):
    """The arguments parse, but together they ask for something the command cannot do; exit
    code 2 like argparse's own usage errors."""


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """``--db``: where the history lives."""
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH|URL",
        help="SQLite file path or PostgreSQL URL"
        f" (default: $EMPLOYMENT_AREA_DB, else {DEFAULT_DB_PATH})",
    )


def add_read_model_option(parser: argparse.ArgumentParser) -> None:
    """``--read-model``: where the projections' tables live."""
    parser.add_argument(
        "--read-model",
        type=read_model_url,
        default=None,
        metavar="URL",
        help="SQLAlchemy URL of the read-model database (default: beside the store:"
        " area.readmodel.db for area.db, the same database for PostgreSQL)",
    )


def add_format_option(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    """``--format``: a terminal table, CSV or JSON."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output format (default: {formats[0]}); JSON keeps English keys and exact amounts",
    )


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang``: the stable English names, or Finnish or Swedish labels."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="en: the stable English column names and codes; fi or sv: Finnish or Swedish"
        " labels with the official names of services, offices, municipalities and industries,"
        " and numbers and dates as the language writes them (default: en)",
    )


def business_date(text: str) -> date:
    """An ISO business date from the command line; argparse turns the error into exit 2."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD, not {text!r}") from None


def calendar_year(text: str) -> int:
    """A calendar year from the command line: one that a date can have, so that a report asked
    for year 0 or 10**20 is a usage error rather than a date library's overflow."""
    try:
        number = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"a year is a whole number, not {text!r}") from None
    if not MINYEAR <= number <= MAXYEAR:
        raise argparse.ArgumentTypeError(
            f"a year is from {MINYEAR} to {MAXYEAR}, not {text.strip()!r}"
        )
    return number


def read_model_url(text: str) -> str:
    """``--read-model``: a SQLAlchemy URL whose database driver is installed, checked when the
    arguments are read, so that a malformed URL or a driver this installation lacks is a usage
    error instead of an import error deep inside the read model."""
    try:
        text.encode("utf-8")
        url = make_url(text)
        if url.drivername in ("postgresql", "postgres"):  # as the read model itself reads them
            url = url.set(drivername="postgresql+psycopg")
        dialect = url.get_dialect()
        dialect.import_dbapi()
        if dialect.is_async:
            raise ArgumentError(f"{url.drivername} is an asynchronous driver")
    except (ArgumentError, ImportError, ValueError) as error:
        reason = "not UTF-8 text" if isinstance(error, UnicodeError) else str(error)
        raise argparse.ArgumentTypeError(
            f"--read-model takes a SQLAlchemy URL like sqlite:///rm.db or"
            f" postgresql://user:password@host/db, not {describe_store(text)!r} ({reason})"
        ) from None
    return text


def client_id(text: str) -> UUID:
    """A client's UUID from the command line."""
    try:
        return UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a client id is a UUID, not {text!r}") from None


def known_at(text: str) -> int | datetime:
    """``--as-known-at``: a notification position (a whole number) or an ISO 8601 time.

    A time without a timezone is read as UTC, the time zone in which the store records.
    """
    stripped = text.strip()
    if stripped.isdigit():
        return int(stripped)
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--as-known-at takes a position (like 1200) or a time (like 2025-06-30T12:00:00Z),"
            f" not {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def print_rows(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    lang: str = "en",
    title: str | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print rows in the chosen format; tables get their title, CSV and JSON stay bare."""
    text = render(rows, fmt, lang=lang, title=title if fmt == "table" else None, columns=columns)
    sys.stdout.write(text + "\n")
