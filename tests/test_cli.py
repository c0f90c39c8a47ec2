"""The ``employment-area`` command: help at every level, exit codes, the demo, allocate, and the
refusals a shell user meets (a missing store, a locked store, a bad CSV), in-process and in real
processes that must never print a traceback."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from employment_domain import EmploymentArea
from employment_domain.area_rules import default_rules_folder
from employment_domain.cli.allocate import read_basis_csv
from employment_domain.cli.main import main
from employment_domain.cli.stores import ProgressBar

#: The packaged area's id, which the demo's ledger and procurements carry.
AREA = default_rules_folder().area.id

SCALE = "0.005"
SEED = "7"


def run_demo_into(path: Path, *extra: str) -> int:
    """The demo at a small scale into ``path``; the other CLI test files use it too."""
    return main(["demo", "--db", str(path), "--scale", SCALE, "--seed", SEED, "--quiet", *extra])


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a new Python process."""
    return subprocess.run(
        [sys.executable, "-m", "employment_domain", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli") / "area.db"
    assert run_demo_into(path) == 0
    yield path


HELP_PATHS = [
    [],
    ["demo"],
    ["report"],
    ["rules"],
    ["rules", "check"],
    ["rules", "test"],
    ["rules", "explain"],
    ["rules", "diff"],
    ["audit"],
    ["audit", "verify"],
    ["audit", "history"],
    ["audit", "seal"],
    ["allocate"],
    ["projections"],
    ["projections", "catch-up"],
    ["projections", "rebuild"],
]


@pytest.mark.parametrize("path", HELP_PATHS, ids=lambda path: " ".join(path) or "top")
def test_every_level_of_the_command_answers_help_with_exit_code_0(
    path: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*path, "--help"]) == 0
    assert "usage: employment-area" in capsys.readouterr().out


def test_the_report_help_documents_every_stable_report_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in (
        "cost-split",
        "budget",
        "caseload",
        "routing",
        "deadlines",
        "outcomes",
        "procurement",
        "structural-change",
    ):
        assert name in text


def test_python_dash_m_employment_domain_prints_the_help_in_a_real_process() -> None:
    done = run_command("--help")
    assert done.returncode == 0
    assert "demo" in done.stdout and "audit" in done.stdout and done.stderr == ""


def test_a_refusal_in_a_real_process_is_one_line_on_stderr_and_no_traceback(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "missing.db"
    done = run_command("report", "caseload", "--db", str(missing))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "no event store" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_usage_error_exits_2_with_argparse_s_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--no-such-option"]) == 2
    assert main(["report"]) == 2
    assert main(["nonsense"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_the_demo_writes_a_year_and_prints_the_main_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    assert run_demo_into(path) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # quiet, and no bar: standard error is not a terminal here
    for title in ("Cost split 2025", "Caseload 2025", "Routing decisions", "deadlines"):
        assert title in captured.out
    assert "ea1:" in captured.out
    assert (tmp_path / "area.readmodel.db").is_file()


def test_the_demo_s_cost_split_sums_to_the_net_cost_to_the_cent(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    split = EmploymentArea(str(demo_db)).cost_split(AREA, 2025)
    amounts = [Decimal(part["amount"]) for part in split["municipalities"]]
    assert sum(amounts) == Decimal(split["net_cost"])
    assert split["status"] == "closed"


def test_a_small_demo_runs_end_to_end_its_split_sums_to_the_net_cost_and_its_audit_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    assert run_demo_into(path) == 0
    lines = capsys.readouterr().out.split("Cost split 2025")[1].strip().splitlines()
    parts = [line.split() for line in lines[2:] if line.split()[:1] in (["049"], ["235"])]
    total = next(line.split() for line in lines if line.startswith("total"))
    net_cost = EmploymentArea(str(path)).cost_split(AREA, 2025)["net_cost"]
    assert sum(Decimal(part[4]) for part in parts) == Decimal(total[4]) == Decimal(net_cost)
    assert main(["audit", "verify", "--db", str(path)]) == 0
    assert "no differences" in capsys.readouterr().out


def test_the_demo_is_quiet_when_standard_error_is_not_a_terminal(tmp_path: Path) -> None:
    done = run_command("demo", "--db", str(tmp_path / "a.db"), "--scale", SCALE)
    assert done.returncode == 0
    assert done.stderr == ""


def test_the_demo_uses_the_store_the_environment_names(tmp_path: Path) -> None:
    done = run_command(
        "demo", "--scale", SCALE, env={"EMPLOYMENT_AREA_DB": str(tmp_path / "env.db")}
    )
    assert done.returncode == 0
    assert (tmp_path / "env.db").is_file()


def test_a_progress_bar_is_drawn_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar(stream)
        bar.show("year", 50, 100)
        bar.show("year", 100, 100)
        bar.done()
    assert "50%" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_the_demo_refuses_a_store_that_holds_events_unless_fresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.db"
    assert run_demo_into(path) == 0
    capsys.readouterr()
    assert run_demo_into(path) == 1
    assert "--fresh" in capsys.readouterr().err
    assert run_demo_into(path, "--fresh") == 0
    assert "ea1:" in capsys.readouterr().out


def test_fresh_is_refused_for_a_postgresql_store(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--db", "postgresql://nobody@127.0.0.1:1/none", "--fresh", "--quiet"])
    assert code == 1
    assert "PostgreSQL" in capsys.readouterr().err


def test_a_bad_scale_is_refused_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", str(tmp_path / "a.db"), "--scale", "0", "--quiet"]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_store_locked_by_another_writer_is_refused_with_a_clear_message(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # eventsourcing's application-prefixed setting: wait 1 s for the lock instead of 5.
    monkeypatch.setenv("EMPLOYMENTAREA_SQLITE_LOCK_TIMEOUT", "1")
    writer = sqlite3.connect(demo_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert main(["audit", "seal", "--db", str(demo_db)]) == 1
        assert "locked by another writer" in capsys.readouterr().err
        assert run_demo_into(demo_db, "--fresh") == 1
        assert "another process is using it" in capsys.readouterr().err
        assert demo_db.is_file()
        # Readers are not held up by a writer: reports and audits still run.
        assert main(["report", "caseload", "--db", str(demo_db)]) == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_an_interrupted_demo_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """The interrupt comes once the demo has written its first weekly batch, a point the store
    itself reports, rather than after a sleep that a loaded machine may outlast."""
    store = tmp_path / "a.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "employment_domain", "demo", "--db", str(store), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _events_in(store) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the demo is still writing when it is interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err


def _events_in(store: Path) -> int:
    """How many events the store holds, read without taking a writer's lock; 0 before it has
    its table."""
    if not store.exists():
        return 0
    try:
        connection = sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True, timeout=0.1)
        try:
            row = connection.execute("SELECT count(*) FROM stored_events").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return 0
    return int(row[0])


BASIS = "municipality,population_18_64,unemployed_broad\n049,210450,22300\n235,5690,690\n"


def test_allocate_splits_a_net_cost_to_the_cent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "basis.csv"
    basis.write_text(BASIS, encoding="utf-8")
    args = ["allocate", "--net-cost", "21000000.01", "--basis", str(basis), "--on", "2025-12-31"]
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    parts = [Decimal(row["amount"]) for row in rows if row["municipality"] != "total"]
    assert sum(parts) == Decimal("21000000.01") == Decimal(rows[-1]["amount"])
    assert main([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("municipality,municipality_name,")
    assert main([*args, "--lang", "fi"]) == 0
    table = capsys.readouterr().out
    assert "Kauniainen" in table and "yhteensä" in table and "kunta" in table


TAMPERE_REGION = Path(__file__).resolve().parents[1] / "examples" / "tampere-region"

# Six Pirkanmaa municipalities with figures chosen so the split can be checked by hand.
PIRKANMAA_BASIS = """municipality,population_18_64,unemployed_broad
837,150000,16000
536,20000,1200
980,20000,1000
211,20000,1000
418,15000,600
604,25000,200
"""


def test_allocate_splits_a_net_cost_between_six_pirkanmaa_municipalities_as_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Totals: 250 000 people aged 18–64 and 20 000 broadly unemployed; weights 50 % / 50 %.
    #   Tampere   837: 150000/250000 = 0.60, 16000/20000 = 0.80 → 0.5·0.60 + 0.5·0.80 = 0.700
    #   Nokia     536:  20000/250000 = 0.08,  1200/20000 = 0.06 → 0.04 + 0.03   = 0.070
    #   Ylöjärvi  980:  20000/250000 = 0.08,  1000/20000 = 0.05 → 0.04 + 0.025  = 0.065
    #   Kangasala 211:  20000/250000 = 0.08,  1000/20000 = 0.05 → 0.04 + 0.025  = 0.065
    #   Lempäälä  418:  15000/250000 = 0.06,   600/20000 = 0.03 → 0.03 + 0.015  = 0.045
    #   Pirkkala  604:  25000/250000 = 0.10,   200/20000 = 0.01 → 0.05 + 0.005  = 0.055
    #                                                               sum = 1.000
    # Net cost 3 000 000.01 € = 300 000 001 cents; exact cents are the share × 300 000 001:
    #   210 000 000.7, 21 000 000.07, 19 500 000.065 (twice), 13 500 000.045, 16 500 000.055.
    # The whole cents sum to 300 000 000; the one cent left goes to the largest remainder (.7,
    # Tampere): 2 100 000.01 + 210 000 + 195 000 + 195 000 + 135 000 + 165 000 = 3 000 000.01.
    basis = tmp_path / "pirkanmaa.csv"
    basis.write_text(PIRKANMAA_BASIS, encoding="utf-8")
    args = ["--rules", str(TAMPERE_REGION), "allocate", "--net-cost", "3000000.01"]
    args += ["--basis", str(basis), "--on", "2025-12-31"]
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    amounts = {row["municipality"]: Decimal(row["amount"]) for row in rows}
    assert amounts == {
        "837": Decimal("2100000.01"),
        "536": Decimal("210000.00"),
        "980": Decimal("195000.00"),
        "211": Decimal("195000.00"),
        "418": Decimal("135000.00"),
        "604": Decimal("165000.00"),
        "total": Decimal("3000000.01"),
    }
    parts = [amount for code, amount in amounts.items() if code != "total"]
    assert sum(parts) == Decimal("3000000.01")
    shares = {row["municipality"]: row["share"] for row in rows}
    assert (shares["837"], shares["418"], shares["604"]) == ("0.700000", "0.045000", "0.055000")
    names = {row["municipality"]: row.get("municipality_name") for row in rows}
    assert (names["837"], names["211"], names["418"]) == ("Tampere", "Kangasala", "Lempäälä")


def test_allocate_refuses_a_municipality_merged_before_the_date_of_its_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "basis.csv"
    basis.write_text(
        "municipality,population_18_64,unemployed_broad\n214,6000,500\n099,900,60\n",
        encoding="utf-8",
    )
    args = ["allocate", "--net-cost", "100", "--basis", str(basis)]
    assert main([*args, "--on", "2025-12-31"]) == 1
    err = capsys.readouterr().err
    assert "basis.csv line 3" in err and "214 Kankaanpää" in err
    # Without a date (an old basis file read as it was) the merged code still reads.
    assert [b.municipality.code for b in read_basis_csv(basis)] == ["214", "099"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("municipality,population_18_64\n049,210450\n", "unemployed_broad"),
        ("municipality,population_18_64,unemployed_broad\n049,many,22300\n", "'many'"),
        ("municipality,population_18_64,unemployed_broad\n999,1,1\n", "999"),
    ],
    ids=["missing column", "non-numeric figure", "unknown municipality"],
)
def test_allocate_refuses_a_bad_basis_csv_with_one_line(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "basis.csv"
    basis.write_text(content, encoding="utf-8")
    assert main(["allocate", "--net-cost", "100", "--basis", str(basis)]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_allocate_refuses_a_missing_basis_file_and_a_bad_amount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["allocate", "--net-cost", "100", "--basis", str(tmp_path / "no.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err
    basis = tmp_path / "basis.csv"
    basis.write_text(BASIS, encoding="utf-8")
    assert main(["allocate", "--net-cost", "lots", "--basis", str(basis)]) == 1
    assert main(["allocate", "--net-cost", "1", "--basis", str(basis), "--on", "someday"]) == 2


def test_a_file_that_is_not_a_store_is_refused_and_never_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_text("meeting notes, not a database; long enough to have a header\n" * 4, "utf-8")
    assert run_demo_into(path) == 1
    assert run_demo_into(path, "--fresh") == 1
    assert main(["report", "caseload", "--db", str(path)]) == 1
    assert main(["audit", "seal", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "not a database" in err and "Traceback" not in err
    assert path.read_text("utf-8").startswith("meeting notes")
