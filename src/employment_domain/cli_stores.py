"""How the command line opens event stores and read models: who may write what, and when.

Every command except ``demo`` works on a store that must already exist: a path that does not
exist is refused rather than created empty. Commands that only read (``report``, ``rules
explain``, ``rules diff``, ``audit verify``, ``audit history``, ``projections``) open the event
store with :func:`~employment_domain.readonly.open_for_audit`, so they can never write to it.
``demo`` and ``audit seal`` are the only writers.

Where the read model lives. Projections are written to the store's read-model database
(:meth:`ReadModel.for_store`: ``area.readmodel.db`` beside ``area.db``, the ``rm_`` tables in a
PostgreSQL store's own database and schema), or to the SQLAlchemy URL given by ``--read-model``.
That database is separate from the event store, so keeping it up to date never writes to the
history even when the store is opened read-only. When it cannot be written (a read-only folder,
an auditor's role without write rights) or ``--scratch`` is given, a report is built from zero
in an in-memory scratch database instead, which writes nothing anywhere.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from employment_domain.errors import EmploymentDomainError, StoreError
from employment_domain.persistence import (
    DB_ENVIRONMENT_VARIABLE,
    DEFAULT_DB_PATH,
    describe_store,
    store_environment,
)
from employment_domain.readonly import open_for_audit

if TYPE_CHECKING:
    from employment_domain.application import EmploymentArea
    from employment_domain.projections import Progress, Projection, ReadModel

__all__ = [
    "SCRATCH_READ_MODEL",
    "CommandRefusedError",
    "ProgressBar",
    "catch_up",
    "check_read_model_matches",
    "delete_sqlite_store",
    "locked_message",
    "open_reading",
    "open_writing",
    "read_model_for",
    "read_model_is_writable",
    "sqlite_path",
    "store_name",
]

_T = TypeVar("_T")

#: The read-model URL of a scratch database: in memory, gone when the command ends.
SCRATCH_READ_MODEL = "sqlite://"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


class CommandRefusedError(EmploymentDomainError):
    """The command line refused to act (a store in the way, a store that is not there)."""


def store_name(db: str | None) -> str:
    """The store a command works on: ``--db``, else ``$EMPLOYMENT_AREA_DB``, else the default
    ``employment-area.db`` in the working directory."""
    return db or os.environ.get(DB_ENVIRONMENT_VARIABLE) or DEFAULT_DB_PATH


def sqlite_path(db: str | None) -> Path | None:
    """The SQLite file that ``db`` names (after ``$EMPLOYMENT_AREA_DB`` and the default), or
    None for a PostgreSQL URL or an in-memory store."""
    settings = store_environment(db)
    if settings["PERSISTENCE_MODULE"] != "eventsourcing.sqlite":
        return None
    return Path(settings["SQLITE_DBNAME"])


def _require_existing(db: str | None) -> None:
    path = sqlite_path(db)
    if path is not None and not path.is_file():
        raise CommandRefusedError(
            f"there is no event store at {str(path)!r} (run 'employment-area demo --db"
            f" {path}' to make one); nothing was created"
        )


def open_reading(db: str | None) -> EmploymentArea:
    """The existing store ``db`` opened so that nothing can write to it."""
    _require_existing(db)
    return open_for_audit(store_name(db))


def open_writing(db: str | None) -> EmploymentArea:
    """The existing store ``db`` opened for writing (its tables are never created here)."""
    from employment_domain.application import EmploymentArea

    _require_existing(db)
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


def read_model_for(db: str | None, url: str | None) -> ReadModel:
    """The read model of store ``db``: its default database, or the one ``url`` names."""
    from employment_domain.projections import ReadModel

    return ReadModel(url) if url else ReadModel.for_store(db)


def read_model_is_writable(read_model: ReadModel) -> bool:
    """Whether a SQLite read model's file (or its folder, before it exists) can be written.

    Other databases are asked by writing to them; their refusals surface as read-model errors.
    """
    if not read_model.url.drivername.startswith("sqlite") or not read_model.url.database:
        return True
    path = Path(read_model.url.database)
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)


def check_read_model_matches(app: EmploymentArea, read_model: ReadModel) -> None:
    """Refuse a read model that has applied more of a history than the store holds: it was
    built from another store (a deleted and re-made file), and catching up would skip events."""
    head = app.recorder.max_notification_id() or 0
    for name, position in _read_model_call(read_model, read_model.positions).items():
        if position > head:
            raise CommandRefusedError(
                f"the read model {read_model.description} has projection {name!r} at position"
                f" {position}, but the store holds {head} events: it belongs to another history;"
                " run 'employment-area projections rebuild'"
            )


def catch_up(
    app: EmploymentArea,
    read_model: ReadModel,
    projections: Sequence[Projection] | None = None,
    *,
    rebuild: bool = False,
    stop: int | None = None,
    progress: ProgressBar | None = None,
) -> Progress:
    """Bring ``projections`` (default: all) in ``read_model`` up to the store, or rebuild them."""
    from employment_domain.projections import Progress, ProjectionRunner, ProjectionVersionError

    runner = ProjectionRunner(app, read_model, projections)
    head = app.recorder.max_notification_id() or 0
    target = head if stop is None else min(stop, head)

    def on_page(reached: Progress) -> None:
        if progress is not None:
            progress.show("projections", reached.position, target)

    if rebuild:
        # The runner's rebuild reports no pages; the bar shows its start and its end.
        on_page(Progress(0, 0, 0))
        rebuilt = _read_model_call(read_model, lambda: runner.rebuild(stop=stop))
        on_page(rebuilt)
        return rebuilt
    try:
        return _read_model_call(read_model, lambda: runner.catch_up(stop=stop, on_page=on_page))
    except ProjectionVersionError as error:
        # A new release changed a projection's tables: say how to build them anew.
        raise CommandRefusedError(f"{error}; run 'employment-area projections rebuild'") from error


def _read_model_call(read_model: ReadModel, call: Callable[[], _T]) -> _T:
    """Run ``call``; a database error of the read model becomes a one-line StoreError."""
    try:
        return call()
    except SQLAlchemyError as error:
        first = str(getattr(error, "orig", None) or error).strip() or type(error).__name__
        raise StoreError(
            f"the read model {read_model.description} cannot be used: {first.splitlines()[0]}"
        ) from error


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
