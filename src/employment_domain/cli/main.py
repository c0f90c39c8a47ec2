"""The ``employment-area`` command: run the employment area and read its history from a shell.

Exit codes: 0 success, 1 a domain refusal or a failed check (one line on standard error, no
traceback), 2 a usage error, 130 interrupted. Each group of subcommands lives in its own
``cli_<group>`` module; this one builds the parser and turns expected errors into exit codes.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from employment_domain.area import EmploymentArea
from employment_domain.cli import allocate as cli_allocate
from employment_domain.cli import audit as cli_audit
from employment_domain.cli import demo as cli_demo
from employment_domain.cli import projections as cli_projections
from employment_domain.cli import report as cli_report
from employment_domain.cli import rules as cli_rules
from employment_domain.cli import store as cli_store
from employment_domain.cli.options import UsageError, add_db_option
from employment_domain.errors import EmploymentDomainError

__all__ = ["build_parser", "main"]

_PROG = "employment-area"
_EPILOG = """\
exit codes: 0 success, 1 a refusal or a failed check (one line on standard error),
2 a usage error, 130 interrupted.

Every command takes --db: a SQLite file path or a PostgreSQL URL (default: $EMPLOYMENT_AREA_DB,
else employment-area.db in the working directory). Only 'demo' creates a store; the other
commands refuse a path where there is none. Start with:

  employment-area demo --scale 0.05
  employment-area report caseload --lang fi
"""


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


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every subcommand with its options and help."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="The Espoo–Kauniainen employment area as an event-sourced library:"
        " simulate a year, read its reports, test rule changes and audit the history.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli_demo.add_parser(commands)
    cli_report.add_parser(commands)
    cli_rules.add_parser(commands)
    cli_audit.add_parser(commands)
    cli_allocate.add_parser(commands)
    cli_projections.add_parser(commands)
    cli_store.add_parser(commands)
    example = commands.add_parser(
        "example",
        help="register three jobseekers and read them back from the store",
        description="Register three jobseekers and read them back: a smoke test of a store.",
    )
    add_db_option(example)
    example.set_defaults(run=_example)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); returns the exit
    code instead of exiting, so that other programs and tests can call it in-process."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed by argparse
        return stop.code if isinstance(stop.code, int) else 2
    try:
        result: int = arguments.run(arguments)
    except UsageError as error:
        arguments.parser.print_usage(sys.stderr)
        print(f"{arguments.parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except EmploymentDomainError as error:
        return _refused(str(error), getattr(error, "problems", None))
    except SQLAlchemyError as error:  # a read-model database that refused or went away
        orig = getattr(error, "orig", None) or error
        return _refused(f"the read-model database refused: {orig}")
    except BrokenPipeError:
        # The reader of standard output went away (``| head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as error:
        where = f" {error.filename!r}" if error.filename else ""
        return _refused(f"cannot use{where}: {error.strerror or error}")
    except KeyboardInterrupt:
        print(f"\n{_PROG}: interrupted", file=sys.stderr)
        return 130
    return result


def _refused(message: str, problems: object = None) -> int:
    """Print a refusal as one line on standard error, then the problems of a file loader (each
    with its file and rule), which the reader needs to mend the files; exit code 1."""
    first = (message.strip() or "refused").splitlines()[0]
    print(f"{_PROG}: {first}", file=sys.stderr)
    if isinstance(problems, list):
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
