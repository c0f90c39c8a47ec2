"""Tampering with stored events on SQLite and PostgreSQL is detected against an anchor, which names
the first position that differs.

Each test edits the events table directly (sqlite3 / psycopg), as someone with database access
would, and then verifies the history against anchors taken before the edit.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import psycopg
import pytest

from employment_domain import ConcurrentUpdateError, EmploymentArea
from employment_domain.audit.seals import (
    SEAL_CHAIN_ID,
    Anchor,
    SealChain,
    latest_anchor,
    seal_history,
    verify_history,
)
from employment_domain.store.service import application_of


class EventsTable:
    """The store's events table, edited behind the library's back: SQL on one connection."""

    def __init__(self, store: str) -> None:
        self.postgres = store.startswith("postgresql")
        if self.postgres:
            schema = parse_qs(urlsplit(store).query)["schema"][0]
            self.pg = psycopg.connect(store.split("?")[0], autocommit=True)
            self.table = f'"{schema}".employmentarea_events'
            self.position = "notification_id"
        else:
            self.lite = sqlite3.connect(store, isolation_level=None)
            self.table = "stored_events"
            self.position = "rowid"

    def run(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        sql = sql.format(table=self.table, position=self.position)
        if self.postgres:
            with self.pg.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s").encode(), params)
                return cursor.fetchall() if cursor.description else []
        return self.lite.execute(sql, params).fetchall()

    def close(self) -> None:
        (self.pg if self.postgres else self.lite).close()

    def row(self, position: int) -> tuple[Any, ...]:
        return self.run(
            "SELECT originator_id, originator_version, topic, state FROM {table}"
            " WHERE {position} = ?",
            position,
        )[0]

    def flip_byte(self, position: int, index: int = 10) -> None:
        state = bytearray(self.row(position)[3])
        state[index] ^= 0x01
        self.run("UPDATE {table} SET state = ? WHERE {position} = ?", bytes(state), position)

    def delete(self, position: int) -> None:
        self.run("DELETE FROM {table} WHERE {position} = ?", position)

    def insert_at(self, position: int) -> None:
        """Make room at ``position`` by renumbering the later events, then put a forged one there:
        a copy of the event that was there, as a later version of the same aggregate."""
        originator_id, version, topic, state = self.row(position)
        self.run(
            "UPDATE {table} SET {position} = -({position} + 1) WHERE {position} >= ?", position
        )
        self.run("UPDATE {table} SET {position} = -{position} WHERE {position} < 0")
        self.run(
            "INSERT INTO {table} (originator_id, originator_version, topic, state, {position})"
            " VALUES (?, ?, ?, ?, ?)",
            originator_id,
            version + 1000,
            topic,
            state,
            position,
        )

    def swap(self, first: int, second: int) -> None:
        self.run("UPDATE {table} SET {position} = -1 WHERE {position} = ?", first)
        self.run("UPDATE {table} SET {position} = ? WHERE {position} = ?", first, second)
        self.run("UPDATE {table} SET {position} = ? WHERE {position} = -1", second)


@pytest.fixture
def table(durable_store: str) -> Iterator[EventsTable]:
    opened = EventsTable(durable_store)
    yield opened
    opened.close()


def _start(area: EmploymentArea, count: int) -> None:
    for _ in range(count):
        area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1))


def _sealed_twice(store: str) -> tuple[EmploymentArea, Anchor, Anchor]:
    """Twelve events sealed (the chain's Opened and Sealed land at 13 and 14), six more, sealed."""
    area = EmploymentArea(store)
    _start(area, 12)
    first = seal_history(area)
    _start(area, 6)
    second = seal_history(area)
    assert (first.position, second.position) == (12, 20)
    return area, first, second


TAMPERINGS: dict[str, tuple[Callable[[EventsTable], None], int, str]] = {
    "one byte of a stored event modified": (lambda t: t.flip_byte(5), 5, "another event"),
    "an event deleted": (lambda t: t.delete(7), 7, "lost the event"),
    "an event inserted": (lambda t: t.insert_at(6), 6, "another event"),
    "two events swapped": (lambda t: t.swap(3, 9), 3, "another event"),
}


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_tampering_is_detected_against_every_anchor_at_the_first_changed_position(
    durable_store: str, table: EventsTable, tampering: str
) -> None:
    area, first, second = _sealed_twice(durable_store)
    assert verify_history(area, first).intact and verify_history(area, second).intact
    tamper, position, kind = TAMPERINGS[tampering]
    tamper(table)
    reopened = EmploymentArea(durable_store)
    for anchor in (first, second):
        verification = verify_history(reopened, str(anchor))
        assert not verification.intact
        assert verification.first_difference == position
        assert f"position {position}" in verification.detail and kind in verification.detail


def test_events_after_the_anchor_do_not_affect_it_but_a_later_anchor_sees_them(
    durable_store: str, table: EventsTable
) -> None:
    area, first, second = _sealed_twice(durable_store)
    table.flip_byte(16)
    assert verify_history(area, first).intact
    assert verify_history(area, second).first_difference == 16


def test_a_changed_seal_record_is_itself_located_and_the_history_below_it_still_proven(
    durable_store: str, table: EventsTable
) -> None:
    area, first, second = _sealed_twice(durable_store)
    table.flip_byte(14, index=40)  # the first seal's own Sealed event
    assert verify_history(area, first).intact  # its anchor alone still proves positions 1-12
    verification = verify_history(area, second)
    assert verification.first_difference == 14
    assert "another event" in verification.detail


def test_a_change_below_a_damaged_seal_record_is_detected_though_it_cannot_be_located(
    durable_store: str, table: EventsTable
) -> None:
    area, first, second = _sealed_twice(durable_store)
    table.delete(14)
    table.flip_byte(4)
    for anchor in (first, second):
        verification = verify_history(area, anchor)
        assert not verification.intact
        assert verification.first_difference is None
        assert "at or before position 12" in verification.detail


def test_verifying_a_large_history_in_several_seal_parts_finds_a_deleted_event(
    durable_store: str, table: EventsTable
) -> None:
    area = EmploymentArea(durable_store)
    _start(area, 40)
    anchor = seal_history(area, max_events_per_seal=7)
    table.delete(33)
    verification = verify_history(area, anchor)
    assert verification.first_difference == 33
    assert verification.events_checked == 39


def test_two_processes_sealing_at_once_never_fork_the_chain(durable_store: str) -> None:
    writers = [EmploymentArea(durable_store), EmploymentArea(durable_store)]
    _start(writers[0], 3)
    refused: list[BaseException] = []

    def seal_repeatedly(area: EmploymentArea) -> None:
        for _ in range(6):
            _start(area, 1)
            try:
                seal_history(area)
            except ConcurrentUpdateError as error:
                refused.append(error)

    threads = [threading.Thread(target=seal_repeatedly, args=(area,)) for area in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seals = [
        application_of(writers[0]).mapper.to_domain_event(stored)
        for stored in application_of(writers[0]).recorder.select_events(SEAL_CHAIN_ID)
        if stored.originator_version > 1
    ]
    assert len(seals) + len(refused) == 12
    for earlier, later in itertools.pairwise(seals):
        assert isinstance(earlier, SealChain.Sealed) and isinstance(later, SealChain.Sealed)
        assert (later.previous_position, later.previous_digest) == (
            earlier.position,
            earlier.digest,
        )
    latest = latest_anchor(writers[1])
    assert latest is not None and verify_history(writers[1], latest).intact


def test_an_event_inserted_into_a_gap_of_postgresql_positions_is_detected(
    postgres_url: str,
) -> None:
    first, second = EmploymentArea(postgres_url), EmploymentArea(postgres_url)
    _start(first, 3)
    originator_id = application_of(first).notification_log.select(start=1, limit=1)[0].originator_id
    assert isinstance(originator_id, UUID)
    client = first.get_client(originator_id)
    rival = second.get_client(client.id)
    client.trigger_event(type(client).Event)
    rival.trigger_event(type(rival).Event)
    application_of(first).save(client)
    with pytest.raises(ConcurrentUpdateError):
        application_of(second).save(
            rival
        )  # the refused insert used up position 5: PostgreSQL leaves a gap
    _start(first, 2)
    anchor = seal_history(first)
    table = EventsTable(postgres_url)
    try:
        assert [row[0] for row in table.run("SELECT {position} FROM {table} ORDER BY 1")][3:6] == [
            4,
            6,
            7,
        ]
        originator_id, version, topic, state = table.row(4)
        table.run(
            "INSERT INTO {table} (originator_id, originator_version, topic, state, {position})"
            " VALUES (?, ?, ?, ?, 5)",
            originator_id,
            version + 1,
            topic,
            state,
        )
    finally:
        table.close()
    verification = verify_history(first, anchor)
    assert verification.first_difference == 5
    assert "where the sealed history had none" in verification.detail
