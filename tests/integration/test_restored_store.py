"""A read model belongs to one history: a store restored from a backup, or replaced by another,
is refused before any report shows a figure from the lost timeline.

The sequence is the one that once gave silently wrong reports: 20 job searches in Espoo, a
report read, a backup taken; 30 more in Kauniainen and a report read; the backup restored over
the store; 40 more in Espoo. The history then holds Espoo 60 and Kauniainen 0, while a read
model that knew its history only by a position kept the lost Kauniainen events.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from employment_domain import EmploymentArea, ReportRequest, read_report
from employment_domain.cli.main import main
from employment_domain.projections import HistoryMismatchError
from tests.conftest import fresh_postgres_schema

ESPOO, KAUNIAINEN = "049", "235"


def start(db: str, municipality: str, count: int) -> None:
    with EmploymentArea(db) as area:
        for day in range(count):
            area.start_job_search(
                on=date(2025, 3, 3 + day % 20),
                municipality=municipality,
                birth_date=date(1990, 1, 1),
            )


def started(db: str, read_model: str | None = None) -> dict[str, int]:
    rows = read_report(db, ReportRequest("caseload"), read_model=read_model).rows
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["municipality"]] = totals.get(row["municipality"], 0) + row["started"]
    return totals


def restore_sequence(
    db: str, backup: Callable[[], None], restore: Callable[[], None], read_model: str | None
) -> None:
    start(db, ESPOO, 20)
    assert started(db, read_model) == {ESPOO: 20}
    backup()
    start(db, KAUNIAINEN, 30)
    assert started(db, read_model) == {ESPOO: 20, KAUNIAINEN: 30}
    restore()
    start(db, ESPOO, 40)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    return str(tmp_path / "area.db")


def test_a_sqlite_store_restored_from_a_backup_is_refused_until_the_read_model_is_rebuilt(
    sqlite_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "backup.db"

    def backup() -> None:
        shutil.copy(sqlite_store, copy)

    def restore() -> None:
        Path(sqlite_store + "-wal").unlink(missing_ok=True)
        Path(sqlite_store + "-shm").unlink(missing_ok=True)
        shutil.copy(copy, sqlite_store)

    restore_sequence(sqlite_store, backup, restore, None)
    with pytest.raises(HistoryMismatchError, match="restored from a backup or replaced"):
        started(sqlite_store)
    assert main(["report", "caseload", "--db", sqlite_store]) == 1
    assert "projections rebuild" in capsys.readouterr().err
    assert main(["projections", "rebuild", "--db", sqlite_store]) == 0
    assert started(sqlite_store) == {ESPOO: 60}


def test_a_sqlite_store_replaced_by_a_longer_one_from_elsewhere_is_refused(
    tmp_path: Path,
) -> None:
    db, other = str(tmp_path / "area.db"), str(tmp_path / "other.db")
    start(db, ESPOO, 5)
    assert started(db) == {ESPOO: 5}
    start(other, KAUNIAINEN, 12)
    Path(db + "-wal").unlink(missing_ok=True)
    shutil.copy(other, db)
    with pytest.raises(HistoryMismatchError):
        started(db)


@pytest.fixture
def postgres_store() -> Iterator[str]:
    yield from fresh_postgres_schema()


def _sql(url: str, statement: str) -> Any:
    base, schema = url.split("?schema=")
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'SET search_path TO "{schema}"')
        cursor = connection.execute(statement)
        return cursor.fetchall() if statement.startswith("SELECT") else None


def test_a_postgresql_store_restored_from_a_backup_is_refused_until_rebuilt(
    postgres_store: str,
) -> None:
    def backup() -> None:
        _sql(postgres_store, "CREATE TABLE backup AS SELECT * FROM employmentarea_events")

    def restore() -> None:
        _sql(postgres_store, "TRUNCATE employmentarea_events")
        _sql(postgres_store, "INSERT INTO employmentarea_events SELECT * FROM backup")
        _sql(
            postgres_store,
            "SELECT setval(pg_get_serial_sequence('employmentarea_events', 'notification_id'),"
            " (SELECT max(notification_id) FROM employmentarea_events))",
        )

    restore_sequence(postgres_store, backup, restore, None)
    with pytest.raises(HistoryMismatchError):
        started(postgres_store)
    assert main(["projections", "rebuild", "--db", postgres_store]) == 0
    assert started(postgres_store) == {ESPOO: 60}
