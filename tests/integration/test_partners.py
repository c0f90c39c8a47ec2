"""Partners as data: the area file's partners and dated cooperation agreements, routing that
offers a partner only for a service its agreement covers that day, and the ``partners`` report,
the same from catching up and from a rebuild, on the demo's store and on every kind of store."""

from __future__ import annotations

import json
import shutil
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from employment_domain import EmploymentArea
from employment_domain.area_rules import (
    AreaDefinition,
    AreaRulesError,
    CooperationAgreementError,
    default_rules_folder,
)
from employment_domain.cli.main import main
from employment_domain.commands.routing import RoutingCapacity
from employment_domain.decisions import Route
from employment_domain.parameters import load_yaml
from employment_domain.projections import ProjectionRunner, ReadModel, projection_named

START = date(2025, 3, 3)
AREA_FILE = Path(str(resources.files("employment_domain.rules").joinpath("area.yaml")))


def a_client(area: EmploymentArea) -> UUID:
    return area.start_job_search(
        on=START,
        municipality="049",
        birth_date=date(1985, 4, 2),
        district="Leppävaara",
        mother_tongue="fi",
    )


def area_data() -> dict[str, Any]:
    data = load_yaml(AREA_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("day", "partners"),
    [
        (date(2025, 3, 31), ("vantaa",)),
        (date(2025, 4, 1), ("helsinki", "vantaa")),
        (date(2025, 9, 30), ("helsinki", "vantaa")),
        (date(2025, 10, 1), ("vantaa",)),
        (date(2024, 12, 31), ()),
    ],
)
def test_a_partner_agreement_that_starts_and_ends_mid_year_covers_only_its_months(
    day: date, partners: tuple[str, ...]
) -> None:
    area = default_rules_folder().area
    assert area.partners_for("work_try_out", day) == partners
    assert area.partners_for("coaching", day) == ()


def test_the_packaged_partners_are_the_regions_municipalities_and_employment_areas() -> None:
    area = default_rules_folder().area
    kinds = {partner.id: partner.kind for partner in area.partners}
    assert kinds == {
        "helsinki": "municipality",
        "vantaa": "municipality",
        "lansi-uusimaa": "employment_area",
    }
    assert area.partners[1].name("sv") == "Vanda"
    statuses = {key: source["status"] for key, source in area.sources.items()}
    assert statuses["partners.helsinki"] == statuses["partners.vantaa"] == "seed"
    assert statuses["partners.lansi-uusimaa"] == "recalled"
    assert statuses["cooperation_agreements.helsinki-try-outs-2025"] == "assumption"


def test_an_agreement_with_an_unknown_partner_reversed_dates_or_no_reason_is_refused() -> None:
    data = area_data()
    agreement = dict(data["cooperation_agreements"][0])
    agreement.update(partner="turku", valid_until=date(2025, 1, 1))
    del agreement["why"]
    data["cooperation_agreements"] = [agreement]
    with pytest.raises(AreaRulesError) as refused:
        AreaDefinition.parse(data)
    message = str(refused.value)
    assert "partner 'turku' is not in partners" in message
    assert "valid_until is before valid_from" in message
    assert "cooperation_agreements.helsinki-try-outs-2025" in message and "why" in message


def test_a_partner_of_no_known_kind_is_refused_with_its_id() -> None:
    data = area_data()
    data["partners"] = [dict(data["partners"][0], kind="ministry")]
    data["cooperation_agreements"] = []
    with pytest.raises(AreaRulesError, match=r"partners\.helsinki: kind is one of"):
        AreaDefinition.parse(data)


def test_routing_refuses_a_partner_whose_agreement_has_ended_and_records_nothing() -> None:
    area = EmploymentArea(":memory:")
    client_id = a_client(area)
    before = area.head_position()
    ended = "'helsinki' covers 'work_try_out' on 2025-10-01"
    with pytest.raises(CooperationAgreementError, match=ended):
        area.refer_with_routing(
            client_id,
            on=date(2025, 10, 1),
            service_type="work_try_out",
            capacity=RoutingCapacity(partner_agreement="helsinki"),
        )
    assert area.head_position() == before
    decision = area.refer_with_routing(
        client_id,
        on=date(2025, 9, 30),
        service_type="work_try_out",
        capacity=RoutingCapacity(partner_agreement="helsinki"),
    )
    assert (decision.route, decision.unit) == (Route.PARTNER, "Helsinki")


def partner_rows(url: str, **options: Any) -> list[dict[str, Any]]:
    read_model = ReadModel(url)
    try:
        return read_model.report(projection_named("partners"), **options)
    finally:
        read_model.close()


def test_the_partners_report_counts_services_per_partner_service_and_year_as_rebuilt(
    store: str, tmp_path: Path
) -> None:
    area = EmploymentArea(store)
    client_id = a_client(area)
    for day, service, partner in [
        (date(2025, 5, 5), "work_try_out", "helsinki"),
        (date(2025, 6, 2), "work_try_out", "helsinki"),
        (date(2025, 6, 2), "training_try_out", "vantaa"),
        (date(2026, 1, 12), "work_try_out", "vantaa"),
        (date(2026, 1, 12), "coaching", "none"),
    ]:
        area.refer_with_routing(
            client_id,
            on=day,
            service_type=service,
            capacity=RoutingCapacity(partner_agreement=partner),
        )
    live = f"sqlite:///{tmp_path}/live.db"
    ProjectionRunner(area, live).catch_up()
    expected = [
        {"year": 2025, "partner": "helsinki", "service_type": "work_try_out", "services": 2},
        {"year": 2025, "partner": "vantaa", "service_type": "training_try_out", "services": 1},
        {"year": 2026, "partner": "vantaa", "service_type": "work_try_out", "services": 1},
    ]
    assert partner_rows(live) == expected
    rebuilt = f"sqlite:///{tmp_path}/rebuilt.db"
    ProjectionRunner(area, rebuilt).rebuild()
    assert partner_rows(rebuilt) == expected
    assert partner_rows(live, year=2026) == expected[2:]


def test_the_demos_partners_report_has_rows_and_a_rebuild_gives_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "area.db"
    arguments = ["--db", str(store)]
    assert main(["demo", *arguments, "--scale", "0.02", "--seed", "7", "--quiet"]) == 0
    capsys.readouterr()
    report = ["report", "partners", *arguments, "--format", "json", "--unsuppressed"]
    assert main(report) == 0
    live = json.loads(capsys.readouterr().out)
    assert {row["partner"] for row in live} == {"helsinki", "vantaa"}
    assert all(row["services"] > 0 and row["year"] == 2025 for row in live)
    assert main(["projections", "rebuild", *arguments]) == 0
    capsys.readouterr()
    assert main(report) == 0
    assert json.loads(capsys.readouterr().out) == live
    assert main(["report", "partners", *arguments, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)  # the published form keeps its rows


def test_an_area_without_partners_routes_to_none_of_them(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(str(resources.files("employment_domain.rules")), folder)
    text = AREA_FILE.read_text(encoding="utf-8")
    (folder / "area.yaml").write_text(text[: text.index("\npartners:")] + "\n", encoding="utf-8")
    area = EmploymentArea(":memory:", rules=folder)
    assert area.area_definition.partners == () == area.area_definition.agreements
    with pytest.raises(CooperationAgreementError):
        area.refer_with_routing(
            a_client(area),
            on=date(2025, 5, 5),
            service_type="work_try_out",
            capacity=RoutingCapacity(partner_agreement="vantaa"),
        )
