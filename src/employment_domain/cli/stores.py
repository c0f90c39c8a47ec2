"""How the command line writes: who may write what, and when; and its progress bar.

Commands that only read (``report``, ``rules explain``, ``rules diff``, ``audit verify``, ``audit
history``, ``projections``) open the event store through :mod:`employment_domain.reports.stores`,
so they can never write to it. ``demo``, ``audit seal`` and ``example`` write to it; every
command except ``demo`` and ``store init`` works on a store that must already exist.

Where the read model lives. Projections are written to the store's read-model database
(:meth:`ReadModel.for_store`: ``area.readmodel.db`` beside ``area.db``, the ``rm_`` tables in a
PostgreSQL store's own database and schema), or to the SQLAlchemy URL given by ``--read-model``.
That database is separate from the event store, so keeping it up to date never writes to the
history even when the store is opened read-only. When it cannot be written (a read-only folder,
an auditor's role without write rights) or ``--scratch`` is given, a report is built from zero
in an in-memory scratch database instead, which writes nothing anywhere.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from sqlalchemy.engine import make_url

from employment_domain.errors import StoreError
from employment_domain.reports.stores import (
    CommandRefusedError,
    open_reading,
    require_existing,
    store_name,
)
from employment_domain.store.persistence import (
    describe_store,
)

if TYPE_CHECKING:
    from employment_domain.area import EmploymentArea

__all__ = [
    "ProgressBar",
    "delete_sqlite_store",
    "locked_message",
    "open_writing",
]

_T = TypeVar("_T")

_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def open_writing(db: str | None) -> EmploymentArea:
    """The existing store ``db`` opened for writing (its tables are never created here)."""
    from employment_domain.area import EmploymentArea

    require_existing(db)
    open_reading(db).close()  # a PostgreSQL database without the event tables is refused here
    return EmploymentArea(store_name(db))


def locked_message(db: str | None, error: StoreError) -> StoreError:
    """A writer's lock error said plainly; other store errors as they are."""
    if "locked" not in str(error):
        return error
    return StoreError(
        f"the store {describe_store(db)!r} is locked by another writer; nothing was written"
        " (try again when it has finished)"
    )


def delete_sqlite_store(path: Path) -> None:
    """Delete a SQLite store, its read model and their side files, unless another process is
    writing to it (deleting a file under a live writer would lose that writer's history)."""
    from employment_domain.projections import read_model_url

    if path.is_file():
        connection = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            raise CommandRefusedError(
                f"cannot delete {str(path)!r}: {error} (another process is using it)"
            ) from None
        except sqlite3.DatabaseError as error:
            raise CommandRefusedError(
                f"{str(path)!r} is not a SQLite store ({error}); --fresh deletes only stores"
            ) from None
        finally:
            connection.close()
    read_model = Path(make_url(read_model_url(str(path))).database or "")
    for base in (path, read_model):
        for name in (base, *(Path(f"{base}{suffix}") for suffix in _SQLITE_SIDE_FILES)):
            name.unlink(missing_ok=True)


class ProgressBar:
    """A one-line progress bar on standard error when it is a terminal; silent otherwise."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last: tuple[str, int] | None = None

    def show(self, stage: str, done: int, total: int) -> None:
        """Redraw the bar for ``stage``; only when the shown percentage changes."""
        if not self.enabled:
            return
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if self._last == (stage, percent):
            return
        self._last = (stage, percent)
        filled = percent * 30 // 100
        bar = "#" * filled + "." * (30 - filled)
        self.stream.write(f"\r{stage:<12} [{bar}] {percent:3d}%")
        self.stream.flush()

    def done(self) -> None:
        """End the bar's line, so that what follows starts on a line of its own."""
        if self.enabled and self._last is not None:
            self.stream.write("\n")
            self.stream.flush()
            self._last = None
