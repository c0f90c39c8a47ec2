"""Report arithmetic: exact Decimal shares and medians, never floats, and month ranges (no tables).

``statistics.median`` of an even number of days returns a float; reports keep every figure exact,
so a median here is a Decimal (half-days show as ``.5``) and a share is a Decimal percentage with
one decimal, rounded half-even as Decimal rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = ["fraction_percent", "median", "months", "percent"]

_HUNDRED = Decimal(100)
_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")


def percent(part: int | Decimal, whole: int | Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal; None when ``whole`` is 0 or None."""
    if not whole:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(_TENTH)


def fraction_percent(share: str | None) -> Decimal | None:
    """An exact fraction given as text (``"21045/21614"``) as a percentage to two decimals,
    rounded half-even; None for None."""
    if share is None:
        return None
    exact = Fraction(share)
    return (Decimal(exact.numerator) * _HUNDRED / Decimal(exact.denominator)).quantize(_CENT)


def median(values: Sequence[int]) -> Decimal | None:
    """The median of whole numbers (days) as an exact Decimal; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / 2


def months(first: str, last: str) -> list[str]:
    """Every month ``YYYY-MM`` from ``first`` to ``last``, both included."""
    result = []
    year, month = int(first[:4]), int(first[5:7])
    while (text := f"{year:04d}-{month:02d}") <= last:
        result.append(text)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result
