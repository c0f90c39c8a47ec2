"""Hypothesis strategies for the library's values, for developers who property-test rules on it.

Names are plural nouns of what they return and bounds are keyword-only, as Hypothesis's own
strategies: ``cost_split_weights()`` gives :class:`SplitWeights`, ``money_split_weights()``
gives the lists of whole-number weights that :meth:`Money.split` takes. ``split_weights`` is the
old name of ``money_split_weights`` and stays as an alias, so tests written against 0.2.0 keep
running; it never gave :class:`SplitWeights`, which its name suggested.

:data:`TYPE_STRATEGIES` says which strategy stands for which value type; importing
``employment_domain.testing`` registers them with Hypothesis, so that ``st.from_type(Money)``
and ``st.builds`` over annotated fields draw valid values instead of failing on a refused one.
Importing this module needs Hypothesis (the ``testing`` extra); the library itself never imports
it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_OID, UUID, uuid5

import attrs
from hypothesis import strategies as st

from employment_domain.ledgers.allocation import MunicipalBasis, SplitWeights
from employment_domain.ledgers.ledger import CostCategory, Ledger, PostingSource
from employment_domain.money import Money
from employment_domain.parameters import default_parameters
from employment_domain.procurements.procurement import Procurement
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
    "TYPE_STRATEGIES",
    "allocation_bases",
    "business_dates",
    "business_ids",
    "cost_split_weights",
    "ledgers",
    "money_split_weights",
    "moneys",
    "municipalities",
    "periods",
    "personal_identity_codes",
    "procurement_contracts",
    "register_type_strategies",
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


def money_split_weights(
    *, min_size: int = 1, max_size: int = 12, max_value: int = 1_000_000
) -> st.SearchStrategy[list[int]]:
    """Lists of non-negative whole-number weights, never all zero: what :meth:`Money.split`
    takes. For the two weights of the cost split, see :func:`cost_split_weights`."""
    return st.lists(
        st.integers(min_value=0, max_value=max_value), min_size=min_size, max_size=max_size
    ).filter(lambda weights: any(weights))


#: The old name of :func:`money_split_weights` (lists of integers, not :class:`SplitWeights`),
#: kept so that tests written against 0.2.0 keep running; new tests use the new name.
split_weights = money_split_weights


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


@st.composite
def allocation_bases(
    draw: st.DrawFn,
    *,
    codes: list[str] | None = None,
    min_size: int = 1,
    max_size: int = 8,
    max_population: int = 2_000_000,
    max_unemployed: int = 200_000,
) -> list[MunicipalBasis]:
    """Allocation bases of distinct municipalities, some of them zero, never all zero in a column.

    ``codes`` fixes the municipalities (then every one of them gets a basis); by default they are
    drawn from the packaged classification.
    """
    if codes is not None:
        chosen = [MunicipalityCode(code) for code in codes]
    else:
        chosen = draw(st.lists(municipalities(), min_size=min_size, max_size=max_size, unique=True))
    counts = st.lists(
        st.integers(min_value=0, max_value=max_population),
        min_size=len(chosen),
        max_size=len(chosen),
    ).filter(any)
    unemployed = st.lists(
        st.integers(min_value=0, max_value=max_unemployed),
        min_size=len(chosen),
        max_size=len(chosen),
    ).filter(any)
    return [
        MunicipalBasis(code, population, jobless)
        for code, population, jobless in zip(chosen, draw(counts), draw(unemployed), strict=True)
    ]


def cost_split_weights(*, places: int = 3) -> st.SearchStrategy[SplitWeights]:
    """:class:`SplitWeights` of the cost split with up to ``places`` decimals that sum to exactly 1
    (0.5 and 0.5 included); ``st.from_type(SplitWeights)`` draws these too."""
    scale = 10**places
    return st.integers(min_value=0, max_value=scale).map(
        lambda part: SplitWeights(
            Decimal(part).scaleb(-places), Decimal(scale - part).scaleb(-places)
        )
    )


def _entry_id(number: int) -> UUID:
    return uuid5(NAMESPACE_OID, f"employment-domain-strategy-entry-{number}")


@st.composite
def ledgers(
    draw: st.DrawFn,
    *,
    area: str = "test-area",
    year: int = 2025,
    codes: list[str] | None = None,
    max_postings: int = 12,
) -> Ledger:
    """Open ledgers with a basis for each municipality and random costs, revenues, reversals,
    advances and state subsidies, not saved anywhere: save one with ``area.save(ledger)``.
    """
    bases = draw(allocation_bases(codes=codes, max_size=5, max_population=500_000))
    first = date(year, 1, 1)
    ledger = Ledger.open(
        area=area, year=year, municipalities=[basis.municipality for basis in bases], on=first
    )
    for basis in bases:
        ledger.record_basis(
            on=first,
            basis=attrs.evolve(
                basis,
                population_reference_date=date(year - 1, 12, 31),
                population_source="generated",
                unemployed_reference_date=date(year - 1, 12, 31),
                unemployed_source="generated",
            ),
        )
    amounts = moneys(min_value="0.01", max_value="5000000.00")
    days = st.dates(min_value=first, max_value=date(year, 12, 31))
    for number in range(draw(st.integers(min_value=0, max_value=max_postings))):
        kind = draw(st.sampled_from(["cost", "revenue", "reversal", "advance", "subsidy"]))
        on = draw(days)
        reference = f"generated posting {number}"
        if kind == "cost":
            ledger.record_cost(
                entry_id=_entry_id(number),
                on=on,
                category=draw(st.sampled_from(list(CostCategory))),
                amount=draw(amounts),
                source=draw(st.sampled_from(list(PostingSource))),
                reference=reference,
            )
        elif kind == "revenue":
            ledger.record_revenue(
                entry_id=_entry_id(number),
                on=on,
                amount=draw(amounts),
                source=PostingSource.VOUCHER,
                reference=reference,
            )
        elif kind == "reversal":
            open_entries = [
                entry["entry_id"]
                for entry in ledger.entries.values()
                if entry["reverses"] is None and entry["reversed_by"] is None
            ]
            if open_entries:
                ledger.reverse_entry(
                    entry_id=UUID(draw(st.sampled_from(open_entries))),
                    reversal_id=_entry_id(number),
                    on=on,
                    reason="generated correction",
                )
        else:
            record = ledger.invoice_advance if kind == "advance" else ledger.record_state_subsidy
            record(
                on=on,
                municipality=draw(st.sampled_from(ledger.municipalities)),
                amount=draw(amounts),
                reference=reference,
            )
    return ledger


def procurement_contracts(
    *,
    area: str = "test-area",
    service_types: list[str] | None = None,
    min_date: date = date(2025, 1, 1),
    max_date: date = date(2026, 12, 31),
    max_seats: int = 30,
) -> st.SearchStrategy[Procurement]:
    """Procurements with a contract in force: tendered and awarded, or awarded in-house to Omnia.

    The service type is one of ``service_types``, by default of the packaged parameter
    ``purchasable_service_types``. Not saved anywhere: save one with ``area.save(procurement)``.
    """
    parameters = default_parameters()

    @st.composite
    def contracts(draw: st.DrawFn) -> Procurement:
        planned_on = draw(st.dates(min_value=min_date, max_value=max_date))
        purchasable = list(parameters.value("purchasable_service_types", planned_on))
        service_type = draw(st.sampled_from(service_types or purchasable))
        procurement = Procurement.plan(
            draw(st.uuids()),
            on=planned_on,
            area=area,
            service_type=service_type,
            title=f"Generated {service_type}",
            estimated_value=draw(moneys(min_value="1000.00", max_value="10000000.00")),
            period=Period.year(planned_on.year),
            purchasable=purchasable,
        )
        if draw(st.booleans()):
            procurement.award_in_house(
                on=planned_on,
                provider="Omnia",
                legal_ground=parameters.value("in_house_award_legal_ground", planned_on),
                in_house_entities=list(parameters.value("in_house_entities", planned_on)),
            )
        else:
            procurement.publish_tender(on=planned_on, notice_reference="generated notice")
            procurement.award(
                on=planned_on,
                provider="Generated Provider Oy",
                business_id=draw(business_ids()),
                decision_reference="generated decision",
            )
        seats = draw(st.integers(min_value=1, max_value=max_seats))
        unit_price = draw(moneys(min_value="10.00", max_value="20000.00"))
        days = draw(st.integers(min_value=30, max_value=730))
        procurement.conclude_contract(
            on=planned_on,
            unit_price=unit_price,
            seats=seats,
            value_cap=unit_price.times(draw(st.integers(min_value=1, max_value=2 * seats))),
            period=Period(planned_on, planned_on + timedelta(days=days)),
            target_groups=draw(
                st.lists(st.sampled_from(["young", "long_term_unemployed"]), unique=True)
            ),
        )
        return procurement

    return contracts()


#: The strategy that stands for each value type, registered with Hypothesis when
#: ``employment_domain.testing`` is imported. Without them ``st.from_type(Money)`` would build
#: the attrs class from arbitrary field values, which the type refuses (floats, sub-cent
#: amounts, unknown municipality codes, bad check characters, weights that do not sum to 1).
TYPE_STRATEGIES: Mapping[type[Any], st.SearchStrategy[Any]] = {
    Money: moneys(),
    MunicipalityCode: municipalities(),
    BusinessId: business_ids(),
    PersonalIdentityCode: personal_identity_codes(),
    Period: periods(),
    SplitWeights: cost_split_weights(),
}


def register_type_strategies() -> None:
    """Register :data:`TYPE_STRATEGIES` with Hypothesis (``st.register_type_strategy``).

    ``import employment_domain.testing`` calls it; calling it again changes nothing. A test that
    wants other values for a type registers its own strategy afterwards, which replaces ours.
    """
    for value_type, strategy in TYPE_STRATEGIES.items():
        st.register_type_strategy(value_type, strategy)
