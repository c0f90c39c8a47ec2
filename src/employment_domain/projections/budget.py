"""The budget projection: realised costs by category and month against the budget (``budget``).

Tables (SQLAlchemy Core, in the read-model database), from the municipal cost ledger's events:

- ``rm_budget_ledgers``: per ledger, its area and year.
- ``rm_budget_entries``: each cost posting's category and amount, which a reversal needs (the
  reversing event names only the entry it cancels).
- ``rm_budget_actuals``: per ledger, business day and cost category, the realised costs posted
  (reversals negative), so the report can be cut at any business date.

The ledgers hold no budget, so the budget is read at report time from the dated parameters
``budget_<category>`` (``rules/parameters/budget.yaml``): the annual amount in force on the year's
last day (or on the ``through`` date), spread evenly over the months with the largest-remainder
split so the months add up to the year to the cent. A posting dated outside its ledger's year
(a year-end cost posted in January before the close) counts in the nearest month of that year.
Prior-year adjustments count where they are posted, as the ledger counts them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, Uuid, select

from employment_domain.ledgers.ledger import CostCategory, Ledger
from employment_domain.money import Money
from employment_domain.parameters import ParameterError, Parameters, default_parameters

from .euros import Euros
from .figures import percent
from .projection import (
    Page,
    Projection,
    ProjectionError,
    event_class,
    handles,
)
from .suppression import published_as_is

__all__ = ["CATEGORIES", "Budget", "budget_parameter"]

#: The cost categories in report order.
CATEGORIES = tuple(category.value for category in CostCategory)
_ZERO = Decimal("0.00")

_metadata = MetaData()
_COST_RECORDED = event_class(Ledger, "CostRecorded")
_ENTRY_REVERSED = event_class(Ledger, "EntryReversed")
_OPENED = event_class(Ledger, "Opened")
_BUDGET_ADOPTED = event_class(Ledger, "BudgetAdopted")


def budget_parameter(category: str) -> str:
    """The name of the dated parameter holding a category's annual budget."""
    return f"budget_{category}"


class Budget(Projection):
    """Realised costs by category and month, with the budget and the difference."""

    name = "budget"
    # 2: budgets adopted in the ledger (BudgetAdopted) count before the dated parameters.
    version = 2
    reference_columns = ("budget_source",)
    rebuilt_by_aggregate = True
    metadata = _metadata
    ledgers = Table(
        "rm_budget_ledgers",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("area", String(128), nullable=False),
        Column("year", Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    entries = Table(
        "rm_budget_entries",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("entry_id", Uuid(as_uuid=False), primary_key=True),
        Column("category", String(32), nullable=False),
        Column("amount", Euros, nullable=False),
        sqlite_with_rowid=False,
    )
    actuals = Table(
        "rm_budget_actuals",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("category", String(32), primary_key=True),
        Column("actual", Euros, nullable=False),
        sqlite_with_rowid=False,
    )

    adopted = Table(
        "rm_budget_adopted",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("category", String(32), primary_key=True),
        Column("adopted_on", Date, nullable=False),
        Column("amount", Euros, nullable=False),
        Column("reference", String(512), nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(_BUDGET_ADOPTED)
    def _budget_adopted(self, event: Any, page: Page) -> None:
        page.rows(self.adopted).put(
            ledger_id=page.originator_id,
            category=event.category,
            adopted_on=event.on,
            amount=event.amount.amount,
            reference=event.reference,
        )

    @handles(_OPENED)
    def _opened(self, event: Any, page: Page) -> None:
        page.rows(self.ledgers).put(ledger_id=page.originator_id, area=event.area, year=event.year)

    @handles(_COST_RECORDED)
    def _cost(self, event: Any, page: Page) -> None:
        ledger_id, amount = page.originator_id, event.amount.amount
        page.rows(self.entries).put(
            ledger_id=ledger_id,
            entry_id=str(event.entry_id),
            category=event.category,
            amount=amount,
        )
        self._post(page, event, event.category, amount)

    @handles(_ENTRY_REVERSED)
    def _reversed(self, event: Any, page: Page) -> None:
        original = page.rows(self.entries).get(
            ledger_id=page.originator_id, entry_id=str(event.entry_id)
        )
        if original is not None:  # a revenue's reversal is no cost
            self._post(page, event, original["category"], -original["amount"])

    def _post(self, page: Page, event: Any, category: str, amount: Decimal) -> None:
        ledger = page.rows(self.ledgers).get(ledger_id=page.originator_id)
        if ledger is None:
            raise ProjectionError(
                f"budget: a posting at position {page.position} to a ledger never opened"
            )
        year = ledger["year"]
        day = min(max(event.on, date(year, 1, 1)), date(year, 12, 31))
        page.rows(self.actuals).add(
            ledger_id=ledger["ledger_id"], day=day, category=category, actual=amount
        )

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        by: str = "month",
        published: bool = False,
        parameters: Parameters | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Rows of year, month (``YYYY-MM``; not with ``by="year"``), category, actual, budget,
        difference (actual minus budget: positive is over budget) and, by year, ``used_percent``
        and the budget's ``budget_reference`` (its reference text) and ``budget_source`` (the
        parameter, its file, date and status: a reference column, in JSON only).

        Every month of a ledger's year is listed up to ``through``; by year, actual and budget
        are those of the year to the month of ``through``. A category without a budget
        parameter has budget and difference None. The published form only adds the
        ``suppressed`` column: euros are not counts of clients.
        """
        if options:
            raise TypeError(f"the budget report has no options {sorted(options)}")
        if by not in ("month", "year"):
            raise ValueError(f"the budget report is by 'month' or 'year', not {by!r}")
        parameters = parameters or default_parameters()
        ledgers = connection.execute(select(cls.ledgers)).mappings().all()
        adopted = {
            (row.ledger_id, row.category): row for row in connection.execute(select(cls.adopted))
        }
        statement = select(cls.actuals)
        if through is not None:
            statement = statement.where(cls.actuals.c.day <= through)
        actual: dict[tuple[str, int, str], Decimal] = defaultdict(lambda: _ZERO)
        for row in connection.execute(statement):
            actual[(row.ledger_id, row.day.month, row.category)] += row.actual
        rows: list[dict[str, Any]] = []
        for ledger in sorted(ledgers, key=lambda row: (row["year"], row["area"])):
            ledger_year = ledger["year"]
            if year is not None and ledger_year != year:
                continue
            if through is not None and through < date(ledger_year, 1, 1):
                continue
            last_month = 12 if through is None or through.year > ledger_year else through.month
            on = (
                date(ledger_year, 12, 31)
                if through is None
                else min(through, date(ledger_year, 12, 31))
            )
            for category in CATEGORIES:
                chosen = adopted.get((ledger["ledger_id"], category))
                annual: Money | None
                reference: tuple[str, str] | None
                if chosen is not None and chosen.adopted_on <= on:
                    annual = Money(chosen.amount)
                    reference = (
                        f"{chosen.reference}, adopted {chosen.adopted_on}",
                        f"BudgetAdopted in the ledger on {chosen.adopted_on}",
                    )
                else:
                    annual, reference = _annual_budget(parameters, category, on)
                months = annual.split([1] * 12) if annual is not None else None
                spent = [actual[(ledger["ledger_id"], m, category)] for m in range(1, 13)]
                if by == "year":
                    total = sum(spent[:last_month], _ZERO)
                    budget = (
                        None
                        if months is None
                        else sum((money.amount for money in months[:last_month]), _ZERO)
                    )
                    rows.append(
                        {
                            "year": ledger_year,
                            "category": category,
                            "actual": total,
                            "budget": budget,
                            "difference": None if budget is None else total - budget,
                            "used_percent": percent(total, budget),
                            "budget_reference": None if reference is None else reference[0],
                            "budget_source": None if reference is None else reference[1],
                        }
                    )
                    continue
                for month in range(1, last_month + 1):
                    budget = None if months is None else months[month - 1].amount
                    rows.append(
                        {
                            "year": ledger_year,
                            "month": f"{ledger_year:04d}-{month:02d}",
                            "category": category,
                            "actual": spent[month - 1],
                            "budget": budget,
                            "difference": None if budget is None else spent[month - 1] - budget,
                        }
                    )
        if by == "month":
            rows.sort(key=lambda row: (row["month"], CATEGORIES.index(row["category"])))
        return published_as_is(rows) if published else rows


def _annual_budget(
    parameters: Parameters, category: str, on: date
) -> tuple[Money | None, tuple[str, str] | None]:
    """A category's annual budget in force on ``on`` with its reference (the text a controller
    reads, and the parameter, file and date an auditor looks up), or (None, None)."""
    name = budget_parameter(category)
    try:
        entry = parameters.entry(name, on)
    except ParameterError:
        return None, None
    source = f"{name} in {entry.source_file}, from {entry.valid_from} ({entry.status})"
    return Money(entry.value), (f"{entry.reference}, from {entry.valid_from}", source)
