"""The cost split's criteria as data: any number of named counts per municipality, each weighted.

Espoo–Kauniainen's plan (section a) splits the net cost by two criteria at 50/50: the
municipality's 18–64-year-olds and its broadly unemployed. Another area may weigh three counts,
or four. Here a criterion is a name (the basis file's column), an exact weight, what is counted,
and the rule that fixes the date its figures are counted on; the criteria in force are the dated
parameter ``cost_split_criteria`` or, where an area has none, the two weight parameters of the
plan. The split itself is the same largest-remainder method as :func:`split_cost`, and for the
plan's two criteria it gives the same cents to the last one. Everything here is pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from employment_domain.ledgers.allocation import (
    POPULATION_WEIGHT,
    UNEMPLOYED_WEIGHT,
    AllocationError,
    BasisError,
    WeightsError,
    WeightSource,
    ZeroBasisError,
)
from employment_domain.ledgers.records import BasisDateError
from employment_domain.money import Money, MoneyError, _check_weight
from employment_domain.parameters import Parameters, UnknownParameterError
from employment_domain.values import MunicipalityCode

__all__ = [
    "CRITERIA_PARAMETER",
    "CriteriaError",
    "CriteriaSplit",
    "Criterion",
    "CriterionBasis",
    "CriterionShare",
    "ReferenceDateRule",
    "SplitCriteria",
    "reference_date_parameter",
    "split_by_criteria",
]

#: The dated parameter that lists an area's criteria; without it the plan's two weights apply.
CRITERIA_PARAMETER = "cost_split_criteria"
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FRACTION = re.compile(r"\d+(/\d+|\.\d+)?")


class CriteriaError(WeightsError):
    """A list of criteria that cannot be used: a bad name, a name twice, a weight that is not an
    exact non-negative number, weights that do not sum to exactly 1, or an unknown date rule."""


def reference_date_parameter(criterion: str) -> str:
    """The dated parameter that holds the reference-date rule of ``criterion``."""
    return f"cost_split_reference_date_{criterion}"


class ReferenceDateRule:
    """The rules that fix a criterion's reference date from the date of the split.

    ``end_of_previous_year``: 31 December of the year before the split's year (population
    statistics are final for a closed year); ``end_of_year``: 31 December of the split's year.
    """

    KNOWN = ("end_of_previous_year", "end_of_year")

    @staticmethod
    def date_for(rule: str, on: date) -> date:
        """The reference date that ``rule`` gives for a split made for ``on``'s year."""
        if rule == "end_of_previous_year":
            return date(on.year - 1, 12, 31)
        if rule == "end_of_year":
            return date(on.year, 12, 31)
        known = ", ".join(ReferenceDateRule.KNOWN)
        raise CriteriaError(f"unknown reference-date rule {rule!r}; known: {known}")


def _exact(value: object) -> Fraction:
    """A weight as an exact fraction: ``"2/5"``, ``"0.4"``, an int, Decimal or Fraction."""
    if isinstance(value, str):
        text = value.strip()
        if not _FRACTION.fullmatch(text) or text.endswith("/0"):
            raise CriteriaError(f"a criterion's weight must be an exact fraction, not {value!r}")
        return Fraction(text)
    try:
        return _check_weight(value)
    except MoneyError as error:
        raise CriteriaError(f"a criterion's weight: {error}") from None


@attrs.frozen
class Criterion:
    """One criterion: its name (the basis column), exact weight, what it counts, and the rule
    of its reference date (None where the area states none)."""

    name: str
    weight: Fraction = attrs.field(converter=_exact)
    count: str = ""
    reference_date_rule: str | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise CriteriaError(
                f"a criterion's name is lower-case letters, digits and _, not {self.name!r}"
            )
        if self.name == "municipality":
            raise CriteriaError("'municipality' names the basis file's key column, not a count")
        if self.reference_date_rule is not None:
            ReferenceDateRule.date_for(self.reference_date_rule, date(2000, 1, 1))

    def reference_date(self, on: date) -> date | None:
        """The date this criterion's figures must be counted on for a split made on ``on``."""
        if self.reference_date_rule is None:
            return None
        return ReferenceDateRule.date_for(self.reference_date_rule, on)


def _criteria(items: Iterable[Criterion]) -> tuple[Criterion, ...]:
    return tuple(items)


def _sources(items: Iterable[WeightSource]) -> tuple[WeightSource, ...]:
    return tuple(items)


@attrs.frozen
class SplitCriteria:
    """The criteria of one split, weights summing to exactly 1, and the parameters behind them."""

    criteria: tuple[Criterion, ...] = attrs.field(converter=_criteria)
    sources: tuple[WeightSource, ...] = attrs.field(default=(), converter=_sources)

    def __attrs_post_init__(self) -> None:
        if not self.criteria:
            raise CriteriaError("a cost split needs at least one criterion")
        names = [criterion.name for criterion in self.criteria]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise CriteriaError(f"criterion {', '.join(twice)} is listed twice")
        total = sum((criterion.weight for criterion in self.criteria), Fraction(0))
        if total != 1:
            shown = " + ".join(f"{c.name} {c.weight}" for c in self.criteria)
            raise CriteriaError(f"the criteria's weights must sum to 1: {shown} = {total}")

    @property
    def names(self) -> list[str]:
        """The criteria's names in their listed order: the basis file's count columns."""
        return [criterion.name for criterion in self.criteria]

    @classmethod
    def in_force(cls, parameters: Parameters, on: date) -> SplitCriteria:
        """The criteria in force on ``on``: ``cost_split_criteria`` when the area lists its own,
        else the plan's two (18–64-year-olds and broadly unemployed) with their two weights.
        Each criterion's reference-date rule is the parameter
        ``cost_split_reference_date_<name>`` where the area has one."""
        sources = []
        if CRITERIA_PARAMETER in parameters.names():
            entry = parameters.entry(CRITERIA_PARAMETER, on)
            listed = entry.value
            if not isinstance(listed, list) or not all(isinstance(i, dict) for i in listed):
                raise CriteriaError(
                    f"{entry.source_file}: {CRITERIA_PARAMETER} must list criteria as mappings"
                    " with name, weight and count"
                )
            raw = [
                (str(item.get("name")), item.get("weight"), str(item.get("count", "")))
                for item in listed
            ]
            sources.append(_source(CRITERIA_PARAMETER, entry, Fraction(1)))
        else:
            raw = []
            for name, parameter in (
                ("population_18_64", POPULATION_WEIGHT),
                ("unemployed_broad", UNEMPLOYED_WEIGHT),
            ):
                entry = parameters.entry(parameter, on)
                raw.append((name, entry.value, parameters.description(parameter)))
                sources.append(_source(parameter, entry, entry.value))
        criteria = []
        where = f"{sources[0].source_file}: {sources[0].parameter} from {sources[0].valid_from}"
        try:
            for name, weight, count in raw:
                try:
                    rule: str | None = str(parameters.value(reference_date_parameter(name), on))
                except UnknownParameterError:
                    rule = None
                criteria.append(Criterion(name, weight, count, rule))
            return cls(criteria, sources)
        except CriteriaError as error:
            raise CriteriaError(f"{where}: {error}") from None

    def to_dict(self) -> dict[str, Any]:
        """The criteria as plain data: names, exact weights as text, counts and date rules."""
        return {
            "criteria": [
                {
                    "name": c.name,
                    "weight": str(c.weight),
                    "count": c.count,
                    "reference_date_rule": c.reference_date_rule,
                }
                for c in self.criteria
            ],
            "sources": [source.to_dict() for source in self.sources],
        }


def _source(parameter: str, entry: Any, value: Any) -> WeightSource:
    return WeightSource(
        parameter=parameter,
        value=value,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        reference=entry.reference,
        source_file=entry.source_file,
        status=entry.status,
    )


def _check_municipality(_: object, __: object, value: Any) -> None:
    if not isinstance(value, MunicipalityCode):
        raise BasisError(f"a basis belongs to a MunicipalityCode, not {value!r}")


@attrs.frozen
class CriterionBasis:
    """One municipality's counts, one per criterion by name, and the dates they were counted on."""

    municipality: MunicipalityCode = attrs.field(validator=_check_municipality)
    counts: Mapping[str, int]
    reference_dates: Mapping[str, date] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        for name, value in self.counts.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise BasisError(f"{name} of {self.municipality} is a whole number, not {value!r}")
            if value < 0:
                raise BasisError(f"{name} of {self.municipality} cannot be negative: {value}")


@attrs.frozen
class CriterionShare:
    """One municipality's part: its basis, its exact share of each criterion, its whole share
    and its euros."""

    basis: CriterionBasis
    column_shares: Mapping[str, Fraction]
    share: Fraction
    amount: Money

    @property
    def municipality(self) -> MunicipalityCode:
        """The municipality that pays this part."""
        return self.basis.municipality


@attrs.frozen
class CriteriaSplit:
    """A net cost split by criteria; ``shares`` ordered by municipality code."""

    net_cost: Money
    criteria: SplitCriteria
    totals: Mapping[str, int]
    shares: list[CriterionShare]

    def amounts(self) -> dict[str, Money]:
        """Each municipality's euros, keyed by municipality code."""
        return {share.municipality.code: share.amount for share in self.shares}


def split_by_criteria(
    net_cost: Money, bases: Iterable[CriterionBasis], criteria: SplitCriteria
) -> CriteriaSplit:
    """Split ``net_cost`` by ``criteria`` between the municipalities of ``bases``.

    Each share is ``Σ weightᵢ × countᵢ / Σ countᵢ`` over the criteria; the euros are the
    largest-remainder rounding, so they sum to ``net_cost`` to the cent. Equal remainders give
    the odd cent to the larger share, then to the larger counts in the criteria's order, then to
    the lower code: never to whichever municipality was listed first. Every municipality needs a
    count of every criterion, and all its figures of one criterion must share one reference date.
    """
    if not isinstance(net_cost, Money):
        raise AllocationError(f"the net cost to split must be Money, not {net_cost!r}")
    listed = list(bases)
    if not listed:
        raise AllocationError("a cost split needs at least one municipality")
    names = criteria.names
    seen: set[MunicipalityCode] = set()
    for basis in listed:
        if basis.municipality in seen:
            raise BasisError(f"municipality {basis.municipality} has two bases in one split")
        seen.add(basis.municipality)
        missing = [name for name in names if name not in basis.counts]
        unknown = sorted(set(basis.counts) - set(names))
        if missing or unknown:
            raise BasisError(
                f"the basis of {basis.municipality} must count exactly {', '.join(names)}"
                + (f"; it lacks {', '.join(missing)}" if missing else "")
                + (f"; {', '.join(unknown)} is no criterion" if unknown else "")
            )
    for name in names:
        dates = {b.reference_dates[name] for b in listed if name in b.reference_dates}
        if len(dates) > 1:
            shown = ", ".join(sorted(day.isoformat() for day in dates))
            raise BasisDateError(f"{name} was counted on different reference dates: {shown}")
    totals = {name: sum(basis.counts[name] for basis in listed) for name in names}
    for criterion in criteria.criteria:
        if criterion.weight and totals[criterion.name] == 0:
            codes = ", ".join(basis.municipality.code for basis in listed)
            raise ZeroBasisError(
                f"no share of {criterion.name} exists: every municipality's figure is 0 ({codes})"
            )
    parts = []
    for basis in listed:
        column_shares = {
            c.name: Fraction(basis.counts[c.name], totals[c.name]) if c.weight else Fraction(0)
            for c in criteria.criteria
        }
        share = sum((c.weight * column_shares[c.name] for c in criteria.criteria), Fraction(0))
        parts.append((basis, column_shares, share))
    parts.sort(
        key=lambda part: (
            -part[2],
            *(-part[0].counts[name] for name in names),
            part[0].municipality.code,
        )
    )
    amounts = net_cost.split([part[2] for part in parts])
    shares = [
        CriterionShare(basis, column_shares, share, amount)
        for (basis, column_shares, share), amount in zip(parts, amounts, strict=True)
    ]
    shares.sort(key=lambda share: share.municipality.code)
    return CriteriaSplit(net_cost, criteria, totals, shares)
