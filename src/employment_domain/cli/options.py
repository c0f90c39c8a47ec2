"""The options every subcommand shares (store, format, language, dates), and printing rows.

Kept in one place so that ``--db``, ``--format`` and ``--lang`` read and behave alike in every
command, and every table goes through :func:`employment_domain.tabulate.render`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from employment_domain.store.persistence import DEFAULT_DB_PATH
from employment_domain.tabulate import FORMATS, LANGUAGES, render

__all__ = [
    "UsageError",
    "add_db_option",
    "add_format_option",
    "add_lang_option",
    "add_read_model_option",
    "business_date",
    "client_id",
    "known_at",
    "print_rows",
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
    """``--lang``: English or Finnish labels."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="labels in English or Finnish, with the official Finnish names of services and"
        " municipalities (default: en)",
    )


def business_date(text: str) -> date:
    """An ISO business date from the command line; argparse turns the error into exit 2."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD, not {text!r}") from None


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
