"""The store contract: every store keeps and returns events faithfully, and refuses conflicts.

Runs on the in-memory store, a SQLite file and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest

from employment_domain import (
    ConcurrentUpdateError,
    EmploymentArea,
    MunicipalityCode,
    MunicipalityError,
    NotFoundError,
    StoreError,
)
from employment_domain.clients.client import Client, ClientError
from employment_domain.store.service import application_of


def test_a_client_saved_and_reloaded_equals_the_original_field_by_field(store: str) -> None:
    area = EmploymentArea(store)
    client_id = area.start_job_search(
        on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 5, 17)
    )
    original = area.get_client(client_id)
    reopened = EmploymentArea(store) if store != ":memory:" else area
    reloaded = reopened.get_client(client_id)
    assert reloaded.id == original.id
    assert reloaded.version == original.version == 1
    assert reloaded.job_search_started_on == date(2025, 1, 2)
    assert type(reloaded.job_search_started_on) is date
    assert reloaded.municipality == MunicipalityCode("049")
    assert reloaded.birth_month == original.birth_month == date(1990, 5, 1)
    assert reloaded.created_on == original.created_on


def test_the_notification_log_holds_each_event_once_in_order(store: str) -> None:
    area = EmploymentArea(store)
    ids = [
        area.start_job_search(on=date(2025, 1, 2), municipality="235", birth_date=date(1980, 1, 1))
        for _ in range(3)
    ]
    notifications = application_of(area).notification_log.select(start=1, limit=10)
    assert [n.originator_id for n in notifications] == ids
    assert [n.id for n in notifications] == sorted(n.id for n in notifications)


def test_a_refused_command_records_nothing(store: str) -> None:
    area = EmploymentArea(store)
    with pytest.raises(MunicipalityError, match="999"):
        area.start_job_search(on=date(2025, 1, 2), municipality="999", birth_date=date(1990, 1, 1))
    with pytest.raises(ClientError, match="2025-01-02"):
        area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(2025, 3, 1))
    assert application_of(area).notification_log.select(start=1, limit=10) == []


def test_an_unknown_client_is_a_named_error(store: str) -> None:
    area = EmploymentArea(store)
    missing = uuid4()
    with pytest.raises(NotFoundError, match=str(missing)):
        area.get_client(missing)


def test_of_two_writers_of_one_client_exactly_one_succeeds(durable_store: str) -> None:
    first, second = EmploymentArea(durable_store), EmploymentArea(durable_store)
    client_id = first.start_job_search(
        on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1)
    )
    mine, theirs = first.get_client(client_id), second.get_client(client_id)
    mine.trigger_event(Client.Event)
    theirs.trigger_event(Client.Event)
    application_of(first).save(mine)
    with pytest.raises(ConcurrentUpdateError, match=str(client_id)):
        application_of(second).save(theirs)
    events = list(application_of(first).repository.event_store.get(client_id))
    assert [event.originator_version for event in events] == [1, 2]


def test_writers_racing_on_threads_never_lose_or_duplicate_an_event(durable_store: str) -> None:
    client_id = EmploymentArea(durable_store).start_job_search(
        on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1)
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2, timeout=30)

    def write(area: EmploymentArea) -> None:
        client = area.get_client(client_id)
        client.trigger_event(Client.Event)
        barrier.wait()
        try:
            application_of(area).save(client)
            outcomes.append("saved")
        except ConcurrentUpdateError:
            outcomes.append("refused")
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcomes.append(repr(error))

    writers = [EmploymentArea(durable_store) for _ in range(2)]
    threads = [threading.Thread(target=write, args=(area,)) for area in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    area = EmploymentArea(durable_store)
    assert [
        e.originator_version for e in application_of(area).repository.event_store.get(client_id)
    ] == [1, 2]


def test_a_sqlite_path_in_a_missing_folder_is_refused_and_nothing_is_created(
    tmp_path: Path,
) -> None:
    target = tmp_path / "no-such-folder" / "area.db"
    with pytest.raises(StoreError, match="no-such-folder"):
        EmploymentArea(str(target))
    assert not target.parent.exists()


def test_an_unreachable_postgresql_server_fails_within_seconds() -> None:
    import time

    started = time.monotonic()
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:9/area") as refused:
        EmploymentArea("postgresql://someone:secret@127.0.0.1:9/area")
    assert time.monotonic() - started < 15
    assert "secret" not in str(refused.value)


def test_a_malformed_postgresql_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="PostgreSQL URL"):
        EmploymentArea("postgresql://user@host:notaport/db")


def test_the_default_store_is_a_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EMPLOYMENT_AREA_DB", raising=False)
    EmploymentArea().start_job_search(
        on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1)
    )
    assert (tmp_path / "employment-area.db").is_file()


def test_the_store_may_be_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPLOYMENT_AREA_DB", str(tmp_path / "from-env.db"))
    EmploymentArea().start_job_search(
        on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1)
    )
    assert (tmp_path / "from-env.db").is_file()


def test_a_file_that_is_not_a_sqlite_database_is_a_store_error(tmp_path: Path) -> None:
    impostor = tmp_path / "notes.db"
    impostor.write_bytes(b"these are meeting notes, not a database" * 100)
    with pytest.raises(StoreError, match=r"notes\.db"):
        EmploymentArea(str(impostor))
    assert impostor.read_bytes().startswith(b"these are meeting notes")
