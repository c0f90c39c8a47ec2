"""The municipality classification file: Statistics Finland's municipality codes with their names,
the mergers dated, and the classification's year, source and status, read strictly.

It sits below :mod:`employment_domain.values`, whose ``MunicipalityCode`` checks itself against
the packaged file; the reading and its checks live here so that the value module stays small.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

import attrs
import yaml

from employment_domain.errors import EmploymentDomainError

__all__ = [
    "ClassifiedMunicipality",
    "MunicipalityClassification",
    "MunicipalityError",
    "in_force_on",
    "municipality_classification",
    "packaged_classification",
    "read_municipality_classification",
]


class MunicipalityError(EmploymentDomainError, ValueError):
    """A municipality code that is malformed or not in the packaged classification."""


#: The keys of the classification file and of one municipality in it.
_CLASSIFICATION_KEYS = {
    "classification",
    "year",
    "valid_from",
    "source",
    "status",
    "verified",
    "count",
    "municipalities",
}
_MUNICIPALITY_KEYS = {"fi", "sv", "valid_until", "merged_into"}
# libyaml's parser where it is installed: the classification is read once, but at every start.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CODE = re.compile(r"[0-9]{3}", re.ASCII)
#: The status vocabulary of ``employment_domain.parameters.STATUSES``, repeated here because the
#: layers keep values and parameters independent (a test holds the two equal).
_STATUSES = ("seed", "law", "recalled", "assumption")


@attrs.frozen
class MunicipalityClassification:
    """The packaged classification as a whole: its year, where it comes from and how far to trust
    it, so that a report can say so next to the names it prints.

    ``status`` is one of the statuses of :data:`employment_domain.parameters.STATUSES`;
    ``verified`` lists the codes checked already, with ``verified_reference`` saying where.
    """

    classification: str
    year: int
    valid_from: date
    source: str
    status: str
    verified: tuple[str, ...]
    verified_reference: str
    in_force: int
    merged: int


@attrs.frozen
class ClassifiedMunicipality:
    """One municipality of the file: its names and, once merged, its last day and successor."""

    name_fi: str
    name_sv: str
    valid_until: date | None
    merged_into: str | None


def municipality_classification() -> MunicipalityClassification:
    """The year, source and status of the packaged municipality classification."""
    return packaged_classification()[0]


@cache
def packaged_classification() -> tuple[
    MunicipalityClassification, dict[str, ClassifiedMunicipality]
]:
    """The packaged file, read once: every MunicipalityCode checks itself against it."""
    text = (
        resources.files("employment_domain.rules")
        .joinpath("municipalities.yaml")
        .read_text(encoding="utf-8")
    )
    return read_municipality_classification(text)


def read_municipality_classification(
    text: str,
) -> tuple[MunicipalityClassification, dict[str, ClassifiedMunicipality]]:
    """The classification in ``text``, refused with every mistake at once.

    A code listed twice is a mistake that plain YAML reading would hide (the later entry wins),
    so the keys are checked on the parsed nodes before they become a dict. Names must be unique
    among the municipalities in force, a merger must name a successor that is in force, and the
    stated ``count`` must equal the list, so a recalled list cannot drift silently.
    """
    loader = _YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        problems = _duplicate_codes(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise MunicipalityError(f"municipalities.yaml is not readable YAML: {error}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise MunicipalityError("municipalities.yaml must be a mapping with `municipalities`")
    problems += [f"unknown key {key!r}" for key in data if key not in _CLASSIFICATION_KEYS]
    problems += [f"missing key {key!r}" for key in sorted(_CLASSIFICATION_KEYS - set(data))]
    entries = data.get("municipalities")
    municipalities = _municipalities(entries if isinstance(entries, dict) else {}, problems)
    valid_from: date = data.get("valid_from") or date.min
    if not _is_day(valid_from):
        problems.append(f"valid_from must be a date: {valid_from!r}")
        valid_from = date.min
    in_force = [code for code, m in municipalities.items() if in_force_on(m, valid_from)]
    problems += _name_problems(municipalities, in_force)
    problems += _merger_problems(municipalities, valid_from)
    problems += _header_problems(data, municipalities, len(in_force))
    if problems:
        raise MunicipalityError(
            "municipalities.yaml: "
            + "; ".join(problems[:20])
            + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        )
    verified = data["verified"]
    classification = MunicipalityClassification(
        classification=str(data["classification"]),
        year=data["year"],
        valid_from=valid_from,
        source=str(data["source"]),
        status=str(data["status"]),
        verified=tuple(str(code) for code in verified["codes"]),
        verified_reference=str(verified["reference"]),
        in_force=len(in_force),
        merged=len(municipalities) - len(in_force),
    )
    return classification, municipalities


def _duplicate_codes(node: yaml.Node | None) -> list[str]:
    """The codes listed more than once under ``municipalities``, read from the YAML nodes."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "municipalities" and isinstance(value, yaml.MappingNode):
            seen: set[str] = set()
            twice = []
            for code, _ in value.value:
                if code.value in seen:
                    twice.append(f"code {code.value!r} is listed twice")
                seen.add(code.value)
            return twice
    return []


def _municipalities(
    entries: dict[Any, Any], problems: list[str]
) -> dict[str, ClassifiedMunicipality]:
    municipalities = {}
    for code, entry in entries.items():
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            problems.append(f'a code is three digits in quotes, like "049": {code!r}')
            continue
        if not isinstance(entry, dict):
            problems.append(f"{code}: an entry is a mapping with fi and sv: {entry!r}")
            continue
        problems += [
            f"{code}: unknown key {key!r}" for key in entry if key not in _MUNICIPALITY_KEYS
        ]
        fi, sv = entry.get("fi"), entry.get("sv")
        if not (isinstance(fi, str) and fi.strip() and isinstance(sv, str) and sv.strip()):
            problems.append(f"{code}: fi and sv are non-empty names: {fi!r}, {sv!r}")
            continue
        until, successor = entry.get("valid_until"), entry.get("merged_into")
        if (until is None) != (successor is None):
            problems.append(f"{code}: valid_until and merged_into go together")
        if until is not None and not _is_day(until):
            problems.append(f"{code}: valid_until must be a date: {until!r}")
            until = None
        municipalities[code] = ClassifiedMunicipality(
            name_fi=fi.strip(),
            name_sv=sv.strip(),
            valid_until=until,
            merged_into=str(successor) if successor is not None else None,
        )
    return municipalities


def in_force_on(municipality: ClassifiedMunicipality, on: date) -> bool:
    """Whether ``municipality`` had not yet ceased on ``on`` (``valid_until`` is inclusive)."""
    return municipality.valid_until is None or on <= municipality.valid_until


def _name_problems(
    municipalities: dict[str, ClassifiedMunicipality], in_force: list[str]
) -> list[str]:
    """Two municipalities in force under one name would make a name-based import ambiguous."""
    problems = []
    for language in ("name_fi", "name_sv"):
        first: dict[str, str] = {}
        for code in in_force:
            name = getattr(municipalities[code], language)
            if name in first:
                problems.append(f"{language} {name!r} is both {first[name]} and {code}")
            first.setdefault(name, code)
    return problems


def _merger_problems(
    municipalities: dict[str, ClassifiedMunicipality], valid_from: date
) -> list[str]:
    problems = []
    for code, municipality in municipalities.items():
        successor = municipality.merged_into
        if successor is None or municipality.valid_until is None:
            continue
        if municipality.valid_until >= valid_from:
            problems.append(f"{code}: a merger after valid_from belongs to a later classification")
        if successor not in municipalities or successor == code:
            problems.append(f"{code}: merged_into {successor!r} is not another listed code")
        elif not in_force_on(municipalities[successor], municipality.valid_until):
            problems.append(f"{code}: merged_into {successor} had itself ceased by then")
    return problems


def _header_problems(
    data: dict[str, Any], municipalities: dict[str, ClassifiedMunicipality], in_force: int
) -> list[str]:
    problems = []
    if data.get("status") not in _STATUSES:
        problems.append(f"status must be one of {list(_STATUSES)}: {data.get('status')!r}")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(f"year must be a year like 2025: {year!r}")
    for key in ("classification", "source"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            problems.append(f"{key} must be non-empty text")
    verified = data.get("verified")
    if not isinstance(verified, dict) or set(verified) != {"codes", "reference"}:
        problems.append("verified is a mapping of codes (a list) and reference")
    elif not isinstance(verified["codes"], list) or any(
        code not in municipalities for code in verified["codes"]
    ):
        problems.append(f"verified codes must be listed codes: {verified['codes']!r}")
    if "count" in data and data["count"] != in_force:
        problems.append(
            f"count says {data['count']!r} in force on valid_from, the list has {in_force}"
        )
    return problems


def _is_day(value: object) -> bool:
    """A date and not a datetime: a classification's dates are whole days."""
    return isinstance(value, date) and not isinstance(value, datetime)
