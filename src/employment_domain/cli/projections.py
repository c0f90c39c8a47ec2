"""The ``projections`` commands: bring the read model up to the store, or rebuild it from zero.

The event store is opened read-only; only the read-model database (see
:mod:`employment_domain.cli.stores`) is written, so an operator can run these beside the
writers, and a projection process can be restarted at any time: it resumes where it stopped.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from employment_domain.cli.options import Subparsers, add_db_option, add_read_model_option
from employment_domain.cli.stores import ProgressBar
from employment_domain.reports.stores import (
    catch_up,
    check_read_model_matches,
    open_reading,
    read_model_for,
)

__all__ = ["add_parser"]


def add_parser(commands: Subparsers) -> None:
    """``projections catch-up`` and ``projections rebuild``."""
    parser = commands.add_parser(
        "projections",
        help="catch up or rebuild the read-model tables of the reports",
        description="Keep the reports' read-model tables up to date with the event store."
        " The store is only read; the read model is written.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, rebuild, text in (
        ("catch-up", False, "apply the events recorded since the last run"),
        ("rebuild", True, "drop the read-model tables and build them again from the first event"),
    ):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        add_db_option(action)
        add_read_model_option(action)
        action.add_argument("--quiet", action="store_true", help="no progress bar")
        action.set_defaults(run=_run, parser=action, rebuild=rebuild)
    publish = actions.add_parser(
        "publish-bi",
        help="copy the report-shaped views, and nothing per client, into a database for BI tools",
        description="Catch the read model up and copy its report-shaped views (rv_) into plain"
        " tables of another database: a SQLite file or a PostgreSQL schema (?schema=NAME) for"
        " BI tools, which holds no per-client row.",
    )
    add_db_option(publish)
    add_read_model_option(publish)
    publish.add_argument(
        "--out", required=True, help="the BI copy: a SQLite file or a SQLAlchemy URL"
    )
    publish.set_defaults(run=_publish, parser=publish)


def _publish(arguments: argparse.Namespace) -> int:
    from employment_domain.projections import ReadModel
    from employment_domain.projections.bi import publish_bi

    out = str(arguments.out)
    target = ReadModel(out if "://" in out else f"sqlite:///{Path(out).resolve()}")
    app = open_reading(arguments.db)
    read_model = read_model_for(arguments.db, arguments.read_model)
    try:
        check_read_model_matches(app, read_model)
        progress = catch_up(app, read_model)
        copied = publish_bi(read_model, target)
    finally:
        app.close()
        read_model.close()
        target.close()
    print(
        f"published {len(copied)} tables, {sum(copied.values())} rows, as of position"
        f" {progress.position} to {target.description}"
    )
    return 0


def _run(arguments: argparse.Namespace) -> int:
    app = open_reading(arguments.db)
    read_model = read_model_for(arguments.db, arguments.read_model)
    bar = ProgressBar(enabled=False if arguments.quiet else None)
    started = time.monotonic()
    try:
        if not arguments.rebuild:
            check_read_model_matches(app, read_model)
        progress = catch_up(app, read_model, rebuild=arguments.rebuild, progress=bar)
    finally:
        bar.done()
        app.close()
        read_model.close()
    seconds = time.monotonic() - started
    verb = "rebuilt" if arguments.rebuild else "caught up"
    print(
        f"{verb} the projections to position {progress.position}: {progress.events} events"
        f" in {progress.pages} pages, {seconds:.1f} s; read model {read_model.description}"
    )
    return 0
