"""The cost split: an area's net cost shared by its municipalities by dated weights, to the cent.

The plan (section a) splits the realised net cost 50 % by each municipality's share of the
18–64-year-olds and 50 % by its share of the broadly unemployed, shares taken of the contracting
municipalities' combined totals. Here the weights are dated parameters, the shares are exact
fractions, and the euros come from :meth:`Money.split`'s largest-remainder method, so the parts
always sum to the net cost and each part is within one cent of its exact share. Everything in this
module is pure: no store, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money, MoneyError, Weight, _check_weight
from employment_domain.parameters import Parameters
from employment_domain.values import MunicipalityCode

__all__ = [
    "AllocationError",
    "BasisError",
    "CostSplit",
    "MunicipalBasis",
    "MunicipalShare",
    "SplitWeights",
    "WeightSource",
    "WeightsError",
    "ZeroBasisError",
    "split_cost",
]

#: The parameters in ``rules/parameters/`` that hold the two weights of the split.
POPULATION_WEIGHT = "cost_split_weight_population_18_64"
UNEMPLOYED_WEIGHT = "cost_split_weight_unemployed_broad"


class AllocationError(EmploymentDomainError, ValueError):
    """A cost split that cannot be made: no municipalities, bad basis figures or bad weights."""


class BasisError(AllocationError):
    """A negative or fractional count of people, or a municipality listed twice."""


class ZeroBasisError(BasisError):
    """Every municipality's figure of a weighted column is zero, so no shares of it exist."""


class WeightsError(AllocationError):
    """Split weights that are not exact, are negative, or do not sum to exactly 1."""


def _check_count(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BasisError(f"{attribute.name} is a whole number of people, not {value!r}")
    if value < 0:
        municipality = getattr(instance, "municipality", "?")
        raise BasisError(f"{attribute.name} of {municipality} cannot be negative: {value}")


def _check_municipality(_: object, __: object, value: Any) -> None:
    if not isinstance(value, MunicipalityCode):
        raise BasisError(f"a basis belongs to a MunicipalityCode, not {value!r}")


@attrs.frozen
class MunicipalBasis:
    """One municipality's allocation basis: its 18–64-year-olds and its broadly unemployed.

    The reference dates and sources say which statistic each figure was read from; a ledger
    requires them, a quick calculation may leave them out.
    """

    municipality: MunicipalityCode = attrs.field(validator=_check_municipality)
    population_18_64: int = attrs.field(validator=_check_count)
    unemployed_broad: int = attrs.field(validator=_check_count)
    population_reference_date: date | None = None
    population_source: str | None = None
    unemployed_reference_date: date | None = None
    unemployed_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The basis as plain data: code, figures, ISO reference dates and sources."""
        return {
            "municipality": self.municipality.code,
            "population_18_64": self.population_18_64,
            "population_reference_date": _iso(self.population_reference_date),
            "population_source": self.population_source,
            "unemployed_broad": self.unemployed_broad,
            "unemployed_reference_date": _iso(self.unemployed_reference_date),
            "unemployed_source": self.unemployed_source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MunicipalBasis:
        """The basis that :meth:`to_dict` wrote."""
        return cls(
            municipality=MunicipalityCode(data["municipality"]),
            population_18_64=data["population_18_64"],
            unemployed_broad=data["unemployed_broad"],
            population_reference_date=_from_iso(data.get("population_reference_date")),
            population_source=data.get("population_source"),
            unemployed_reference_date=_from_iso(data.get("unemployed_reference_date")),
            unemployed_source=data.get("unemployed_source"),
        )


@attrs.frozen
class WeightSource:
    """Where a weight came from: the parameter, the dated value in force and its reference."""

    parameter: str
    value: Weight
    valid_from: date
    valid_until: date | None
    reference: str
    source_file: str
    status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The source as plain data, as the split records it."""
        return {
            "parameter": self.parameter,
            "value": str(self.value),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": _iso(self.valid_until),
            "reference": self.reference,
            "source_file": self.source_file,
            "status": self.status,
        }


def _exact_weight(value: object, name: str) -> Fraction:
    try:
        return _check_weight(value)
    except MoneyError as error:
        raise WeightsError(f"the weight {name}: {error}") from None


@attrs.frozen
class SplitWeights:
    """The two weights of the split, which must sum to exactly 1, and where they came from."""

    population_18_64: Weight
    unemployed_broad: Weight
    sources: list[WeightSource] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        total = _exact_weight(self.population_18_64, "population_18_64") + _exact_weight(
            self.unemployed_broad, "unemployed_broad"
        )
        if total != 1:
            raise WeightsError(
                "the weights of the cost split must sum to 1: "
                f"{self.population_18_64} + {self.unemployed_broad} = {_show(total)}"
            )

    @classmethod
    def in_force(cls, parameters: Parameters, on: date) -> SplitWeights:
        """The weights that the dated parameters give on ``on``, with their references."""
        sources = []
        for name in (POPULATION_WEIGHT, UNEMPLOYED_WEIGHT):
            entry = parameters.entry(name, on)
            sources.append(
                WeightSource(
                    parameter=name,
                    value=entry.value,
                    valid_from=entry.valid_from,
                    valid_until=entry.valid_until,
                    reference=entry.reference,
                    source_file=entry.source_file,
                    status=entry.status,
                )
            )
        return cls(sources[0].value, sources[1].value, sources)

    def to_dict(self) -> dict[str, Any]:
        """The weights as plain data: each value as exact text, and the parameters behind it."""
        return {
            "population_18_64": str(self.population_18_64),
            "unemployed_broad": str(self.unemployed_broad),
            "sources": [source.to_dict() for source in self.sources],
        }


@attrs.frozen
class MunicipalShare:
    """One municipality's part of the split: its basis, its exact share and its euros."""

    basis: MunicipalBasis
    population_share: Fraction
    unemployed_share: Fraction
    share: Fraction
    amount: Money

    @property
    def municipality(self) -> MunicipalityCode:
        """The municipality that pays this part."""
        return self.basis.municipality

    def to_dict(self) -> dict[str, Any]:
        """The part as plain data; shares are exact fractions written as text (``"3/4"``)."""
        return {
            **self.basis.to_dict(),
            "population_share": str(self.population_share),
            "unemployed_share": str(self.unemployed_share),
            "share": str(self.share),
            "amount": str(self.amount.amount),
        }


@attrs.frozen
class CostSplit:
    """A net cost split between municipalities, each part traceable to the figures it came from.

    ``shares`` are ordered by municipality code, whatever order the bases were given in.
    """

    net_cost: Money
    weights: SplitWeights
    population_18_64_total: int
    unemployed_broad_total: int
    shares: list[MunicipalShare]

    def share_of(self, municipality: MunicipalityCode) -> MunicipalShare:
        """The part of ``municipality``; BasisError when it is not in the split."""
        for share in self.shares:
            if share.municipality == municipality:
                return share
        raise BasisError(f"municipality {municipality} is not in this split")

    def amounts(self) -> dict[str, Money]:
        """Each municipality's euros, keyed by municipality code."""
        return {share.municipality.code: share.amount for share in self.shares}

    def to_dict(self) -> dict[str, Any]:
        """The split as plain data, as reports and the ledger's closing event keep it."""
        return {
            "net_cost": str(self.net_cost.amount),
            "weights": self.weights.to_dict(),
            "population_18_64_total": self.population_18_64_total,
            "unemployed_broad_total": self.unemployed_broad_total,
            "municipalities": [share.to_dict() for share in self.shares],
        }


def split_cost(
    net_cost: Money, bases: Iterable[MunicipalBasis], weights: SplitWeights
) -> CostSplit:
    """Split ``net_cost`` between the municipalities of ``bases`` by ``weights``.

    Each municipality's exact share is ``w_pop × pop / Σpop + w_unemp × unemp / Σunemp``. The
    euros are the largest-remainder rounding of those shares, so they sum to ``net_cost`` to the
    cent. When two remainders are equal, the odd cent goes to the larger share, then to the larger
    figures, and only between identical figures to the lower municipality code: the result
    depends on the figures, never on the order in which the municipalities were listed.
    """
    if not isinstance(net_cost, Money):
        raise AllocationError(f"the net cost to split must be Money, not {net_cost!r}")
    if not isinstance(weights, SplitWeights):
        raise WeightsError(f"split weights must be SplitWeights, not {weights!r}")
    listed = list(bases)
    if not listed:
        raise AllocationError("a cost split needs at least one municipality")
    seen: set[MunicipalityCode] = set()
    for basis in listed:
        if not isinstance(basis, MunicipalBasis):
            raise BasisError(f"a basis is a MunicipalBasis, not {basis!r}")
        if basis.municipality in seen:
            raise BasisError(f"municipality {basis.municipality} has two bases in one split")
        seen.add(basis.municipality)
    population_total = sum(basis.population_18_64 for basis in listed)
    unemployed_total = sum(basis.unemployed_broad for basis in listed)
    population_weight = Fraction(weights.population_18_64)
    unemployed_weight = Fraction(weights.unemployed_broad)
    _check_total(population_weight, population_total, "18–64-year-olds", listed)
    _check_total(unemployed_weight, unemployed_total, "broadly unemployed", listed)

    def column(weight: Fraction, figure: int, total: int) -> Fraction:
        return Fraction(figure, total) if weight and total else Fraction(0)

    parts = []
    for basis in listed:
        population_share = column(population_weight, basis.population_18_64, population_total)
        unemployed_share = column(unemployed_weight, basis.unemployed_broad, unemployed_total)
        share = population_weight * population_share + unemployed_weight * unemployed_share
        parts.append((basis, population_share, unemployed_share, share))
    # Money.split gives an odd cent to the first of equal remainders: list the parts in an order
    # that depends on their figures alone.
    parts.sort(
        key=lambda part: (
            -part[3],
            -part[0].population_18_64,
            -part[0].unemployed_broad,
            part[0].municipality.code,
        )
    )
    amounts = net_cost.split([part[3] for part in parts])
    shares = [
        MunicipalShare(basis, population_share, unemployed_share, share, amount)
        for (basis, population_share, unemployed_share, share), amount in zip(
            parts, amounts, strict=True
        )
    ]
    shares.sort(key=lambda share: share.municipality.code)
    return CostSplit(net_cost, weights, population_total, unemployed_total, shares)


def _check_total(weight: Fraction, total: int, what: str, bases: list[MunicipalBasis]) -> None:
    if weight and total == 0:
        codes = ", ".join(basis.municipality.code for basis in bases)
        raise ZeroBasisError(
            f"no share of the {what} exists: every municipality's figure is 0 ({codes})"
        )


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return str(decimal.normalize())


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _from_iso(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
