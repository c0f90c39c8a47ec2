"""``employment-area rules provenance``: every parameter value, rule, default and district with
what it rests on, the totals by status, and the rules that depart from the plan's defaults."""

from __future__ import annotations

import csv
import io
import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from employment_domain.area_rules import default_rules_folder
from employment_domain.cli.main import main
from employment_domain.cli.provenance import KINDS, provenance_rows, status_totals
from employment_domain.parameters import default_parameters
from employment_domain.routing.rulebook import default_rulebook

PACKAGED = Path(str(resources.files("employment_domain.rules")))
REQUIRED = {"kind", "id", "status", "reference", "quote", "why", "file", "key"}


def test_the_table_lists_every_source_and_ends_with_the_totals_and_the_departures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "provenance"]) == 0
    out = capsys.readouterr().out
    table, totals = out.split("Totals by status")
    assert "initial_interview_working_days" in table and "job_placement_in_house" in table
    assert "matinkyla" in table and "in_house_as_a_starting_point" in table
    lines = {line.split()[0]: line.split()[1:] for line in totals.splitlines() if line.strip()}
    expected = status_totals(
        provenance_rows(default_parameters(), default_rulebook(), default_rules_folder().area)
    )[-1]
    assert lines["total"] == [str(expected[name]) for name in (*KINDS, "all")]
    assert expected["rule"] == 15 and expected["district"] == 9
    assert "Rules that depart from the plan's defaults (5)" in totals
    assert "warning: rule guidance_purchased" in totals


def test_the_json_rows_carry_kind_id_status_reference_quote_why_and_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "provenance", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(
        provenance_rows(default_parameters(), default_rulebook(), default_rules_folder().area)
    )
    assert all(set(row) >= REQUIRED for row in rows)
    job_placement = next(row for row in rows if row["id"] == "job_placement_in_house")
    assert job_placement["status"] == "seed" and job_placement["section"] == "b"
    assert "lähtökohtaisesti itse omana palvelutuotantona" in job_placement["quote"]
    assert job_placement["file"] == "authority_and_in_house.yaml"
    purchased = next(row for row in rows if row["id"] == "guidance_purchased")
    assert purchased["departs_from"] == "in_house_as_a_starting_point" and purchased["why"]


def test_status_picks_the_rows_of_one_status_and_totals_only_those(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "provenance", "--status", "law", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["status"] for row in rows} == {"law"}
    assert "statutory_authority_tasks_in_house" in {row["id"] for row in rows}
    assert main(["rules", "provenance", "--status", "law"]) == 0
    out = capsys.readouterr().out
    assert f"({len(rows)} rows" in out and "depart" not in out


def test_the_csv_gives_the_texts_whole_under_a_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "provenance", "--format", "csv", "--status", "seed"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    quotes = [row["quote"] for row in rows]
    assert (
        "Matinkylässä metron varrella Ison Omenan kauppakeskuksen välittömässä läheisyydessä."
        in (quotes)
    )
    assert all(len(quote) > 0 for quote in quotes)


def test_a_parameter_folder_with_an_unsourced_seed_is_refused_with_its_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "parameters"
    shutil.copytree(PACKAGED / "parameters", folder)
    path = folder / "cost_split.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      section: a\n", "", 1), encoding="utf-8")
    assert main(["rules", "provenance", "--parameters", str(folder)]) == 1
    err = capsys.readouterr().err
    assert (
        "cost_split.yaml: cost_split_weight_population_18_64[0]: status seed needs section" in err
    )


def test_a_rule_folder_of_another_area_is_read_from_its_own_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "routing"
    shutil.copytree(PACKAGED / "routing", folder)
    (folder / "partners_and_purchases.yaml").unlink()
    assert main(["rules", "provenance", "--rules", str(folder), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert "training_purchased" not in {row["id"] for row in rows}
    assert len([row for row in rows if row["kind"] == "rule"]) == 10
