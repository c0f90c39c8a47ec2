"""``employment-area rules``: check and lint a rule folder, run its scenarios, explain a client's
decisions, and count what a changed rulebook would change in the recorded decisions."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from uuid import UUID

import pytest

from employment_domain.audit.readonly import open_for_audit
from employment_domain.audit.recorded_decisions import recorded_decisions
from employment_domain.cli.main import main
from employment_domain.routing.lint import departures
from employment_domain.routing.rulebook import packaged_rulebook
from tests.test_cli import run_demo_into

PACKAGED_RULES = Path(str(resources.files("employment_domain.rules").joinpath("routing")))
PACKAGED_SCENARIOS = Path(str(resources.files("employment_domain.rules").joinpath("tests")))
GUIDANCE_RULE = "    priority: 560\n"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("rules") / "area.db"
    assert run_demo_into(path) == 0
    yield path


def copied_rules(tmp_path: Path, name: str = "rules") -> Path:
    folder = tmp_path / name
    shutil.copytree(PACKAGED_RULES, folder)
    return folder


def end_guidance_in_house(folder: Path) -> None:
    """The rule change an administrator might try: in-house guidance ends on 30.6.2025."""
    path = folder / "authority_and_in_house.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(GUIDANCE_RULE) == 1
    path.write_text(
        text.replace(GUIDANCE_RULE, GUIDANCE_RULE + "    valid_until: 2025-06-30\n"),
        encoding="utf-8",
    )


def first_client(db: Path) -> UUID:
    area = open_for_audit(db)
    try:
        return next(iter(recorded_decisions(area))).client_id
    finally:
        area.close()


def test_rules_check_passes_on_the_packaged_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check"]) == 0
    assert "lint clean" in capsys.readouterr().out


def test_rules_check_warns_of_each_departure_from_the_plans_defaults_without_failing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "check"]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.strip().startswith("warning:")]
    assert len(warnings) == len(departures(packaged_rulebook()))
    assert any("guidance_purchased" in line and "status assumption" in line for line in warnings)
    assert f"{len(warnings)} rule(s) depart from the plan's defaults" in out


def test_rules_check_lists_every_problem_of_a_refused_rule_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copied_rules(tmp_path)
    path = folder / "authority_and_in_house.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("priority: 560", "priority: high", 1), encoding="utf-8")
    (folder / "broken.yaml").write_text("rules: [", encoding="utf-8")
    assert main(["rules", "check", "--rules", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "problem(s) in the rule files" in err
    assert "broken.yaml" in err and "authority_and_in_house.yaml" in err


def test_rules_check_fails_when_the_lint_finds_a_rule_that_can_never_fire(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copied_rules(tmp_path)
    (folder / "shadowed.yaml").write_text(
        "rules:\n"
        "  - id: zz_job_placement_shadowed\n"
        "    description: A copy of the in-house job placement rule that comes after it.\n"
        "    reference: test\n"
        "    valid_from: 2025-01-01\n"
        "    priority: 1\n"
        "    when:\n"
        "      service_type: job_placement\n"
        "    then:\n"
        "      route: in_house\n"
        "      unit_from: line\n",
        encoding="utf-8",
    )
    assert main(["rules", "check", "--rules", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "never_fires" in captured.out and "zz_job_placement_shadowed" in captured.out
    assert "lint found" in captured.err


def test_rules_test_runs_every_scenario_on_every_engine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "test"]) == 0
    out = capsys.readouterr().out
    assert "0 coverage gap(s)" in out and "FAIL" not in out


def test_rules_test_fails_on_a_scenario_that_expects_another_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenarios = tmp_path / "scenarios"
    shutil.copytree(PACKAGED_SCENARIOS, scenarios)
    path = scenarios / "target_groups.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("unit: Business Espoo}", "unit: Somewhere else}", 1), "utf-8")
    assert main(["rules", "test", "--scenarios", str(scenarios)]) == 1
    out = capsys.readouterr().out
    assert "FAIL target_groups.yaml" in out and "Somewhere else" in out


def test_rules_test_reports_a_changed_rule_that_its_scenarios_no_longer_cover(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copied_rules(tmp_path)
    end_guidance_in_house(folder)
    assert main(["rules", "test", "--rules", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "guidance_in_house_while_capacity_left" in out


def test_rules_explain_gives_each_decision_of_a_client_with_its_reasons(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = str(first_client(demo_db))
    assert main(["rules", "explain", client, "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. Referral") and "decided by rule" in out and "Reference:" in out
    assert main(["rules", "explain", client, "--db", str(demo_db), "--format", "json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained and all(item["reproduced"] for item in explained)


def test_rules_explain_refuses_an_unknown_client_and_a_malformed_id(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    assert main(["rules", "explain", unknown, "--db", str(demo_db)]) == 1
    assert unknown in capsys.readouterr().err
    assert main(["rules", "explain", "client-7", "--db", str(demo_db)]) == 2


def test_rules_diff_counts_the_decisions_a_changed_rule_would_change(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copied_rules(tmp_path)
    end_guidance_in_house(folder)
    args = ["rules", "diff", str(PACKAGED_RULES), str(folder), "--db", str(demo_db)]
    assert main([*args, "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    rows = data["changed"]
    assert rows and {row["rule_id"] for row in rows} == {"guidance_in_house_while_capacity_left"}
    assert all(row["client_id"] and row["referral_id"] and row["new_route"] for row in rows)
    assert data["decisions_changed"] == len(rows)
    assert sum(group["decisions"] for group in data["by_service_type_and_route"]) == len(rows)
    assert captured.err == ""
    assert main(args) == 0
    assert "recorded decisions would change" in capsys.readouterr().out


def test_rules_diff_of_the_rulebook_in_force_against_itself_changes_nothing(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["rules", "diff", str(PACKAGED_RULES), str(PACKAGED_RULES), "--db", str(demo_db)]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] == [] and data["decisions_changed"] == 0 > -data["decisions_recorded"]
    assert data["purchased_euros_change"] == "0.00"


def test_rules_diff_reports_an_old_rulebook_that_did_not_make_the_decisions(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copied_rules(tmp_path)
    end_guidance_in_house(folder)
    assert main(["rules", "diff", str(folder), str(folder), "--db", str(demo_db)]) == 0
    assert "under another rulebook than OLD_DIR" in capsys.readouterr().err


def test_rules_diff_on_a_store_that_does_not_exist_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["rules", "diff", str(PACKAGED_RULES), str(PACKAGED_RULES)]
    assert main([*args, "--db", str(tmp_path / "none.db")]) == 1
    assert list(tmp_path.iterdir()) == []


def test_rules_show_prints_the_archived_rulebook_whose_text_hashes_to_its_version(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    area = open_for_audit(demo_db)
    try:
        version = next(iter(recorded_decisions(area))).decision.rulebook_version
    finally:
        area.close()
    assert main(["rules", "show", version, "--db", str(demo_db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    canonical = json.dumps(shown, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == version
    assert main(["rules", "show", "0" * 64, "--db", str(demo_db)]) == 1
    assert "0" * 12 in capsys.readouterr().err
