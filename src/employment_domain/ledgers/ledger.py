"""The municipal cost ledger: one event-sourced aggregate per employment area and year.

It holds the area's realised costs by category and its revenues, each posting with its source; the
allocation basis of each contracting municipality; the advances invoiced from them; the state
subsidies they received (for comparison, never part of the split); the staff resources in
person-years; and, once the year is closed, the split of the net cost and each municipality's
year-end settlement. Corrections are reversing entries, never edits; a closed year is frozen and
later corrections go to the next year as prior-year adjustments. What its postings name (cost
categories, sources, staff functions), its errors and the checks of a posting live in
``employment_domain.ledgers.records``. The aggregate is one concept (one ledger's events, which
live on its class because their stored topics name it), so the module stays whole though it is
over the usual length.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from employment_domain.ledgers.allocation import CostSplit, MunicipalBasis, SplitWeights, split_cost
from employment_domain.ledgers.records import (
    BasisDateError,
    CostCategory,
    DuplicatePostingError,
    LedgerClosedError,
    LedgerError,
    MissingBasisError,
    PostingSource,
    StaffFunction,
    UnknownMunicipalityError,
    check_date,
    check_enum,
    check_money,
    check_posting,
    check_text,
    municipal_row,
)
from employment_domain.money import Money
from employment_domain.topics import moved
from employment_domain.values import MunicipalityCode

__all__ = [
    "CostCategory",
    "DuplicatePostingError",
    "Ledger",
    "LedgerClosedError",
    "LedgerError",
    "MissingBasisError",
    "PostingSource",
    "StaffFunction",
    "UnknownMunicipalityError",
    "ledger_id",
]

_LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "urn:employment-domain:municipal-cost-ledger")


def ledger_id(area: str, year: int) -> UUID:
    """The id of the ledger of ``area`` and ``year``: one natural key, always the same id."""
    return uuid5(_LEDGER_NAMESPACE, f"{area}/{year}")


class Ledger(Aggregate):
    """The realised costs of one employment area in one year, and their split."""

    @event("Opened")
    def __init__(
        self, id: UUID, area: str, year: int, municipalities: list[MunicipalityCode], on: date
    ) -> None:
        self.area = area
        self.year = year
        self.municipalities = list(municipalities)
        self.opened_on = on
        # Plain dicts and lists of registered types only, so a snapshot can hold the state.
        self.entries: dict[str, dict[str, Any]] = {}
        self.budget: dict[str, dict[str, Any]] = {}
        self.bases: dict[str, dict[str, Any]] = {}
        self.advances: list[dict[str, Any]] = []
        self.state_subsidies: list[dict[str, Any]] = []
        self.person_years: dict[str, Decimal] = {}
        self.closed_on: date | None = None
        self.split: dict[str, Any] | None = None

    @classmethod
    def open(
        cls, *, area: str, year: int, municipalities: list[MunicipalityCode], on: date
    ) -> Ledger:
        """Open the ledger of ``area`` and ``year`` for its contracting municipalities."""
        area = check_text(area, "an area's name")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9998:
            raise LedgerError(f"a ledger's year is a year like 2025, not {year!r}")
        check_date(on, "opening a ledger")
        codes = list(municipalities)
        if not codes:
            raise LedgerError(f"the ledger of {area} {year} needs at least one municipality")
        for code in codes:
            if not isinstance(code, MunicipalityCode):
                raise LedgerError(f"a contracting municipality is a MunicipalityCode: {code!r}")
        if len(set(codes)) != len(codes):
            raise LedgerError(f"a contracting municipality is listed twice: {codes}")
        # The year, not the opening day: a year's books may be opened after it ended, but a
        # municipality that had merged before the year began was not a party to it.
        for code in codes:
            code.check_in_force(date(year, 1, 1))
        return cls(id=ledger_id(area, year), area=area, year=year, municipalities=codes, on=on)

    # -- postings ---------------------------------------------------------------------------

    def record_cost(
        self,
        *,
        entry_id: UUID,
        on: date,
        category: CostCategory | str,
        amount: Money,
        source: PostingSource | str,
        reference: str,
        description: str = "",
        adjusts_year: int | None = None,
    ) -> None:
        """Post a realised cost; a prior-year adjustment names the closed year it corrects."""
        category = check_enum(CostCategory, category)
        source, reference = self._check_posting(
            entry_id, on, amount, source, reference, adjusts_year
        )
        self._cost_recorded(
            entry_id, on, category, amount, source, reference, description, adjusts_year
        )

    def record_revenue(
        self,
        *,
        entry_id: UUID,
        on: date,
        amount: Money,
        source: PostingSource | str,
        reference: str,
        description: str = "",
        adjusts_year: int | None = None,
    ) -> None:
        """Post a revenue (project funding, sales); it lowers the net cost that is split."""
        source, reference = self._check_posting(
            entry_id, on, amount, source, reference, adjusts_year
        )
        self._revenue_recorded(entry_id, on, amount, source, reference, description, adjusts_year)

    def reverse_entry(self, *, entry_id: UUID, reversal_id: UUID, on: date, reason: str) -> None:
        """Cancel a posting with an entry of the opposite sign; the original stays as it was."""
        self._check_open(on)
        original = self.entries.get(str(entry_id))
        if original is None:
            raise LedgerError(f"the ledger of {self.area} {self.year} has no entry {entry_id}")
        if original["reverses"] is not None:
            raise LedgerError(f"entry {entry_id} is itself a reversal and cannot be reversed")
        if original["reversed_by"] is not None:
            raise LedgerError(f"entry {entry_id} is already reversed by {original['reversed_by']}")
        if str(reversal_id) in self.entries:
            raise DuplicatePostingError(f"the ledger already has an entry {reversal_id}")
        self._entry_reversed(entry_id, reversal_id, on, check_text(reason, "a reversal's reason"))

    def _check_posting(
        self,
        entry_id: UUID,
        on: date,
        amount: Money,
        source: PostingSource | str,
        reference: str,
        adjusts_year: int | None,
    ) -> tuple[str, str]:
        """Refuse a bad posting; return its source and reference in their stored form."""
        self._check_open(on)
        return check_posting(
            self.entries, self.area, self.year, entry_id, amount, source, reference, adjusts_year
        )

    def _check_open(self, on: date) -> None:
        check_date(on, "a ledger posting")
        if self.closed_on is not None:
            raise LedgerClosedError(
                f"the year {self.year} of {self.area} was closed on {self.closed_on}; record the"
                f" correction in {self.year + 1} as a prior-year adjustment"
            )

    @event("CostRecorded")
    def _cost_recorded(
        self,
        entry_id: UUID,
        on: date,
        category: str,
        amount: Money,
        source: str,
        reference: str,
        description: str,
        adjusts_year: int | None,
    ) -> None:
        self._add_entry(
            entry_id, "cost", on, category, amount, source, reference, description, adjusts_year
        )

    @event("RevenueRecorded")
    def _revenue_recorded(
        self,
        entry_id: UUID,
        on: date,
        amount: Money,
        source: str,
        reference: str,
        description: str,
        adjusts_year: int | None,
    ) -> None:
        self._add_entry(
            entry_id, "revenue", on, None, amount, source, reference, description, adjusts_year
        )

    @event("EntryReversed")
    def _entry_reversed(self, entry_id: UUID, reversal_id: UUID, on: date, reason: str) -> None:
        original = self.entries[str(entry_id)]
        self._add_entry(
            reversal_id,
            original["kind"],
            on,
            original["category"],
            -original["amount"],
            original["source"],
            original["reference"],
            reason,
            original["adjusts_year"],
        )
        self.entries[str(reversal_id)]["reverses"] = str(entry_id)
        original["reversed_by"] = str(reversal_id)

    def _add_entry(
        self,
        entry_id: UUID,
        kind: str,
        on: date,
        category: str | None,
        amount: Money,
        source: str,
        reference: str,
        description: str,
        adjusts_year: int | None,
    ) -> None:
        self.entries[str(entry_id)] = {
            "entry_id": str(entry_id),
            "kind": kind,
            "on": on,
            "category": category,
            "amount": amount,
            "source": source,
            "reference": reference,
            "description": description,
            "adjusts_year": adjusts_year,
            "reverses": None,
            "reversed_by": None,
        }

    # -- budget, basis, advances, subsidies, staff --------------------------------------------

    def adopt_budget(
        self, *, on: date, category: CostCategory | str, amount: Money, reference: str
    ) -> None:
        """Record the year's budget of a cost category as the council adopted it (the budget
        report compares the realised costs with it); a later adoption supersedes this one."""
        self._check_open(on)
        category = check_enum(CostCategory, category)
        check_money(amount, f"the budget of {category}")
        if amount.amount < 0:
            raise LedgerError(f"a budget cannot be negative: {amount}")
        self._budget_adopted(on, category, amount, check_text(reference, "a budget's reference"))

    @event("BudgetAdopted")
    def _budget_adopted(self, on: date, category: str, amount: Money, reference: str) -> None:
        if not hasattr(self, "budget"):  # a snapshot taken before budgets were recorded
            self.budget = {}
        self.budget[category] = {"on": on, "amount": amount, "reference": reference}

    def record_basis(self, *, on: date, basis: MunicipalBasis) -> None:
        """Record a municipality's allocation basis; a later record of it supersedes this one."""
        self._check_open(on)
        if not isinstance(basis, MunicipalBasis):
            raise LedgerError(f"an allocation basis is a MunicipalBasis, not {basis!r}")
        self._check_municipality(basis.municipality)
        for field in ("population", "unemployed"):
            reference_date = getattr(basis, f"{field}_reference_date")
            if not isinstance(reference_date, date):
                raise LedgerError(
                    f"the {field} figure of {basis.municipality} needs its reference date:"
                    f" {reference_date!r}"
                )
            check_text(getattr(basis, f"{field}_source"), f"the {field} figure's source")
        data = basis.to_dict()
        self._basis_recorded(on, data)

    @event("BasisRecorded")
    def _basis_recorded(self, on: date, basis: dict[str, Any]) -> None:
        self.bases[basis["municipality"]] = dict(basis, recorded_on=on.isoformat())

    def invoice_advance(
        self, *, on: date, municipality: MunicipalityCode, amount: Money, reference: str
    ) -> None:
        """Record an advance invoiced from a municipality during the year."""
        reference = self._check_municipal_amount(on, municipality, amount, reference)
        if amount.amount <= 0:
            raise LedgerError(f"an advance is a positive amount: {amount}")
        self._advance_invoiced(on, municipality, amount, reference)

    @event("AdvanceInvoiced")
    def _advance_invoiced(
        self, on: date, municipality: MunicipalityCode, amount: Money, reference: str
    ) -> None:
        self.advances.append(municipal_row(on, municipality, amount, reference))

    def record_state_subsidy(
        self, *, on: date, municipality: MunicipalityCode, amount: Money, reference: str
    ) -> None:
        """Record a state subsidy a municipality received, for comparison; it is never split."""
        reference = self._check_municipal_amount(on, municipality, amount, reference)
        if not amount:
            raise LedgerError("a state subsidy of zero records nothing")
        self._state_subsidy_recorded(on, municipality, amount, reference)

    @event("StateSubsidyRecorded")
    def _state_subsidy_recorded(
        self, on: date, municipality: MunicipalityCode, amount: Money, reference: str
    ) -> None:
        self.state_subsidies.append(municipal_row(on, municipality, amount, reference))

    def _check_municipal_amount(
        self, on: date, municipality: MunicipalityCode, amount: Money, reference: str
    ) -> str:
        self._check_open(on)
        self._check_municipality(municipality)
        check_money(amount, f"an amount of {municipality}")
        return check_text(reference, "a reference")

    def record_staff_resources(
        self, *, on: date, function: StaffFunction | str, person_years: Decimal
    ) -> None:
        """Record the person-years of a function; a later record of it supersedes this one."""
        self._check_open(on)
        function = check_enum(StaffFunction, function)
        if not isinstance(person_years, Decimal) or not person_years.is_finite():
            raise LedgerError(f"person-years are an exact Decimal, not {person_years!r}")
        if person_years < 0:
            raise LedgerError(f"person-years of {function} cannot be negative: {person_years}")
        self._staff_resources_recorded(on, function, person_years)

    @event("StaffResourcesRecorded")
    def _staff_resources_recorded(self, on: date, function: str, person_years: Decimal) -> None:
        self.person_years[function] = person_years

    def _check_municipality(self, municipality: object) -> None:
        if not isinstance(municipality, MunicipalityCode):
            raise LedgerError(f"a municipality is a MunicipalityCode, not {municipality!r}")
        if municipality not in self.municipalities:
            codes = ", ".join(code.code for code in self.municipalities)
            raise UnknownMunicipalityError(
                f"municipality {municipality} is not a contracting municipality of"
                f" {self.area} {self.year} ({codes})"
            )

    # -- the split and the close --------------------------------------------------------------

    def close(self, *, on: date, weights: SplitWeights) -> CostSplit:
        """Close the year: split the net cost by ``weights`` and freeze the ledger."""
        self._check_open(on)
        if on <= date(self.year, 12, 31):
            raise LedgerError(f"the year {self.year} cannot be closed before it has ended: {on}")
        split = self.compute_split(weights)
        self._year_closed(on, self.settlement(split))
        return split

    @event("YearClosed")
    def _year_closed(self, on: date, split: dict[str, Any]) -> None:
        self.closed_on = on
        self.split = split

    def compute_split(self, weights: SplitWeights) -> CostSplit:
        """The split of the current net cost by ``weights``; every municipality needs a basis."""
        missing = [code.code for code in self.municipalities if code.code not in self.bases]
        if missing:
            raise MissingBasisError(
                f"no allocation basis for {', '.join(missing)} in {self.area} {self.year}"
            )
        rows = [self.bases[code.code] for code in self.municipalities]
        for key in ("population_reference_date", "unemployed_reference_date"):
            dates = {row["municipality"]: row[key] for row in rows}
            if len(set(dates.values())) > 1:
                counted = ", ".join(f"{town} on {day}" for town, day in sorted(dates.items()))
                raise BasisDateError(
                    f"the {key.replace('_', ' ')}s differ ({counted}): every municipality of a"
                    " split is counted on the same date; record the bases again before the split"
                )
        bases = [MunicipalBasis.from_dict(row) for row in rows]
        return split_cost(self.net_cost, bases, weights)

    def settlement(self, split: CostSplit) -> dict[str, Any]:
        """The split as plain data, with each municipality's advances and year-end settlement.

        The settlement is the share minus the advances: positive, the municipality pays the
        rest; negative, the area pays it back.
        """
        data = split.to_dict()
        data.update(
            area=self.area,
            year=self.year,
            costs=str(self.costs.amount),
            revenues=str(self.revenues.amount),
        )
        for part in data["municipalities"]:
            advances = self.advances_of(MunicipalityCode(part["municipality"]))
            part["advances"] = str(advances.amount)
            part["settlement"] = str((Money(part["amount"]) - advances).amount)
        return data

    # -- derived figures ------------------------------------------------------------------------

    def _sum(self, kind: str) -> Money:
        amounts = (entry["amount"] for entry in self.entries.values() if entry["kind"] == kind)
        return sum(amounts, Money.zero())

    @property
    def costs(self) -> Money:
        """All realised costs, reversals and prior-year adjustments included."""
        return self._sum("cost")

    @property
    def revenues(self) -> Money:
        """All revenues, reversals and prior-year adjustments included."""
        return self._sum("revenue")

    @property
    def net_cost(self) -> Money:
        """Costs minus revenues: what the municipalities share. State subsidies are not in it."""
        return self.costs - self.revenues

    def costs_by_category(self) -> dict[str, Money]:
        """The realised costs of each category, every category listed."""
        totals = {category.value: Money.zero() for category in CostCategory}
        for entry in self.entries.values():
            if entry["kind"] == "cost":
                totals[entry["category"]] += entry["amount"]
        return totals

    def advances_of(self, municipality: MunicipalityCode) -> Money:
        """The advances invoiced from ``municipality`` so far."""
        amounts = (a["amount"] for a in self.advances if a["municipality"] == municipality.code)
        return sum(amounts, Money.zero())

    def state_subsidies_of(self, municipality: MunicipalityCode) -> Money:
        """The state subsidies ``municipality`` received, as recorded for comparison."""
        amounts = (
            s["amount"] for s in self.state_subsidies if s["municipality"] == municipality.code
        )
        return sum(amounts, Money.zero())

    @property
    def is_closed(self) -> bool:
        """Whether the year is closed and frozen."""
        return self.closed_on is not None


# Events stored by release 0.1.0 name this module by its old path.
moved("employment_domain.ledgers", Ledger)
