"""Commands and queries about municipal cost ledgers: load the aggregate, call one method, save."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from uuid import UUID, uuid4

from employment_domain.errors import ConcurrentUpdateError, NotFoundError
from employment_domain.ledgers.allocation import MunicipalBasis, SplitWeights
from employment_domain.ledgers.ledger import (
    CostCategory,
    Ledger,
    LedgerError,
    PostingSource,
    StaffFunction,
    ledger_id,
)
from employment_domain.ledgers.records import ResponsibleMunicipalityAdvanceError
from employment_domain.money import Money
from employment_domain.store.service import AreaCore
from employment_domain.values import MunicipalityCode

__all__ = ["Amount", "LedgerCommands", "in_euros", "retry_on_conflict"]

#: An amount as callers give it: Money, or a string, int or Decimal of euros.
Amount = Money | str | int | Decimal

T = TypeVar("T")

#: How many times a command reloads and repeats itself after another writer saved first.
CONFLICT_ATTEMPTS = 5


def in_euros(amount: Amount, currency: str = "EUR") -> Money:
    """``amount`` as Money; any currency but the euro is refused with CurrencyError."""
    return Money.euros(amount.amount if isinstance(amount, Money) else amount, currency)


def retry_on_conflict(command: Callable[[], T], attempts: int = CONFLICT_ATTEMPTS) -> T:
    """Run ``command`` (load, change, save) again while another writer keeps saving first.

    Each attempt reloads the aggregates, so the domain checks run against what the other writer
    saved: a seat taken meanwhile is refused by the check, never granted twice.
    """
    for _ in range(attempts - 1):
        try:
            return command()
        except ConcurrentUpdateError:
            continue
    return command()


def _municipality(value: MunicipalityCode | str | int) -> MunicipalityCode:
    return value if isinstance(value, MunicipalityCode) else MunicipalityCode.parse(value)


def _person_years(value: Decimal | str | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise LedgerError(f"person-years are a Decimal, a string or an int, not {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise LedgerError(f"not a number of person-years: {value!r}") from None


class LedgerCommands(AreaCore):
    """The municipal cost ledgers side of the employment area: one ledger per area and year."""

    def open_ledger(
        self,
        area: str,
        year: int,
        *,
        on: date,
        municipalities: Iterable[MunicipalityCode | str] | None = None,
    ) -> UUID:
        """Open the ledger of ``area`` and ``year``; returns its id.

        The contracting municipalities default to the dated parameter
        ``contracting_municipalities`` in force on 1 January of the year.
        """
        if municipalities is None:
            if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9998:
                raise LedgerError(f"a ledger's year is a year like 2025, not {year!r}")
            municipalities = self.parameters.value("contracting_municipalities", date(year, 1, 1))
        codes = [_municipality(code) for code in municipalities]
        ledger = Ledger.open(area=area, year=year, municipalities=codes, on=on)
        if self._find_ledger(area, year) is not None:
            raise LedgerError(f"the ledger of {area} {year} is already open")
        self._save(ledger)
        return ledger.id

    def _find_ledger(self, area: str, year: int) -> Ledger | None:
        try:
            return self._load(Ledger, ledger_id(area, year))
        except NotFoundError:
            return None

    def get_ledger(self, area: str, year: int) -> Ledger:
        """The ledger aggregate of ``area`` and ``year``; NotFoundError if it was never opened."""
        ledger = self._find_ledger(area, year)
        if ledger is None:
            raise NotFoundError(f"no ledger for {area!r} and {year!r}; open it first")
        return ledger

    def _change_ledger(self, area: str, year: int, change: Callable[[Ledger], object]) -> None:
        def attempt() -> None:
            ledger = self.get_ledger(area, year)
            change(ledger)
            self._save(ledger)

        retry_on_conflict(attempt)

    def record_cost(
        self,
        area: str,
        year: int,
        *,
        on: date,
        category: CostCategory | str,
        amount: Amount,
        source: PostingSource | str,
        reference: str,
        description: str = "",
        adjusts_year: int | None = None,
        currency: str = "EUR",
    ) -> UUID:
        """Post a realised cost to the year's ledger; returns the entry's id for a reversal.

        ``adjusts_year`` makes it a prior-year adjustment of that earlier, closed year.
        """
        money = in_euros(amount, currency)
        return self._post(
            area,
            year,
            adjusts_year,
            lambda ledger, entry_id: ledger.record_cost(
                entry_id=entry_id,
                on=on,
                category=category,
                amount=money,
                source=source,
                reference=reference,
                description=description,
                adjusts_year=adjusts_year,
            ),
        )

    def record_revenue(
        self,
        area: str,
        year: int,
        *,
        on: date,
        amount: Amount,
        source: PostingSource | str,
        reference: str,
        description: str = "",
        adjusts_year: int | None = None,
        currency: str = "EUR",
    ) -> UUID:
        """Post a revenue to the year's ledger; returns the entry's id."""
        money = in_euros(amount, currency)
        return self._post(
            area,
            year,
            adjusts_year,
            lambda ledger, entry_id: ledger.record_revenue(
                entry_id=entry_id,
                on=on,
                amount=money,
                source=source,
                reference=reference,
                description=description,
                adjusts_year=adjusts_year,
            ),
        )

    def _post(
        self,
        area: str,
        year: int,
        adjusts_year: int | None,
        post: Callable[[Ledger, UUID], object],
    ) -> UUID:
        """Post a new entry; a prior-year adjustment needs its year closed (or never opened)."""
        if (
            isinstance(adjusts_year, int)
            and not isinstance(adjusts_year, bool)
            and adjusts_year < year
        ):
            earlier = self._find_ledger(area, adjusts_year)
            if earlier is not None and not earlier.is_closed:
                raise LedgerError(
                    f"the year {adjusts_year} of {area} is still open; post to it directly"
                )
        entry_id = uuid4()
        self._change_ledger(area, year, lambda ledger: post(ledger, entry_id))
        return entry_id

    def reverse_entry(self, area: str, year: int, entry_id: UUID, *, on: date, reason: str) -> UUID:
        """Cancel an entry with a reversing entry; returns the reversing entry's id."""
        reversal_id = uuid4()
        self._change_ledger(
            area,
            year,
            lambda ledger: ledger.reverse_entry(
                entry_id=entry_id, reversal_id=reversal_id, on=on, reason=reason
            ),
        )
        return reversal_id

    def record_allocation_basis(
        self,
        area: str,
        year: int,
        *,
        on: date,
        municipality: MunicipalityCode | str,
        population_18_64: int,
        population_reference_date: date,
        population_source: str,
        unemployed_broad: int,
        unemployed_reference_date: date,
        unemployed_source: str,
    ) -> None:
        """Record a municipality's 18–64-year-olds and broadly unemployed, with date and source."""
        basis = MunicipalBasis(
            municipality=_municipality(municipality),
            population_18_64=population_18_64,
            unemployed_broad=unemployed_broad,
            population_reference_date=population_reference_date,
            population_source=population_source,
            unemployed_reference_date=unemployed_reference_date,
            unemployed_source=unemployed_source,
        )
        self._change_ledger(area, year, lambda ledger: ledger.record_basis(on=on, basis=basis))

    def adopt_budget(
        self,
        area: str,
        year: int,
        *,
        on: date,
        category: str,
        amount: Amount,
        reference: str,
        currency: str = "EUR",
    ) -> None:
        """Record the year's budget of a cost category as adopted, with its reference (the
        council's decision); the budget report prefers it to the dated budget parameter."""
        money = in_euros(amount, currency)
        self._change_ledger(
            area,
            year,
            lambda ledger: ledger.adopt_budget(
                on=on, category=category, amount=money, reference=reference
            ),
        )

    def invoice_advance(
        self,
        area: str,
        year: int,
        *,
        on: date,
        municipality: MunicipalityCode | str,
        amount: Amount,
        reference: str,
        currency: str = "EUR",
    ) -> None:
        """Record an advance invoiced from a contracting municipality during the year.

        The area's responsible municipality is never invoiced
        (:class:`ResponsibleMunicipalityAdvanceError`, nothing recorded): it carries its share
        itself and settles it at the year's end."""
        code, money = _municipality(municipality), in_euros(amount, currency)
        responsible = self.area_definition.responsible_municipality
        if code == responsible:
            raise ResponsibleMunicipalityAdvanceError(
                f"{code.code} is the responsible municipality of {self.area_definition.id}:"
                " it keeps the area's accounts and is not invoiced advances; only the other"
                " contracting municipalities are"
            )
        self._change_ledger(
            area,
            year,
            lambda ledger: ledger.invoice_advance(
                on=on, municipality=code, amount=money, reference=reference
            ),
        )

    def record_state_subsidy(
        self,
        area: str,
        year: int,
        *,
        on: date,
        municipality: MunicipalityCode | str,
        amount: Amount,
        reference: str,
        currency: str = "EUR",
    ) -> None:
        """Record a state subsidy a municipality received; kept for comparison, never split."""
        code, money = _municipality(municipality), in_euros(amount, currency)
        self._change_ledger(
            area,
            year,
            lambda ledger: ledger.record_state_subsidy(
                on=on, municipality=code, amount=money, reference=reference
            ),
        )

    def record_staff_resources(
        self,
        area: str,
        year: int,
        *,
        on: date,
        function: StaffFunction | str,
        person_years: Decimal | str | int,
    ) -> None:
        """Record the person-years of a function (customer service, support services)."""
        exact = _person_years(person_years)
        self._change_ledger(
            area,
            year,
            lambda ledger: ledger.record_staff_resources(
                on=on, function=function, person_years=exact
            ),
        )

    def split_weights(self, year: int) -> SplitWeights:
        """The split weights of ``year``: those in force on its last day, as its accounts close."""
        return SplitWeights.in_force(self.parameters, date(year, 12, 31))

    def close_year(self, area: str, year: int, *, on: date) -> dict[str, Any]:
        """Split the year's net cost, record the split and the settlements, freeze the ledger."""
        weights = self.split_weights(year)
        self._change_ledger(area, year, lambda ledger: ledger.close(on=on, weights=weights))
        return self.cost_split(area, year)

    def cost_split(self, area: str, year: int) -> dict[str, Any]:
        """The split of the year's net cost as plain data: recorded if closed, else provisional.

        Each municipality's row has its basis figures with their reference dates and sources, its
        exact share, its euros, its advances and its settlement; the weights come with the
        parameters and references they were read from.
        """
        ledger = self.get_ledger(area, year)
        if ledger.split is not None:
            return dict(ledger.split, status="closed", closed_on=_iso(ledger.closed_on))
        split = ledger.compute_split(self.split_weights(year))
        return dict(ledger.settlement(split), status="provisional", closed_on=None)

    def ledger_state(self, area: str, year: int) -> dict[str, Any]:
        """The ledger as plain data: dates as ISO text, money as Decimal text."""
        ledger = self.get_ledger(area, year)
        return {
            "id": str(ledger.id),
            "version": ledger.version,
            "area": ledger.area,
            "year": ledger.year,
            "municipalities": [code.code for code in ledger.municipalities],
            "opened_on": ledger.opened_on.isoformat(),
            "closed_on": _iso(ledger.closed_on),
            "costs": _text(ledger.costs),
            "costs_by_category": {
                category: _text(total) for category, total in ledger.costs_by_category().items()
            },
            "revenues": _text(ledger.revenues),
            "net_cost": _text(ledger.net_cost),
            "entries": [_plain(entry) for entry in ledger.entries.values()],
            "bases": {code: dict(basis) for code, basis in ledger.bases.items()},
            "advances": {
                code.code: _text(ledger.advances_of(code)) for code in ledger.municipalities
            },
            "state_subsidies": {
                code.code: _text(ledger.state_subsidies_of(code)) for code in ledger.municipalities
            },
            "person_years": {name: str(value) for name, value in ledger.person_years.items()},
        }


def _text(amount: Money) -> str:
    return str(amount.amount)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _plain(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _text(value)
        if isinstance(value, Money)
        else value.isoformat()
        if isinstance(value, date)
        else value
        for key, value in entry.items()
    }
