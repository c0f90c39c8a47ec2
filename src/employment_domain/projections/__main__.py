"""Run the projections as their own process: ``python -m employment_domain.projections STORE``.

The store is opened read-only (a projector never writes events) and the read model defaults to
the one beside the store. The process catches up and exits, or with ``--follow`` keeps polling;
killed at any moment, it resumes where the last committed page left off when started again.
With ``--rebuild`` it builds the tables again from zero beside the old ones and puts them in
place at the end: killed midway, it leaves the old tables as they were.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from employment_domain.audit.readonly import open_for_audit
from employment_domain.errors import EmploymentDomainError

from .readmodel import ReadModel, read_model_url
from .runner import DEFAULT_PAGE_SIZE, Progress, ProjectionRunner


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m employment_domain.projections", description=__doc__.splitlines()[0]
    )
    parser.add_argument("store", help="the event store: a SQLite file or a PostgreSQL URL")
    parser.add_argument("--read-model", help="a SQLAlchemy URL (default: beside the store)")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument("--stop", type=int, help="stop at this notification position")
    parser.add_argument("--rebuild", action="store_true", help="build the tables again from zero")
    parser.add_argument("--follow", type=float, metavar="SECONDS", help="keep polling")
    parser.add_argument("--progress", action="store_true", help="print each committed page")
    arguments = parser.parse_args(argv)
    try:
        app = open_for_audit(arguments.store)
        read_model = ReadModel(arguments.read_model or read_model_url(arguments.store))
        runner = ProjectionRunner(app, read_model, page_size=arguments.page_size)
        on_page = _print_progress if arguments.progress else None
        if arguments.rebuild:
            on_batch = _print_staged if arguments.progress else None
            rebuilt = runner.rebuild(stop=arguments.stop, on_batch=on_batch)
            print(f"rebuilt position {rebuilt.position} events {rebuilt.events}", flush=True)
        if arguments.follow is not None:
            stopping = threading.Event()

            def stop(_signal: int, _frame: FrameType | None) -> None:
                stopping.set()

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            runner.follow(poll_interval=arguments.follow, stopping=stopping, on_page=on_page)
        elif not arguments.rebuild:
            progress = runner.catch_up(stop=arguments.stop, on_page=on_page)
            print(f"done position {progress.position} events {progress.events}", flush=True)
    except EmploymentDomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _print_staged(events: int) -> None:
    print(f"staged events {events}", flush=True)


def _print_progress(progress: Progress) -> None:
    print(f"position {progress.position} events {progress.events}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
