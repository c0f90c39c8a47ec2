"""The key table beside the store: each personal record's data key, wrapped under the master key.

``personal_data_keys`` in a SQLite file, ``employmentarea_personal_data_keys`` in the PostgreSQL
schema, a dict in memory. The table is deliberately not part of the event history, so destroying a
key (erasure) or re-wrapping every key under a new master key (rotation) never changes a sealed
byte. Deleted and replaced keys are scrubbed from the file (SQLite ``secure_delete`` and a WAL
checkpoint; PostgreSQL ``VACUUM FULL``), so a key's old bytes do not stay in free pages.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

import attrs
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from psycopg.sql import SQL, Identifier

from employment_domain.errors import StoreError

__all__ = ["KeyTable", "MemoryKeyTable", "PostgresKeyTable", "SQLiteKeyTable", "StoredKey"]


@attrs.frozen(repr=False)
class StoredKey:
    wrapped: bytes
    master_key_id: str


class KeyTable(Protocol):
    def get(self, record_id: UUID) -> StoredKey | None: ...

    def add(self, record_id: UUID, key: StoredKey) -> None: ...

    def destroy(self, record_id: UUID) -> None: ...

    def ids(self) -> list[UUID]: ...

    def replace(self, keys: dict[UUID, StoredKey]) -> None: ...


class MemoryKeyTable:
    """The key table of an in-memory store: gone with the process, like the events."""

    def __init__(self) -> None:
        self._keys: dict[UUID, StoredKey] = {}

    def get(self, record_id: UUID) -> StoredKey | None:
        return self._keys.get(record_id)

    def add(self, record_id: UUID, key: StoredKey) -> None:
        self._keys.setdefault(record_id, key)

    def destroy(self, record_id: UUID) -> None:
        self._keys.pop(record_id, None)

    def ids(self) -> list[UUID]:
        return list(self._keys)

    def replace(self, keys: dict[UUID, StoredKey]) -> None:
        self._keys.update(keys)


class SQLiteKeyTable:
    """Keys in the SQLite file; deleted with ``secure_delete`` and the WAL truncated afterwards,
    so a destroyed key's bytes do not linger in free pages or old WAL frames."""

    _CREATE = (
        "CREATE TABLE IF NOT EXISTS personal_data_keys (record_id TEXT PRIMARY KEY,"
        " wrapped_key BLOB NOT NULL, master_key_id TEXT NOT NULL) WITHOUT ROWID"
    )

    def __init__(self, factory: SQLiteFactory) -> None:
        self._datastore = factory.datastore
        self._exists = False

    def get(self, record_id: UUID) -> StoredKey | None:
        with self._datastore.transaction(commit=False) as cursor:
            if not self._exists:
                cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='personal_data_keys'"
                )
                if cursor.fetchone() is None:
                    return None
                self._exists = True
            cursor.execute(
                "SELECT wrapped_key, master_key_id FROM personal_data_keys WHERE record_id=?",
                (record_id.hex,),
            )
            row = cursor.fetchone()
        return None if row is None else StoredKey(bytes(row[0]), str(row[1]))

    def _writing(self, cursor: Any) -> None:
        cursor.execute("PRAGMA secure_delete=ON")  # on in many builds, not in all
        if not self._exists:
            cursor.execute(self._CREATE)

    def add(self, record_id: UUID, key: StoredKey) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._writing(cursor)
            cursor.execute(
                "INSERT OR IGNORE INTO personal_data_keys VALUES (?, ?, ?)",
                (record_id.hex, key.wrapped, key.master_key_id),
            )
        self._exists = True

    def destroy(self, record_id: UUID) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._writing(cursor)
            cursor.execute("DELETE FROM personal_data_keys WHERE record_id=?", (record_id.hex,))
        self._exists = True
        self._checkpoint()

    def ids(self) -> list[UUID]:
        if self.get_table_missing():
            return []
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT record_id FROM personal_data_keys ORDER BY record_id")
            return [UUID(hex=str(row[0])) for row in cursor.fetchall()]

    def replace(self, keys: dict[UUID, StoredKey]) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._writing(cursor)
            for record_id, key in keys.items():
                cursor.execute(
                    "UPDATE personal_data_keys SET wrapped_key=?, master_key_id=?"
                    " WHERE record_id=?",
                    (key.wrapped, key.master_key_id, record_id.hex),
                )
        self._checkpoint()

    def get_table_missing(self) -> bool:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='personal_data_keys'"
            )
            return cursor.fetchone() is None

    def _checkpoint(self) -> None:
        # Best effort: a reader in the middle of a transaction can keep old WAL frames alive
        # until the next checkpoint.
        with self._datastore.get_connection(commit=True) as connection:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresKeyTable:
    """Keys in a table of the store's schema; the table is rewritten (``VACUUM FULL``) after a
    key is destroyed, so the key's bytes do not stay behind as a dead tuple. (Copies in the
    server's WAL archive and backups remain until those expire.)"""

    def __init__(self, factory: PostgresFactory, application_name: str) -> None:
        self._datastore = factory.datastore
        self._schema = self._datastore.schema
        self._name = f"{application_name.lower()}_personal_data_keys"
        self._table = SQL("{}.{}").format(Identifier(self._schema), Identifier(self._name))
        self._exists = False

    def get(self, record_id: UUID) -> StoredKey | None:
        with self._datastore.transaction(commit=False) as cursor:
            if not self._exists:
                cursor.execute(
                    "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                    (self._schema, self._name),
                )
                if cursor.fetchone() is None:
                    return None
                self._exists = True
            cursor.execute(
                SQL("SELECT wrapped_key, master_key_id FROM {} WHERE record_id = %s").format(
                    self._table
                ),
                (record_id,),
            )
            row: Any = cursor.fetchone()
        return None if row is None else StoredKey(bytes(row["wrapped_key"]), row["master_key_id"])

    def _writing(self, cursor: Any) -> None:
        if not self._exists:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (record_id uuid PRIMARY KEY,"
                    " wrapped_key bytea NOT NULL, master_key_id text NOT NULL)"
                ).format(self._table)
            )

    def add(self, record_id: UUID, key: StoredKey) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._writing(cursor)
            cursor.execute(
                SQL("INSERT INTO {} VALUES (%s, %s, %s) ON CONFLICT DO NOTHING").format(
                    self._table
                ),
                (record_id, key.wrapped, key.master_key_id),
            )
        self._exists = True

    def destroy(self, record_id: UUID) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._writing(cursor)
            cursor.execute(
                SQL("DELETE FROM {} WHERE record_id = %s").format(self._table), (record_id,)
            )
        self._exists = True
        self._rewrite(f"the data key of personal record {record_id} was deleted")

    def ids(self) -> list[UUID]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                (self._schema, self._name),
            )
            if cursor.fetchone() is None:
                return []
            cursor.execute(SQL("SELECT record_id FROM {} ORDER BY record_id").format(self._table))
            rows: Any = cursor.fetchall()
        return [UUID(str(row["record_id"])) for row in rows]

    def replace(self, keys: dict[UUID, StoredKey]) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._writing(cursor)
            for record_id, key in keys.items():
                cursor.execute(
                    SQL(
                        "UPDATE {} SET wrapped_key = %s, master_key_id = %s WHERE record_id = %s"
                    ).format(self._table),
                    (key.wrapped, key.master_key_id, record_id),
                )
        self._rewrite(f"{len(keys)} data keys were re-wrapped")

    def _rewrite(self, what: str) -> None:
        try:
            with self._datastore.get_connection() as connection:
                connection.execute(SQL("VACUUM FULL {}").format(self._table))
        except PersistenceError as error:
            raise StoreError(
                f"{what}, but the key table could not be rewritten, so old key bytes may stay"
                f" on disk until VACUUM FULL: {error}"
            ) from None
