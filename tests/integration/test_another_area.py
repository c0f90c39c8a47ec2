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
from decimal import Decimal
from pathlib import Path

import pytest

from employment_domain import EmploymentArea
from employment_domain.area_rules import AreaRulesError, RulesFolder
from employment_domain.cli.main import main
from employment_domain.projections.reports import PROJECTIONS
from employment_domain.store.registration import AreaMismatchError
from employment_domain.store.service import application_of

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


@pytest.fixture(scope="module")
def example_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo year of the example area, written through the command line."""
    db = tmp_path_factory.mktemp("tampere-demo") / "area.db"
    ran = main(["demo", "--rules", str(EXAMPLE), "--scale", "0.05", "--db", str(db), "--quiet"])
    assert ran == 0
    return db


def reads(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What one in-process command printed; it must succeed."""
    capsys.readouterr()
    code = main(list(argv))
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return printed.out


def test_a_demo_year_of_the_example_area_names_it_in_every_report_and_none_of_espoos_units(
    example_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = RulesFolder.load(EXAMPLE).area.names
    rules = ("--db", str(example_demo), "--rules", str(EXAMPLE))
    texts: dict[str, str] = {}
    for projection in PROJECTIONS:
        for lang in ("en", "fi", "sv"):
            # the published table and JSON, and the internal form with every count as CSV
            for form, *unsuppressed in (("table",), ("csv", "--unsuppressed"), ("json",)):
                texts[f"{projection.name} {lang} {form}"] = reads(
                    capsys, "report", projection.name, *rules, "--lang", lang,
                    "--format", form, *unsuppressed,
                )  # fmt: skip
    for lang in ("en", "fi", "sv"):
        out = tmp_path / f"annual.{lang}.html"
        reads(capsys, "report", "annual", *rules, "--lang", lang, "--format", "html",
              "--out", str(out), "--year", "2025")  # fmt: skip
        texts[f"annual {lang}"] = html = out.read_text(encoding="utf-8")
        assert f"<p class=area>{names[lang]}</p>" in html
    for key, text in texts.items():
        for name in ESPOO_NAMES:
            assert name.lower() not in text.lower(), (key, name)
    assert names["fi"] in texts["cost-split fi table"]
    assert names["sv"] in texts["cost-split sv csv"]
    assert "Tampere" in texts["caseload fi table"] and "Nokia" in texts["cost-split sv csv"]


def test_a_demo_year_of_the_example_area_is_split_between_its_municipalities_by_its_rules(
    example_demo: Path,
) -> None:
    area = EmploymentArea(str(example_demo), rules=EXAMPLE)
    try:
        split = area.cost_split("tampere-region", 2025)
        parameters = RulesFolder.load(EXAMPLE).parameters()
        municipalities = parameters.value("contracting_municipalities", date(2025, 1, 1))
        assert {part["municipality"] for part in split["municipalities"]} == set(municipalities)
        shares = sum(Decimal(part["amount"]) for part in split["municipalities"])
        assert shares == Decimal(split["net_cost"]) > 0
        app, start, events = application_of(area), 1, []
        while notifications := app.recorder.select_notifications(start, 1000):
            events += [str(app.mapper.to_domain_event(n).__dict__) for n in notifications]
            start = notifications[-1].id + 1
        recorded = "\n".join(events)
    finally:
        area.close()
    # the in-house award goes to the entity its rules route to, contacts through its unit
    assert "'provider': 'Tredu'" in recorded
    assert "'unit': 'Tampere region employer services'" in recorded
    for name in ESPOO_NAMES:
        assert name.lower() not in recorded.lower(), name


def test_the_example_areas_demo_is_refused_on_a_store_of_the_packaged_area(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "espoo.db")
    write_history(db, None)
    capsys.readouterr()
    code = main(["demo", "--rules", str(EXAMPLE), "--scale", "0.01", "--db", db, "--quiet"])
    refused = capsys.readouterr().err
    assert code == 1
    assert "written under the rules of the employment area 'espoo-kauniainen'" in refused
    with pytest.raises(AreaMismatchError):
        EmploymentArea(db, rules=EXAMPLE)
    assert EmploymentArea(db).head_position() > 0
