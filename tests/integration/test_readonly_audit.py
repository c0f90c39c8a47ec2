"""A store opened for audit reads everything and writes nothing, on SQLite and PostgreSQL, and the
documented auditor role of docs/auditor-role.sql can read the history but never write it.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from eventsourcing.persistence import PersistenceError

from employment_domain import EmploymentArea, PersonalIdentityCode, StoreError
from employment_domain.audit.readonly import open_for_audit
from employment_domain.audit.seals import seal_history, verify_history
from employment_domain.personal_data.record import ContactDetails, MasterKey
from employment_domain.store.readonly import ReadOnlyStoreError, audit_environment
from employment_domain.store.service import application_of

AUDITOR_ROLE_SQL = Path(__file__).parents[2] / "docs" / "auditor-role.sql"


Area = EmploymentArea


def _populate(store: str, master_key: MasterKey) -> tuple[list[uuid.UUID], str]:
    area = Area(store, master_key=master_key)
    clients = [
        area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1))
        for _ in range(6)
    ]
    area.record_personal_details(
        clients[0],
        on=date(2025, 1, 3),
        identity_code=PersonalIdentityCode("131052-308T"),
        name="Maija Meikäläinen",
        contact=ContactDetails(phone="040 1234567"),
    )
    anchor = str(seal_history(area))
    area.close()
    return clients, anchor


def _audit_everything(area: EmploymentArea, clients: list[uuid.UUID], anchor: str) -> int:
    """What an auditor does: read the whole log, replay every aggregate, verify the seal."""
    notifications = application_of(area).recorder.select_notifications(start=1, limit=10_000)
    for originator_id in {n.originator_id for n in notifications}:
        assert isinstance(originator_id, uuid.UUID)
        application_of(area).repository.get(originator_id)
    for client_id in clients:
        assert area.client_state(client_id)["municipality"] == "049"
    assert verify_history(area, anchor).intact
    return len(notifications)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_audit_of_a_sqlite_file_leaves_its_checksum_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "area.db"
    clients, anchor = _populate(str(path), MasterKey.generate())
    checksum = _sha256(path)
    audit = open_for_audit(path)
    assert _audit_everything(audit, clients, anchor) == 9
    with pytest.raises(ReadOnlyStoreError, match="read-only"):
        audit.start_job_search(on=date(2025, 2, 1), municipality="049", birth_date=date(1990, 1, 1))
    with pytest.raises(ReadOnlyStoreError):
        seal_history(audit)
    audit.close()
    assert _sha256(path) == checksum
    assert len(EmploymentArea(path).history(limit=100)) == 9


def test_the_sqlite_connection_of_an_audit_refuses_writes_that_bypass_the_application(
    tmp_path: Path,
) -> None:
    path = tmp_path / "area.db"
    _populate(str(path), MasterKey.generate())
    checksum = _sha256(path)
    audit = open_for_audit(path)
    datastore = application_of(audit).factory.datastore  # type: ignore[attr-defined]
    for statement in ("DELETE FROM stored_events", "CREATE TABLE tracking (name TEXT)"):
        with (
            pytest.raises(PersistenceError, match="readonly"),
            datastore.transaction(commit=True) as cursor,
        ):
            cursor.execute(statement)
    audit.close()
    assert _sha256(path) == checksum


def test_personal_data_can_be_read_but_not_recorded_or_erased_in_an_audit(tmp_path: Path) -> None:
    path = tmp_path / "area.db"
    master_key = MasterKey.generate()
    clients, _ = _populate(str(path), master_key)
    checksum = _sha256(path)
    audit = Area(path, master_key=master_key, env=audit_environment(path))
    assert audit.personal_details(clients[0]).name == "Maija Meikäläinen"
    with pytest.raises(ReadOnlyStoreError):
        audit.record_personal_details(
            clients[1],
            on=date(2025, 2, 1),
            identity_code=PersonalIdentityCode("131052-308T"),
            name="Ville",
        )
    with pytest.raises(ReadOnlyStoreError):
        audit.erase_personal_data(clients[0], on=date(2025, 2, 1), reason="GDPR erasure")
    audit.close()
    assert _sha256(path) == checksum
    assert Area(path, master_key=master_key).personal_details(clients[0]).name is not None


def test_the_process_environment_cannot_turn_table_creation_back_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "area.db"
    _populate(str(path), MasterKey.generate())
    checksum = _sha256(path)
    monkeypatch.setenv("EMPLOYMENTAREA_CREATE_TABLE", "yes")
    monkeypatch.setenv("EMPLOYMENTAREA_PERSISTENCE_MODULE", "eventsourcing.sqlite")
    open_for_audit(path).close()
    assert _sha256(path) == checksum


@pytest.mark.parametrize("missing", ["nothing-here.db", "folder/area.db"])
def test_a_store_that_does_not_exist_is_refused_rather_than_created(
    tmp_path: Path, missing: str
) -> None:
    with pytest.raises(StoreError, match=r"no SQLite store to audit|does not exist"):
        open_for_audit(tmp_path / missing)
    assert not (tmp_path / missing).exists()


def test_a_file_without_an_event_history_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).close()
    with pytest.raises(StoreError, match="cannot read the event history"):
        open_for_audit(path)


def test_an_in_memory_store_has_nothing_to_audit() -> None:
    with pytest.raises(StoreError, match="in-memory"):
        open_for_audit(":memory:")


def _table_digest(postgres_url: str) -> str:
    schema = parse_qs(urlsplit(postgres_url).query)["schema"][0]
    with psycopg.connect(postgres_url.split("?")[0]) as connection:
        row = connection.execute(
            "SELECT md5(string_agg(t::text, '|' ORDER BY notification_id)), count(*)"
            f' FROM "{schema}".employmentarea_events t'
        ).fetchone()
    return str(row)


def test_a_full_audit_of_postgresql_writes_nothing_and_its_sessions_are_read_only(
    postgres_url: str,
) -> None:
    clients, anchor = _populate(postgres_url, MasterKey.generate())
    before = _table_digest(postgres_url)
    audit = open_for_audit(postgres_url)
    assert _audit_everything(audit, clients, anchor) == 9
    with pytest.raises(ReadOnlyStoreError):
        audit.start_job_search(on=date(2025, 2, 1), municipality="049", birth_date=date(1990, 1, 1))
    datastore = application_of(audit).factory.datastore  # type: ignore[attr-defined]
    with datastore.get_connection() as connection:
        setting = connection.execute("SHOW default_transaction_read_only").fetchone()
        assert setting is not None and setting["default_transaction_read_only"] == "on"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            connection.execute(f"DELETE FROM {datastore.schema}.employmentarea_events")
    audit.close()
    assert _table_digest(postgres_url) == before


def _psql_variables(sql: str, values: dict[str, str]) -> list[str]:
    """The statements of a psql script with its ``:"var"`` and ``:'var'`` filled in, as psql
    -v var=value would, and its comments removed."""
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r':"(\w+)"', lambda m: '"' + values[m.group(1)].replace('"', '""') + '"', sql)
    sql = re.sub(r":'(\w+)'", lambda m: "'" + values[m.group(1)].replace("'", "''") + "'", sql)
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


def test_the_documented_auditor_role_reads_and_verifies_the_history_but_cannot_write(
    postgres_url: str,
) -> None:
    clients, anchor = _populate(postgres_url, MasterKey.generate())
    before = _table_digest(postgres_url)
    admin_url, query = postgres_url.split("?")
    schema = parse_qs(query)["schema"][0]
    role, password = f"auditor_{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
    statements = _psql_variables(
        AUDITOR_ROLE_SQL.read_text(), {"auditor": role, "password": password, "schema": schema}
    )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement.encode())
    try:
        parts = urlsplit(admin_url)
        auditor_url = f"postgresql://{role}:{password}@{parts.hostname}:{parts.port}{parts.path}"
        audit = open_for_audit(f"{auditor_url}?schema={schema}")
        assert _audit_everything(audit, clients, anchor) == 9
        audit.close()
        with psycopg.connect(auditor_url, autocommit=True) as connection:
            connection.execute("SET default_transaction_read_only = off")
            for statement in (
                f'DELETE FROM "{schema}".employmentarea_events',
                f'SELECT * FROM "{schema}".employmentarea_personal_data_keys',
                f'CREATE TABLE "{schema}".auditor_notes (note text)',
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(statement.encode())
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"'.encode())
            admin.execute(f'DROP ROLE "{role}"'.encode())
    assert _table_digest(postgres_url) == before
