"""Commands and queries about jobseekers' personal data: record, read, erase, expire, rotate.

The data itself is ciphertext in ``PersonalRecord`` events; each record's data key, wrapped under
the master key, lives in the key table beside the store
(:mod:`employment_domain.personal_data.key_tables`).
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory

from employment_domain.clients.client import Client
from employment_domain.errors import NotFoundError, StoreError
from employment_domain.personal_data.key_tables import (
    KeyTable,
    MemoryKeyTable,
    PostgresKeyTable,
    SQLiteKeyTable,
    StoredKey,
)
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
from employment_domain.target_groups import add_months
from employment_domain.topics import topics_of
from employment_domain.values import PersonalIdentityCode

__all__ = ["PersonalDataCommands"]


def _check_on(on: object, what: str) -> date:
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise PersonalDataError(
            f"{what} needs a business date (datetime.date), got {describe_refused(on)}"
        )
    return on


#: The reason recorded when retention ends a client's personal data.
RETENTION_ENDED = "retention period ended"


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
        self._key_table: KeyTable | None = None

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

    def expire_personal_data(self, *, as_of: date, dry_run: bool = False) -> list[UUID]:
        """Erase the personal data of every client whose retention ended by ``as_of``; returns
        their ids (with ``dry_run``, those that would be erased, and nothing is erased).

        Retention runs ``personal_data_retention_years`` (a dated parameter) from the end of the
        client's latest job search; a client with a job search under way is never expired. The
        domain never reads the clock, so the date is the caller's.
        """
        as_of = _check_on(as_of, "expiring personal data")
        years = self.parameters.value("personal_data_retention_years", as_of)
        due = []
        for client_id in self._clients_with_personal_records():
            if self._personal_record(client_id).erased_on is not None:
                continue
            ended_on = self._load(Client, client_id).job_search.ended_on
            if ended_on is not None and add_months(ended_on, 12 * int(years)) <= as_of:
                due.append(client_id)
        if not dry_run:
            for client_id in due:
                self.erase_personal_data(client_id, on=as_of, reason=RETENTION_ENDED)
        return due

    def rotate_master_key(self, new_master_key: MasterKey) -> int:
        """Re-wrap every client's data key under ``new_master_key``; returns how many.

        The events are not touched; afterwards the old master key opens nothing. Every key is
        unwrapped before any is written, so a key the current master cannot open refuses the
        whole rotation and changes nothing.
        """
        if not isinstance(new_master_key, MasterKey):
            raise PersonalDataError(
                f"a new master key is a MasterKey, not {type(new_master_key).__name__}"
            )
        old = self._personal_data_master_key()
        table = self._writable_key_table()
        rewrapped = {}
        for record_id in table.ids():
            stored = table.get(record_id)
            if stored is None:
                continue
            data_key = unwrap_data_key(old, record_id, stored.wrapped, stored.master_key_id)
            wrapped = wrap_data_key(new_master_key, record_id, data_key)
            rewrapped[record_id] = StoredKey(wrapped, new_master_key.key_id)
        table.replace(rewrapped)
        self._master_key = new_master_key
        return len(rewrapped)

    def _clients_with_personal_records(self) -> list[UUID]:
        """The clients whose personal records were ever opened, in the order recorded."""
        topics = list(topics_of(PersonalRecord.Opened))
        clients, after = [], 0
        while True:
            page = self._app.recorder.select_notifications(
                start=after, limit=1000, topics=topics, inclusive_of_start=False
            )
            for notification in page:
                opened: Any = self._app.mapper.to_domain_event(notification)
                clients.append(opened.client_id)
            if len(page) < 1000:
                return clients
            after = page[-1].id

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

    def _writable_key_table(self) -> KeyTable:
        if is_read_only_factory(self._app.factory):
            raise ReadOnlyStoreError(
                f"{self.store_description!r} is open for audit: personal data keys are not changed"
            )
        return self._key_table_of_store()

    def _key_table_of_store(self) -> KeyTable:
        if self._key_table is None:
            if isinstance(self._app.factory, SQLiteFactory):
                self._key_table = SQLiteKeyTable(self._app.factory)
            elif isinstance(self._app.factory, PostgresFactory):
                self._key_table = PostgresKeyTable(self._app.factory, self._app.name)
            else:
                self._key_table = MemoryKeyTable()
        return self._key_table

    def _data_key(self, record_id: UUID, *, create: bool) -> bytes:
        master = self._personal_data_master_key()
        try:
            stored = self._key_table_of_store().get(record_id)
            if stored is None and create:
                wrapped = wrap_data_key(master, record_id, new_data_key())
                self._writable_key_table().add(record_id, StoredKey(wrapped, master.key_id))
                stored = self._key_table_of_store().get(record_id)
        except PersistenceError as error:
            raise StoreError(f"cannot reach the personal data key table: {error}") from None
        if stored is None:
            raise PersonalDataUnreadableError(
                f"the data key of personal record {record_id} is missing"
            )
        return unwrap_data_key(master, record_id, stored.wrapped, stored.master_key_id)
