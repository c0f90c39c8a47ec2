"""After erasure nothing personal can be read at rest: not in the SQLite store, not in its read
model, not in a PostgreSQL dump. The history keeps the birth month only, never the day; the
identity code, name and contact details live in the client's encrypted record, whose key is
destroyed on erasure. Reports, the cost split and the seals are unchanged by the erasure.
"""

from __future__ import annotations

import glob
import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from employment_domain import (
    ContactDetails,
    EmploymentArea,
    MasterKey,
    PersonalIdentityCode,
    ReportRequest,
    read_report,
    seal_history,
    verify_history,
)
from employment_domain.commands.routing import RoutingCapacity
from tests.conftest import fresh_postgres_schema

BIRTH = date(1990, 5, 17)
IDENTITY_CODE = "170590-913N"
NAME, EMAIL, PHONE = "Aino Esimerkki", "aino.esimerkki@example.fi", "+358401234567"
#: Every day-precision form of the birth date a reader could search for.
BIRTH_FORMS = ("1990-05-17", "17.05.1990", "17.5.1990", "19900517", "170590", "1990/05/17")
REPORTS = ("caseload", "caseload-groups", "routing", "deadlines", "outcomes")


def personal_words() -> list[bytes]:
    return [word.encode() for word in (*BIRTH_FORMS, IDENTITY_CODE, NAME, EMAIL, PHONE)]


def live_a_client_and_erase(store: str) -> dict[str, list[dict[str, object]]]:
    """A client recorded, interviewed, routed, employed and erased; the reports before erasure."""
    key = MasterKey.generate()
    with EmploymentArea(store, master_key=key) as area:
        client_id = area.start_job_search(
            on=date(2025, 3, 3), municipality="049", birth_date=BIRTH, district="Matinkylä"
        )
        area.record_personal_details(
            client_id,
            on=date(2025, 3, 3),
            identity_code=PersonalIdentityCode(IDENTITY_CODE),
            name=NAME,
            contact=ContactDetails(email=EMAIL, phone=PHONE),
        )
        area.hold_initial_interview(client_id, on=date(2025, 3, 5))
        area.refer_with_routing(
            client_id, on=date(2025, 3, 10), service_type="coaching", capacity=RoutingCapacity()
        )
        area.record_employment(client_id, on=date(2025, 5, 2), kind="open_market", term="permanent")
        anchor = seal_history(area)
    before = {name: read_report(store, ReportRequest(name)).rows for name in REPORTS}
    with EmploymentArea(store, master_key=key) as area:
        area.erase_personal_data(client_id, on=date(2025, 6, 1), reason="retention ended")
        assert area.personal_details(client_id).erased
        assert verify_history(area, anchor).intact
    after = {name: read_report(store, ReportRequest(name)).rows for name in REPORTS}
    assert after == before, "erasure changes no report"
    return before


def test_after_erasure_no_birth_date_or_personal_field_is_in_the_sqlite_store_or_read_model(
    tmp_path: Path,
) -> None:
    store = str(tmp_path / "area.db")
    live_a_client_and_erase(store)
    files = [Path(name) for name in glob.glob(str(tmp_path / "*"))]
    assert any(file.name == "area.readmodel.db" for file in files)
    for file in files:
        data = file.read_bytes()
        for word in personal_words():
            assert word not in data, (file.name, word)


@pytest.fixture
def postgres_store() -> Iterator[str]:
    yield from fresh_postgres_schema()


def test_after_erasure_no_birth_date_or_personal_field_is_in_a_postgresql_dump(
    postgres_store: str,
) -> None:
    live_a_client_and_erase(postgres_store)
    base, schema = postgres_store.split("?schema=")
    dump_binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    pg_dump = dump_binaries[-1] if dump_binaries else "pg_dump"
    dump = subprocess.run(
        [pg_dump, "--dbname", base, "--schema", schema, "--data-only"],
        capture_output=True,
        check=True,
        # bytea in escape form, so that the events' JSON is in the dump as text, as a reader
        # of the dump would see it (the default hex form would hide any word from a search).
        env={**os.environ, "PGCONNECT_TIMEOUT": "10", "PGOPTIONS": "-c bytea_output=escape"},
    ).stdout
    assert b"COPY" in dump and b"birth_month" in dump
    for word in personal_words():
        assert word not in dump, word


def test_the_history_records_the_birth_month_and_no_day(tmp_path: Path) -> None:
    with EmploymentArea(str(tmp_path / "area.db")) as area:
        client_id = area.start_job_search(on=date(2025, 3, 3), municipality="049", birth_date=BIRTH)
        started = area.history()[0].event
        assert started.birth_month == date(1990, 5, 1)  # type: ignore[attr-defined]
        assert not hasattr(started, "birth_date")
        assert area.get_client(client_id).birth_month == date(1990, 5, 1)


def test_a_store_written_by_0_1_0_is_read_with_the_birth_month_only(tmp_path: Path) -> None:
    release = Path(__file__).parent.parent / "stores" / "release-0.1.0" / "area.db"
    copy = tmp_path / "area.db"
    copy.write_bytes(release.read_bytes())
    assert b'"birth_date"' in copy.read_bytes(), "0.1.0 recorded the day, as the record says"
    with EmploymentArea(str(copy)) as area:
        started = [
            recorded.event
            for recorded in area.history(limit=10_000)
            if recorded.topic.endswith("Client.JobSearchStarted")
        ]
        assert started
        for event in started:
            assert not hasattr(event, "birth_date")
            assert event.birth_month.day == 1  # type: ignore[attr-defined]
