"""Money: cent-exact Decimal euros, and the largest-remainder split that always sums to the whole.

Floats are refused everywhere because binary fractions cannot hold cents exactly; an amount is a
``Decimal`` with at most two decimals. The rules engine and the database see integer cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from employment_domain.errors import EmploymentDomainError

__all__ = ["CurrencyError", "Money", "MoneyError", "Weight"]

_CENT = Decimal("0.01")

#: A split weight: exact numbers only (no floats), so a weight of one third stays one third.
Weight = int | Decimal | Fraction


class MoneyError(EmploymentDomainError, ValueError):
    """An amount or a split was refused: a float, NaN, infinity, sub-cent precision, bad weights."""


class CurrencyError(MoneyError):
    """An amount in a currency other than the euro; the employment area keeps its books in euros."""


def _to_decimal(amount: object) -> Decimal:
    if isinstance(amount, bool):
        raise MoneyError(f"a truth value is not an amount of money: {amount!r}")
    if isinstance(amount, float):
        raise MoneyError(
            f"floats cannot hold cents exactly; give the amount as a string or Decimal: {amount!r}"
        )
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, str):
        text = amount.strip().replace("\u2212", "-")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"not an amount of money: {amount!r}") from None
    else:
        raise MoneyError(f"not an amount of money: {amount!r} ({type(amount).__name__})")
    if not value.is_finite():
        raise MoneyError(f"an amount of money must be finite: {amount!r}")
    if value and value.adjusted() >= 15:
        raise MoneyError(f"an amount of money is less than 10**15 euros: {amount!r}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(_CENT):
        raise MoneyError(f"an amount of money has at most two decimals (cents): {amount!r}")
    return value.quantize(_CENT)


def _check_weight(weight: object) -> Fraction:
    if isinstance(weight, bool) or not isinstance(weight, int | Decimal | Fraction):
        raise MoneyError(
            f"a split weight must be an int, Decimal or Fraction, not {weight!r}"
            f" ({type(weight).__name__})"
        )
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise MoneyError(f"a split weight must be finite: {weight!r}")
    fraction = Fraction(weight)
    if fraction < 0:
        raise MoneyError(f"a split weight cannot be negative: {weight!r}")
    return fraction


@attrs.frozen(order=True, repr=False)
class Money:
    """An amount in euros, exact to the cent.

    Build it with :meth:`euros` (from a string, int or Decimal) or :meth:`from_cents`; both refuse
    floats, NaN, infinity and more than two decimals with :class:`MoneyError`.
    """

    amount: Decimal = attrs.field(converter=_to_decimal)

    @classmethod
    def euros(cls, amount: str | int | Decimal, currency: str = "EUR") -> Money:
        """The amount in euros; any other ``currency`` is refused with :class:`CurrencyError`."""
        if not isinstance(currency, str) or currency.strip().upper() not in ("EUR", "€"):
            raise CurrencyError(f"the employment area keeps its books in euros, not {currency!r}")
        return cls(amount)

    @classmethod
    def from_cents(cls, cents: int) -> Money:
        """The amount of ``cents`` euro cents (an integer, as the rules engine and SQL use)."""
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise MoneyError(f"cents must be an integer, not {cents!r}")
        return cls(Decimal(cents).scaleb(-2))

    @classmethod
    def zero(cls) -> Money:
        """Zero euros, the neutral element of a sum."""
        return cls(Decimal(0))

    def to_cents(self) -> int:
        """The amount as integer cents."""
        return int(self.amount.scaleb(2))

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount - other.amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def __abs__(self) -> Money:
        return Money(abs(self.amount))

    def __bool__(self) -> bool:
        return bool(self.amount)

    def times(self, quantity: int) -> Money:
        """The amount multiplied by a whole number (seats, months); exact, so no rounding."""
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise MoneyError(f"an amount can be multiplied by a whole number only: {quantity!r}")
        return Money(self.amount * quantity)

    @property
    def is_negative(self) -> bool:
        """Whether the amount is below zero (a reversal or a refund)."""
        return self.amount < 0

    def split(self, weights: Sequence[Weight]) -> list[Money]:
        """Split the amount by ``weights`` so that the parts sum exactly to the amount.

        Largest-remainder method on cents: every part first gets the floor of its exact share,
        then the cents left over go one each to the parts with the largest fractional remainders.
        Tie-break: among equal remainders, the part listed first gets the cent first. So every
        part is within one cent of its exact share, and the same input always gives the same
        output. A negative amount is split as its absolute value and the parts negated, so a
        reversal undoes its original split exactly. Weights are exact (int, Decimal, Fraction),
        non-negative and not all zero.
        """
        if len(weights) == 0:
            raise MoneyError("cannot split an amount between no parts")
        exact = [_check_weight(weight) for weight in weights]
        total = sum(exact, Fraction(0))
        if total == 0:
            raise MoneyError(f"cannot split by weights that are all zero: {list(weights)!r}")
        cents = self.to_cents()
        sign = -1 if cents < 0 else 1
        whole = abs(cents)
        shares = [whole * weight / total for weight in exact]
        floors = [share.numerator // share.denominator for share in shares]
        left_over = whole - sum(floors)
        order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
        for index in order[:left_over]:
            floors[index] += 1
        return [Money.from_cents(sign * part) for part in floors]

    def __str__(self) -> str:
        return f"{self.amount} €"

    def __repr__(self) -> str:
        return f"Money('{self.amount}')"
