"""``privacy expire`` and ``privacy rotate-master-key``: personal data's retention and its key.

Both need the master key (``EMPLOYMENT_AREA_MASTER_KEY`` or ``EMPLOYMENT_AREA_MASTER_KEY_FILE``).
``expire`` takes the date from the caller, since the domain never reads the clock; its dry run
writes nothing. ``rotate-master-key`` re-wraps every client's data key under the key in
``--new-key-file`` and prints how many; the events are not touched. Keep the new key safe before
running it: afterwards the old key opens nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from employment_domain.cli.options import Subparsers, add_db_option, business_date
from employment_domain.cli.stores import locked_message, open_writing
from employment_domain.errors import StoreError
from employment_domain.personal_data.record import MasterKey

__all__ = ["add_parser"]


def add_parser(commands: Subparsers) -> None:
    """``privacy expire|rotate-master-key``."""
    parser = commands.add_parser(
        "privacy",
        help="end personal data whose retention has passed; rotate the master key",
        description="Personal data of jobseekers: erase what its retention no longer allows,"
        " and replace the master key that wraps every client's data key.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    expire = actions.add_parser(
        "expire",
        help="erase the personal data of clients whose retention ended by --as-of",
        description="Erase the personal data of every client whose retention"
        " (personal_data_retention_years from the end of the latest job search) ended by"
        " --as-of, and print how many. A client with a job search under way is never expired.",
    )
    expire.add_argument("--as-of", type=business_date, required=True, metavar="DATE")
    expire.add_argument("--dry-run", action="store_true", help="only count them; erase nothing")
    add_db_option(expire)
    expire.set_defaults(run=_expire, parser=expire)
    rotate = actions.add_parser(
        "rotate-master-key",
        help="re-wrap every data key under a new master key",
        description="Re-wrap every client's data key under the master key in --new-key-file"
        " (its base64 text or its 32 raw bytes); the events are not touched and the old key"
        " opens nothing afterwards.",
    )
    rotate.add_argument("--new-key-file", type=Path, required=True, metavar="FILE")
    add_db_option(rotate)
    rotate.set_defaults(run=_rotate, parser=rotate)


def _expire(arguments: argparse.Namespace) -> int:
    area = open_writing(arguments.db)
    try:
        due = area.expire_personal_data(as_of=arguments.as_of, dry_run=arguments.dry_run)
    except StoreError as error:
        raise locked_message(arguments.db, error) from error
    finally:
        area.close()
    verb = "would be erased" if arguments.dry_run else "erased"
    print(f"{len(due)} client(s)' personal data {verb} as of {arguments.as_of}")
    return 0


def _rotate(arguments: argparse.Namespace) -> int:
    new_key = MasterKey.from_file(arguments.new_key_file)
    area = open_writing(arguments.db)
    try:
        count = area.rotate_master_key(new_key)
    except StoreError as error:
        raise locked_message(arguments.db, error) from error
    finally:
        area.close()
    print(f"{count} data key(s) re-wrapped under master key {new_key.key_id}")
    return 0
