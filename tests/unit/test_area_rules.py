"""A rules folder's ``area.yaml`` is read strictly: every mistake named at once, nothing used."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from employment_domain.area_rules import AreaRulesError, RulesFolder, rules_folder

PACKAGED = Path(str(resources.files("employment_domain.rules")))


def folder_with(tmp_path: Path, area_yaml: str) -> Path:
    root = tmp_path / "area"
    shutil.copytree(PACKAGED / "parameters", root / "parameters")
    shutil.copytree(PACKAGED / "routing", root / "routing")
    (root / "area.yaml").write_text(area_yaml, encoding="utf-8")
    return root


def test_an_area_file_with_several_mistakes_is_refused_naming_each(tmp_path: Path) -> None:
    root = folder_with(
        tmp_path,
        """
area:
  id: " spaced "
  name: {fi: Alue}
  responsible_municipality: "999"
  status: seed
employer_services: {unit: "", status: assumption}
extra: 1
""",
    )
    with pytest.raises(AreaRulesError) as refused:
        RulesFolder.load(root)
    message = str(refused.value)
    for part in (
        "unknown key 'extra'",
        "area.id is the area's short name",
        "area.name gives the name in fi, sv and en",
        "area.responsible_municipality",
        "employer_services.unit names the unit",
        "area: status seed needs quote",
        "employer_services: status assumption needs why",
    ):
        assert part in message, (part, message)


def test_a_folder_without_an_area_file_is_the_packaged_area_as_in_release_0_2_0(
    tmp_path: Path,
) -> None:
    root = folder_with(tmp_path, "")
    (root / "area.yaml").unlink()
    assert RulesFolder.load(root).area.id == "espoo-kauniainen"


def test_the_environment_chooses_the_folder_when_none_is_given(tmp_path: Path) -> None:
    root = folder_with(tmp_path, (PACKAGED / "area.yaml").read_text(encoding="utf-8"))
    chosen = rules_folder(environ={"EMPLOYMENT_AREA_RULES": str(root)})
    assert chosen.root == root and not chosen.packaged
    assert rules_folder(environ={}).packaged
