"""The auditor's replay, reports as known at an earlier moment, and aggregate histories."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, insert, update

from employment_domain.area import EmploymentArea
from employment_domain.audit.readonly import open_for_audit
from employment_domain.audit.replay import (
    Finding,
    aggregate_history,
    replay,
    report_as_known,
    run_audit,
)
from employment_domain.errors import NotFoundError
from employment_domain.projections import (
    Caseload,
    ProjectionError,
    ProjectionRunner,
    ReadModel,
    position_known_at,
)
from employment_domain.projections.readmodel import TRACKING
from employment_domain.store.service import AreaLike, application_of

ESPOO, KAUNIAINEN = "049", "235"
CASELOAD = [Caseload()]


def history(area: EmploymentArea) -> tuple[UUID, UUID]:
    """Two jobseekers: one moves and ends, one ends and restarts (six events)."""
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


@pytest.fixture
def area(tmp_path: Path) -> EmploymentArea:
    built = EmploymentArea(str(tmp_path / "area.db"))
    history(built)
    return built


@pytest.fixture
def live(area: EmploymentArea, tmp_path: Path) -> ReadModel:
    read_model = ReadModel.for_store(str(tmp_path / "area.db"))
    ProjectionRunner(area, read_model, CASELOAD).catch_up()
    return read_model


def test_the_replay_of_honest_live_tables_finds_nothing(
    area: EmploymentArea, live: ReadModel
) -> None:
    assert replay(area, live, projections=CASELOAD) == []


def test_the_replay_of_a_store_opened_for_audit_finds_nothing(
    area: EmploymentArea, live: ReadModel, tmp_path: Path
) -> None:
    area.close()
    assert replay(open_for_audit(str(tmp_path / "area.db")), live, projections=CASELOAD) == []


def test_the_replay_names_each_changed_missing_and_added_row(
    area: EmploymentArea, live: ReadModel
) -> None:
    days = Caseload.days
    with live.engine.begin() as connection:
        connection.execute(
            update(days).where(days.c.day == date(2025, 1, 2)).values(started=2, moved_in=1)
        )
        connection.execute(delete(days).where(days.c.day == date(2025, 2, 5)))
        connection.execute(
            insert(days).values(
                day=date(2025, 4, 1),
                municipality=ESPOO,
                started=1,
                restarted=0,
                ended=0,
                moved_in=0,
                moved_out=0,
            )
        )
    findings = replay(area, live, projections=CASELOAD)
    assert [(f.subject, f.message) for f in findings] == [
        ("rm_caseload_days (2025-01-02, 049)", "row differs from the replay in started, moved_in"),
        ("rm_caseload_days (2025-02-05, 235)", "row missing from the live table"),
        (
            "rm_caseload_days (2025-04-01, 049)",
            "row in the live table that the history does not give",
        ),
    ]
    changed = findings[0]
    assert (changed.live["started"], changed.expected["started"]) == (2, 1)
    assert json.loads(json.dumps([finding.to_dict() for finding in findings]))[0]["live"] == {
        "day": "2025-01-02",
        "municipality": ESPOO,
        "started": 2,
        "restarted": 0,
        "ended": 0,
        "moved_in": 1,
        "moved_out": 0,
    }


def test_a_live_read_model_behind_the_log_is_compared_with_the_history_it_has_seen(
    area: EmploymentArea, tmp_path: Path
) -> None:
    behind = ReadModel(f"sqlite:///{tmp_path / 'behind.db'}")
    ProjectionRunner(area, behind, CASELOAD).catch_up(stop=3)
    area.start_job_search(on=date(2025, 4, 1), municipality=ESPOO, birth_date=date(2001, 1, 1))
    assert replay(area, behind, projections=CASELOAD) == []


def test_the_replay_reports_unbuilt_foreign_and_outdated_projections(
    area: EmploymentArea, live: ReadModel, tmp_path: Path
) -> None:
    empty = ReadModel(f"sqlite:///{tmp_path / 'empty.db'}")
    assert replay(area, empty, projections=CASELOAD) == [
        Finding("replay", "projection caseload", "the live read model has never built it")
    ]
    with live.engine.begin() as connection:
        connection.execute(update(TRACKING).values(version=0))
    [outdated] = replay(area, live, projections=CASELOAD)
    assert (outdated.message, outdated.live, outdated.expected) == (
        "the live tables were built by another version of the projection",
        0,
        Caseload.version,
    )
    with live.engine.begin() as connection:
        connection.execute(update(TRACKING).values(version=Caseload.version, application="X"))
    [foreign] = replay(area, live, projections=CASELOAD)
    assert foreign.message == "the live tables follow another application"


def test_a_live_position_beyond_the_history_is_reported(
    area: EmploymentArea, live: ReadModel
) -> None:
    with live.engine.begin() as connection:
        connection.execute(update(TRACKING).values(position=99))
    [beyond] = replay(area, live, projections=CASELOAD)
    assert (beyond.subject, beyond.live, beyond.expected) == ("projection caseload", 99, 6)


def test_the_replay_refuses_to_build_in_the_live_database(
    area: EmploymentArea, live: ReadModel, tmp_path: Path
) -> None:
    with pytest.raises(ProjectionError, match="is the live read model"):
        replay(
            area, live, projections=CASELOAD, scratch=f"sqlite:///{tmp_path / 'area.readmodel.db'}"
        )
    assert replay(area, live, projections=CASELOAD) == []


def test_a_report_as_known_at_a_position_or_time_ignores_what_came_later(
    area: EmploymentArea, live: ReadModel
) -> None:
    at_four = report_as_known(area, "caseload", position=4)
    assert [(r["month"], r["municipality"], r["active"]) for r in at_four] == [
        ("2025-01", ESPOO, 0),
        ("2025-01", KAUNIAINEN, 2),
        ("2025-02", KAUNIAINEN, 1),
    ]
    fourth: Any = application_of(area).mapper.to_domain_event(
        application_of(area).recorder.select_notifications(start=4, limit=1)[0]
    )
    stamp = fourth.timestamp
    assert position_known_at(area, stamp) == 4
    assert report_as_known(area, "caseload", at=stamp) == at_four
    assert report_as_known(area, "caseload") == live.report(Caseload)
    by_business_date = report_as_known(area, "caseload", through=date(2025, 1, 31))
    assert [r["month"] for r in by_business_date] == ["2025-01", "2025-01"]
    with pytest.raises(
        ProjectionError, match=r"no report named 'weather'; the reports are .*caseload"
    ):
        report_as_known(area, "weather")


def test_an_aggregates_history_is_plain_data_in_order(area: EmploymentArea) -> None:
    first = UUID(
        str(
            application_of(area).recorder.select_notifications(start=None, limit=1)[0].originator_id
        )
    )
    events = aggregate_history(area, first)
    assert [(e["type"], e["version"], e["on"]) for e in events] == [
        ("JobSearchStarted", 1, "2025-01-02"),
        ("FactsChanged", 2, "2025-01-20"),
        ("JobSearchEnded", 3, "2025-03-31"),
    ]
    assert events[1]["changes"] == {"municipality": KAUNIAINEN}
    assert all(e["recorded_at"].endswith("+00:00") for e in events)
    assert json.loads(json.dumps(events)) == events
    with pytest.raises(NotFoundError, match="no aggregate with id"):
        aggregate_history(area, uuid4())


def test_the_audit_runs_further_checks_after_the_replay(
    area: EmploymentArea, live: ReadModel
) -> None:
    seen: list[AreaLike] = []

    def decisions(app: AreaLike) -> list[Finding]:
        seen.append(app)
        return [Finding("decisions", "referral r-1", "the rulebook now gives another route")]

    with live.engine.begin() as connection:
        connection.execute(delete(Caseload.clients))
    findings = run_audit(area, live, projections=CASELOAD, checks=[decisions])
    assert [f.check for f in findings] == ["replay", "replay", "decisions"]
    assert seen == [area]
