"""The facts routing rules see: the catalogue, the district table, and the checking of facts.

The catalogue (``facts`` sections of the rule files) types every fact; the district table maps
where a client lives to the transport line that decides the office. :class:`FactChecker` turns
the facts a caller gives into the plain JSON values the engines compare (money as integer cents,
derived facts added), or refuses them with every problem named. Its common path is generated
Python, since it runs once for every routing decision; the check of one fact's value, on the
careful path and in the generated code alike, lives in ``employment_domain.routing.fact_values``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money
from employment_domain.routing.conditions import (
    FACT_TYPES,
    All,
    AnyOf,
    Condition,
    FactDefinition,
    FactTest,
    compile_condition,
    condition_source,
)
from employment_domain.routing.fact_values import MISSING, check_value, value_lines

__all__ = [
    "Constraint",
    "District",
    "FactChecker",
    "RoutingError",
    "RoutingFactsError",
    "parse_districts",
    "parse_facts",
]

NAME = re.compile(r"[a-z][a-z0-9_]*")
STATUSES = ("verified", "recalled", "seed", "council", "assumption")
_FACT_FIELDS = {"type", "description", "values", "values_from", "minimum", "maximum", "units"}
_FACT_FIELDS |= {"derived_from", "required_when", "note"}
_DISTRICT_FIELDS = {"name", "municipality", "includes", "note", "status"}


class RoutingError(EmploymentDomainError):
    """A routing question that cannot be answered: bad rule files, bad facts, no rule."""


class RoutingFactsError(RoutingError, ValueError):
    """Facts that the rulebook's catalogue refuses; ``problems`` names every bad fact."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid routing facts: " + "; ".join(problems))


@attrs.frozen
class District:
    """A major district (suuralue) and what it determines, such as the transport line."""

    key: str
    name: str
    municipality: str | None
    includes: tuple[str, ...]
    attributes: Mapping[str, str]
    note: str | None = None
    status: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The district as canonical plain data."""
        data: dict[str, Any] = {"name": self.name, "municipality": self.municipality}
        data.update(includes=list(self.includes), **self.attributes)
        data.update({key: getattr(self, key) for key in ("note", "status") if getattr(self, key)})
        return data


@attrs.frozen
class Constraint:
    """Something every valid set of facts satisfies (say, an interview is an authority task)."""

    description: str
    condition: Condition
    holds: Callable[[Mapping[str, Any]], bool] = attrs.field(eq=False, repr=False)

    @classmethod
    def of(cls, description: str, condition: Condition) -> Constraint:
        """The constraint with its condition compiled."""
        return cls(description, condition, compile_condition(condition))


def fact_to_data(definition: FactDefinition) -> dict[str, Any]:
    """A fact definition as canonical plain data."""
    data: dict[str, Any] = {"type": definition.type, "description": definition.description}
    if definition.values_from is not None:
        data["values_from"] = definition.values_from
    elif definition.values:
        data["values"] = list(definition.values)
    for key in ("minimum", "maximum", "derived_from", "required_when"):
        if getattr(definition, key) is not None:
            data[key] = getattr(definition, key)
    if definition.units:
        data["units"] = dict(definition.units)
    return data


def entries(
    sources: Iterable[tuple[str, Any]], section: str, problems: list[str]
) -> Iterator[tuple[str, Any, Any]]:
    """(file, name, definition) for every entry of the mapping sections called ``section``."""
    for file_name, body in sources:
        if body is None:
            continue
        if not isinstance(body, dict):
            problems.append(f"{file_name}: {section} must be a mapping of names to definitions")
            continue
        for name, definition in body.items():
            yield file_name, name, definition


def parse_facts(
    sources: Iterable[tuple[str, Any]], problems: list[str]
) -> dict[str, FactDefinition]:
    """The fact catalogue from the ``facts`` sections."""
    raw_by_name: dict[str, tuple[str, dict[str, Any]]] = {}
    for file_name, name, raw in entries(sources, "facts", problems):
        if not isinstance(name, str) or not NAME.fullmatch(name):
            problems.append(f"{file_name}: a fact name is snake_case: {name!r}")
        elif name in raw_by_name:
            problems.append(f"{file_name}: fact {name}: already defined in {raw_by_name[name][0]}")
        elif not isinstance(raw, dict):
            problems.append(f"{file_name}: fact {name}: must be a mapping with a type")
        else:
            raw_by_name[name] = (file_name, raw)
    facts = {}
    for name, (file_name, raw) in raw_by_name.items():
        definition = _parse_fact(name, raw, raw_by_name, f"{file_name}: fact {name}", problems)
        if definition is not None:
            facts[name] = definition
    return facts


def _parse_fact(
    name: str,
    raw: dict[str, Any],
    others: Mapping[str, tuple[str, dict[str, Any]]],
    where: str,
    problems: list[str],
) -> FactDefinition | None:
    for key in sorted(set(raw) - _FACT_FIELDS, key=str):
        problems.append(f"{where}: unknown field {key!r}")
    kind = raw.get("type")
    if kind not in FACT_TYPES:
        problems.append(f"{where}: type must be one of {list(FACT_TYPES)}: {kind!r}")
        return None
    values = raw.get("values") or []
    values_from = raw.get("values_from")
    if values_from not in (None, "districts") or (values_from and kind != "enum"):
        problems.append(f"{where}: values_from can only be 'districts', on an enum fact")
    if kind == "enum" and not values and values_from is None:
        problems.append(f"{where}: an enum needs values (or values_from: districts)")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(f"{where}: values are a list of text (quote codes like '049')")
        values = []
    units = raw.get("units") or {}
    if not isinstance(units, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in units.items()
    ):
        problems.append(f"{where}: units map values to unit names: {units!r}")
        units = {}
    for key in sorted(set(units) - set(values)):
        problems.append(f"{where}: units name {key!r}, which is not a value")
    for key in ("minimum", "maximum"):
        bound = raw.get(key)
        if bound is not None and (kind != "integer" or not isinstance(bound, int)):
            problems.append(f"{where}: {key} is a whole number on an integer fact")
    required_when = raw.get("required_when")
    flag = others.get(required_when, ("", {}))[1] if isinstance(required_when, str) else {}
    if required_when is not None and (kind != "text" or flag.get("type") != "bool"):
        problems.append(f"{where}: required_when names a bool fact, on a text fact")
    derived_from = raw.get("derived_from")
    source = others.get(derived_from, ("", {}))[1] if isinstance(derived_from, str) else {}
    if derived_from is not None and (kind != "enum" or source.get("values_from") != "districts"):
        problems.append(f"{where}: derived_from names the district fact, on an enum fact")
    return FactDefinition(
        name=name,
        type=kind,
        description=str(raw.get("description", "")),
        values=tuple(values),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        units=dict(units),
        derived_from=derived_from,
        required_when=required_when,
        values_from=values_from,
    )


def parse_districts(
    sources: Iterable[tuple[str, Any]], facts: Mapping[str, FactDefinition], problems: list[str]
) -> dict[str, District]:
    """The district table from the ``districts`` sections."""
    derived = {name: d for name, d in facts.items() if d.derived_from is not None}
    municipalities = facts["municipality"].values if "municipality" in facts else ()
    districts: dict[str, District] = {}
    for file_name, key, raw in entries(sources, "districts", problems):
        where = f"{file_name}: district {key}"
        if not isinstance(key, str) or not NAME.fullmatch(key) or key in districts:
            problems.append(f"{where}: a district key is snake_case and defined once")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a mapping with a name")
            continue
        for field in sorted(set(raw) - _DISTRICT_FIELDS - set(derived), key=str):
            problems.append(f"{where}: unknown field {field!r}")
        for name, definition in derived.items():
            if raw.get(name) not in definition.values:
                problems.append(f"{where}: {name} must be one of {list(definition.values)}")
        municipality = raw.get("municipality")
        if municipality is not None and municipality not in municipalities:
            problems.append(f"{where}: municipality {municipality!r} is not a value of the fact")
        includes = raw.get("includes") or []
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            problems.append(f"{where}: includes is a list of area names")
            includes = []
        if raw.get("status") is not None and raw["status"] not in STATUSES:
            problems.append(f"{where}: status must be one of {list(STATUSES)}: {raw['status']!r}")
        districts[key] = District(
            key=key,
            name=str(raw.get("name") or key),
            municipality=municipality,
            includes=tuple(includes),
            attributes={name: str(raw.get(name)) for name in derived},
            note=raw.get("note"),
            status=raw.get("status"),
        )
    return districts


def district_constraints(
    districts: Mapping[str, District], facts: Mapping[str, FactDefinition]
) -> list[Constraint]:
    """One constraint per district of a known municipality: a client lives in one place."""
    if "municipality" not in facts or "district" not in facts:
        return []
    return [
        Constraint.of(
            f"a district lies in its own municipality: {district.name} is in"
            f" {district.municipality}",
            AnyOf(
                (
                    FactTest("district", "ne", key),
                    FactTest("municipality", "eq", district.municipality),
                )
            ),
        )
        for key, district in districts.items()
        if district.municipality is not None
    ]


def fold(text: str) -> str:
    """A place name for matching: case, hyphens, extra spaces and a "Suur-" prefix ignored."""
    folded = " ".join(text.strip().casefold().replace("-", " ").split())
    return folded.removeprefix("suur ")


def district_index(districts: Mapping[str, District]) -> dict[str, str]:
    """Folded names (the key, the name, every included area) to district keys."""
    index: dict[str, str] = {}
    for key, district in districts.items():
        for name in (key.replace("_", " "), district.name, *district.includes):
            index.setdefault(fold(name), key)
    return index


class FactChecker:
    """Checks facts against a catalogue and returns them as the engines see them."""

    def __init__(
        self,
        facts: Mapping[str, FactDefinition],
        districts: Mapping[str, District],
        constraints: Iterable[Constraint],
    ) -> None:
        self.facts = dict(facts)
        self.districts = dict(districts)
        self.constraints = tuple(constraints)
        self._fast = self._compile()

    def normalise(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The facts as plain JSON values in catalogue order, or a :class:`RoutingFactsError`."""
        result = self._fast(facts) if facts.__class__ is dict else None
        return result if result is not None else self._normalise_slowly(facts)

    def _compile(self) -> Callable[[Mapping[str, Any]], dict[str, Any] | None]:
        """Generated Python for valid facts: checks in line, None at the first doubt.

        It runs once for every routing decision, so it reads each fact once into a local
        variable, tests the constraints on those variables, and finds unknown facts by counting
        the known ones given. Only a plain ``dict`` is given to it, since a subclass could answer
        ``facts[name]`` otherwise than ``get``; the careful path takes everything else.
        """
        variables = {name: f"v{index}" for index, name in enumerate(self.facts)}
        namespace: dict[str, Any] = {"_M": MISSING, "_Money": Money, "_D": self.districts}
        required = [
            name
            for name, definition in self.facts.items()
            if definition.derived_from is None and definition.type != "text"
        ]
        lines = ["def fast(facts):", "    try:"]
        lines += [f"        {variables[name]} = facts[{name!r}]" for name in required] or [
            "        pass"
        ]
        lines += ["    except KeyError:", "        return None", f"    given = {len(required)}"]
        for definition in self.facts.values():
            if definition.derived_from is None:
                lines += value_lines(definition, variables[definition.name], namespace)
        for name, definition in self.facts.items():
            if definition.derived_from is not None:
                lines += _derived_lines(definition, variables, namespace, self.districts)
            if definition.required_when is not None:
                flag = variables[definition.required_when]
                lines.append(f"    if ({variables[name]} is not None) is not {flag}: return None")
        lines.append("    if len(facts) != given: return None")
        constants: list[Any] = []
        conditions = All(tuple(constraint.condition for constraint in self.constraints))
        holds = condition_source(conditions, constants, variables)
        namespace.update({f"_c{index}": value for index, value in enumerate(constants)})
        lines.append(f"    if not {holds}: return None")
        lines += _result_lines(variables)
        exec("\n".join(lines), namespace)
        function: Callable[[Mapping[str, Any]], dict[str, Any] | None] = namespace["fast"]
        return function

    def _normalise_slowly(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The careful path, which names every problem."""
        problems: list[str] = []
        unknown = sorted(str(key) for key in facts if key not in self.facts)
        if unknown:
            problems.append(f"unknown fact(s) {unknown}")
        result: dict[str, Any] = {}
        for name, definition in self.facts.items():
            if definition.derived_from is None:
                value, error = check_value(definition, facts.get(name, MISSING))
                if error is not None:
                    problems.append(error)
                result[name] = value
        for name, definition in self.facts.items():
            if definition.derived_from is not None:
                district = self.districts.get(result.get(definition.derived_from) or "")
                derived = district.attributes.get(name) if district is not None else None
                if name in facts and facts[name] != derived:
                    problems.append(f"{name} is {facts[name]!r} but the district gives {derived!r}")
                result[name] = derived
            flag = definition.required_when
            if flag is not None and result.get(flag) is True and result.get(name) is None:
                problems.append(f"{name} is needed when {flag} is true")
            if flag is not None and result.get(flag) is False and result.get(name) is not None:
                problems.append(f"{name} must be empty when {flag} is false")
        if not problems:
            for constraint in self.constraints:
                if not constraint.holds(result):
                    problems.append(f"facts break a constraint: {constraint.description}")
        if problems:
            raise RoutingFactsError(problems)
        return {name: result[name] for name in self.facts}


def _result_lines(variables: Mapping[str, str]) -> list[str]:
    """Generated lines that return the facts in catalogue order.

    CPython builds a literal of at most 15 constant keys in one step, sized for up to 21 keys,
    but a longer one key by key, growing it as it goes; so the first 15 facts are a literal and
    the others are added to it, which made a 19-fact result a third cheaper.
    """
    pairs = list(variables.items())
    literal = ", ".join(f"{name!r}: {variable}" for name, variable in pairs[:15])
    lines = [f"    result = {{{literal}}}"]
    lines += [f"    result[{name!r}] = {variable}" for name, variable in pairs[15:]]
    return [*lines, "    return result"]


def _derived_lines(
    definition: FactDefinition,
    variables: Mapping[str, str],
    namespace: dict[str, Any],
    districts: Mapping[str, District],
) -> list[str]:
    """Generated lines that derive a fact from its district, or return None.

    The district's value comes from a table made here; a district without it is looked up as
    the careful path would. A value the caller gave must be the derived one.
    """
    v, key = variables[definition.name], repr(definition.name)
    source = variables[definition.derived_from or ""]
    namespace[f"_{v}"] = {
        district_key: district.attributes[definition.name]
        for district_key, district in districts.items()
        if definition.name in district.attributes
    }
    return [
        f"    {v} = _{v}.get({source}, _M)",
        f"    if {v} is _M:",
        f"        district = _D.get({source})",
        "        if district is None: return None",
        f"        {v} = district.attributes[{key}]",
        f"    if {key} in facts:",
        "        given += 1",
        f"        if facts[{key}] != {v}: return None",
    ]
