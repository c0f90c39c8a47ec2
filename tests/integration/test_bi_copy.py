"""BI tools read a copy that holds aggregates only: ``projections publish-bi`` into a SQLite file
or a PostgreSQL schema that the role of ``docs/bi-role.sql`` alone can read; and after erasure a
client's per-client working rows hold only what the record of processing allows."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import inspect, select, text

from employment_domain import EmploymentArea, MasterKey, PersonalIdentityCode
from employment_domain.cli.main import main
from employment_domain.demo.year import run_demo
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections
from employment_domain.projections.bi import BiCopyError, publish_bi
from employment_domain.projections.views import VIEWS
from tests.conftest import fresh_postgres_schema, postgres_base_url, skip_outside_ci

ROOT = Path(__file__).resolve().parents[2]
BI_ROLE_SQL = ROOT / "docs" / "bi-role.sql"
RECORD = ROOT / "docs" / "data-protection.md"
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
#: Names a column about a person would have; no BI table may have one.
PERSONAL = re.compile(r"client_id|birth|district|tongue|education|permit|name$|identity|address")


def client_ids(read_model: ReadModel) -> set[str]:
    """Every client id in the read model, as 32 hex digits."""
    with read_model.connect() as connection:
        found = connection.execute(text("SELECT client_id FROM rm_caseload_clients"))
        return {str(row[0]).replace("-", "").lower() for row in found}


def test_publish_bi_copies_every_view_and_no_per_client_row_into_a_file_of_its_own(
    tmp_path: Path,
) -> None:
    store = tmp_path / "area.db"
    with EmploymentArea(str(store)) as area:
        run_demo(area, scale=0.005, seed=11)
    out = tmp_path / "bi.db"
    assert main(["projections", "publish-bi", "--db", str(store), "--out", str(out)]) == 0
    read_model = ReadModel.for_store(str(store))
    clients = client_ids(read_model)
    assert len(clients) > 50
    with sqlite3.connect(out) as bi:
        tables = {row[0] for row in bi.execute("SELECT name FROM sqlite_master")}
        assert tables == {view.name for view in VIEWS}
        for view in VIEWS:
            columns = [row[1] for row in bi.execute(f'PRAGMA table_info("{view.name}")')]
            assert columns == [column.name for column in view.columns]
            assert not [column for column in columns if PERSONAL.search(column)]
            copied = bi.execute(f'SELECT * FROM "{view.name}"').fetchall()
            with read_model.connect() as connection:
                assert len(copied) == len(
                    connection.execute(text(f"SELECT * FROM {view.name}")).fetchall()
                )
            cells = {str(cell).replace("-", "").lower() for row in copied for cell in row}
            assert not cells & clients, view.name
        assert bi.execute("SELECT count(*) FROM rv_caseload").fetchone()[0] > 0
        cents = bi.execute("SELECT SUM(amount_cents) FROM rv_cost_split").fetchone()[0]
    with read_model.connect() as connection:
        view_cents = connection.execute(text("SELECT SUM(amount_cents) FROM rv_cost_split"))
        assert cents == view_cents.scalar() and cents > 0
    read_model.close()


def test_publishing_again_replaces_the_copy_and_a_database_with_other_tables_is_refused(
    tmp_path: Path,
) -> None:
    store = tmp_path / "area.db"
    with EmploymentArea(str(store)) as area:
        run_demo(area, scale=0.003, seed=3)
        read_model = ReadModel.for_store(str(store))
        ProjectionRunner(area, read_model).catch_up()
    target = ReadModel(f"sqlite:///{tmp_path / 'bi.db'}")
    first = publish_bi(read_model, target)
    assert publish_bi(read_model, target) == first
    with target.connect() as connection:
        assert (
            connection.execute(text("SELECT count(*) FROM rv_caseload")).scalar()
            == first["rv_caseload"]
        )
    with pytest.raises(BiCopyError, match="of its own"):
        publish_bi(read_model, ReadModel.for_store(str(store)))
    with pytest.raises(BiCopyError, match="rm_caseload_clients"):
        publish_bi(ReadModel(f"sqlite:///{tmp_path / 'bi.db'}"), read_model)
    with read_model.connect() as connection:
        assert "rv_caseload" in inspect(connection).get_view_names()
    read_model.close()
    target.close()


def _psql(url: str, *variables: str) -> None:
    psql = shutil.which("psql")
    if psql is None:
        skip_outside_ci("the BI role test runs docs/bi-role.sql with psql")
    command = [psql, url, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(BI_ROLE_SQL)]
    for variable in variables:
        command += ["-v", variable]
    subprocess.run(command, check=True, capture_output=True, text=True)


def test_the_bi_role_reads_every_published_table_and_nothing_of_the_store() -> None:
    base = postgres_base_url().replace("postgresql+psycopg", "postgresql")
    role = f"bi_{uuid.uuid4().hex[:12]}"
    bi_schema = f"{role}_tables"
    with ExitStack() as cleanup:  # drops the store's schema at the end
        store = cleanup.enter_context(contextmanager(fresh_postgres_schema)())
        _publish_and_read_as_bi(store, base, role, bi_schema)


def _publish_and_read_as_bi(store: str, base: str, role: str, bi_schema: str) -> None:
    password = uuid.uuid4().hex
    try:
        with EmploymentArea(store) as area:
            run_demo(area, scale=0.003, seed=5)
            read_model = ReadModel.for_store(store)
            ProjectionRunner(area, read_model).catch_up()
        _psql(base, f"bi={role}", f"password={password}", f"bi_schema={bi_schema}")
        target = ReadModel(f"{base}?schema={bi_schema}")
        copied = publish_bi(read_model, target)
        target.close()
        store_schema = read_model.schema
        read_model.close()
        as_bi = psycopg.conninfo.make_conninfo(base, user=role, password=password)
        with psycopg.connect(as_bi, autocommit=True) as connection:
            for view in VIEWS:
                count = connection.execute(f"SELECT count(*) FROM {view.name}").fetchone()
                assert count is not None and count[0] == copied[view.name]
            for table in ("rm_caseload_group_facts", "rv_caseload", "employmentarea_events"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(f'SELECT * FROM "{store_schema}"."{table}"')
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                connection.execute("DELETE FROM rv_caseload")
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{bi_schema}" CASCADE')
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if exists.fetchone():
                connection.execute(f'DROP OWNED BY "{role}"')
                connection.execute(f'DROP ROLE "{role}"')


def allowed_columns() -> dict[str, set[str]]:
    """Per table, the columns the record of processing allows in a client's rows after erasure."""
    section = RECORD.read_text(encoding="utf-8").split("### After erasure", 1)[1]
    allowed = {}
    for line in section.splitlines():
        match = re.match(r"\| `(rm_\w+)` \| (.+) \|$", line)
        if match:
            allowed[match[1]] = set(re.findall(r"`(\w+)`", match[2]))
    return allowed


def client_rows(read_model: ReadModel, client_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    """Every row of every projection's tables that belongs to the client."""
    found: dict[str, list[dict[str, Any]]] = {}
    with read_model.connect() as connection:
        for projection in all_projections():
            for table in projection.metadata.sorted_tables:
                if "client_id" in table.c:
                    rows = connection.execute(
                        select(table).where(table.c.client_id == str(client_id))
                    )
                    found[table.name] = [dict(row._mapping) for row in rows]
    return found


def test_after_erasure_a_clients_working_rows_hold_only_what_the_record_of_processing_allows(
    tmp_path: Path,
) -> None:
    store = tmp_path / "area.db"
    name = "Erkki Esimerkki"
    with EmploymentArea(str(store), master_key=MasterKey.generate()) as area:
        run_demo(area, scale=0.003, seed=9)
        client_id = area.start_job_search(
            on=date(2025, 12, 1),
            municipality="049",
            birth_date=date(1960, 5, 17),
            district="Leppävaara",
            mother_tongue="ara",
            first_residence_permit_on=date(2022, 3, 1),
            partially_able_to_work=True,
        )
        code = PersonalIdentityCode("170560-900" + CHECK[170560900 % 31])
        area.record_personal_details(client_id, on=date(2025, 12, 1), identity_code=code, name=name)
        read_model = ReadModel.for_store(str(store))
        ProjectionRunner(area, read_model).catch_up()
        before = client_rows(read_model, client_id)
        area.erase_personal_data(client_id, on=date(2025, 12, 20), reason="the client asked")
        ProjectionRunner(area, read_model).catch_up()
        after = client_rows(read_model, client_id)
    allowed = allowed_columns()
    assert set(allowed) == set(after), "every per-client table has an allowance"
    assert after == before, "erasure neither adds to nor changes the working rows"
    assert after["rm_caseload_group_facts"], "the client's facts are there to check"
    for table, rows in after.items():
        for row in rows:
            held = {column for column, value in row.items() if value is not None}
            assert held <= allowed[table], (table, held - allowed[table])
    facts = after["rm_caseload_group_facts"][0]
    assert str(facts["birth_month"]) == "1960-05-01", "the birth date only as its month"
    read_model.close()
    database = Path(str(ReadModel.for_store(str(store)).url.database)).read_bytes()
    for secret in (name, str(code), "170560"):
        assert secret.encode() not in database


def test_publish_bi_refuses_the_store_itself_as_its_target_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "area.db"
    with EmploymentArea(str(store)) as area:
        run_demo(area, scale=0.003, seed=4)
    before = store.read_bytes()
    assert main(["projections", "publish-bi", "--db", str(store), "--out", str(store)]) == 1
    assert "not the BI copy's (stored_events)" in capsys.readouterr().err
    assert store.read_bytes() == before
