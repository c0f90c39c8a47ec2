"""``employment-area audit``: verify replay, decisions and integrity of a store without writing to
it, show an aggregate's history, and seal the history with an anchor on one line."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from employment_domain.audit.readonly import open_for_audit
from employment_domain.audit.recorded_decisions import recorded_decisions
from employment_domain.cli.main import main
from tests.test_cli import run_command, run_demo_into


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("audit") / "area.db"
    assert run_demo_into(path) == 0
    yield path


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo store and its read model that a test may change."""
    path = tmp_path / "area.db"
    shutil.copy(demo_db, path)
    shutil.copy(demo_db.with_name("area.readmodel.db"), tmp_path / "area.readmodel.db")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def a_decision(db: Path) -> tuple[int, UUID]:
    area = open_for_audit(db)
    try:
        recorded = next(iter(recorded_decisions(area)))
        return recorded.position, recorded.client_id
    finally:
        area.close()


def test_audit_verify_passes_on_the_demo_store_and_writes_nothing(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    read_model = store.with_name("area.readmodel.db")
    before = sha256(store), sha256(read_model)
    assert main(["audit", "verify", "--db", str(store)]) == 0
    out = capsys.readouterr().out
    assert "no differences" in out and "integrity: the history up to position" in out
    assert (sha256(store), sha256(read_model)) == before


def test_audit_seal_prints_the_anchor_as_the_only_line_and_verify_accepts_it(
    store: Path,
) -> None:
    sealed = run_command("audit", "seal", "--db", str(store))
    assert sealed.returncode == 0 and sealed.stderr == ""
    lines = sealed.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ea1:")
    verified = run_command("audit", "verify", "--db", str(store), "--anchor", lines[0])
    assert verified.returncode == 0, verified.stderr


def test_audit_verify_fails_after_a_stored_event_s_bytes_are_altered(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(store)
    state = connection.execute("SELECT state FROM stored_events WHERE rowid = 10").fetchone()[0]
    altered = state.replace(b'"_data_":"20', b'"_data_":"19', 1)
    assert altered != state
    connection.execute("UPDATE stored_events SET state = ? WHERE rowid = 10", (altered,))
    connection.commit()
    connection.close()
    assert main(["audit", "verify", "--db", str(store), "--format", "json"]) == 1
    captured = capsys.readouterr()
    findings = json.loads(captured.out)["findings"]
    assert any(f["check"] == "integrity" and "position 10" in f["message"] for f in findings)
    assert "the audit found" in captured.err


def test_audit_verify_reports_a_decision_its_rules_would_not_give(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    position, client = a_decision(store)
    connection = sqlite3.connect(store)
    query = "SELECT state FROM stored_events WHERE rowid = ?"
    state = connection.execute(query, (position,)).fetchone()[0]
    document = json.loads(state)
    document["decision"]["_data_"]["rule_id"] = "some_other_rule"
    altered = json.dumps(document, separators=(",", ":")).encode()
    connection.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (altered, position))
    connection.commit()
    connection.close()
    assert main(["audit", "verify", "--db", str(store), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    decisions = [f for f in findings if f["check"] == "decisions"]
    assert len(decisions) == 1 and str(client) in decisions[0]["subject"]


def test_audit_verify_reports_a_live_report_row_the_history_does_not_give(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(store.with_name("area.readmodel.db"))
    connection.execute(
        "UPDATE rm_caseload_days SET started = started + 1"
        " WHERE day = (SELECT min(day) FROM rm_caseload_days)"
    )
    connection.commit()
    connection.close()
    assert main(["audit", "verify", "--db", str(store)]) == 1
    out = capsys.readouterr().out
    assert "replay" in out and "rm_caseload_days" in out


def test_audit_verify_says_it_did_not_check_the_replay_of_a_store_without_a_read_model(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.with_name("area.readmodel.db").unlink()
    assert main(["audit", "verify", "--db", str(store)]) == 0
    out = capsys.readouterr().out
    assert "replay: not checked" in out
    assert "the reports, the decisions and the history hold" not in out
    assert "no differences in what was checked" in out
    assert not store.with_name("area.readmodel.db").exists()


def test_audit_verify_refuses_a_malformed_anchor(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--db", str(store), "--anchor", "ea1:12:abc"]) == 1
    assert "anchor" in capsys.readouterr().err


def test_audit_history_shows_an_aggregate_s_events_as_a_table_and_as_json(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, client = a_decision(demo_db)
    assert main(["audit", "history", str(client), "--db", str(demo_db)]) == 0
    table = capsys.readouterr().out
    assert "JobSearchStarted" in table and "ReferredToService" in table
    assert main(["audit", "history", str(client), "--db", str(demo_db), "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert events[0]["type"] == "JobSearchStarted" and events[0]["version"] == 1


def test_audit_history_refuses_an_unknown_id_and_a_malformed_one(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    assert main(["audit", "history", unknown, "--db", str(demo_db)]) == 1
    assert unknown in capsys.readouterr().err
    assert main(["audit", "history", "not-an-id", "--db", str(demo_db)]) == 2


@pytest.mark.parametrize("action", ["verify", "seal", "history"])
def test_audit_commands_on_a_store_that_does_not_exist_exit_1_and_create_nothing(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["00000000-0000-4000-8000-000000000000"] if action == "history" else []
    assert main(["audit", action, *extra, "--db", str(tmp_path / "none.db")]) == 1
    assert "no event store" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
