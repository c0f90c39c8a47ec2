"""Commands and queries about jobseekers' personal data, and the key table kept beside the store.

The data itself is ciphertext in ``PersonalRecord`` events; each record's data key, wrapped under
the master key, lives in a key table in the same database (``personal_data_keys`` in SQLite,
``employmentarea_personal_data_keys`` in the PostgreSQL schema, a dict in memory). The key table
is deliberately not part of the event history, so destroying a key never changes a sealed byte.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any, Protocol
from uuid import UUID

import attrs
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from psycopg.sql import SQL, Identifier

from employment_domain.clients.client import Client
from employment_domain.errors import NotFoundError, StoreError
from employment_domain.personal_data.record import (
    ContactDetails,
    MasterKey,
    PersonalDataError,
    PersonalDataUnreadableError,
    PersonalDetails,
    PersonalRecord,
    check_details,
    check_reason,
    decrypt_details,
    describe_refused,
    encrypt_details,
    new_data_key,
    personal_record_id,
    unwrap_data_key,
    wrap_data_key,
)
from employment_domain.store.readonly import ReadOnlyStoreError, is_read_only_factory
from employment_domain.store.service import AreaCore
from employment_domain.values import PersonalIdentityCode

__all__ = ["PersonalDataCommands"]


@attrs.frozen(repr=False)
class _StoredKey:
    wrapped: bytes
    master_key_id: str


class _KeyTable(Protocol):
    def get(self, record_id: UUID) -> _StoredKey | None: ...

    def add(self, record_id: UUID, key: _StoredKey) -> None: ...

    def destroy(self, record_id: UUID) -> None: ...


class _MemoryKeyTable:
    """The key table of an in-memory store: gone with the process, like the events."""

    def __init__(self) -> None:
        self._keys: dict[UUID, _StoredKey] = {}

    def get(self, record_id: UUID) -> _StoredKey | None:
        return self._keys.get(record_id)

    def add(self, record_id: UUID, key: _StoredKey) -> None:
        self._keys.setdefault(record_id, key)

    def destroy(self, record_id: UUID) -> None:
        self._keys.pop(record_id, None)


class _SQLiteKeyTable:
    """Keys in the SQLite file; deleted with ``secure_delete`` and the WAL truncated afterwards,
    so a destroyed key's bytes do not linger in free pages or old WAL frames."""

    _CREATE = (
        "CREATE TABLE IF NOT EXISTS personal_data_keys (record_id TEXT PRIMARY KEY,"
        " wrapped_key BLOB NOT NULL, master_key_id TEXT NOT NULL) WITHOUT ROWID"
    )

    def __init__(self, factory: SQLiteFactory) -> None:
        self._datastore = factory.datastore
        self._exists = False

    def get(self, record_id: UUID) -> _StoredKey | None:
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
        return None if row is None else _StoredKey(bytes(row[0]), str(row[1]))

    def _writing(self, cursor: Any) -> None:
        cursor.execute("PRAGMA secure_delete=ON")  # on in many builds, not in all
        if not self._exists:
            cursor.execute(self._CREATE)

    def add(self, record_id: UUID, key: _StoredKey) -> None:
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
        # Best effort: a reader in the middle of a transaction can keep old WAL frames alive
        # until the next checkpoint.
        with self._datastore.get_connection(commit=True) as connection:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")


class _PostgresKeyTable:
    """Keys in a table of the store's schema; the table is rewritten (``VACUUM FULL``) after a
    key is destroyed, so the key's bytes do not stay behind as a dead tuple. (Copies in the
    server's WAL archive and backups remain until those expire.)"""

    def __init__(self, factory: PostgresFactory, application_name: str) -> None:
        self._datastore = factory.datastore
        self._schema = self._datastore.schema
        self._name = f"{application_name.lower()}_personal_data_keys"
        self._table = SQL("{}.{}").format(Identifier(self._schema), Identifier(self._name))
        self._exists = False

    def get(self, record_id: UUID) -> _StoredKey | None:
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
        return None if row is None else _StoredKey(bytes(row["wrapped_key"]), row["master_key_id"])

    def _writing(self, cursor: Any) -> None:
        if not self._exists:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (record_id uuid PRIMARY KEY,"
                    " wrapped_key bytea NOT NULL, master_key_id text NOT NULL)"
                ).format(self._table)
            )

    def add(self, record_id: UUID, key: _StoredKey) -> None:
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
        try:
            with self._datastore.get_connection() as connection:
                connection.execute(SQL("VACUUM FULL {}").format(self._table))
        except PersistenceError as error:
            raise StoreError(
                f"the data key of personal record {record_id} was deleted, but its table could"
                f" not be rewritten, so the key's bytes may stay on disk until VACUUM FULL: {error}"
            ) from None


def _check_on(on: object, what: str) -> date:
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise PersonalDataError(
            f"{what} needs a business date (datetime.date), got {describe_refused(on)}"
        )
    return on


class PersonalDataCommands(AreaCore):
    """Personal data of jobseekers: recorded encrypted, read back decrypted, erased for good.

    The master key comes from ``master_key=``, else from ``EMPLOYMENT_AREA_MASTER_KEY`` or the
    file named by ``EMPLOYMENT_AREA_MASTER_KEY_FILE`` when personal data is first touched, so an
    application that never handles personal data needs no key.
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        master_key: MasterKey | None = None,
        **kwargs: Any,
    ) -> None:
        if master_key is not None and not isinstance(master_key, MasterKey):
            raise PersonalDataError(f"master_key is a MasterKey, not {type(master_key).__name__}")
        super().__init__(db, **kwargs)
        self._master_key = master_key
        self._key_table: _KeyTable | None = None

    def record_personal_details(
        self,
        client_id: UUID,
        *,
        on: date,
        identity_code: PersonalIdentityCode,
        name: str,
        contact: ContactDetails | None = None,
    ) -> None:
        """Record (or replace) a client's identity code, name and contact details, encrypted."""
        on = _check_on(on, "recording personal details")
        contact = ContactDetails() if contact is None else contact
        check_details(identity_code, name, contact)
        record = self._find_personal_record(client_id)
        record_id = personal_record_id(client_id)
        if record is None:
            self._load(Client, client_id)
        else:
            record.check_open(on)  # before any key is read or made
        data_key = self._data_key(record_id, create=record is None)
        ciphertext = encrypt_details(data_key, record_id, identity_code, name, contact)
        if record is None:
            record = PersonalRecord(id=record_id, client_id=client_id, on=on, ciphertext=ciphertext)
        else:
            record.record_details(on, ciphertext)
        self._save(record)

    def personal_details(self, client_id: UUID) -> PersonalDetails:
        """The client's personal details, decrypted; after erasure, all fields None."""
        record = self._personal_record(client_id)
        if record.erased_on is not None:
            return PersonalDetails(
                client_id, None, None, None, record.recorded_on, record.erased_on
            )
        data_key = self._data_key(record.id, create=False)
        return decrypt_details(data_key, record, client_id)

    def erase_personal_data(self, client_id: UUID, *, on: date, reason: str) -> None:
        """Erase a client's personal data by destroying their key (crypto-shredding).

        The erasure is recorded first and the key destroyed right after; if the process stops in
        between, the data already reads as erased and erasing again finishes the job. Erasing an
        erased record records nothing new.
        """
        on = _check_on(on, "erasing personal data")
        reason = check_reason(reason)
        record = self._personal_record(client_id)
        if record.erased_on is None:
            record.erase(on, reason)
            self._save(record)
        try:
            self._writable_key_table().destroy(record.id)
        except PersistenceError as error:
            raise StoreError(
                f"cannot destroy the data key of client {client_id}: {error}"
            ) from None

    def _find_personal_record(self, client_id: UUID) -> PersonalRecord | None:
        record_id = personal_record_id(client_id)  # refuses an id that is not a UUID
        try:
            return self._load(PersonalRecord, record_id)
        except NotFoundError:
            return None

    def _personal_record(self, client_id: UUID) -> PersonalRecord:
        record = self._find_personal_record(client_id)
        if record is None:
            self._load(Client, client_id)
            raise NotFoundError(f"no personal details are recorded for client {client_id}")
        return record

    def _personal_data_master_key(self) -> MasterKey:
        if self._master_key is None:
            self._master_key = MasterKey.from_environment()
        return self._master_key

    def _writable_key_table(self) -> _KeyTable:
        if is_read_only_factory(self._app.factory):
            raise ReadOnlyStoreError(
                f"{self.store_description!r} is open for audit: personal data keys are not changed"
            )
        return self._key_table_of_store()

    def _key_table_of_store(self) -> _KeyTable:
        if self._key_table is None:
            if isinstance(self._app.factory, SQLiteFactory):
                self._key_table = _SQLiteKeyTable(self._app.factory)
            elif isinstance(self._app.factory, PostgresFactory):
                self._key_table = _PostgresKeyTable(self._app.factory, self._app.name)
            else:
                self._key_table = _MemoryKeyTable()
        return self._key_table

    def _data_key(self, record_id: UUID, *, create: bool) -> bytes:
        master = self._personal_data_master_key()
        try:
            stored = self._key_table_of_store().get(record_id)
            if stored is None and create:
                wrapped = wrap_data_key(master, record_id, new_data_key())
                self._writable_key_table().add(record_id, _StoredKey(wrapped, master.key_id))
                stored = self._key_table_of_store().get(record_id)
        except PersistenceError as error:
            raise StoreError(f"cannot reach the personal data key table: {error}") from None
        if stored is None:
            raise PersonalDataUnreadableError(
                f"the data key of personal record {record_id} is missing"
            )
        return unwrap_data_key(master, record_id, stored.wrapped, stored.master_key_id)
