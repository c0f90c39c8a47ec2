"""The command line's contract on hostile input: exit 0, 1 (one line on standard error) or 2,
never a traceback; nothing created by a command that refuses; and the small promises of the
top-level parser (``--version``, ``--db`` before the command, notes for empty reports).

Each test here once failed: the inputs are the ones that escaped as tracebacks or left a store
behind (the fuzz campaign in ``test_cli_fuzz.py`` looks for more)."""

from __future__ import annotations

import os
import pty
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from employment_domain import __version__
from employment_domain.cli.main import main
from employment_domain.errors import StoreError
from employment_domain.store import persistence
from tests.test_cli import BASIS, run_command, run_demo_into


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("contract") / "area.db"
    assert run_demo_into(path) == 0
    yield path


def refusal(capsys: pytest.CaptureFixture[str]) -> str:
    """Standard error of a refused command, which must be one line and no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    "args",
    [
        ["report", "caseload"],
        ["audit", "seal"],
        ["store", "init"],
        ["example"],
        ["demo", "--scale", "0.003", "--quiet"],
        ["projections", "rebuild"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
@pytest.mark.parametrize("url", ["postgres://[::1", "postgresql://u:secret@[::1/x"])
def test_a_malformed_postgresql_url_is_refused_in_one_line_that_hides_the_password(
    args: list[str], url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--db", url]) == 1
    err = refusal(capsys)
    assert "not a valid PostgreSQL URL" in err and "secret" not in err


def test_a_malformed_postgresql_url_is_a_named_store_error() -> None:
    with pytest.raises(StoreError, match="Invalid IPv6 URL") as raised:
        persistence.store_environment("postgresql://u:secret@[::1/x")
    assert type(raised.value).__name__ == "InvalidStoreURLError"
    assert isinstance(raised.value, ValueError)  # what urlsplit raised before, for old callers
    assert "secret" not in str(raised.value)
    hidden = persistence.describe_store("postgresql://u:secret@[::1/x")
    assert hidden == "postgresql://u:***@[::1/x"


@pytest.mark.parametrize("command", [["store", "init"], ["demo", "--scale", "0.0001"]])
def test_a_postgresql_url_without_a_password_is_refused_in_one_line_by_the_store_creators(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("PGPASSWORD", "POSTGRES_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert main([*command, "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 1
    assert "cannot initialise the event store" in refusal(capsys)


def test_a_postgresql_url_that_is_not_utf_8_is_refused_before_a_driver_sees_it() -> None:
    # A shell hands Python the bytes of a Latin-1 argument as lone surrogates.
    with pytest.raises(StoreError, match="not UTF-8"):
        persistence.store_environment("postgresql://u:p@127.0.0.1:1/\udce9")


@pytest.mark.parametrize(
    "content",
    [
        BASIS.replace("049", "049 Espoo ja Kauniainen yhteensä").encode("latin-1"),
        BASIS.encode("utf-16"),
        bytes(range(256)),
        (BASIS + "235,²,1\n").encode("utf-8"),
        (BASIS + "235," + "9" * 5000 + ",1\n").encode("utf-8"),
        (BASIS + '235,"' + "x" * 200_000 + '",1\n').encode("utf-8"),
    ],
    ids=["latin-1", "utf-16", "binary", "superscript digit", "5000 digits", "huge field"],
)
def test_allocate_refuses_a_basis_file_it_cannot_read_in_one_line(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "basis.csv"
    basis.write_bytes(content)
    assert main(["allocate", "--net-cost", "100", "--basis", str(basis)]) == 1
    assert "basis" in refusal(capsys)


def test_allocate_refuses_a_folder_as_its_basis_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["allocate", "--net-cost", "100", "--basis", str(tmp_path)]) == 1
    assert "cannot read the basis file" in refusal(capsys)


def test_a_breakdown_the_report_does_not_have_is_a_usage_error_naming_the_ones_it_has(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "budget", "--by", "category", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    assert "'month' or 'year'" in err and "Traceback" not in err
    known = ["report", "routing", "--by", "nonsense", "--db", str(demo_db), "--as-known-at", "9"]
    assert main(known) == 2


@pytest.mark.parametrize("year", ["0", "-1", "10000", "99999999999"])
def test_a_year_no_date_can_have_is_a_usage_error(
    year: str, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "annual", "--db", str(demo_db), "--year", year]) == 2
    assert "a year is" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url", ["postgresql://[::1", "mysql://u:secret@h/x", "nonsense", "sqlite+aiosqlite:///a.db"]
)
def test_a_read_model_url_that_cannot_be_used_is_a_usage_error(
    url: str, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", str(demo_db), "--read-model", url]) == 2
    assert main(["projections", "rebuild", "--db", str(demo_db), "--read-model", url]) == 2
    err = capsys.readouterr().err
    assert "--read-model takes a SQLAlchemy URL" in err and "secret" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["store", "init", "--db", "a\x00b.db"],
        ["allocate", "--net-cost", "1", "--basis", "a\x00b.csv"],
        ["report", "caseload", "--out", "a\x00b.txt"],
        ["report", "caseload", "--read-model", "sqlite:///a\x00b.db"],
    ],
    ids=["store init", "allocate", "report --out", "report --read-model"],
)
def test_an_argument_with_a_nul_character_is_a_usage_error(
    args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert "NUL" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_rule_or_scenario_file_nested_too_deeply_is_refused_in_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deep.yaml").write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    assert main(["rules", "check", "--rules", str(tmp_path)]) == 1
    assert "nested too deeply" in refusal(capsys)
    assert main(["rules", "test", "--scenarios", str(tmp_path)]) == 1
    assert "nested too deeply" in refusal(capsys)
    assert main(["rules", "diff", str(tmp_path), str(tmp_path), "--db", str(demo_db)]) == 1
    assert "nested too deeply" in refusal(capsys)


def test_any_other_reader_of_a_file_nested_too_deeply_refuses_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'rules provenance' reads the parameter files itself; the command line's last guard holds.
    (tmp_path / "deep.yaml").write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    assert main(["rules", "provenance", "--parameters", str(tmp_path)]) == 1
    assert "nested too deeply" in refusal(capsys)


def test_output_that_the_terminal_s_encoding_cannot_show_is_escaped_not_a_traceback(
    demo_db: Path,
) -> None:
    ascii_terminal = {"PYTHONIOENCODING": "ascii"}
    done = run_command(
        "report", "caseload", "--db", str(demo_db), "--lang", "fi", env=ascii_terminal
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Kauniainen" in done.stdout
    helped = run_command("demo", "--help", env=ascii_terminal)
    assert helped.returncode == 0 and "\\u2013" in helped.stdout


def in_a_shell(arguments: str) -> subprocess.CompletedProcess[str]:
    """The real command run by a shell, whose redirections (``>&-``) it takes as given."""
    command = f"{shlex.quote(sys.executable)} -m employment_domain {arguments}"
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_command_started_with_standard_output_closed_does_nothing_and_exits_1(
    demo_db: Path, tmp_path: Path
) -> None:
    store = tmp_path / "area.db"
    shutil.copy(demo_db, store)
    done = in_a_shell(f"audit seal --db {shlex.quote(str(store))} >&-")
    assert done.returncode == 1
    assert "standard output is closed" in done.stderr and "Traceback" not in done.stderr
    assert store.read_bytes() == demo_db.read_bytes()  # no seal whose anchor nobody saw


def test_the_demo_runs_with_standard_error_closed(tmp_path: Path) -> None:
    store = tmp_path / "area.db"
    done = in_a_shell(f"demo --db {shlex.quote(str(store))} --scale 0.0005 2>&-")
    assert done.returncode == 0 and "Cost split" in done.stdout
    assert store.is_file()


@pytest.mark.parametrize(
    "bad",
    [
        ["--scale", "-1"],
        ["--scale", "0"],
        ["--scale", "nan"],
        ["--scale", "inf"],
        ["--scale", "6"],
        ["--year", "2024"],
        ["--year", "99999"],
    ],
    ids=lambda bad: " ".join(bad),
)
def test_the_demo_refuses_a_bad_argument_before_it_creates_or_deletes_a_store(
    bad: list[str], demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.db"
    assert main(["demo", "--db", str(new), "--quiet", *bad]) == 1
    refusal(capsys)
    assert list(tmp_path.iterdir()) == []
    kept = tmp_path / "kept.db"
    shutil.copy(demo_db, kept)
    assert main(["demo", "--db", str(kept), "--quiet", "--fresh", *bad]) == 1
    refusal(capsys)
    assert kept.read_bytes() == demo_db.read_bytes()


def test_a_demo_refused_halfway_removes_the_store_it_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A scale this small rounds a ledger posting to 0.00 €, which the ledger refuses mid-year:
    # a refusal only the running demo meets, after it has created and written its store.
    assert main(["demo", "--db", str(tmp_path / "a.db"), "--quiet", "--scale", "1e-9"]) == 1
    assert "positive amount" in refusal(capsys)
    assert list(tmp_path.iterdir()) == []


def test_example_refuses_a_store_that_does_not_exist_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["example", "--db", str(tmp_path / "new.db")]) == 1
    assert "no event store" in refusal(capsys)
    assert list(tmp_path.iterdir()) == []


def test_example_registers_three_jobseekers_in_an_existing_store(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "area.db"
    shutil.copy(demo_db, store)
    assert main(["example", "--db", str(store)]) == 0
    assert capsys.readouterr().out.count("job search from") == 3


def test_the_annual_report_refuses_to_write_html_to_a_terminal(demo_db: Path) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "employment_domain", "report", "annual", "--db", str(demo_db)],
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "--out" in done.stderr and "Traceback" not in done.stderr


def test_the_annual_report_still_writes_html_to_a_pipe(demo_db: Path) -> None:
    done = run_command("report", "annual", "--db", str(demo_db))
    assert done.returncode == 0
    assert done.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("selection", "said"),
    [
        (["--year", "2031"], "year 2031"),
        (["--as-known-at", "0"], "as known at 0"),
        (["--as-known-at", "2000-01-01T00:00:00Z"], "as known at 2000-01-01"),
    ],
    ids=["a year without events", "position 0", "a time before the first event"],
)
def test_an_empty_report_exits_0_and_says_so_on_standard_error(
    selection: list[str], said: str, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", str(demo_db), *selection]) == 0
    err = capsys.readouterr().err
    assert "the caseload report has no rows" in err and said in err


def test_a_report_with_rows_says_nothing_on_standard_error(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", str(demo_db), "--year", "2025"]) == 0
    assert capsys.readouterr().err == ""


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"employment-area {__version__}"


def test_db_may_come_before_the_command_and_the_command_s_own_db_wins(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.db"
    assert main(["--db", str(demo_db), "report", "caseload", "--year", "2025"]) == 0
    assert "Report caseload" in capsys.readouterr().out
    assert main(["--db", str(missing), "report", "caseload"]) == 1
    assert str(missing) in refusal(capsys)
    assert main(["--db", str(missing), "report", "caseload", "--db", str(demo_db)]) == 0
    assert main(["--db", str(demo_db), "audit", "seal", "--db", str(missing)]) == 1
    assert list(tmp_path.iterdir()) == []
