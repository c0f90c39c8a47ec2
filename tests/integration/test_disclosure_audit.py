"""The disclosure audit on the demo's store at scale 0.3 (the issue's own test), and the command
line's published forms: suppressed by default, raw only with ``--unsuppressed`` and a warning."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from employment_domain import EmploymentArea
from employment_domain.cli.main import main
from employment_domain.demo.year import run_demo
from employment_domain.reports.disclosure import PUBLISHED_FORMS, DisclosureAudit, audit_disclosure
from employment_domain.tabulate import HIDDEN


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's year at scale 0.3, as the issue asks (about 100,000 events, half a minute)."""
    path = tmp_path_factory.mktemp("disclosure") / "area.db"
    with EmploymentArea(str(path)) as area:
        run_demo(area, scale=0.3, seed=2025)
    yield str(path)


@pytest.fixture(scope="module")
def audit(store: str) -> DisclosureAudit:
    return audit_disclosure(store, year=2025)


def test_the_audit_covers_every_published_report_and_breakdown(audit: DisclosureAudit) -> None:
    assert [(report.name, report.by) for report in audit.reports] == list(PUBLISHED_FORMS)


def test_no_hidden_cell_of_any_published_report_of_the_demo_is_narrower_than_the_threshold(
    audit: DisclosureAudit,
) -> None:
    assert audit.passed, [(r.name, r.exposed) for r in audit.reports if not r.passed]
    for report in audit.reports:
        assert report.threshold == 5
        assert report.narrowest is None or report.narrowest >= report.threshold


def test_the_demo_hides_small_counts_in_the_caseload_deadlines_and_routing(
    audit: DisclosureAudit,
) -> None:
    suppressed = {(r.name, r.by): r.suppressed for r in audit.reports}
    assert suppressed[("caseload", None)] > 0 and suppressed[("deadlines", None)] > 0
    assert suppressed[("budget", "year")] == 0
    # The cost split hides only its count of people from the client history and its difference
    # from the official figure, for each of the two municipalities.
    assert suppressed[("cost-split", None)] == 4


def test_audit_disclosure_prints_the_suppressed_cells_of_every_report_and_exits_0(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "disclosure", "--db", store, "--year", "2025", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["report"] for row in rows][:4] == [
        "cost-split",
        "budget --by month",
        "budget --by year",
        "caseload",
    ]
    assert all(row["passed"] and row["exposed"] == 0 for row in rows)
    assert all(isinstance(row["suppressed_cells"], int) for row in rows)


def test_a_report_is_in_its_published_form_by_default_with_one_marker(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "caseload", "--db", store, "--year", "2025", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    hidden = [row for row in rows if row["suppressed"]]
    assert hidden and "warning" not in err
    for row in hidden:
        for name in row["suppressed"].split(","):
            assert row[name] == HIDDEN == ".."
    assert all(row["active"] != HIDDEN for row in rows)  # the stocks, the key figures, stay


def test_the_unsuppressed_form_needs_its_option_and_warns_on_standard_error(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "caseload", "--db", store, "--year", "2025", "--format", "json"]
    assert main([*args, "--unsuppressed"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert "suppressed" not in rows[0]
    assert any(0 < row["ended"] < 5 for row in rows)
    assert err.count("\n") == 1 and "warning: unsuppressed form" in err
    assert main(args) == 0
    published = json.loads(capsys.readouterr().out)
    assert any(row["ended"] is None for row in published)
    assert all(row["ended"] is None or row["ended"] >= 5 for row in published)


def test_the_annual_report_refuses_the_unsuppressed_form(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "annual.html"
    assert main(["report", "annual", "--db", store, "--out", str(out), "--unsuppressed"]) == 2
    assert "--unsuppressed" in capsys.readouterr().err and not out.exists()


# What controllers read ----------------------------------------------------------------------


def test_the_cost_split_shows_shares_as_percentages_and_keeps_the_fractions_in_json(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "cost-split", "--db", store, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["share_percent"] == "97.18" and "share" not in rows[0]
    assert "weights_version" not in rows[0] and rows[0]["weights_reference"]
    assert main(["report", "cost-split", "--db", store, "--format", "json"]) == 0
    (espoo, _) = json.loads(capsys.readouterr().out)
    assert espoo["share"].count("/") == 1 and espoo["share_percent"] == "97.18"
    assert ".yaml" in espoo["weights_version"]


def test_the_budget_names_its_source_without_file_names_outside_json(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "budget", "--by", "year", "--db", store]
    assert main([*args, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert ".yaml" not in text and "budget_" not in text.split("\n", 1)[1]
    assert main([*args, "--format", "json"]) == 0
    staff = json.loads(capsys.readouterr().out)[0]
    # The demo adopts its budget in the ledger, so the source is the adopting event.
    assert staff["budget_source"].startswith("BudgetAdopted in the ledger on 2025-")


def test_the_outcomes_have_no_row_for_a_year_before_the_first_job_search(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "outcomes", "--db", store, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["year"] >= 2020 and rows[0]["job_searches_started"] > 0
    assert main(["report", "outcomes", "--db", store, "--year", "2025", "--format", "json"]) == 0
    assert [row["year"] for row in json.loads(capsys.readouterr().out)] == [2025]
