"""A rules folder is an employment area: who the area is, and where its rule files lie.

Finland has 45 employment areas, each organised by a responsible municipality under its own
organising plan. The code is the same for all of them; what differs is data, and all of it is in
one folder: ``area.yaml`` (the area's identity, names and responsible municipality, the unit of
its employer services), ``parameters/`` (dated values: the contracting municipalities, the cost
split, the budget, deadlines), ``routing/`` (facts, districts and offices, partners, rules) and
``tests/`` (the rule scenarios). ``area.yaml`` also lists the area's partners (the region's other
municipalities and employment areas) and its dated cooperation agreements, each saying which
services it covers, so that routing and the ``partners`` report read them as data. The packaged
folder is Espoo–Kauniainen's; another area's folder is chosen with ``--rules DIR`` on the
command line, ``EMPLOYMENT_AREA_RULES`` in the environment, or ``EmploymentArea(db, rules=DIR)``.

A folder of release 0.2.0 had no ``area.yaml``; it is still read (its area is then the packaged
one, the only area that release knew), so that the rule folders and stores of that release keep
working.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import attrs

from employment_domain.errors import EmploymentDomainError
from employment_domain.i18n import name_area
from employment_domain.parameters import (
    RULES_VARIABLE,
    Parameters,
    as_date,
    load_yaml,
    single_spaced,
    source_problems,
)
from employment_domain.values import MunicipalityCode, MunicipalityError

__all__ = [
    "LANGUAGES",
    "RULES_VARIABLE",
    "AreaDefinition",
    "AreaRulesError",
    "CooperationAgreement",
    "CooperationAgreementError",
    "Partner",
    "RulesFolder",
    "default_rules_folder",
    "rules_folder",
]

#: The languages an area names itself in: Finland's two national languages and English.
LANGUAGES = ("fi", "sv", "en")
#: The file of a rules folder that says which area it is.
AREA_FILE = "area.yaml"
_SOURCE_FIELDS = ("status", "section", "quote", "why", "reference")


class AreaRulesError(EmploymentDomainError, ValueError):
    """A rules folder that is not one: missing, without rule files, or an ``area.yaml`` with
    mistakes (each named with its key)."""


class CooperationAgreementError(EmploymentDomainError, ValueError):
    """A partner named for a service on a date when no cooperation agreement of the area with
    that partner covers the service."""


@attrs.frozen
class Partner:
    """Another municipality or employment area the area cooperates with (``kind``:
    ``municipality`` or ``employment_area``), named in fi, sv and en."""

    id: str
    kind: str
    names: Mapping[str, str]

    def name(self, language: str = "en") -> str:
        """The partner's name in ``language`` (fi, sv or en)."""
        return self.names[language]


@attrs.frozen
class CooperationAgreement:
    """A dated agreement with a partner: the services it covers from ``valid_from`` through
    ``valid_until`` (open-ended when None). An agreement can start and end mid-year."""

    id: str
    partner: str
    services: frozenset[str]
    valid_from: date
    valid_until: date | None = None

    def covers(self, service_type: str, on: date) -> bool:
        """Whether the agreement is in force on ``on`` and covers ``service_type``."""
        in_force = self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)
        return in_force and service_type in self.services


_PARTNER_KINDS = ("municipality", "employment_area")


@attrs.frozen
class AreaDefinition:
    """Who an employment area is: its id, its names, its responsible municipality, and the
    unit through which it serves employers, each with the source it rests on."""

    id: str
    names: Mapping[str, str]
    responsible_municipality: MunicipalityCode
    employer_services_unit: str
    sources: Mapping[str, Mapping[str, str | None]] = attrs.field(factory=dict)
    source_file: str = AREA_FILE
    partners: tuple[Partner, ...] = ()
    agreements: tuple[CooperationAgreement, ...] = ()

    def name(self, language: str = "en") -> str:
        """The area's name in ``language`` (fi, sv or en)."""
        return self.names[language]

    def partners_for(self, service_type: str, on: date) -> tuple[str, ...]:
        """The partners whose cooperation agreements cover ``service_type`` on ``on``, in the
        order the area file lists the agreements."""
        found: list[str] = []
        for agreement in self.agreements:
            if agreement.covers(service_type, on) and agreement.partner not in found:
                found.append(agreement.partner)
        return tuple(found)

    def check_partner(self, partner: str, service_type: str, on: date) -> None:
        """Refuse ``partner`` for ``service_type`` on ``on`` unless an agreement covers it
        (``none`` names no partner and is always accepted)."""
        if partner != "none" and partner not in self.partners_for(service_type, on):
            raise CooperationAgreementError(
                f"no cooperation agreement of {self.id} with {partner!r} covers"
                f" {service_type!r} on {on.isoformat()}"
            )

    @classmethod
    def parse(cls, data: object, where: str = AREA_FILE) -> AreaDefinition:
        """The definition in ``data`` (the parsed ``area.yaml``); every mistake named at once."""
        problems: list[str] = []
        if not isinstance(data, dict):
            raise AreaRulesError(f"{where}: not a mapping with 'area' and 'employer_services'")
        area = _section(data, "area", where, problems)
        employer = _section(data, "employer_services", where, problems)
        unknown = sorted(set(data) - {"area", "employer_services", *_PARTNER_KEYS}, key=str)
        problems += [f"{where}: unknown key {key!r}" for key in unknown]
        area_id = area.get("id")
        if not isinstance(area_id, str) or not area_id.strip() or area_id != area_id.strip():
            problems.append(f"{where}: area.id is the area's short name, like 'espoo-kauniainen'")
        names = area.get("name")
        if not isinstance(names, dict) or set(names) != set(LANGUAGES):
            problems.append(f"{where}: area.name gives the name in fi, sv and en")
            names = {}
        for language, text in names.items():
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{where}: area.name.{language} is empty")
        responsible: MunicipalityCode | None = None
        try:
            responsible = MunicipalityCode.parse(area.get("responsible_municipality"))  # type: ignore[arg-type]
        except MunicipalityError as error:
            problems.append(f"{where}: area.responsible_municipality: {error}")
        unit = employer.get("unit")
        if not isinstance(unit, str) or not unit.strip():
            problems.append(
                f"{where}: employer_services.unit names the unit, like 'Business Espoo'"
            )
        sources: dict[str, dict[str, str | None]] = {}
        for key, section in (("area", area), ("employer_services", employer)):
            problems += [
                f"{where}: {key}: {problem}"
                for problem in source_problems(section, section.get("reference"))
            ]
            if "status" not in section:
                problems.append(f"{where}: {key}: needs a status (seed, law, recalled, assumption)")
            sources[key] = {field: single_spaced(section.get(field)) for field in _SOURCE_FIELDS}
        partners, agreements = _partners(data, where, problems, sources)
        if problems or responsible is None:
            raise AreaRulesError("; ".join(problems))
        return cls(
            partners=partners,
            agreements=agreements,
            id=str(area_id),
            names={language: str(names[language]).strip() for language in LANGUAGES},
            responsible_municipality=responsible,
            employer_services_unit=str(unit).strip(),
            sources=sources,
        )


_PARTNER_KEYS = ("partners", "cooperation_agreements")


def _entries(data: dict[str, Any], key: str, where: str, problems: list[str]) -> list[Any]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        problems.append(f"{where}: {key} is a list")
        return []
    return entries


def _sourced(
    entry: dict[str, Any], key: str, where: str, problems: list[str], sources: dict[str, Any]
) -> None:
    problems += [
        f"{where}: {key}: {problem}" for problem in source_problems(entry, entry.get("reference"))
    ]
    if "status" not in entry:
        problems.append(f"{where}: {key}: needs a status (seed, law, recalled, assumption)")
    sources[key] = {field: single_spaced(entry.get(field)) for field in _SOURCE_FIELDS}


def _partners(
    data: dict[str, Any], where: str, problems: list[str], sources: dict[str, Any]
) -> tuple[tuple[Partner, ...], tuple[CooperationAgreement, ...]]:
    """The partners and cooperation agreements of ``area.yaml`` (both optional), each with
    its source; an agreement names a listed partner and its dates in order."""
    partners: dict[str, Partner] = {}
    for index, entry in enumerate(_entries(data, "partners", where, problems)):
        partner_id = entry.get("id") if isinstance(entry, dict) else None
        key = f"partners.{partner_id if isinstance(partner_id, str) else index}"
        if not isinstance(entry, dict) or not isinstance(partner_id, str) or not partner_id:
            problems.append(f"{where}: {key}: a partner has an id, a kind and names")
            continue
        names = entry.get("name")
        if not isinstance(names, dict) or set(names) != set(LANGUAGES):
            problems.append(f"{where}: {key}: name gives the name in fi, sv and en")
            names = {language: partner_id for language in LANGUAGES}
        if entry.get("kind") not in _PARTNER_KINDS:
            problems.append(f"{where}: {key}: kind is one of {', '.join(_PARTNER_KINDS)}")
        if partner_id in partners:
            problems.append(f"{where}: {key}: listed twice")
        _sourced(entry, key, where, problems, sources)
        partners[partner_id] = Partner(
            id=partner_id,
            kind=str(entry.get("kind")),
            names={language: str(names[language]) for language in LANGUAGES},
        )
    agreements: list[CooperationAgreement] = []
    for index, entry in enumerate(_entries(data, "cooperation_agreements", where, problems)):
        agreement_id = entry.get("id") if isinstance(entry, dict) else None
        key = f"cooperation_agreements.{agreement_id if isinstance(agreement_id, str) else index}"
        if not isinstance(entry, dict) or not isinstance(agreement_id, str) or not agreement_id:
            problems.append(f"{where}: {key}: an agreement has an id, a partner and services")
            continue
        partner = entry.get("partner")
        if partner not in partners:
            problems.append(f"{where}: {key}: partner {partner!r} is not in partners")
        services = entry.get("services")
        if not isinstance(services, list) or not services:
            problems.append(f"{where}: {key}: services lists the service types it covers")
            services = []
        start = as_date(entry.get("valid_from"), where, f"{key}.valid_from", problems)
        end = entry.get("valid_until")
        until = None if end is None else as_date(end, where, f"{key}.valid_until", problems)
        if start is not None and until is not None and until < start:
            problems.append(f"{where}: {key}: valid_until is before valid_from")
        _sourced(entry, key, where, problems, sources)
        if start is not None:
            agreements.append(
                CooperationAgreement(
                    id=agreement_id,
                    partner=str(partner),
                    services=frozenset(str(service) for service in services),
                    valid_from=start,
                    valid_until=until,
                )
            )
    return tuple(partners.values()), tuple(agreements)


def _section(data: dict[str, Any], key: str, where: str, problems: list[str]) -> dict[str, Any]:
    section = data.get(key)
    if not isinstance(section, dict):
        problems.append(f"{where}: {key} is a mapping")
        return {}
    return section


@attrs.frozen
class RulesFolder:
    """One area's rules folder: its definition and the folders of its parameters, routing
    rules and scenarios. ``packaged`` is true for the folder the library ships."""

    root: Path | Traversable = attrs.field(eq=False)
    area: AreaDefinition
    packaged: bool = False
    description: str = attrs.field(default="", eq=False)

    @property
    def parameters_folder(self) -> Path | Traversable:
        """The folder of dated parameter files."""
        return self.root.joinpath("parameters")

    @property
    def routing_folder(self) -> Path | Traversable:
        """The folder of routing rule files (facts, districts, rules)."""
        return self.root.joinpath("routing")

    @property
    def scenarios_folder(self) -> Path | Traversable:
        """The folder of the routing rules' scenario files."""
        return self.root.joinpath("tests")

    def parameters(self) -> Parameters:
        """The area's dated parameters (the packaged ones are read once per process)."""
        if self.packaged:
            return _packaged_parameters()
        return Parameters.load(self.parameters_folder)

    @classmethod
    def load(cls, folder: str | os.PathLike[str] | Traversable) -> RulesFolder:
        """The rules folder at ``folder``; :class:`AreaRulesError` says what is missing."""
        root: Path | Traversable = (
            Path(folder) if isinstance(folder, (str, os.PathLike)) else folder
        )
        if isinstance(root, Path) and not root.is_dir():
            raise AreaRulesError(f"{root}: no such rules folder")
        for needed in ("parameters", "routing"):
            if not root.joinpath(needed).is_dir():
                raise AreaRulesError(
                    f"{root}: a rules folder holds area.yaml, parameters/ and routing/;"
                    f" {needed}/ is missing"
                )
        area_file = root.joinpath(AREA_FILE)
        if area_file.is_file():
            area = _read_area(area_file, f"{root}/{AREA_FILE}")
        else:
            area = default_rules_folder().area
        return cls(root=root, area=area, description=str(root))


def _read_area(entry: Path | Traversable, where: str) -> AreaDefinition:
    try:
        data = load_yaml(entry.read_text(encoding="utf-8"))
    except Exception as error:
        raise AreaRulesError(f"{where}: not readable YAML: {error}") from None
    area = AreaDefinition.parse(data, where)
    name_area(area.id, dict(area.names))  # its reports name it as its folder does
    return area


@cache
def default_rules_folder() -> RulesFolder:
    """The packaged rules folder: the Espoo–Kauniainen employment area."""
    root = resources.files("employment_domain.rules")
    area = _read_area(root.joinpath(AREA_FILE), AREA_FILE)
    return RulesFolder(root=root, area=area, packaged=True, description="the packaged rules")


@cache
def _packaged_parameters() -> Parameters:
    return Parameters.load(resources.files("employment_domain.rules").joinpath("parameters"))


def rules_folder(
    folder: str | os.PathLike[str] | RulesFolder | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> RulesFolder:
    """The rules folder to work under: ``folder`` if given, else the one
    ``EMPLOYMENT_AREA_RULES`` names, else the packaged one."""
    if isinstance(folder, RulesFolder):
        return folder
    if folder is None:
        folder = (os.environ if environ is None else environ).get(RULES_VARIABLE) or None
    if folder is None:
        return default_rules_folder()
    return RulesFolder.load(folder)
