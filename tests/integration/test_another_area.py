"""Another employment area by data alone: the example rules folder of a Tampere-region area.

The same code runs it; only the folder differs. Its rules load and pass their scenarios, its
stores record the area, commands take it with ``--rules``, and what it records and reports
names none of Espoo–Kauniainen's units.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from employment_domain import EmploymentArea
from employment_domain.area_rules import AreaRulesError, RulesFolder
from employment_domain.store.registration import AreaMismatchError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tampere-region"
ESPOO_NAMES = ("Espoo", "Kauniainen", "Omnia", "Business Espoo", "Matinkylä", "Leppävaara")


def employment_area(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "employment_domain", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_the_example_area_names_itself_and_its_responsible_municipality() -> None:
    folder = RulesFolder.load(EXAMPLE)
    assert folder.area.id == "tampere-region"
    assert folder.area.responsible_municipality.name_fi == "Tampere"
    assert "837" in folder.parameters().value("contracting_municipalities", date(2025, 6, 1))


def test_the_example_areas_rules_load_lint_clean_and_pass_their_own_scenarios() -> None:
    check = employment_area("rules", "check", "--rules", str(EXAMPLE))
    assert check.returncode == 0, check.stdout + check.stderr
    test = employment_area("rules", "test", "--rules", str(EXAMPLE))
    assert test.returncode == 0, test.stdout + test.stderr
    assert (
        "Tampere centre office" in (EXAMPLE / "tests" / "authority_and_in_house.yaml").read_text()
    )


def write_history(db: str, rules: Path | None) -> None:
    area = EmploymentArea(db, rules=rules)
    try:
        municipality = "837" if rules is not None else "049"
        district = "hervanta" if rules is not None else "leppavaara"
        for day in range(2, 12):
            client = area.start_job_search(
                on=date(2025, 1, day),
                municipality=municipality,
                birth_date=date(1980, 1, day),
                district=district,
            )
            area.refer_with_routing(client, on=date(2025, 1, day + 1), service_type="coaching")
            area.refer_with_routing(
                client, on=date(2025, 1, day + 1), service_type="employer_services"
            )
    finally:
        area.close()


def test_a_store_written_under_the_packaged_area_refuses_another_areas_rules(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "espoo.db")
    write_history(db, None)
    with pytest.raises(AreaMismatchError, match="'espoo-kauniainen', not 'tampere-region'"):
        EmploymentArea(db, rules=EXAMPLE)
    refused = employment_area("report", "caseload", "--db", db, "--rules", str(EXAMPLE))
    assert refused.returncode == 1
    assert "written under the rules of the employment area 'espoo-kauniainen'" in refused.stderr


def test_a_store_written_under_another_area_records_it_and_refuses_the_packaged_rules(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "tampere.db")
    write_history(db, EXAMPLE)
    with pytest.raises(AreaMismatchError, match="'tampere-region', not 'espoo-kauniainen'"):
        EmploymentArea(db)
    area = EmploymentArea(db, rules=EXAMPLE)
    try:
        events = area.history(limit=1)
        assert type(events[0].event).__qualname__ == "AreaRegistration.Registered"
    finally:
        area.close()
    env = {**__import__("os").environ, "EMPLOYMENT_AREA_RULES": str(EXAMPLE)}
    shown = employment_area(
        "report", "routing", "--db", db, "--unsuppressed", "--format", "json", env=env
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)


def test_another_areas_decisions_and_reports_name_none_of_the_packaged_areas_units(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "tampere.db")
    write_history(db, EXAMPLE)
    area = EmploymentArea(db, rules=EXAMPLE)
    try:
        recorded = json.dumps([str(event.event.__dict__) for event in area.history(limit=1000)])
    finally:
        area.close()
    assert "Tampere centre office" in recorded or "Hervanta office" in recorded
    reports = [
        employment_area("report", name, "--db", db, "--rules", str(EXAMPLE), "--unsuppressed")
        for name in ("routing", "caseload", "caseload-groups", "deadlines")
    ]
    annual = employment_area(
        "report",
        "annual",
        "--format",
        "html",
        "--out",
        str(tmp_path / "annual.html"),
        "--db",
        db,
        "--rules",
        str(EXAMPLE),
        "--year",
        "2025",
    )
    assert annual.returncode == 0, annual.stderr
    texts = [report.stdout for report in reports] + [(tmp_path / "annual.html").read_text()]
    assert all(report.returncode == 0 for report in reports), [r.stderr for r in reports]
    for text in texts:
        for name in ESPOO_NAMES:
            assert name not in text, (name, text[:2000])


def test_a_folder_that_is_not_an_areas_rules_is_refused_with_what_is_missing(
    tmp_path: Path,
) -> None:
    (tmp_path / "parameters").mkdir()
    with pytest.raises(AreaRulesError, match="routing/ is missing"):
        RulesFolder.load(tmp_path)
    refused = employment_area("report", "caseload", "--rules", str(tmp_path), "--db", "x.db")
    assert refused.returncode == 1 and "routing/ is missing" in refused.stderr
