"""Personal data at rest: the raw SQLite file and the PostgreSQL tables hold no identity code or
name in plain text, and after erasure nothing in them can open the erased client's data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import psycopg
import pytest

from employment_domain import EmploymentArea, PersonalIdentityCode
from employment_domain.audit.seals import seal_history, verify_history
from employment_domain.personal_data.record import (
    ContactDetails,
    MasterKey,
    PersonalDataUnreadableError,
    personal_record_id,
)

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
NAMES = ["Äijälä Önni", "Virtanen Aino-Kaisa", "Nguyễn Thị Lan", "Korhonen Väinö", "Ström Åsa"]


Area = EmploymentArea


def _identity_code(index: int) -> str:
    birth, individual = f"{10 + index:02d}0385", f"{200 + index:03d}"
    return f"{birth}-{individual}{_CHECK[int(birth + individual) % 31]}"


def _forms(text: str) -> list[bytes]:
    """How a text could sit in a file: UTF-8, JSON-escaped, UTF-16, and hex inside a bytea dump."""
    raw = text.encode()
    return [raw, text.encode("unicode_escape"), text.encode("utf-16-le"), raw.hex().encode()]


class RawStore:
    """Everything the database holds, read past the library: the SQLite file and its WAL, or every
    row of every table of the PostgreSQL schema plus the heap files of those tables."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.postgres = store.startswith("postgresql")
        if self.postgres:
            self.schema = parse_qs(urlsplit(store).query)["schema"][0]
            self.url = store.split("?")[0]

    def everything(self) -> bytes:
        if not self.postgres:
            files = [Path(self.store), Path(self.store + "-wal"), Path(self.store + "-shm")]
            return b"".join(path.read_bytes() for path in files if path.exists())
        chunks: list[bytes] = []
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("CHECKPOINT")  # so the heap files on disk hold what the buffers do
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (self.schema,)
            ).fetchall()
            assert len(tables) == 2  # the events and the key table
            for (table,) in tables:
                qualified = f'"{self.schema}"."{table}"'
                for (row,) in connection.execute(f"SELECT t::text FROM {qualified} t"):
                    chunks.append(row.encode())
                (heap,) = connection.execute(
                    "SELECT pg_read_binary_file(pg_relation_filepath(%s))", (qualified,)
                ).fetchone() or (b"",)
                chunks.append(bytes(heap))
        return b"".join(chunks)

    def wrapped_key(self, record_id: UUID) -> bytes:
        row: tuple[Any, ...] | None
        if self.postgres:
            with psycopg.connect(self.url) as pg:
                row = pg.execute(
                    f'SELECT wrapped_key FROM "{self.schema}".employmentarea_personal_data_keys'
                    " WHERE record_id = %s",
                    (record_id,),
                ).fetchone()
        else:
            lite = sqlite3.connect(self.store)
            row = lite.execute(
                "SELECT wrapped_key FROM personal_data_keys WHERE record_id = ?", (record_id.hex,)
            ).fetchone()
            lite.close()
        assert row is not None
        return bytes(row[0])


@pytest.fixture
def master_key() -> MasterKey:
    return MasterKey.generate()


@pytest.fixture
def populated(durable_store: str, master_key: MasterKey) -> Iterator[tuple[Area, list[UUID]]]:
    area = Area(durable_store, master_key=master_key)
    clients = []
    for index, name in enumerate(NAMES):
        client_id = area.start_job_search(
            on=date(2025, 1, 2), municipality="049", birth_date=date(1985, 3, 10 + index)
        )
        area.record_personal_details(
            client_id,
            on=date(2025, 1, 3),
            identity_code=PersonalIdentityCode(_identity_code(index)),
            name=name,
            contact=ContactDetails(email=f"client{index}@example.fi", address="Kamreerintie 3"),
        )
        clients.append(client_id)
    yield area, clients
    area.close()


def test_no_identity_code_name_or_contact_detail_is_stored_in_plain_text(
    durable_store: str, populated: tuple[Area, list[UUID]]
) -> None:
    area, clients = populated
    assert area.personal_details(clients[0]).name == NAMES[0]
    raw = RawStore(durable_store).everything()
    assert len(raw) > 1000
    secrets = [_identity_code(i) for i in range(len(NAMES))] + NAMES + ["Kamreerintie"]
    secrets += [name.split()[0] for name in NAMES] + ["client0@example.fi"]
    for secret in secrets:
        for form in _forms(secret):
            assert form not in raw, f"{secret!r} found at rest"


def test_after_erasure_nothing_at_rest_can_open_the_clients_data_even_with_the_master_key(
    durable_store: str, populated: tuple[Area, list[UUID]], master_key: MasterKey
) -> None:
    area, clients = populated
    erased, kept = clients[1], clients[2]
    anchor = seal_history(area)
    state_before = area.client_state(erased)
    raw = RawStore(durable_store)
    wrapped = raw.wrapped_key(personal_record_id(erased))
    assert wrapped in raw.everything()  # in the SQLite file, or the PostgreSQL heap file

    area.erase_personal_data(erased, on=date(2025, 9, 1), reason="GDPR art. 17 request")

    after = raw.everything()  # the tables, the heap files, SQLite's free pages and WAL
    assert wrapped not in after and wrapped.hex().encode() not in after
    reopened = Area(durable_store, master_key=master_key)
    details = reopened.personal_details(erased)
    assert details.erased and (details.identity_code, details.name, details.contact) == (
        None,
        None,
        None,
    )
    assert reopened.personal_details(kept).name == NAMES[2]
    assert reopened.client_state(erased) == state_before
    assert verify_history(reopened, anchor).intact
    assert verify_history(reopened, seal_history(reopened)).intact
    reopened.close()


def test_a_data_key_lost_from_the_key_table_is_a_named_error_not_a_silent_erasure(
    durable_store: str, populated: tuple[Area, list[UUID]]
) -> None:
    area, clients = populated
    record_id = personal_record_id(clients[3])
    if durable_store.startswith("postgresql"):
        raw = RawStore(durable_store)
        with psycopg.connect(raw.url, autocommit=True) as pg:
            pg.execute(
                f'DELETE FROM "{raw.schema}".employmentarea_personal_data_keys'
                " WHERE record_id = %s",
                (record_id,),
            )
    else:
        lite = sqlite3.connect(durable_store, isolation_level=None)
        lite.execute("DELETE FROM personal_data_keys WHERE record_id = ?", (record_id.hex,))
        lite.close()
    size = area.head_position()
    with pytest.raises(PersonalDataUnreadableError, match=f"{record_id} is missing"):
        area.personal_details(clients[3])
    with pytest.raises(PersonalDataUnreadableError, match="missing"):
        area.record_personal_details(
            clients[3],
            on=date(2025, 5, 1),
            identity_code=PersonalIdentityCode(_identity_code(3)),
            name="Korhonen Väinö",
        )
    assert area.head_position() == size
    assert area.personal_details(clients[4]).name == NAMES[4]
