"""The demo year reads its area from the rules folder, and a folder that lacks what the demo
needs is refused with a named error before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from employment_domain import EmploymentArea
from employment_domain.demo.area_data import DemoArea
from employment_domain.demo.year import DemoError, run_demo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tampere-region"


def copy_of_example(tmp_path: Path) -> Path:
    folder = tmp_path / "area"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_the_packaged_areas_demo_figures_name_its_municipalities_entity_and_unit() -> None:
    area = EmploymentArea(":memory:")
    try:
        demo = DemoArea.of(area, 2025)
    finally:
        area.close()
    assert demo.area_id == "espoo-kauniainen" and demo.responsible == "049"
    assert dict(demo.client_municipalities) == {"049": 97, "235": 3}
    assert demo.in_house_entity == "Omnia" and demo.employer_services_unit == "business_espoo"
    assert demo.districts["235"] == (("Kauniainen", 1),)
    assert sum(demo.budget.values(), demo.budget["staff"].zero()).amount == 22_440_000


def test_another_areas_demo_figures_come_from_its_folder(tmp_path: Path) -> None:
    area = EmploymentArea(":memory:", rules=EXAMPLE)
    try:
        demo = DemoArea.of(area, 2025)
    finally:
        area.close()
    assert demo.area_id == "tampere-region" and demo.responsible == "837"
    assert demo.in_house_entity == "Tredu"
    assert demo.partner_seats == {"training_try_out": ("valkeakoski", 40)}
    assert [office for office, _ in demo.premises] == ["Tampere centre office", "Hervanta office"]
    assert {code for code, _ in demo.client_municipalities} == set(demo.districts)


def test_a_folder_without_the_demos_figures_is_refused_naming_the_missing_value(
    tmp_path: Path,
) -> None:
    folder = copy_of_example(tmp_path)
    (folder / "parameters" / "demo.yaml").unlink()
    area = EmploymentArea(str(tmp_path / "area.db"), rules=folder)
    try:
        with pytest.raises(DemoError, match="'demo_client_municipalities'"):
            run_demo(area, scale=0.01)
        assert area.head_position() == 0
    finally:
        area.close()


def test_a_municipality_without_a_district_to_place_its_jobseekers_in_is_refused(
    tmp_path: Path,
) -> None:
    folder = copy_of_example(tmp_path)
    demo_file = folder / "parameters" / "demo.yaml"
    demo_file.write_text(
        demo_file.read_text(encoding="utf-8").replace('"922": 1,', '"922": 1, "908": 1,', 1),
        encoding="utf-8",
    )
    area = EmploymentArea(str(tmp_path / "area.db"), rules=folder)
    try:
        with pytest.raises(DemoError, match="no districts of the municipality 908"):
            run_demo(area, scale=0.01)
        assert area.head_position() == 0
    finally:
        area.close()
