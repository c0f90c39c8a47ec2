"""The projection runner on SQLite files: pages, exactly once, resuming, cuts, shared passes."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, select, update

from employment_domain.area import EmploymentArea
from employment_domain.clients.client import Client
from employment_domain.projections import (
    Caseload,
    Page,
    Progress,
    Projection,
    ProjectionConflictError,
    ProjectionError,
    ProjectionRunner,
    ProjectionVersionError,
    ReadModel,
    Rows,
    handles,
    position_known_at,
)
from employment_domain.projections.projection import BY_ORIGINATOR, event_class
from employment_domain.projections.readmodel import TRACKING
from employment_domain.store.service import application_of
from employment_domain.values import MunicipalityCode

ESPOO, KAUNIAINEN = "049", "235"
STARTED = event_class(Client, "JobSearchStarted")
ENDED = event_class(Client, "JobSearchEnded")
RESTARTED = event_class(Client, "JobSearchRestarted")
FACTS_CHANGED = event_class(Client, "FactsChanged")


class Tally(Projection):
    """Counts client events by type; fails on the event at ``fail_at`` when asked to."""

    name = "tally"
    metadata = MetaData()
    counts = Table(
        "rm_tally_counts",
        metadata,
        Column("event", String(64), primary_key=True),
        Column("seen", Integer, nullable=False),
    )

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at

    @handles(STARTED, ENDED, RESTARTED, FACTS_CHANGED)
    def _count(self, event: Any, page: Page) -> None:
        if page.position == self.fail_at:
            raise RuntimeError("the projection broke")
        page.rows(self.counts).add(event=type(event).__name__, seen=1)

    @classmethod
    def report(cls, connection: Connection, **options: Any) -> list[dict[str, Any]]:
        statement = select(cls.counts).order_by(cls.counts.c.event)
        return [dict(row._mapping) for row in connection.execute(statement)]


def total(read_model: ReadModel) -> int:
    return sum(row["seen"] for row in read_model.report(Tally))


def open_area(tmp_path: Path) -> EmploymentArea:
    return EmploymentArea(str(tmp_path / "area.db"))


def open_read_model(tmp_path: Path, name: str = "rm") -> ReadModel:
    return ReadModel(f"sqlite:///{tmp_path / name}.db")


def small_history(area: EmploymentArea) -> tuple[UUID, UUID]:
    """Two jobseekers over three months: a move, an end and a restart (six events)."""
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
    return first, second


def many_events(area: EmploymentArea, clients: int) -> None:
    """Three events per client (start, move, end), saved in one go."""
    saved = []
    for number in range(clients):
        on = date(2025, 1, 1) + timedelta(days=number % 90)
        client = Client.start_job_search(
            UUID(int=number + 1),
            on=on,
            municipality=MunicipalityCode(ESPOO),
            birth_date=date(1980, 1, 1),
        )
        client.change_facts(on=on, municipality=MunicipalityCode(KAUNIAINEN))
        client.end_job_search(on=on + timedelta(days=30), reason="employed")
        saved.append(client)
    application_of(area).save(*saved)


def test_the_caseload_report_counts_flows_and_the_active_caseload_by_month(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    ProjectionRunner(area, read_model, [Caseload()]).catch_up()
    assert read_model.report(Caseload) == [
        row("2025-01", ESPOO, started=1, moved_out=1, active=0),
        row("2025-01", KAUNIAINEN, started=1, moved_in=1, active=2),
        row("2025-02", KAUNIAINEN, ended=1, active=1),
        row("2025-03", KAUNIAINEN, restarted=1, ended=1, active=1),
    ]


def test_the_caseload_report_cut_at_a_business_date_leaves_out_later_acts(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    ProjectionRunner(area, read_model, [Caseload()]).catch_up()
    assert read_model.report(Caseload, through=date(2025, 3, 15)) == [
        row("2025-01", ESPOO, started=1, moved_out=1, active=0),
        row("2025-01", KAUNIAINEN, started=1, moved_in=1, active=2),
        row("2025-02", KAUNIAINEN, ended=1, active=1),
        row("2025-03", KAUNIAINEN, restarted=1, active=2),
    ]
    assert read_model.report(Caseload, through=date(2025, 5, 1))[-1] == row(
        "2025-05", KAUNIAINEN, active=1
    )


def row(month: str, municipality: str, **counts: int) -> dict[str, Any]:
    flows = dict.fromkeys(("started", "restarted", "ended", "moved_in", "moved_out"), 0)
    active = counts.pop("active")
    return {"month": month, "municipality": municipality, **flows, **counts, "active": active}


def test_catching_up_twice_applies_each_event_once(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    runner = ProjectionRunner(area, read_model, [Tally()], page_size=4)
    first = runner.catch_up()
    second = runner.catch_up()
    assert (first.events, first.pages, first.position) == (6, 2, 6)
    assert (second.events, second.pages, second.position) == (0, 0, 6)
    assert total(read_model) == 6


def test_a_new_runner_resumes_after_the_last_committed_page(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    ProjectionRunner(area, read_model, [Tally()]).catch_up(stop=4)
    assert (read_model.positions(), total(read_model)) == ({"tally": 4}, 4)
    area.start_job_search(on=date(2025, 4, 1), municipality=ESPOO, birth_date=date(2000, 1, 1))
    progress = ProjectionRunner(area, open_read_model(tmp_path), [Tally()]).catch_up()
    assert (progress.events, progress.position, total(read_model)) == (3, 7, 7)


def test_a_failing_page_writes_nothing_and_the_pages_before_it_stay(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    with pytest.raises(ProjectionError, match=r"'tally' failed on notification 6 .*broke"):
        ProjectionRunner(area, read_model, [Tally(fail_at=6)], page_size=4).catch_up()
    assert (read_model.positions(), total(read_model)) == ({"tally": 4}, 4)
    ProjectionRunner(area, read_model, [Tally()], page_size=4).catch_up()
    fresh = open_read_model(tmp_path, "fresh")
    ProjectionRunner(area, fresh, [Tally()]).catch_up()
    assert read_model.snapshot([Tally()]) == fresh.snapshot([Tally()])


def test_a_second_runner_that_lost_the_race_writes_nothing(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    slow = ProjectionRunner(area, read_model, [Tally()], page_size=2)
    fast = ProjectionRunner(area, open_read_model(tmp_path), [Tally()], page_size=2)

    def overtaken(_: object) -> None:
        fast.catch_up(stop=4)

    with pytest.raises(ProjectionConflictError, match="moved from position 2"):
        slow.catch_up(on_page=overtaken)
    assert (read_model.positions(), total(read_model)) == ({"tally": 4}, 4)


def test_stopping_at_a_position_applies_exactly_the_events_up_to_it(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    progress = ProjectionRunner(area, read_model, [Tally()]).catch_up(stop=3)
    assert progress.position == 3
    assert read_model.report(Tally) == [
        {"event": "FactsChanged", "seen": 1},
        {"event": "JobSearchStarted", "seen": 2},
    ]


def test_the_history_known_at_a_time_ends_before_the_first_event_stamped_later(
    tmp_path: Path,
) -> None:
    area = open_area(tmp_path)
    small_history(area)
    stamps = [event.timestamp for event in _events(area)]
    for stamp in stamps:
        later = next((i for i, other in enumerate(stamps) if other > stamp), len(stamps))
        assert position_known_at(area, stamp) == later
    assert position_known_at(area, stamps[0] - timedelta(seconds=1)) == 0
    assert position_known_at(area, datetime.now(UTC) + timedelta(days=1)) == 6
    with pytest.raises(ValueError, match="timezone"):
        position_known_at(area, datetime(2025, 1, 1))
    read_model = open_read_model(tmp_path)
    progress = ProjectionRunner(area, read_model, [Tally()]).catch_up(until=stamps[2])
    assert (progress.position, total(read_model)) == (3, 3)


def _events(area: EmploymentArea) -> list[Any]:
    notifications = application_of(area).recorder.select_notifications(start=None, limit=100)
    return [
        application_of(area).mapper.to_domain_event(notification) for notification in notifications
    ]


def test_several_projections_share_one_pass_and_a_late_one_catches_up(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    ProjectionRunner(area, read_model, [Caseload()]).catch_up(stop=4)
    both = ProjectionRunner(area, read_model, [Caseload(), Tally()], page_size=2)
    progress = both.catch_up()
    assert progress.events == 6  # one read of the log for both projections
    assert both.positions == {"caseload": 6, "tally": 6}
    fresh = open_read_model(tmp_path, "fresh")
    ProjectionRunner(area, fresh, [Caseload(), Tally()]).catch_up()
    projections = [Caseload(), Tally()]
    assert read_model.snapshot(projections) == fresh.snapshot(projections)


def test_a_changed_projection_version_is_refused_until_rebuilt(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    ProjectionRunner(area, read_model, [Tally()]).catch_up()

    class TallyV2(Tally):
        version = 2

    runner = ProjectionRunner(area, read_model, [TallyV2()])
    with pytest.raises(ProjectionVersionError, match="built by version 1; version 2"):
        runner.catch_up()
    progress = runner.rebuild()
    assert (progress.position, total(read_model)) == (6, 6)
    assert read_model.tracking()["tally"]["version"] == 2


def test_rebuilding_from_zero_gives_the_tables_of_the_live_run(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    many_events(area, 400)
    read_model = open_read_model(tmp_path)
    live = ProjectionRunner(area, read_model, [Caseload()], page_size=250)
    for stop in (100, 700, 1200):
        live.catch_up(stop=stop)
    rebuilt = open_read_model(tmp_path, "rebuilt")
    ProjectionRunner(area, rebuilt, [Caseload()]).rebuild()
    assert read_model.snapshot([Caseload()]) == rebuilt.snapshot([Caseload()])
    assert read_model.positions() == {"caseload": 1200}


def test_the_runner_reads_rows_it_has_not_cached_from_the_tables(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    many_events(area, 50)
    read_model = open_read_model(tmp_path)
    ProjectionRunner(area, read_model, [Caseload()], page_size=40).catch_up(stop=40)
    resumed = ProjectionRunner(
        area, open_read_model(tmp_path), [Caseload()], page_size=40, max_cached_rows=5
    )
    resumed.catch_up()
    fresh = open_read_model(tmp_path, "fresh")
    ProjectionRunner(area, fresh, [Caseload()]).catch_up()
    assert read_model.snapshot([Caseload()]) == fresh.snapshot([Caseload()])


def test_an_event_for_an_unknown_client_stops_the_caseload_with_its_position(
    tmp_path: Path,
) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    runner = ProjectionRunner(area, read_model, [Caseload()])
    runner.catch_up(stop=3)
    with read_model.engine.begin() as connection:
        connection.execute(Caseload.clients.delete())
    with pytest.raises(ProjectionError, match="JobSearchEnded at position 4"):
        ProjectionRunner(area, read_model, [Caseload()]).catch_up()
    assert read_model.positions() == {"caseload": 3}


def test_rows_add_put_get_and_delete_by_primary_key(tmp_path: Path) -> None:
    read_model = open_read_model(tmp_path)
    read_model.create_tables([Tally()])
    rows = Rows(Tally.counts)
    with read_model.engine.begin() as connection:
        rows.begin(connection)
        rows.add(event="A", seen=2)
        rows.add(event="A", seen=3)
        rows.put(event="B", seen=7)
        rows.put(event="C", seen=1)
        rows.delete(event="C")
        assert (rows.get(event="A"), rows.get(event="C")) == ({"event": "A", "seen": 5}, None)
        assert rows.flush() == 3
    assert read_model.report(Tally) == [{"event": "A", "seen": 5}, {"event": "B", "seen": 7}]
    with pytest.raises(TypeError, match="a key needs event"):
        rows.add(seen=1)
    with pytest.raises(TypeError, match="no column 'seen_twice'"):
        rows.add(event="A", seen_twice=1)


def test_the_latest_row_of_an_aggregate_is_found_among_stored_cached_and_deleted_rows(
    tmp_path: Path,
) -> None:
    metadata = MetaData()
    searches = Table(
        "rm_test_searches",
        metadata,
        Column("client_id", String(36), primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("ended_on", Date),
        info=BY_ORIGINATOR,
    )
    read_model = open_read_model(tmp_path)
    metadata.create_all(read_model.engine)
    with read_model.engine.begin() as connection:
        connection.execute(
            searches.insert(),
            [
                {"client_id": "a", "started_on": date(2025, 1, 1), "ended_on": date(2025, 2, 1)},
                {"client_id": "a", "started_on": date(2025, 3, 1), "ended_on": None},
            ],
        )
    rows = Rows(searches)

    def latest_start() -> date:
        latest = rows.latest("a", by="started_on")
        assert latest is not None
        return cast(date, latest["started_on"])

    with read_model.engine.begin() as connection:
        rows.begin(connection)
        rows.put(client_id="a", started_on=date(2025, 2, 15), ended_on=None)
        assert rows.latest("a", by="started_on") == {
            "client_id": "a",
            "started_on": date(2025, 3, 1),
            "ended_on": None,
        }
        rows.put(client_id="a", started_on=date(2025, 5, 1), ended_on=None)
        assert latest_start() == date(2025, 5, 1)
        rows.delete(client_id="a", started_on=date(2025, 5, 1))
        assert latest_start() == date(2025, 3, 1)
        assert rows.latest("b", by="started_on") is None
        rows.flush()
        rows.evict(len(rows))
        assert latest_start() == date(2025, 3, 1)
        with pytest.raises(TypeError, match="not 'ended_on'"):
            rows.latest("a", by="ended_on")
    with pytest.raises(TypeError, match="latest\\(\\) needs a table keyed by aggregate"):
        Rows(Tally.counts).latest("A", by="event")


def test_the_latest_row_on_a_tie_is_the_one_with_the_greatest_key(tmp_path: Path) -> None:
    metadata = MetaData()
    acts = Table(
        "rm_test_acts",
        metadata,
        Column("client_id", String(36), primary_key=True),
        Column("on", Date, primary_key=True),
        Column("number", Integer, primary_key=True),
        info=BY_ORIGINATOR,
    )
    read_model = open_read_model(tmp_path)
    metadata.create_all(read_model.engine)
    for order in ((1, 3, 2), (3, 2, 1)):
        rows = Rows(acts)
        with read_model.engine.begin() as connection:
            rows.begin(connection)
            for number in order:
                rows.put(client_id="a", on=date(2025, 1, 1), number=number)
            assert rows.latest("a", by="on") == {
                "client_id": "a",
                "on": date(2025, 1, 1),
                "number": 3,
            }


def test_a_memory_store_projects_into_a_memory_read_model() -> None:
    area = EmploymentArea(":memory:")
    small_history(area)
    read_model = ReadModel.for_store(":memory:")
    ProjectionRunner(area, read_model, [Caseload()]).catch_up()
    assert [r["active"] for r in read_model.report(Caseload)] == [0, 2, 1, 1]


def test_tampered_tracking_is_caught_by_the_claim(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    runner = ProjectionRunner(area, read_model, [Tally()], page_size=2)

    def moved_behind_its_back(_: object) -> None:
        with read_model.engine.begin() as connection:
            connection.execute(update(Tally.counts).values(seen=0))
            connection.execute(update(TRACKING).values(position=5))

    with pytest.raises(ProjectionConflictError, match="moved from position 2"):
        runner.catch_up(on_page=moved_behind_its_back)


def test_a_following_runner_applies_new_events_until_told_to_stop(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    runner = ProjectionRunner(area, read_model, [Tally()])
    stopping = threading.Event()
    reached: list[int] = []

    def seen(progress: Progress) -> None:
        reached.append(progress.position)
        if progress.position == 7:
            stopping.set()

    follower = threading.Thread(
        target=runner.follow,
        kwargs={"poll_interval": 0.01, "stopping": stopping, "on_page": seen},
    )
    follower.start()
    area.start_job_search(on=date(2025, 4, 1), municipality=ESPOO, birth_date=date(2000, 1, 1))
    follower.join(timeout=30)
    assert not follower.is_alive()
    assert (reached[-1], total(read_model)) == (7, 7)


def test_a_runner_notices_tables_rebuilt_or_dropped_by_another(tmp_path: Path) -> None:
    area = open_area(tmp_path)
    small_history(area)
    read_model = open_read_model(tmp_path)
    runner = ProjectionRunner(area, read_model, [Tally()])
    runner.catch_up()
    ProjectionRunner(area, open_read_model(tmp_path), [Tally()]).rebuild(stop=2)
    assert (runner.catch_up().events, total(read_model)) == (4, 6)
    read_model.drop_tables(Tally())
    assert (runner.catch_up().events, total(read_model)) == (6, 6)
