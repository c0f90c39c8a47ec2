"""The projection runner on a SQLite file and on PostgreSQL: the same tables, resumable, exact."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from sqlalchemy import text

from employment_domain.area import EmploymentArea
from employment_domain.audit.readonly import open_for_audit
from employment_domain.clients.client import Client
from employment_domain.projections import (
    Caseload,
    ProjectionConflictError,
    ProjectionRunner,
    ReadModel,
    all_projections,
    position_known_at,
)
from employment_domain.projections.reading import LogReader, uuid_text
from employment_domain.store.service import application_of
from employment_domain.values import MunicipalityCode

ESPOO, KAUNIAINEN = MunicipalityCode("049"), MunicipalityCode("235")


def write_clients(area: EmploymentArea, count: int, *, first: int = 0) -> None:
    """Jobseekers who start, some of whom move, end and restart (about three events each)."""
    saved = []
    for number in range(first, first + count):
        on = date(2025, 1, 1) + timedelta(days=number % 120)
        client = Client.start_job_search(
            UUID(int=number + 1),
            on=on,
            municipality=ESPOO if number % 3 else KAUNIAINEN,
            birth_date=date(1975 + number % 30, 1, 1),
        )
        if number % 4 == 0:
            moved_to = KAUNIAINEN if client.municipality == ESPOO else ESPOO
            client.change_facts(on=on + timedelta(days=5), municipality=moved_to)
        if number % 2 == 0:
            client.end_job_search(on=on + timedelta(days=40), reason="employed")
            if number % 6 == 0:
                client.restart_job_search(on=on + timedelta(days=90), parameters=area.parameters)
        saved.append(client)
    application_of(area).save(*saved)


def test_the_default_read_model_builds_the_caseload_beside_the_store(durable_store: str) -> None:
    area = EmploymentArea(durable_store)
    write_clients(area, 60)
    read_model = ReadModel.for_store(durable_store)
    progress = ProjectionRunner(area, read_model, [Caseload()], page_size=25).catch_up()
    head = area.head_position()
    assert (progress.position, progress.events) == (head, head)
    report = read_model.report(Caseload)
    assert sum(r["started"] for r in report) == 60
    assert report[-1]["month"] == "2025-05"
    assert sum(r["moved_in"] for r in report) == sum(r["moved_out"] for r in report) > 0
    reference = ReadModel("sqlite://")
    ProjectionRunner(area, reference, [Caseload()]).catch_up()
    assert read_model.snapshot([Caseload()]) == reference.snapshot([Caseload()])


def test_the_tables_sit_in_the_stores_postgres_schema_with_the_read_model_prefix(
    postgres_url: str,
) -> None:
    area = EmploymentArea(postgres_url)
    write_clients(area, 5)
    read_model = ReadModel.for_store(postgres_url)
    ProjectionRunner(area, read_model, [Caseload()]).catch_up()
    schema = parse_qs(urlsplit(postgres_url).query)["schema"][0]
    with read_model.engine.connect() as connection:
        tables = connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = :schema"
                " ORDER BY table_name"
            ),
            {"schema": schema},
        ).scalars()
        assert list(tables) == [
            "employmentarea_events",
            "rm_caseload_clients",
            "rm_caseload_days",
            "rm_tracking",
            "rv_caseload",  # the report-shaped view for BI tools, in the same schema
        ]


def test_a_runner_in_another_application_instance_resumes_where_the_first_stopped(
    durable_store: str,
) -> None:
    writer = EmploymentArea(durable_store)
    write_clients(writer, 40)
    middle = writer.head_position()
    ProjectionRunner(
        writer, ReadModel.for_store(durable_store), [Caseload()], page_size=30
    ).catch_up()
    write_clients(writer, 40, first=40)
    reader = open_for_audit(durable_store)
    progress = ProjectionRunner(reader, ReadModel.for_store(durable_store), [Caseload()]).catch_up()
    assert progress.events == writer.head_position() - middle
    reference = ReadModel("sqlite://")
    ProjectionRunner(writer, reference, [Caseload()]).catch_up()
    live = ReadModel.for_store(durable_store)
    assert live.snapshot([Caseload()]) == reference.snapshot([Caseload()])


def test_a_runner_that_lost_the_race_writes_nothing(durable_store: str) -> None:
    area = EmploymentArea(durable_store)
    write_clients(area, 30)
    read_model = ReadModel.for_store(durable_store)
    slow = ProjectionRunner(area, read_model, [Caseload()], page_size=10)
    fast = ProjectionRunner(area, ReadModel.for_store(durable_store), [Caseload()], page_size=10)

    def overtaken(_: object) -> None:
        fast.catch_up(stop=35)

    with pytest.raises(ProjectionConflictError):
        slow.catch_up(on_page=overtaken)
    assert read_model.positions() == {"caseload": 35}
    reference = ReadModel("sqlite://")
    ProjectionRunner(area, reference, [Caseload()]).catch_up(stop=35)
    assert read_model.snapshot([Caseload()]) == reference.snapshot([Caseload()])


def test_the_log_reader_matches_the_recorder_and_the_mapper(durable_store: str) -> None:
    area = EmploymentArea(durable_store)
    write_clients(area, 12)
    reader = LogReader(area)
    topics = sorted(Caseload.handlers)[:2]
    for stop, chosen in ((None, []), (20, []), (None, topics)):
        notifications = application_of(area).recorder.select_notifications(
            start=3, limit=50, stop=stop, topics=chosen, inclusive_of_start=False
        )
        rows = reader.page(after=3, limit=50, stop=stop, topics=chosen)
        assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
            (n.id, n.topic, n.originator_version, n.state) for n in notifications
        ]
        for row, notification in zip(rows, notifications, strict=True):
            assert vars(reader.decode(row)) == vars(
                application_of(area).mapper.to_domain_event(notification)
            )


def test_stopping_at_a_recorded_time_on_each_store(durable_store: str) -> None:
    area = EmploymentArea(durable_store)
    write_clients(area, 3)
    cut = _event_at(area, 4).timestamp
    write_clients(area, 3, first=3)
    position = position_known_at(area, cut)
    read_model = ReadModel.for_store(durable_store)
    progress = ProjectionRunner(area, read_model, [Caseload()]).catch_up(until=cut)
    assert progress.position == position >= 4
    assert position < area.head_position()


def _event_at(area: EmploymentArea, position: int) -> Any:
    notification = application_of(area).recorder.select_notifications(start=position, limit=1)[0]
    return application_of(area).mapper.to_domain_event(notification)


def test_the_projection_process_builds_the_tables_from_a_read_only_store(
    durable_store: str,
) -> None:
    area = EmploymentArea(durable_store)
    write_clients(area, 20)
    area.close()
    result = subprocess.run(
        [sys.executable, "-m", "employment_domain.projections", durable_store, "--progress"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    area = EmploymentArea(durable_store)
    head = area.head_position()
    assert result.stdout.splitlines()[-1] == f"done position {head} events {head}"
    reference = ReadModel("sqlite://")
    ProjectionRunner(area, reference).catch_up()
    live = ReadModel.for_store(durable_store)
    every = all_projections()
    assert set(live.positions().values()) == {head}
    assert live.snapshot(every) == reference.snapshot(every)


def test_every_projection_built_with_a_tiny_row_cache_equals_one_built_with_a_large_one(
    durable_store: str,
) -> None:
    """Rows dropped from the cache between pages are read back, by aggregate or one by one."""
    from employment_domain.demo.year import run_demo

    area = EmploymentArea(durable_store)
    run_demo(area, scale=0.003)
    head = area.head_position()
    assert head is not None
    projections = all_projections()
    read_model = ReadModel.for_store(durable_store)
    for stop in (head // 3, 2 * head // 3, None):
        ProjectionRunner(area, read_model, projections, page_size=97, max_cached_rows=40).catch_up(
            stop=stop
        )
    reference = ReadModel("sqlite://")
    ProjectionRunner(area, reference, projections).catch_up()
    assert read_model.snapshot(projections) == reference.snapshot(projections)


def test_rows_are_read_back_by_their_first_key_column_in_chunks(durable_store: str) -> None:
    """More values than one statement holds, some matching several rows, some none."""
    from sqlalchemy import Column, Date, Integer, MetaData, Table, Uuid

    from employment_domain.projections.fetch import CHUNK, RowFetch

    metadata = MetaData()
    table = Table(
        "rm_test_fetch",
        metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("count", Integer, nullable=False),
    )
    read_model = ReadModel.for_store(durable_store)
    metadata.create_all(read_model.engine)
    ids = [str(UUID(int=number + 1)) for number in range(CHUNK * 2 + 7)]
    stored = [
        {"client_id": client_id, "day": date(2025, 1, 1) + timedelta(days=day), "count": day}
        for client_id in ids[::3]
        for day in range(2)
    ]
    with read_model.engine.begin() as connection:
        connection.execute(table.insert(), stored)
        found = list(RowFetch(table).rows(connection, ids[1:]))
    expected = [row for row in stored if row["client_id"] in set(ids[1:])]
    key = lambda row: (row["client_id"], row["day"])  # noqa: E731
    assert sorted(found, key=key) == sorted(expected, key=key)
    assert len(found) == len(expected) > CHUNK


def test_every_handler_sees_the_aggregate_id_of_its_event_as_the_tables_key_it(
    durable_store: str,
) -> None:
    from sqlalchemy import Connection, MetaData

    from employment_domain.projections import Page, Projection, handles
    from employment_domain.projections.projection import event_class

    seen: list[tuple[str, str]] = []
    names = ("JobSearchStarted", "FactsChanged", "JobSearchEnded", "JobSearchRestarted")

    class Ids(Projection):
        name = "ids"
        metadata = MetaData()

        @handles(*(event_class(Client, name) for name in names))
        def _seen(self, event: Any, page: Page) -> None:
            seen.append((page.originator_id, str(event.originator_id)))

        @classmethod
        def report(cls, connection: Connection, **options: Any) -> list[dict[str, Any]]:
            return []

    area = EmploymentArea(durable_store)
    write_clients(area, 30)
    ProjectionRunner(area, ReadModel("sqlite://"), [Ids()], page_size=7).catch_up()
    assert len(seen) == area.head_position()
    assert all(given == expected for given, expected in seen)


def test_dates_are_written_as_the_text_sqlalchemy_would_write_and_read_back_equal(
    durable_store: str,
) -> None:
    """The fast path for SQLite's DATE gives SQLAlchemy's own text, datetimes included."""
    from datetime import datetime

    from sqlalchemy import Column, Date, Integer, MetaData, String, Table, cast, select

    from employment_domain.projections.upsert import Upsert

    metadata = MetaData()
    table = Table(
        "rm_test_dates",
        metadata,
        Column("number", Integer, primary_key=True),
        Column("day", Date),
    )
    days = [date(2025, 1, 2), date(1, 1, 1), date(999, 12, 31), None]
    read_model = ReadModel.for_store(durable_store)
    metadata.create_all(read_model.engine)
    with read_model.engine.begin() as connection:
        upsert = Upsert(table)
        upsert.execute(
            connection, [{"number": number, "day": day} for number, day in enumerate(days)]
        )
        upsert.execute(connection, [{"number": 9, "day": datetime(2025, 3, 4, 5, 6)}])
        connection.execute(
            table.insert(), [{"number": 10 + n, "day": day} for n, day in enumerate(days)]
        )
        written = {n: day for n, day in connection.execute(select(table.c.number, table.c.day))}
        as_text = select(table.c.number, cast(table.c.day, String))
        texts = {n: text for n, text in connection.execute(as_text)}
    assert [written[number] for number in range(4)] == days == [written[10 + n] for n in range(4)]
    assert written[9] == date(2025, 3, 4)
    assert [texts[number] for number in range(4)] == [texts[10 + n] for n in range(4)]


def test_a_rebuild_drops_the_tables_an_earlier_version_of_a_projection_kept(
    durable_store: str,
) -> None:
    from sqlalchemy import Column, Date, MetaData, String, Table, inspect

    from employment_domain.projections.deadlines import Deadlines

    area = EmploymentArea(durable_store)
    write_clients(area, 10)
    read_model = ReadModel.for_store(durable_store)
    (retired,) = Deadlines.retired_tables
    old = MetaData()
    Table(retired, old, Column("client_id", String(36), primary_key=True), Column("on", Date))
    old.create_all(read_model.engine)
    assert inspect(read_model.engine).has_table(retired, schema=read_model.schema)
    ProjectionRunner(area, read_model, [Deadlines()]).rebuild()
    assert not inspect(read_model.engine).has_table(retired, schema=read_model.schema)
    assert read_model.positions() == {"deadlines": area.head_position()}


def test_the_log_read_aggregate_by_aggregate_holds_the_same_rows_in_the_order_of_ids(
    durable_store: str,
) -> None:
    area = EmploymentArea(durable_store)
    write_clients(area, 30)
    reader = LogReader(area)
    head = area.head_position()
    topics = sorted(Caseload.handlers)
    in_order = [
        (r[0], r[1], uuid_text(r[2]), r[3], r[4])
        for r in reader.page(after=0, limit=head, stop=head - 7, topics=topics)
    ]
    grouped = [
        (r[0], r[1], uuid_text(r[2]), r[3], r[4])
        for batch in reader.by_aggregate(stop=head - 7, limit=8, topics=topics)
        for r in batch
    ]
    assert grouped == sorted(in_order, key=lambda row: (row[2], row[3]))


def test_the_log_reader_upcasts_the_events_of_the_first_release_as_the_mapper_does(
    tmp_path: Path,
) -> None:
    original = Path(__file__).parent.parent / "stores" / "release-0.1.0" / "area.db"
    copy = tmp_path / "area.db"
    shutil.copyfile(original, copy)
    app = application_of(open_for_audit(str(copy)))
    reader = LogReader(app)
    rows = reader.page(after=0, limit=app.recorder.max_notification_id() or 0)
    notifications = app.recorder.select_notifications(start=None, limit=len(rows))
    upcast = 0
    for row, notification in zip(rows, notifications, strict=True):
        fast, slow = reader.decode(row), app.mapper.to_domain_event(notification)
        assert type(fast) is type(slow)
        assert vars(fast) == vars(slow)
        upcast += b"class_version" not in row[4] and getattr(type(fast), "class_version", 1) > 1
    assert upcast > 0
