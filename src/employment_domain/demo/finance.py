"""The demo year's money: the purchased-service contracts and the municipal cost ledger's figures.

Amounts are euros at scale 1.0 and are scaled with the population, so a small demo still has a
consistent ledger: staff, premises, ICT and support services and other costs are fixed monthly
postings, and purchased services are whatever the approved invoices of the contracts come to.
The fixed postings are the area's budget lines (``parameters/budget.yaml``), the premises
shared between the offices of ``parameters/demo.yaml``, so that at scale 1.0 the costs come to
the budget; the allocation basis and the state subsidies are the municipalities' figures of
``parameters/demo.yaml`` (:class:`~employment_domain.demo.area_data.DemoArea`). All figures are
demo figures, not the area's accounts or official statistics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal

import attrs

from employment_domain.calendar import add_working_days
from employment_domain.demo.area_data import DemoArea
from employment_domain.demo.population import DemoError, business_id_from, working_day
from employment_domain.demo.timeline import Agenda, Phase
from employment_domain.ledgers.allocation import MunicipalBasis, SplitWeights, split_cost
from employment_domain.ledgers.ledger import StaffFunction
from employment_domain.ledgers.records import CostCategory
from employment_domain.money import Money
from employment_domain.values import BusinessId, MunicipalityCode, Period

__all__ = [
    "CHANGE_SECURITY",
    "ContractSpec",
    "closing_days",
    "contracts",
    "invoice_days",
    "provider_business_id",
    "scaled",
    "schedule_contracts",
    "schedule_finance",
]

_CENT = Decimal("0.01")


@attrs.frozen
class ContractSpec:
    """A contract the demo procures: service, provider, price per seat and seats at scale 1.0.

    ``provider_number`` seeds the provider's business ID; None means an in-house award to the
    area's in-house entity (its sidosyksikkö).
    ``starts`` is the first day of the contract (month, day); every contract runs to the year's
    end and is invoiced monthly.
    """

    key: str
    service_type: str
    title: str
    provider: str
    provider_number: int | None
    unit_price: int
    seats: int
    starts: tuple[int, int] = (2, 3)
    scaled: bool = True

    def period(self, year: int) -> Period:
        """The contract period: from its first day to the end of the year."""
        return Period(date(year, *self.starts), date(year + 1, 1, 1))

    def seats_at(self, scale: float) -> int:
        """Seats at ``scale`` (at least two), or the seats as given for an unscaled contract."""
        return max(2, round(self.seats * scale)) if self.scaled else self.seats


def contracts(in_house_entity: str | None) -> tuple[ContractSpec, ...]:
    """The contracts of the year: the in-house entity's labour market training when the area's
    rules route to one (``in_house_entity`` names it, and its contract is keyed by its name),
    then the purchases (providers are invented names). Seats are sized against the demand the
    demo generates, so that the entity's labour market training runs out around June and the
    purchased one in the autumn, after which the office arranges training itself."""
    if in_house_entity is None:
        return _PURCHASES
    key = "_".join("".join(c if c.isalnum() else " " for c in in_house_entity).lower().split())
    entity = ContractSpec(
        f"{key}_training", "labour_market_training", "Vocational labour market training",
        in_house_entity, None, 1600, 1000,
    )  # fmt: skip
    return (entity, *_PURCHASES)


_PURCHASES: tuple[ContractSpec, ...] = (
    ContractSpec(
        "ict_training", "labour_market_training", "ICT and business labour market training",
        "Koulutuspolku Oy", 2_734_561, 2200, 500,
    ),
    ContractSpec(
        "coaching", "coaching", "Job-search and career coaching", "Uravalmennus Etelä Oy",
        2_845_112, 500, 1400,
    ),
    ContractSpec(
        "work_try_outs", "work_try_out", "Arranging work try-out places",
        "Työkokeilupartnerit Oy", 3_012_447, 250, 1500,
    ),
    ContractSpec(
        "expert_assessments", "expert_assessment", "Work-ability and career expert assessments",
        "Arviointikeskus Länsi Oy", 2_911_820, 700, 450,
    ),
    ContractSpec(
        "integration_training", "integration_training", "Integration training: Finnish for work",
        "Kielipolku Koulutus Oy", 3_120_951, 900, 700,
    ),
    ContractSpec(
        "job_coaching", "job_coaching", "Job coaching for the partially able to work",
        "Työhönvalmennus Tukeva Oy", 2_688_304, 800, 200,
    ),
)  # fmt: skip

#: The change-security training bought for the structural-change case once it opens; its seats
#: are the entitled employees and two more.
CHANGE_SECURITY = ContractSpec(
    "change_security",
    "change_security_training",
    "Change-security training for dismissed employees aged 55+",
    "Muutosturvakoulutus Oy",
    2_956_337,
    3200,
    0,
    starts=(6, 2),
    scaled=False,
)


def provider_business_id(spec: ContractSpec) -> BusinessId | None:
    """The provider's business ID: the first valid one from its number on; None for the
    in-house entity."""
    if spec.provider_number is None:
        return None
    number = spec.provider_number
    while (business_id := business_id_from(number)) is None:
        number += 1
    return business_id


def scaled(euros: int | Decimal, scale: Decimal) -> Money:
    """``euros`` at scale 1.0, scaled and rounded to the cent."""
    return Money((Decimal(euros) * scale).quantize(_CENT))


def scaled_money(amount: Money, scale: Decimal) -> Money:
    """``amount`` at scale 1.0, scaled and rounded to the cent."""
    return Money((amount.amount * scale).quantize(_CENT))


# -- the ledger's figures at scale 1.0 (demo figures) -------------------------------------------

# Staff (payroll; June carries the holiday bonus, lomaraha), premises (the offices' rents), the
# city's ICT and support services (charged internally) and other costs (interpretation, travel,
# staff training, marketing) are the area's budget lines.
_ESF_PROJECT = 180_000  # an ESF+ project's funding, paid in June and December
_OTHER_AREAS = 36_000  # services billed to other areas (docs/domain.md §3.5), quarterly
_PERSON_YEARS = ((StaffFunction.CUSTOMER_SERVICE, 212), (StaffFunction.SUPPORT_SERVICES, 24))


def _bases(
    year: int, demo: DemoArea, unemployed: tuple[tuple[str, int], ...], on: date
) -> list[MunicipalBasis]:
    population = demo.population_18_64
    return [
        MunicipalBasis(
            municipality=MunicipalityCode(code),
            population_18_64=population[code],
            unemployed_broad=count,
            population_reference_date=date(year - 1, 12, 31),
            population_source=demo.population_source,
            unemployed_reference_date=on,
            unemployed_source=demo.unemployed_source,
        )
        for code, count in unemployed
    ]


def _months(year: int) -> Iterator[tuple[int, date]]:
    for month in range(1, 13):
        yield month, date(year, month, 1)


def schedule_finance(
    agenda: Agenda,
    *,
    year: int,
    scale: float,
    weights: SplitWeights,
    demo: DemoArea,
    instalments: int = 12,
) -> None:
    """Schedule the ledger's postings of the year: costs, revenues, basis, advances, subsidies,
    staff resources. ``demo.budget`` is the year's budget by cost category (the area's budget
    lines, support services included, at scale 1.0): the demo adopts each line scaled, and
    ``weights`` split the scaled total into the municipalities' shares; the municipalities
    other than the responsible one are invoiced their share in ``instalments`` equal advances
    (the parameter ``advance_instalments_per_year``; 12 is monthly), while the
    responsible municipality, which keeps the area's accounts, carries its own share without
    invoicing itself."""
    factor = Decimal(str(scale))
    add, phase = agenda.add, Phase.FINANCE
    responsible, line = demo.responsible, demo.budget_line
    staff = scaled(line(CostCategory.STAFF), factor).split(
        [3 if month == 6 else 2 for month in range(1, 13)]
    )
    offices = demo.premises
    rent_per_weight = line(CostCategory.PREMISES) / sum(weight for _, weight in offices)
    premises = [scaled(rent_per_weight * weight, factor).split([1] * 12) for _, weight in offices]
    ict = scaled(line(CostCategory.ICT_AND_SUPPORT_SERVICES), factor).split([1] * 12)
    other = scaled(line(CostCategory.OTHER), factor).split([1] * 12)
    provisional = _bases(year, demo, demo.unemployed_provisional, date(year - 1, 12, 31))
    lines = {category: scaled_money(amount, factor) for category, amount in demo.budget.items()}
    adopted_on = add_working_days(date(year, 1, 1), 2)
    for category, amount in lines.items():
        reference = f"demo budget {year}: the area's budget line, scaled by the demo's scale"
        add(adopted_on, phase, "budget", category, amount, reference)
    total = sum(lines.values(), Money.zero())
    shares = split_cost(total, provisional, weights)
    if instalments not in (1, 2, 3, 4, 6, 12):
        raise DemoError(
            f"advances come in 1, 2, 3, 4, 6 or 12 instalments a year, not {instalments}"
        )
    period = 12 // instalments
    advances = {
        code: money.split([1] * instalments)
        for code, money in shares.amounts().items()
        if code != responsible
    }
    subsidies = {
        code: scaled(euros, factor).split([1] * 12) for code, euros in demo.state_subsidies
    }
    for basis in provisional:
        add(working_day(date(year, 2, 16)), phase, "basis", basis)

    def cost(day: date, category: str, amount: Money, source: str, what: str, text: str) -> None:
        add(day, phase, "cost", category, amount, source, what, text)

    def revenue(day: date, amount: Money, source: str, what: str, text: str) -> None:
        add(day, phase, "revenue", amount, source, what, text)

    for month, first in _months(year):
        index, label = month - 1, f"{year}-{month:02d}"
        for (place, _), amounts in zip(offices, premises, strict=True):
            rent = f"Rent and service charges, {place}"
            cost(first, "premises", amounts[index], "invoice", f"rent {place} {label}", rent)
        payroll = "Salaries and employer's contributions"
        pay_day = add_working_days(first, 10)
        cost(pay_day, "staff", staff[index], "payroll_run", f"payroll {label}", payroll)
        for code, amounts in subsidies.items():
            reference = f"state subsidy (valtionosuus) {label}"
            add(add_working_days(first, 8), phase, "state_subsidy", code, amounts[index], reference)
        for code, amounts in advances.items():
            if index % period:
                continue
            reference = f"advance {label}"
            advance = amounts[index // period]
            add(add_working_days(first, 12), phase, "advance", code, advance, reference)
        other_day, other_text = add_working_days(first, 14), "Interpretation, travel, training"
        cost(other_day, "other", other[index], "voucher", f"other costs {label}", other_text)
        last = working_day(date(year, month, 28)) if month < 12 else date(year, 12, 31)
        charge = "The city's ICT, financial and HR services"
        what = f"ICT and support services {label}"
        cost(last, "ict_and_support_services", ict[index], "internal_charge", what, charge)
        if month % 3 == 0:
            billed = "Billed to the home areas (docs/domain.md §3.5)"
            amount = scaled(_OTHER_AREAS // 4, factor)
            revenue(last, amount, "invoice", f"services to other areas {label}", billed)
        if month in (6, 12):
            amount = scaled(_ESF_PROJECT // 2, factor)
            what, text = f"ESF+ project funding {label}", "Project funding, instalment"
            revenue(last, amount, "voucher", what, text)
    year_end = date(year, 12, 31)
    for basis in _bases(year, demo, demo.unemployed, date(year, 11, 30)):
        add(year_end, phase, "basis", basis)
    for function, person_years in _PERSON_YEARS:
        exact = (Decimal(person_years) * factor).quantize(Decimal("0.1"))
        add(year_end, phase, "staff", function, exact)


def invoice_days(year: int, month: int) -> tuple[date, date]:
    """When a month's invoice is received and when it is approved (next month's first weeks)."""
    first = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    received = add_working_days(first, 4)
    return received, add_working_days(received, 6)


def closing_days(year: int) -> tuple[date, date]:
    """When the contracts end (after the last invoices) and when the year is closed."""
    return working_day(date(year + 1, 1, 31)), working_day(date(year + 1, 2, 27))


def schedule_contracts(agenda: Agenda, contracts: Sequence[ContractSpec], year: int) -> None:
    """Schedule each contract's life: planned four weeks before it starts, tendered and awarded
    (the in-house entity without a tender), concluded, invoiced monthly, ended after the year."""
    add = agenda.add
    ends, _ = closing_days(year)
    for number, spec in enumerate(contracts, start=1):
        start = date(year, *spec.starts)
        planned = working_day(start - timedelta(days=27))
        add(planned, Phase.ADMIN, "plan_contract", spec.key)
        if spec.provider_number is None:
            add(add_working_days(planned, 5), Phase.ADMIN, "award", spec.key, "")
        else:
            tender = f"HILMA {year}-{number:03d}"
            add(add_working_days(planned, 2), Phase.ADMIN, "tender", spec.key, tender)
            decision = f"Työllisyys- ja kotoutumisjaosto {planned.isoformat()} § {number}"
            add(add_working_days(planned, 12), Phase.ADMIN, "award", spec.key, decision)
        add(add_working_days(planned, 16), Phase.ADMIN, "conclude", spec.key)
        for month in range(start.month, 13):
            received, approved = invoice_days(year, month)
            add(received, Phase.FINANCE, "invoice", spec.key, month)
            add(approved, Phase.FINANCE, "approve", spec.key, month)
        add(ends, Phase.ADMIN, "end_contract", spec.key)
