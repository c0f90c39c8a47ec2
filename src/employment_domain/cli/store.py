"""``store init``: create a store's tables once, explicitly, so that opening never runs DDL.

Several workers may then open one PostgreSQL store at the same moment; ``store init`` itself
may also run from several processes at once (an advisory lock serialises it) and on a store
that is already initialised.
"""

from __future__ import annotations

import argparse

from employment_domain.cli.options import Subparsers, add_db_option
from employment_domain.reports.stores import store_name
from employment_domain.store.init import init_store

__all__ = ["add_parser"]


def add_parser(commands: Subparsers) -> None:
    """``store init``: create the event store's tables when they are not there."""
    parser = commands.add_parser(
        "store",
        help="initialise a store (create its tables): store init --db URL",
        description="Manage the event store itself.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser(
        "init",
        help="create the store's tables when they are not there (idempotent)",
        description="Create the event store's tables when they are not there. A PostgreSQL"
        " store must be initialised once before any other command opens it; a SQLite file is"
        " created. Safe to run from several processes at once and on an initialised store.",
    )
    add_db_option(init)
    init.set_defaults(run=_init, parser=init)


def _init(arguments: argparse.Namespace) -> int:
    print(f"store initialised: {init_store(store_name(arguments.db))}")
    return 0
