"""The read-model side of projections: fast log reading, table rules, URLs and identities."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table

from employment_domain.area import EmploymentArea
from employment_domain.money import Money
from employment_domain.projections import Projection, ReadModel, read_model_url
from employment_domain.projections.reading import LogReader
from employment_domain.store.service import application_of
from employment_domain.values import BusinessId, business_id_check_digit

ESPOO, KAUNIAINEN = "049", "235"


def open_area(tmp_path: Path) -> EmploymentArea:
    """A SQLite store with two jobseekers: a move, an end and a restart (six events)."""
    area = EmploymentArea(str(tmp_path / "area.db"))
    first = area.start_job_search(
        on=date(2025, 1, 2), municipality=ESPOO, birth_date=date(1990, 4, 1)
    )
    second = area.start_job_search(
        on=date(2025, 1, 10), municipality=KAUNIAINEN, birth_date=date(1985, 6, 1)
    )
    area.change_client_facts(first, on=date(2025, 1, 20), municipality=KAUNIAINEN)
    area.end_job_search(second, on=date(2025, 2, 5), reason="employed")
    area.restart_job_search(second, on=date(2025, 3, 3))
    area.end_job_search(first, on=date(2025, 3, 31), reason="education")
    return area


def test_the_fast_log_reader_returns_what_the_recorder_and_mapper_return(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    digits = "1234567"
    business_id = f"{digits}-{business_id_check_digit(digits)}"
    area.register_employer(
        on=date(2025, 1, 3),
        business_id=BusinessId(business_id),
        name="Oy Esimerkki Ab",
        municipality=ESPOO,
        industry="62",
    )
    area.open_ledger("espoo-kauniainen", 2025, on=date(2025, 1, 1))
    area.record_cost(
        "espoo-kauniainen",
        2025,
        on=date(2025, 1, 31),
        category="staff",
        amount=Money("1234.50"),
        source="payroll_run",
        reference="P-1",
    )
    reader = LogReader(area)
    aggregates = {row[1].split(":")[1].split(".")[0] for row in reader.page(after=0, limit=100)}
    assert aggregates == {"Client", "Employer", "Ledger"}
    topics = [application_of(area).recorder.select_notifications(start=None, limit=1)[0].topic]
    for stop, chosen in ((None, []), (5, []), (None, topics)):
        notifications = application_of(area).recorder.select_notifications(
            start=1, limit=100, stop=stop, topics=chosen, inclusive_of_start=False
        )
        rows = reader.page(after=1, limit=100, stop=stop, topics=chosen)
        assert [r[0] for r in rows] == [n.id for n in notifications]
        for page_row, notification in zip(rows, notifications, strict=True):
            fast, slow = (
                reader.decode(page_row),
                application_of(area).mapper.to_domain_event(notification),
            )
            assert type(fast) is type(slow)
            assert vars(fast) == vars(slow)
    assert [r[0] for r in rows] == [2]


def test_a_projection_table_needs_the_read_model_prefix() -> None:
    with pytest.raises(TypeError, match="needs the prefix 'rm_'"):

        class Unprefixed(Projection):
            name = "unprefixed"
            metadata = MetaData()
            table = Table("counts", metadata, Column("key", String(8), primary_key=True))


def test_the_default_read_model_sits_beside_a_sqlite_store_and_in_a_postgres_schema(
    tmp_path: Path,
) -> None:
    assert read_model_url(str(tmp_path / "area.db")) == f"sqlite:///{tmp_path}/area.readmodel.db"
    assert read_model_url(":memory:") == "sqlite://"
    assert read_model_url("postgresql://u:p%40ss@127.0.0.1:5433/db?schema=s1") == (
        "postgresql+psycopg://u:p%40ss@127.0.0.1:5433/db?schema=s1"
    )
    model = ReadModel("postgresql://u:secret@127.0.0.1/db?schema=s1")
    assert (model.schema, model.description) == (
        "s1",
        "postgresql+psycopg://u:***@127.0.0.1/db (schema s1)",
    )


def test_read_models_naming_the_same_tables_are_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = ReadModel(f"sqlite:///{tmp_path / 'rm.db'}")
    assert absolute.same_database(ReadModel("sqlite:///rm.db"))
    assert not absolute.same_database(ReadModel("sqlite:///other.db"))
    assert not ReadModel("sqlite://").same_database(ReadModel("sqlite://"))
    first = ReadModel("postgresql://u:one@127.0.0.1/db?schema=a")
    assert first.same_database(ReadModel("postgresql+psycopg://u:two@127.0.0.1/db?schema=a"))
    assert not first.same_database(ReadModel("postgresql://u:one@127.0.0.1/db?schema=b"))
