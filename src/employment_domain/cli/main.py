"""The ``employment-area`` command: run the employment area and read its history from a shell.

Exit codes: 0 success, 1 a domain refusal or a failed check (one line on standard error, no
traceback), 2 a usage error, 130 interrupted. Each group of subcommands lives in its own
``cli_<group>`` module; this one builds the parser and turns expected errors into exit codes.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from employment_domain import __version__
from employment_domain.area import EmploymentArea
from employment_domain.area_rules import RulesFolder
from employment_domain.cli import allocate as cli_allocate
from employment_domain.cli import audit as cli_audit
from employment_domain.cli import demo as cli_demo
from employment_domain.cli import privacy as cli_privacy
from employment_domain.cli import projections as cli_projections
from employment_domain.cli import report as cli_report
from employment_domain.cli import rules as cli_rules
from employment_domain.cli import store as cli_store
from employment_domain.cli.options import UsageError, add_db_option
from employment_domain.cli.stores import open_writing
from employment_domain.errors import EmploymentDomainError
from employment_domain.parameters import RULES_VARIABLE
from employment_domain.reports.stores import store_name
from employment_domain.store.persistence import store_environment

__all__ = ["build_parser", "main"]

_PROG = "employment-area"
_EPILOG = """\
exit codes: 0 success, 1 a refusal or a failed check (one line on standard error),
2 a usage error, 130 interrupted.

Every command that uses a store takes --db: a SQLite file path or a PostgreSQL URL (default:
$EMPLOYMENT_AREA_DB, else employment-area.db in the working directory), before the command or
after it (after it wins). Only 'demo' and 'store init' create a store; the other commands refuse
a path where there is none. Start with:

  employment-area demo --scale 0.05
  employment-area report caseload --lang fi
"""


def _example(arguments: argparse.Namespace) -> int:
    """Register three jobseekers of the area and show what the store gives back. The store must
    exist (an in-memory one is made for the run): a smoke test must not leave a new store."""
    db = store_name(arguments.db)
    in_memory = store_environment(db)["PERSISTENCE_MODULE"] == "eventsourcing.popo"
    area = EmploymentArea(db) if in_memory else open_writing(db)
    try:
        registered = [
            area.start_job_search(
                on=date(2025, 1, 2), municipality="049", birth_date=date(1996, 4, 2)
            ),
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
    finally:
        area.close()
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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--rules",
        dest="global_rules",
        default=None,
        metavar="DIR",
        help="the employment area's rules folder for the command that follows, unless it is"
        f" given its own --rules (default: ${RULES_VARIABLE}, else the packaged rules)",
    )
    parser.add_argument(
        "--db",
        dest="global_db",
        default=None,
        metavar="PATH|URL",
        help="the store of the command that follows, unless it is given its own --db",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli_demo.add_parser(commands)
    cli_report.add_parser(commands)
    cli_rules.add_parser(commands)
    cli_audit.add_parser(commands)
    cli_allocate.add_parser(commands)
    cli_projections.add_parser(commands)
    cli_store.add_parser(commands)
    cli_privacy.add_parser(commands)
    example = commands.add_parser(
        "example",
        help="register three jobseekers and read them back from the store",
        description="Register three jobseekers and read them back: a smoke test of a store.",
    )
    add_db_option(example)
    example.set_defaults(run=_example)
    _add_rules_option(commands)
    return parser


def _add_rules_option(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``--rules DIR`` on every command that has none of its own: the area's rules folder."""
    for command in commands.choices.values():
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for group in nested:
            _add_rules_option(group)
        if not nested and not any(action.dest == "rules" for action in command._actions):
            command.add_argument(
                "--rules",
                metavar="DIR",
                help=f"the employment area's rules folder (default: ${RULES_VARIABLE}, else the"
                " packaged Espoo–Kauniainen rules)",
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); returns the exit
    code instead of exiting, so that other programs and tests can call it in-process."""
    if sys.stdout is None:
        # Started with standard output closed (>&-): what the command prints, a seal's anchor
        # among it, would be lost, so it does nothing.
        if sys.stderr is not None:
            print(f"{_PROG}: standard output is closed; nothing was done", file=sys.stderr)
        return 1
    with _standard_error_even_if_closed(), _output_that_never_stops():
        return _main(sys.argv[1:] if argv is None else list(argv))


def _main(argv: list[str]) -> int:
    parser = build_parser()
    if any("\x00" in argument for argument in argv):
        # No shell can pass one; an in-process caller can, and paths and URLs refuse it late.
        parser.print_usage(sys.stderr)
        print(f"{_PROG}: error: an argument holds a NUL character", file=sys.stderr)
        return 2
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed by argparse
        return stop.code if isinstance(stop.code, int) else 2
    if getattr(arguments, "db", None) is None and "db" in arguments:
        arguments.db = arguments.global_db
    if getattr(arguments, "rules", None) is None and "rules" in arguments:
        arguments.rules = arguments.global_rules
    before = os.environ.get(RULES_VARIABLE)
    try:
        _use_rules(arguments)
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
    except RecursionError:
        # A YAML or JSON file nested thousands of levels deep stops its reader; the commands
        # that read such files say which one, this catches any other reader.
        return _refused("an input file is nested too deeply to be read")
    except KeyboardInterrupt:
        print(f"\n{_PROG}: interrupted", file=sys.stderr)
        return 130
    finally:
        if before is None:
            os.environ.pop(RULES_VARIABLE, None)
        else:
            os.environ[RULES_VARIABLE] = before
    return result


def _use_rules(arguments: argparse.Namespace) -> None:
    """Make ``--rules DIR`` the area of this command: every store, report and rule it reads
    then goes by that folder (as ``EMPLOYMENT_AREA_RULES`` would). ``rules check``, ``test``
    and ``diff`` also take a folder of routing rule files alone, as release 0.2.0 did."""
    folder = getattr(arguments, "rules", None) or os.environ.get(RULES_VARIABLE) or None
    if folder is None:
        return
    if arguments.command == "rules" and not Path(folder, "routing").is_dir():
        return  # a folder of routing rules alone: the rules command reads it itself
    RulesFolder.load(folder)  # refuse a folder that is not an area's, naming what is missing
    os.environ[RULES_VARIABLE] = str(Path(folder).resolve())


@contextmanager
def _standard_error_even_if_closed() -> Iterator[None]:
    """Standard error on the null device when the command was started with it closed (2>&-), so
    that its notes and refusals go nowhere rather than into standard output or a traceback."""
    closed = sys.stderr
    if closed is not None:
        yield
        return
    with open(os.devnull, "w", encoding="utf-8") as null:
        sys.stderr = null
        try:
            yield
        finally:
            sys.stderr = closed


@contextmanager
def _output_that_never_stops() -> Iterator[None]:
    """Standard output that writes what its encoding cannot show as escapes (``\\u2013``), as
    standard error always does, instead of stopping halfway through a table with a traceback:
    a Latin-1 or ASCII terminal, or a file name that is not UTF-8 (Python hands it over with
    lone surrogates)."""
    stream = sys.stdout
    if not isinstance(stream, io.TextIOWrapper) or stream.errors != "strict":
        yield
        return
    stream.reconfigure(errors="backslashreplace")
    try:
        yield
    finally:
        stream.reconfigure(errors="strict")


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
