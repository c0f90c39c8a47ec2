"""Hypothesis strategies for the library's values, for developers who property-test rules on it.

Names are plural nouns and bounds are keyword-only, as Hypothesis's own strategies. Importing this
module needs Hypothesis (the ``testing`` extra); the library itself never imports it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from employment_domain.money import Money
from employment_domain.values import (
    _CENTURY,
    BusinessId,
    MunicipalityCode,
    Period,
    PersonalIdentityCode,
    _check_character,
    business_id_check_digit,
    known_municipalities,
)

__all__ = [
    "business_dates",
    "business_ids",
    "moneys",
    "municipalities",
    "periods",
    "personal_identity_codes",
    "split_weights",
]


def moneys(
    *, min_value: Decimal | str = "-1000000000.00", max_value: Decimal | str = "1000000000.00"
) -> st.SearchStrategy[Money]:
    """Amounts in euros between the bounds, to the cent."""
    low = Money(min_value).to_cents()
    high = Money(max_value).to_cents()
    return st.integers(min_value=low, max_value=high).map(Money.from_cents)


def municipalities(*, codes: list[str] | None = None) -> st.SearchStrategy[MunicipalityCode]:
    """Municipalities of the packaged classification, or of the given codes."""
    if codes is not None:
        return st.sampled_from([MunicipalityCode(code) for code in codes])
    return st.sampled_from(known_municipalities())


def split_weights(
    *, min_size: int = 1, max_size: int = 12, max_value: int = 1_000_000
) -> st.SearchStrategy[list[int]]:
    """Lists of non-negative whole-number weights, never all zero."""
    return st.lists(
        st.integers(min_value=0, max_value=max_value), min_size=min_size, max_size=max_size
    ).filter(lambda weights: any(weights))


def business_dates(
    *, min_value: date = date(2025, 1, 1), max_value: date = date(2027, 12, 31)
) -> st.SearchStrategy[date]:
    """Business dates within the bounds (the employment area exists from 2025)."""
    return st.dates(min_value=min_value, max_value=max_value)


def periods(
    *, min_value: date = date(2025, 1, 1), max_value: date = date(2027, 12, 31), max_days: int = 400
) -> st.SearchStrategy[Period]:
    """Half-open periods starting within the bounds."""
    return st.builds(
        lambda start, days: Period(start, start + timedelta(days=days)),
        st.dates(min_value=min_value, max_value=max_value),
        st.integers(min_value=1, max_value=max_days),
    )


@st.composite
def personal_identity_codes(
    draw: st.DrawFn,
    *,
    min_birth_date: date = date(1900, 1, 1),
    max_birth_date: date = date(2024, 12, 31),
) -> PersonalIdentityCode:
    """Valid henkilötunnus values, with every century sign of the birth year's century."""
    born = draw(st.dates(min_value=min_birth_date, max_value=max_birth_date))
    century = born.year // 100 * 100
    sign = draw(st.sampled_from(sorted(s for s, c in _CENTURY.items() if c == century)))
    individual = f"{draw(st.integers(min_value=2, max_value=999)):03d}"
    birth = born.strftime("%d%m") + f"{born.year % 100:02d}"
    return PersonalIdentityCode(birth + sign + individual + _check_character(birth, individual))


@st.composite
def business_ids(draw: st.DrawFn) -> BusinessId:
    """Valid Y-tunnus values (seven digits whose weighted sum leaves a usable check digit)."""
    digits = draw(
        st.text(alphabet="0123456789", min_size=7, max_size=7).filter(
            lambda text: business_id_check_digit(text) is not None
        )
    )
    return BusinessId(f"{digits}-{business_id_check_digit(digits)}")
