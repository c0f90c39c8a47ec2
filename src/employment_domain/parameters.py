"""Dated parameters: the numbers of the plan and of law, each valid for a period, with a source.

Parameters live in ``rules/parameters/*.yaml``; a file holds any number of parameters, and each
parameter lists dated values::

    initial_interview_working_days:
      description: Working days from the start of job search to the initial interview.
      unit: working_days
      values:
        - valid_from: 2025-01-01
          valid_until: 2025-12-31      # inclusive: the last day the value applies; omit for open
          value: 5
          status: law                  # seed, law, recalled or assumption (see STATUSES)
          reference: Laki työvoimapalvelujen järjestämisestä 380/2023

YAML numbers with a decimal point are read as ``Decimal``, never as floats. The loader collects
every mistake of every file (unknown keys, bad dates, overlapping periods, a source that does not
say what it rests on) and refuses them all at once, each message naming the file and the
parameter.

The status vocabulary is shared with the routing rules (:func:`source_problems`), so that one
count says how much of the model rests on the organising plan, on law, on memory and on
assumptions (``employment-area rules provenance``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any

import attrs
import yaml

from employment_domain.errors import EmploymentDomainError

__all__ = [
    "STATUSES",
    "DatedValue",
    "ParameterError",
    "ParameterFileError",
    "Parameters",
    "UnknownParameterError",
    "as_date",
    "default_parameters",
    "single_spaced",
    "source_problems",
    "take_sources",
]

_PARAMETER_FIELDS = {"description", "unit", "values", "reference", "note"}
_VALUE_FIELDS = {"valid_from", "valid_until", "value", "reference", "note"}
_VALUE_FIELDS |= {"status", "section", "quote", "why"}
_REQUIRED_VALUE_FIELDS = {"valid_from", "value", "reference"}
_NAME = re.compile(r"[a-z][a-z0-9_]*")

#: What a value or a rule rests on. ``seed``: the organising plan states it (``quote`` gives the
#: plan's own words, ``section`` its section letter); ``law``: a statute (the ``reference`` names
#: the act by number, and the section where it was read); ``recalled``: from memory, to be
#: verified; ``assumption``: a modelling choice the plan leaves open (``why`` says why, in one
#: sentence).
STATUSES = ("seed", "law", "recalled", "assumption")
_SECTION = re.compile(r"[a-z]")
_SOURCE_TEXTS = ("section", "quote", "why")
# An act or a government bill by number and year: 380/2023, HE 108/2025.
_ACT_NUMBER = re.compile(r"\b\d{1,4}/(?:19|20)\d{2}\b")


def source_problems(raw: Mapping[str, Any], reference: object) -> list[str]:
    """What is wrong with the status, section, quote and why of one value, rule or district.

    A status outside the vocabulary is refused, as is a ``seed`` without the plan's words and
    section letter, an ``assumption`` without its reason and a ``law`` whose reference names no
    act, because a source that does not say what it rests on cannot be checked. The messages
    carry no location; the loaders prefix the file and the key.
    """
    problems = []
    status = raw.get("status")
    for key in ("quote", "why", "section"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            problems.append(f"{key} must be non-empty text")
    section = raw.get("section")
    if isinstance(section, str) and section.strip() and not _SECTION.fullmatch(section.strip()):
        problems.append(f"section is the plan's section letter (a, b, …): {section!r}")
    if status is None:
        return problems
    if status not in STATUSES:
        problems.append(f"status must be one of {list(STATUSES)}: {status!r}")
    elif status == "seed":
        problems += [
            f"status seed needs {key}: {what}"
            for key, what in (("quote", "the plan's own words"), ("section", "the plan's letter"))
            if key not in raw
        ]
    elif status == "assumption" and "why" not in raw:
        problems.append("status assumption needs why: one sentence saying why it was chosen")
    elif status == "law" and not _ACT_NUMBER.search(str(reference or "")):
        problems.append("status law needs the act's number (like 380/2023) in the reference")
    return problems


def take_sources(
    entries: object,
    file_name: str,
    sources: dict[str, dict[str, str]],
    problems: list[str],
    archived: bool = False,
) -> object:
    """``entries`` (a mapping section) without section, quote and why, which go to ``sources``
    by key, with the file they came from.

    The district table of the routing rules has a status, but its own parser knows nothing of
    what a status rests on; this takes the source out of each entry and checks it as a value's
    is (not in an ``archived`` rulebook, which is read as it was written).
    """
    if not isinstance(entries, dict):
        return entries
    bare: dict[Any, Any] = {}
    for key, raw in entries.items():
        if isinstance(raw, dict):
            if not archived:
                where = f"{file_name}: district {key}"
                problems += [f"{where}: {p}" for p in source_problems(raw, raw.get("note"))]
            taken = {name: single_spaced(raw[name]) for name in _SOURCE_TEXTS if name in raw}
            sources[str(key)] = {"file": file_name}
            sources[str(key)].update({name: text for name, text in taken.items() if text})
            raw = {name: value for name, value in raw.items() if name not in taken}
        bare[key] = raw
    return bare


def single_spaced(text: object) -> str | None:
    """Text with its runs of whitespace made single spaces (a quote folded over lines)."""
    return None if text is None else " ".join(str(text).split())


class ParameterError(EmploymentDomainError):
    """A parameter question that cannot be answered (no value in force on that date)."""


class UnknownParameterError(ParameterError, KeyError):
    """A parameter name that no file defines."""

    def __str__(self) -> str:
        return str(self.args[0])


class ParameterFileError(ParameterError, ValueError):
    """One or more parameter files are invalid; ``problems`` lists every one with file and key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the parameter files:\n  " + "\n  ".join(problems)
        )


@attrs.frozen
class DatedValue:
    """One value of a parameter, in force from ``valid_from`` to ``valid_until`` inclusive.

    ``status``, ``section``, ``quote`` and ``why`` say what it rests on (see :data:`STATUSES`);
    ``key`` is where it stands in ``source_file`` (``name[index]``), as the loader's messages
    name it.
    """

    value: Any
    valid_from: date
    valid_until: date | None
    reference: str
    source_file: str
    status: str | None = None
    section: str | None = None
    quote: str | None = None
    why: str | None = None
    key: str | None = None

    def applies_on(self, day: date) -> bool:
        """Whether this value is the one in force on ``day``."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class _DecimalLoader(yaml.SafeLoader):
    """A YAML loader that reads ``0.5`` as ``Decimal('0.5')``: parameters are exact."""


def _decimal_constructor(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    return Decimal(text.replace("_", ""))


def _date_text_constructor(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    # Dates stay text here and are parsed per field, so one bad date names its own key
    # instead of failing the whole file.
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal_constructor)
_DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_text_constructor)


def load_yaml(text: str) -> Any:
    """Parse YAML with decimals kept exact; shared by the parameter and rule loaders."""
    return yaml.load(text, Loader=_DecimalLoader)


def as_date(raw: object, where: str, field: str, problems: list[str]) -> date | None:
    """``raw`` as a date, or None with a problem naming ``where`` and ``field``."""
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    problems.append(f"{where}: {field} is not a date (YYYY-MM-DD): {raw!r}")
    return None


class Parameters:
    """The dated parameters of one employment area, read from a folder of YAML files."""

    def __init__(self, values: Mapping[str, list[DatedValue]], descriptions: Mapping[str, str]):
        self._values = {name: sorted(vs, key=lambda v: v.valid_from) for name, vs in values.items()}
        self._descriptions = dict(descriptions)

    @classmethod
    def load(cls, folder: Path | Traversable) -> Parameters:
        """Read every ``*.yaml`` file in ``folder``; refuse them all if any has a mistake."""
        problems: list[str] = []
        values: dict[str, list[DatedValue]] = {}
        descriptions: dict[str, str] = {}
        defined_in: dict[str, str] = {}
        files = sorted(
            (entry for entry in folder.iterdir() if entry.name.endswith((".yaml", ".yml"))),
            key=lambda entry: entry.name,
        )
        for entry in files:
            try:
                data = load_yaml(entry.read_text(encoding="utf-8"))
            except (yaml.YAMLError, ValueError, ArithmeticError) as error:
                problems.append(f"{entry.name}: not valid YAML: {error}")
                continue
            if data is None:
                continue
            if not isinstance(data, dict):
                problems.append(f"{entry.name}: must map parameter names to their definitions")
                continue
            for name, definition in data.items():
                where = f"{entry.name}: {name}"
                if not isinstance(name, str) or not _NAME.fullmatch(name):
                    problems.append(f"{entry.name}: parameter name must be snake_case: {name!r}")
                    continue
                if name in defined_in:
                    problems.append(f"{where}: already defined in {defined_in[name]}")
                    continue
                defined_in[name] = entry.name
                parsed = _parse_parameter(definition, name, entry.name, problems)
                if parsed is not None:
                    values[name], descriptions[name] = parsed
        if problems:
            raise ParameterFileError(problems)
        return cls(values, descriptions)

    def names(self) -> list[str]:
        """Every parameter name, sorted."""
        return sorted(self._values)

    def description(self, name: str) -> str:
        """What the parameter means, from its file."""
        self._history(name)
        return self._descriptions[name]

    def _history(self, name: str) -> list[DatedValue]:
        try:
            return self._values[name]
        except KeyError:
            raise UnknownParameterError(f"no parameter is called {name!r}") from None

    def entry(self, name: str, on: date) -> DatedValue:
        """The dated value of ``name`` in force on ``on``, with its reference."""
        if not isinstance(on, date):
            raise ParameterError(f"parameter {name!r} is asked for on a non-date: {on!r}")
        for candidate in self._history(name):
            if candidate.applies_on(on):
                return candidate
        raise ParameterError(f"parameter {name!r} has no value in force on {on.isoformat()}")

    def value(self, name: str, on: date) -> Any:
        """The value of ``name`` in force on ``on``."""
        return self.entry(name, on).value

    def history(self, name: str) -> list[DatedValue]:
        """Every dated value of ``name``, earliest first."""
        return list(self._history(name))


def _parse_parameter(
    definition: object, name: str, file_name: str, problems: list[str]
) -> tuple[list[DatedValue], str] | None:
    where = f"{file_name}: {name}"
    if not isinstance(definition, dict):
        problems.append(f"{where}: must be a mapping with description and values")
        return None
    for key in sorted(set(definition) - _PARAMETER_FIELDS, key=str):
        problems.append(f"{where}: unknown key {key!r}")
    raw_values = definition.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        problems.append(f"{where}: needs a non-empty list of values")
        return None
    parsed: list[DatedValue] = []
    for index, raw in enumerate(raw_values):
        value_key = f"{name}[{index}]"
        value_where = f"{file_name}: {value_key}"
        if not isinstance(raw, dict):
            problems.append(f"{value_where}: must be a mapping with valid_from, value, reference")
            continue
        for key in sorted(set(raw) - _VALUE_FIELDS, key=str):
            problems.append(f"{value_where}: unknown key {key!r}")
        for key in sorted(_REQUIRED_VALUE_FIELDS - set(raw)):
            problems.append(f"{value_where}: missing {key!r}")
        if not set(raw) >= _REQUIRED_VALUE_FIELDS:
            continue
        start = as_date(raw["valid_from"], value_where, "valid_from", problems)
        until_raw = raw.get("valid_until")
        until = (
            None if until_raw is None else as_date(until_raw, value_where, "valid_until", problems)
        )
        problems += [f"{value_where}: {p}" for p in source_problems(raw, raw["reference"])]
        if isinstance(raw["value"], float):
            problems.append(f"{value_where}: value must be exact, not a float: {raw['value']!r}")
        if start is None or (until_raw is not None and until is None):
            continue
        if until is not None and until < start:
            problems.append(f"{value_where}: valid_until {until} is before valid_from {start}")
            continue
        parsed.append(
            DatedValue(
                raw["value"],
                start,
                until,
                str(raw["reference"]),
                file_name,
                raw.get("status"),
                single_spaced(raw.get("section")),
                single_spaced(raw.get("quote")),
                single_spaced(raw.get("why")),
                value_key,
            )
        )
    parsed.sort(key=lambda v: v.valid_from)
    for earlier, later in _pairs(parsed):
        if earlier.valid_until is None or earlier.valid_until >= later.valid_from:
            problems.append(
                f"{where}: values from {earlier.valid_from} and from {later.valid_from} overlap"
            )
    return parsed, str(definition.get("description", ""))


def _pairs(items: list[DatedValue]) -> Iterable[tuple[DatedValue, DatedValue]]:
    return pairwise(items)


#: The environment variable naming the rules folder of the area in use (``--rules DIR`` sets it
#: for one command); unset, the packaged Espoo–Kauniainen folder is used.
RULES_VARIABLE = "EMPLOYMENT_AREA_RULES"


def rules_root() -> Path | Traversable:
    """The rules folder in use: the one ``EMPLOYMENT_AREA_RULES`` names, else the packaged one.

    Reading an environment variable is configuration, not a clock: it chooses the area, never a
    date or a value of a rule.
    """
    folder = os.environ.get(RULES_VARIABLE) or None
    return resources.files("employment_domain.rules") if folder is None else Path(folder)


def default_parameters() -> Parameters:
    """The parameters of the area in use (``EMPLOYMENT_AREA_RULES``, else the packaged
    Espoo–Kauniainen folder), read once per folder and process."""
    return _parameters_of(os.environ.get(RULES_VARIABLE) or None)


@cache
def _parameters_of(folder: str | None) -> Parameters:
    if folder is None:
        return Parameters.load(resources.files("employment_domain.rules").joinpath("parameters"))
    return Parameters.load(Path(folder) / "parameters")
