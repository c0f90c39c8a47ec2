"""The read-only opening of a store, so that nothing can write to it.

Two locks, so that neither alone has to be trusted: the application's recorder refuses every
write with :class:`ReadOnlyStoreError` before reaching the database, and the database connection
itself is read-only (SQLite opened with the ``mode=ro`` URI; PostgreSQL sessions with
``default_transaction_read_only=on``). Tables are never created. For PostgreSQL, also give
auditors the least-privilege role of ``docs/auditor-role.sql``, so the server refuses writes even
to a client that switches the session setting back.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory
from eventsourcing.utils import Environment, EnvType

from employment_domain.errors import StoreError
from employment_domain.store.persistence import describe_store, store_environment
from employment_domain.store.service import AreaService

__all__ = [
    "POSTGRES_READ_ONLY_OPTIONS",
    "ReadOnlyStoreError",
    "audit_environment",
    "is_read_only_factory",
]

#: The PostgreSQL session options of an audit connection.
POSTGRES_READ_ONLY_OPTIONS = "-c default_transaction_read_only=on"
_APPLICATION_PREFIX = AreaService.name.upper() + "_"


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a store opened for audit; nothing was written."""


def _refuse(stored_events: Sequence[StoredEvent]) -> None:
    raise ReadOnlyStoreError(
        f"the store is open for audit (read-only): {len(stored_events)} event(s) not recorded"
    )


class ReadOnlySQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """Reads a SQLite store; refuses every insert before it reaches the database."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        _refuse(stored_events)
        return None


class ReadOnlyPostgresApplicationRecorder(PostgresApplicationRecorder):
    """Reads a PostgreSQL store; refuses every insert before it reaches the database."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        _refuse(stored_events)
        return None


class ReadOnlySQLiteFactory(SQLiteFactory):
    """eventsourcing's SQLite module with a refusing recorder (the URI gives ``mode=ro``)."""

    application_recorder_class = ReadOnlySQLiteApplicationRecorder
    read_only = True

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # eventsourcing switches a file to WAL on its first connection; an audit never changes
        # the journal mode (on a read-only connection the attempt would fail anyway).
        self.datastore.pool.is_journal_mode_wal = True


class ReadOnlyPostgresFactory(PostgresFactory):
    """eventsourcing's PostgreSQL module whose sessions start read-only, with a refusing
    recorder."""

    application_recorder_class = ReadOnlyPostgresApplicationRecorder
    read_only = True

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # The pool opens lazily, so every connection it ever makes gets these options.
        kwargs = self.datastore.pool.kwargs
        if not isinstance(kwargs, dict):
            raise StoreError("cannot make the PostgreSQL connections of an audit read-only")
        kwargs["options"] = POSTGRES_READ_ONLY_OPTIONS


def is_read_only_factory(factory: object) -> bool:
    """Whether an application's infrastructure factory was made by :func:`audit_environment`."""
    return bool(getattr(factory, "read_only", False))


def audit_environment(db: str | os.PathLike[str]) -> dict[str, str]:
    """The eventsourcing settings that open ``db`` (SQLite path or PostgreSQL URL) read-only.

    Keys are also given with the application's prefix, which eventsourcing prefers, so that no
    ``EMPLOYMENTAREA_CREATE_TABLE`` or similar in the process environment can turn writing on.
    """
    settings = store_environment(db)
    module = settings["PERSISTENCE_MODULE"]
    if module == "eventsourcing.sqlite":
        path = Path(settings["SQLITE_DBNAME"]).resolve()
        if not path.is_file():
            raise StoreError(f"there is no SQLite store to audit at {str(path)!r}")
        settings["SQLITE_DBNAME"] = f"{path.as_uri()}?mode=ro"
        settings["PERSISTENCE_MODULE"] = f"{__name__}:{ReadOnlySQLiteFactory.__name__}"
    elif module == "eventsourcing.postgres":
        settings["PERSISTENCE_MODULE"] = f"{__name__}:{ReadOnlyPostgresFactory.__name__}"
    else:
        raise StoreError(f"an in-memory store has no history to audit: {describe_store(db)!r}")
    settings["CREATE_TABLE"] = "no"
    settings["APPLICATION_RECORDER_TOPIC"] = ""
    settings["IS_SNAPSHOTTING_ENABLED"] = "no"  # replay from the events alone, write nothing
    settings.update({_APPLICATION_PREFIX + key: value for key, value in list(settings.items())})
    return settings
