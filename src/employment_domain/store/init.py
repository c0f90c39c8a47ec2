"""Making a store: the one place where the event store's tables are created.

Opening a PostgreSQL store never runs DDL. eventsourcing's recorder would otherwise run its
``CREATE TABLE``/``CREATE INDEX``/``CREATE FUNCTION`` statements on every open, and several
workers starting together then fail with "tuple concurrently updated" or a duplicate
``pg_type`` key. :func:`init_store` runs them once, explicitly, under a PostgreSQL advisory lock
so that any number of processes may call it at the same moment; it is idempotent. A SQLite file
is one writer's store: the library creates its tables when the file is first opened, under
SQLite's own lock.
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError

from employment_domain.errors import StoreError
from employment_domain.store.persistence import describe_store, store_environment

__all__ = ["INIT_LOCK_KEY", "init_store", "is_postgres"]

#: The advisory lock that serialises initialisation of every store on one PostgreSQL server.
INIT_LOCK_KEY = zlib.crc32(b"employment_domain store init")


def is_postgres(db: str | os.PathLike[str] | None) -> bool:
    """Whether ``db`` names a PostgreSQL store (after ``$EMPLOYMENT_AREA_DB`` and the default)."""
    return store_environment(db)["PERSISTENCE_MODULE"] == "eventsourcing.postgres"


def init_store(db: str | os.PathLike[str] | None) -> str:
    """Create the event store's tables in ``db`` when they are not there; returns its description.

    For PostgreSQL the schema must exist (``?schema=NAME``; the default is ``public``) and the
    user may create tables in it. Safe to call from many processes at once and on a store that
    is already initialised.
    """
    from employment_domain.store.service import AreaService

    description = describe_store(db)
    if not is_postgres(db):
        AreaService(db, env={**store_environment(db), "CREATE_TABLE": "y"}).close()
        return description
    settings = store_environment(db)
    try:
        with psycopg.connect(**_connect_arguments(settings), autocommit=True) as lock:
            lock.execute("SELECT pg_advisory_lock(%s)", (INIT_LOCK_KEY,))
            try:
                AreaService(db, env={**settings, "CREATE_TABLE": "y"}).close()
            finally:
                lock.execute("SELECT pg_advisory_unlock(%s)", (INIT_LOCK_KEY,))
    except (psycopg.Error, PersistenceError) as error:
        first = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise StoreError(f"cannot initialise the event store {description!r}: {first}") from None
    return description


def _connect_arguments(settings: dict[str, str]) -> dict[str, Any]:
    """libpq's arguments for the store's server; a part the URL leaves out is left to libpq
    (and its PG* environment variables), as eventsourcing's own connection does."""
    names = {
        "host": "POSTGRES_HOST",
        "port": "POSTGRES_PORT",
        "user": "POSTGRES_USER",
        "password": "POSTGRES_PASSWORD",
        "dbname": "POSTGRES_DBNAME",
        "connect_timeout": "POSTGRES_CONNECT_TIMEOUT",
    }
    return {argument: settings[key] for argument, key in names.items() if settings.get(key)}
