"""``employment-area report`` and ``projections``: reports by name in every format and language,
as of a business date and as known at a position or time, from a store they never write."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from employment_domain import EmploymentArea
from employment_domain.cli.main import main
from tests.test_cli import run_demo_into


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("report") / "area.db"
    assert run_demo_into(path) == 0
    yield path


def report_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["report", *args, "--format", "json"]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_report_prints_as_a_table_csv_and_json(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = report_json(capsys, "caseload", "--db", str(demo_db))
    assert rows and {"month", "municipality", "active"} <= set(rows[0])
    assert main(["report", "caseload", "--db", str(demo_db), "--format", "csv"]) == 0
    csv_lines = capsys.readouterr().out.strip().splitlines()
    assert csv_lines[0].startswith("month,municipality,") and len(csv_lines) == len(rows) + 1
    assert main(["report", "caseload", "--db", str(demo_db)]) == 0
    assert capsys.readouterr().out.startswith("Report caseload")


def test_finnish_labels_give_the_official_names_of_the_municipalities(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", str(demo_db), "--lang", "fi"]) == 0
    table = capsys.readouterr().out
    assert "kuukausi" in table and "Espoo" in table and "Kauniainen" in table


def test_an_unknown_report_name_is_a_usage_error_that_lists_the_reports(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "no-such-report", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    assert "unknown report 'no-such-report'" in err and "caseload" in err


def test_a_report_on_a_store_that_does_not_exist_exits_1_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", str(tmp_path / "none.db")]) == 1
    assert "no event store" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_report_never_writes_the_event_store(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(demo_db)
    report_json(capsys, "caseload", "--db", str(demo_db), "--year", "2025")
    assert sha256(demo_db) == before


def test_a_report_catches_up_with_events_recorded_since_the_last_one(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    shutil.copy(demo_db, path)
    internal = ("--unsuppressed", "--year", "2026")  # one jobseeker: the published form hides it
    before = report_json(capsys, "caseload", "--db", str(path), *internal)
    area = EmploymentArea(str(path))
    area.start_job_search(on=date(2026, 1, 5), municipality="235", birth_date=date(1990, 1, 1))
    area.close()
    after = report_json(capsys, "caseload", "--db", str(path), *internal)
    assert sum(row["started"] for row in after) == sum(row["started"] for row in before) + 1
    assert (tmp_path / "area.readmodel.db").is_file()


def test_the_year_option_keeps_only_that_year_s_rows(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = report_json(capsys, "caseload", "--db", str(demo_db), "--year", "2025")
    assert {row["month"][:4] for row in rows} == {"2025"}


def test_as_of_a_business_date_leaves_out_what_happened_later(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = report_json(capsys, "caseload", "--db", str(demo_db), "--as-of-date", "2025-03-31")
    assert max(row["month"] for row in rows) == "2025-03"


def test_as_known_at_a_position_gives_the_report_the_store_held_then(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    shutil.copy(demo_db, path)
    then = report_json(capsys, "caseload", "--db", str(path))
    area = EmploymentArea(str(path))
    position = area.head_position()
    area.start_job_search(on=date(2025, 6, 2), municipality="049", birth_date=date(1990, 1, 1))
    area.close()
    assert report_json(capsys, "caseload", "--db", str(path)) != then
    known = report_json(capsys, "caseload", "--db", str(path), "--as-known-at", str(position))
    assert known == then
    assert report_json(capsys, "caseload", "--db", str(path), "--as-known-at", "0") == []


def test_as_known_at_a_time_before_the_first_event_is_empty(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["caseload", "--db", str(demo_db), "--as-known-at", "2000-01-01T00:00:00+00:00"]
    assert report_json(capsys, *args) == []


def test_a_malformed_as_known_at_or_date_is_a_usage_error(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", str(demo_db), "--as-known-at", "soon"]) == 2
    assert main(["report", "caseload", "--db", str(demo_db), "--as-of-date", "31.3.2025"]) == 2


def test_scratch_builds_the_report_in_memory_and_writes_no_read_model(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    shutil.copy(demo_db, path)
    expected = report_json(capsys, "caseload", "--db", str(demo_db))
    assert report_json(capsys, "caseload", "--db", str(path), "--scratch") == expected
    assert sorted(p.name for p in tmp_path.iterdir() if "readmodel" in p.name) == []


def test_a_read_model_of_another_history_is_refused(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    area = EmploymentArea(str(path))
    area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1))
    area.close()
    shutil.copy(demo_db.with_name("area.readmodel.db"), tmp_path / "area.readmodel.db")
    assert main(["report", "caseload", "--db", str(path)]) == 1
    assert "projections rebuild" in capsys.readouterr().err
    assert main(["projections", "rebuild", "--db", str(path), "--quiet"]) == 0
    rows = report_json(capsys, "caseload", "--db", str(path), "--unsuppressed")
    assert [row["started"] for row in rows] == [1]
    published = report_json(capsys, "caseload", "--db", str(path))
    assert [(row["started"], row["suppressed"]) for row in published] == [(None, "started,active")]


def test_a_read_model_built_by_an_older_projection_version_is_refused_until_rebuilt(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import update

    from employment_domain.projections import ReadModel
    from employment_domain.projections.deadlines import Deadlines
    from employment_domain.projections.readmodel import TRACKING

    path = tmp_path / "area.db"
    shutil.copy(demo_db, path)
    shutil.copy(demo_db.with_name("area.readmodel.db"), tmp_path / "area.readmodel.db")
    expected = report_json(capsys, "deadlines", "--db", str(path))
    read_model = ReadModel.for_store(str(path))
    with read_model.engine.begin() as connection:
        connection.execute(
            update(TRACKING)
            .where(TRACKING.c.projection == Deadlines.name)
            .values(version=Deadlines.version - 1)
        )
    read_model.close()
    assert main(["report", "deadlines", "--db", str(path)]) == 1
    error = capsys.readouterr().err
    assert f"built by version {Deadlines.version - 1}" in error
    assert "run 'employment-area projections rebuild'" in error
    assert main(["projections", "rebuild", "--db", str(path), "--quiet"]) == 0
    assert report_json(capsys, "deadlines", "--db", str(path)) == expected


def test_projections_catch_up_and_rebuild_say_how_far_they_got(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    area = EmploymentArea(str(demo_db))
    head = area.head_position()
    area.close()
    assert main(["projections", "catch-up", "--db", str(demo_db)]) == 0
    assert f"position {head}" in capsys.readouterr().out
    assert main(["projections", "rebuild", "--db", str(demo_db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rebuilt") and f"position {head}" in out


def test_projections_into_another_read_model_database(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert main(["projections", "catch-up", "--db", str(demo_db), "--read-model", url]) == 0
    assert (tmp_path / "elsewhere.db").is_file()


def test_projections_on_a_store_that_does_not_exist_exit_1_and_create_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projections", "catch-up", "--db", str(tmp_path / "none.db")]) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_the_demo_reports_and_audit_run_on_postgresql(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", postgres_url, "--scale", "0.005", "--quiet"]) == 0
    assert "postgresql://" in capsys.readouterr().out
    assert report_json(capsys, "caseload", "--db", postgres_url)
    assert main(["audit", "verify", "--db", postgres_url]) == 0
    assert main(["demo", "--db", postgres_url, "--quiet"]) == 1
    assert main(["demo", "--db", postgres_url, "--fresh", "--quiet"]) == 1


def test_the_annual_report_is_one_html_page_with_the_latest_anchor(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "annual.html"
    args = ["report", "annual", "--db", str(demo_db), "--format", "html", "--out", str(out)]
    assert main(args) == 0
    assert "annual report 2025 written" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "ea1:" in html
    assert main(["report", "annual", "--db", str(demo_db), "--lang", "fi", "--year", "2025"]) == 0
    assert 'lang="fi"' in capsys.readouterr().out


def test_the_annual_report_takes_only_html_and_other_reports_never_html(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "annual", "--db", str(demo_db), "--format", "csv"]) == 2
    assert main(["report", "annual", "--db", str(demo_db), "--as-of-date", "2025-06-30"]) == 2
    assert main(["report", "caseload", "--db", str(demo_db), "--format", "html"]) == 2


def test_a_report_can_be_written_to_a_file(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "caseload.csv"
    args = ["report", "caseload", "--db", str(demo_db), "--format", "csv", "--out", str(out)]
    assert main(args) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8").startswith("month,municipality,")
