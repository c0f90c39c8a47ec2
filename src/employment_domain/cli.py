"""The ``employment-area`` command: run the employment area and read its history from a shell.

Exit codes: 0 success, 1 a domain refusal or a failed check (one line on standard error, no
traceback), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from employment_domain.application import EmploymentArea
from employment_domain.errors import EmploymentDomainError
from employment_domain.persistence import DEFAULT_DB_PATH

__all__ = ["main"]


def _example(arguments: argparse.Namespace) -> int:
    """Register three jobseekers of the area and show what the store gives back."""
    area = EmploymentArea(arguments.db)
    registered = [
        area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(1996, 4, 2)),
        area.start_job_search(
            on=date(2025, 1, 3), municipality="235", birth_date=date(1971, 9, 30)
        ),
        area.start_job_search(
            on=date(2025, 1, 7), municipality="049", birth_date=date(1988, 2, 14)
        ),
    ]
    print(f"store: {area.store_description}")
    for client_id in registered:
        state = area.client_state(client_id)
        municipality = area.get_client(client_id).municipality
        print(
            f"client {state['id']}  job search from {state['job_search_started_on']}"
            f"  {municipality.name_fi} ({municipality.code})  version {state['version']}"
        )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="employment-area",
        description="The Espoo–Kauniainen employment area as an event-sourced library.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    example = commands.add_parser(
        "example", help="register three jobseekers and read them back from the store"
    )
    example.add_argument(
        "--db",
        default=None,
        help="SQLite file path or PostgreSQL URL"
        f" (default: $EMPLOYMENT_AREA_DB or {DEFAULT_DB_PATH})",
    )
    example.set_defaults(run=_example)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = _parser().parse_args(argv)
    try:
        result: int = arguments.run(arguments)
    except EmploymentDomainError as error:
        print(f"employment-area: {error}".splitlines()[0], file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
