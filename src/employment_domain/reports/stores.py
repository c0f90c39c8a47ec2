"""Opening a store and its read model for reading, and bringing the read model up to date.

Every reader works on a store that must already exist: a path that does not exist is refused
rather than created empty, and the event store is opened with
:func:`~employment_domain.audit.readonly.open_for_audit`, so a reader can never write to it.

Where the read model lives. Projections are written to the store's read-model database
(:meth:`ReadModel.for_store`: ``area.readmodel.db`` beside ``area.db``, the ``rm_`` tables in a
PostgreSQL store's own database and schema), or to the SQLAlchemy URL the caller gives.
That database is separate from the event store, so keeping it up to date never writes to the
history even when the store is opened read-only. When it cannot be written (a read-only folder,
an auditor's role without write rights) or a scratch build is asked for, a report is built from
zero in an in-memory scratch database instead, which writes nothing anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from employment_domain.audit.readonly import open_for_audit
from employment_domain.errors import EmploymentDomainError, StoreError
from employment_domain.store.persistence import (
    DB_ENVIRONMENT_VARIABLE,
    DEFAULT_DB_PATH,
    store_environment,
)

if TYPE_CHECKING:
    from employment_domain.area import EmploymentArea
    from employment_domain.projections import Progress, Projection, ReadModel

__all__ = [
    "SCRATCH_READ_MODEL",
    "CommandRefusedError",
    "ProgressDisplay",
    "catch_up",
    "check_read_model_matches",
    "open_reading",
    "read_model_for",
    "read_model_is_writable",
    "require_existing",
    "sqlite_path",
    "store_name",
]

_T = TypeVar("_T")

#: The read-model URL of a scratch database: in memory, gone when the reader ends.
SCRATCH_READ_MODEL = "sqlite://"


class CommandRefusedError(EmploymentDomainError):
    """A reader or the command line refused to act (a store that is not there, a read model of
    another history, a report that cannot be cut as asked)."""


class ProgressDisplay(Protocol):
    """Something that shows how far a stage has come (the command line's progress bar)."""

    def show(self, stage: str, done: int, total: int) -> None: ...


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


def require_existing(db: str | None) -> None:
    path = sqlite_path(db)
    if path is not None and not path.is_file():
        raise CommandRefusedError(
            f"there is no event store at {str(path)!r} (run 'employment-area demo --db"
            f" {path}' to make one); nothing was created"
        )


def open_reading(db: str | None) -> EmploymentArea:
    """The existing store ``db`` opened so that nothing can write to it."""
    require_existing(db)
    return open_for_audit(store_name(db))


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
    head = app.head_position()
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
    progress: ProgressDisplay | None = None,
) -> Progress:
    """Bring ``projections`` (default: all) in ``read_model`` up to the store, or rebuild them."""
    from employment_domain.projections import Progress, ProjectionRunner, ProjectionVersionError

    runner = ProjectionRunner(app, read_model, projections)
    head = app.head_position()
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
