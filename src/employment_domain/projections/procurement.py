"""The procurement projection: each contract's seats and value used against its terms.

Tables (SQLAlchemy Core, in the read-model database), from the procurements' events:

- ``rm_procurement_contracts``: per procurement, its service type and title, whether it was
  awarded in-house (Omnia, without a tender), the dates of its steps (planned, tendered, awarded,
  contracted, ended) and its contract terms (unit price, seats, value cap, period).
- ``rm_procurement_invoices``: per invoice, its amount, which its approval or rejection needs.
- ``rm_procurement_days``: per procurement and business day, seats reserved and released and
  the euros invoiced, approved and rejected, so the report can be cut at any business date.

Neither the provider's name nor its business ID is kept: a report never carries a name, and the
procurement id leads an auditor to the contract. ``value_used`` is what counts against the value
cap as the procurement itself counts it: invoices received or approved, not the rejected ones.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    select,
)

from employment_domain.procurements.procurement import Procurement

from .disclosure import Cell, Layout, Relation, Share, at_most
from .euros import Euros
from .figures import percent
from .projection import Page, Projection, event_class, handles
from .suppression import period_end, protect, threshold_on

__all__ = ["Procurements"]

_ZERO = Decimal("0.00")
_STEPS = ("planned_on", "tendered_on", "awarded_on", "contracted_on", "ended_on")
_MONEY = ("invoiced", "approved", "rejected")
_FLOWS = ("seats_reserved", "seats_released", *_MONEY)

_metadata = MetaData()
_AWARDED = event_class(Procurement, "Awarded")
_AWARDED_IN_HOUSE = event_class(Procurement, "AwardedInHouse")
_CONTRACTED = event_class(Procurement, "Contracted")
_ENDED = event_class(Procurement, "Ended")
_INVOICE_APPROVED = event_class(Procurement, "InvoiceApproved")
_INVOICE_RECEIVED = event_class(Procurement, "InvoiceReceived")
_INVOICE_REJECTED = event_class(Procurement, "InvoiceRejected")
_PLANNED = event_class(Procurement, "Planned")
_SEAT_RELEASED = event_class(Procurement, "SeatReleased")
_SEAT_RESERVED = event_class(Procurement, "SeatReserved")
_TENDER_PUBLISHED = event_class(Procurement, "TenderPublished")


class Procurements(Projection):
    """Seats and value of each purchased-service contract, used against contracted."""

    name = "procurement"
    version = 1
    rebuilt_by_aggregate = True
    metadata = _metadata
    contracts = Table(
        "rm_procurement_contracts",
        _metadata,
        Column("procurement_id", Uuid(as_uuid=False), primary_key=True),
        Column("service_type", String(64), nullable=False),
        Column("title", Text, nullable=False),
        Column("in_house", Boolean, nullable=False),
        *(Column(step, Date) for step in _STEPS),
        Column("unit_price", Euros),
        Column("seats", Integer),
        Column("value_cap", Euros),
        Column("starts_on", Date),
        Column("last_day", Date),
        sqlite_with_rowid=False,
    )
    invoices = Table(
        "rm_procurement_invoices",
        _metadata,
        Column("procurement_id", Uuid(as_uuid=False), primary_key=True),
        Column("invoice_id", String(128), primary_key=True),
        Column("amount", Euros, nullable=False),
        sqlite_with_rowid=False,
    )
    days = Table(
        "rm_procurement_days",
        _metadata,
        Column("procurement_id", Uuid(as_uuid=False), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("seats_reserved", Integer, nullable=False),
        Column("seats_released", Integer, nullable=False),
        Column("invoiced", Euros, nullable=False),
        Column("approved", Euros, nullable=False),
        Column("rejected", Euros, nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(_PLANNED)
    def _planned(self, event: Any, page: Page) -> None:
        page.rows(self.contracts).put(
            procurement_id=page.originator_id,
            service_type=event.service_type,
            title=event.title,
            in_house=False,
            planned_on=event.on,
        )

    @handles(_TENDER_PUBLISHED)
    def _tendered(self, event: Any, page: Page) -> None:
        self._step(page, event, tendered_on=event.on)

    @handles(_AWARDED)
    def _awarded(self, event: Any, page: Page) -> None:
        self._step(page, event, awarded_on=event.on)

    @handles(_AWARDED_IN_HOUSE)
    def _awarded_in_house(self, event: Any, page: Page) -> None:
        self._step(page, event, awarded_on=event.on, in_house=True)

    @handles(_CONTRACTED)
    def _contracted(self, event: Any, page: Page) -> None:
        self._step(
            page,
            event,
            contracted_on=event.on,
            unit_price=event.unit_price.amount,
            seats=event.seats,
            value_cap=event.value_cap.amount,
            starts_on=event.period.start,
            last_day=event.period.last_day,
        )

    @handles(_ENDED)
    def _ended(self, event: Any, page: Page) -> None:
        self._step(page, event, ended_on=event.on)

    def _step(self, page: Page, event: Any, **values: Any) -> None:
        page.rows(self.contracts).put(procurement_id=page.originator_id, **values)

    @handles(_SEAT_RESERVED)
    def _reserved(self, event: Any, page: Page) -> None:
        self._flow(page, event, seats_reserved=1)

    @handles(_SEAT_RELEASED)
    def _released(self, event: Any, page: Page) -> None:
        self._flow(page, event, seats_released=1)

    @handles(_INVOICE_RECEIVED)
    def _invoice(self, event: Any, page: Page) -> None:
        amount = event.amount.amount
        page.rows(self.invoices).put(
            procurement_id=page.originator_id, invoice_id=event.invoice_id, amount=amount
        )
        self._flow(page, event, invoiced=amount)

    @handles(_INVOICE_APPROVED)
    def _approved(self, event: Any, page: Page) -> None:
        self._flow(page, event, approved=self._amount(page, event))

    @handles(_INVOICE_REJECTED)
    def _rejected(self, event: Any, page: Page) -> None:
        self._flow(page, event, rejected=self._amount(page, event))

    def _amount(self, page: Page, event: Any) -> Decimal:
        invoice = page.rows(self.invoices).get(
            procurement_id=page.originator_id, invoice_id=event.invoice_id
        )
        return _ZERO if invoice is None else Decimal(invoice["amount"])

    def _flow(self, page: Page, event: Any, **amounts: Any) -> None:
        # Every flow is added, money as Decimal: a column's values go to PostgreSQL as one
        # array, which may not mix the int zero of a new row with Decimals.
        flows = {"seats_reserved": 0, "seats_released": 0, **dict.fromkeys(_MONEY, _ZERO)}
        flows.update(amounts)
        page.rows(self.days).add(procurement_id=page.originator_id, day=event.on, **flows)

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        published: bool = False,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """One row per procurement planned by ``through``, as known on that business date.

        Columns: procurement_id, service_type, title, in_house, status, starts_on, last_day,
        unit_price, seats, seats_held (reserved and not released), seats_reserved (all
        reservations), seats_used_percent (held of contracted), value_cap, value_used
        (invoices received or approved), approved, value_left and value_used_percent.
        ``year`` keeps the contracts whose period (or, before a contract, whose plan) falls in
        that year. In the published form seat counts under 5 are hidden: they count clients.
        """
        if options:
            raise TypeError(f"the procurement report has no options {sorted(options)}")
        flows: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(_FLOWS, 0))
        statement = select(cls.days)
        if through is not None:
            statement = statement.where(cls.days.c.day <= through)
        for row in connection.execute(statement):
            totals = flows[row.procurement_id]
            for name in _FLOWS:
                totals[name] += getattr(row, name)
        rows = []
        statement = select(cls.contracts).order_by(
            cls.contracts.c.service_type, cls.contracts.c.planned_on, cls.contracts.c.procurement_id
        )
        for contract in connection.execute(statement).mappings():
            if through is not None and contract["planned_on"] > through:
                continue
            contracted = contract["contracted_on"] is not None and (
                through is None or contract["contracted_on"] <= through
            )
            if year is not None and not _in_year(contract, contracted, year):
                continue
            used = flows[contract["procurement_id"]]
            value_used = Decimal(used["invoiced"]) - Decimal(used["rejected"])
            seats = contract["seats"] if contracted else None
            value_cap = contract["value_cap"] if contracted else None
            held = used["seats_reserved"] - used["seats_released"]
            rows.append(
                {
                    "procurement_id": contract["procurement_id"],
                    "service_type": contract["service_type"],
                    "title": contract["title"],
                    "in_house": contract["in_house"],
                    "status": _status(contract, through),
                    "starts_on": contract["starts_on"] if contracted else None,
                    "last_day": contract["last_day"] if contracted else None,
                    "unit_price": contract["unit_price"] if contracted else None,
                    "seats": seats,
                    "seats_held": held,
                    "seats_reserved": used["seats_reserved"],
                    "seats_used_percent": percent(held, seats),
                    "value_cap": value_cap,
                    "value_used": value_used.quantize(_ZERO),
                    "approved": Decimal(used["approved"]).quantize(_ZERO),
                    "value_left": None if value_cap is None else value_cap - value_used,
                    "value_used_percent": percent(value_used, value_cap),
                }
            )
        if not published:
            return rows
        threshold = threshold_on(period_end(year, through))
        return protect(rows, seats_layout(rows), threshold=threshold)


def seats_layout(rows: list[dict[str, Any]]) -> Layout:
    """The procurement table's identities: the seats held are among those reserved and never
    more than the contract's seats, and ``seats_used_percent`` is held of contracted. The
    contract's seats count no one, but a contract of fewer seats than the threshold would
    bound the seats held too closely: they are then hidden too (a complement)."""
    relations: list[Relation] = []
    shares: list[Share] = []
    seats: list[Cell] = []
    for i, row in enumerate(rows):
        relations.append(at_most((i, "seats_held"), (i, "seats_reserved")))
        if isinstance(row["seats"], int):
            seats.append((i, "seats"))
            relations.append(at_most((i, "seats_held"), (i, "seats")))
            shares.append(Share((i, "seats_used_percent"), ((i, "seats_held"),), ((i, "seats"),)))
    counts = tuple((i, name) for i in range(len(rows)) for name in ("seats_held", "seats_reserved"))
    return Layout(
        counts=counts, relations=tuple(relations), shares=tuple(shares), complements=tuple(seats)
    )


def _status(contract: Any, through: date | None) -> str:
    """The step the procurement had reached on ``through``."""
    status = "planned"
    for step, name in zip(_STEPS[1:], ("tendered", "awarded", "contracted", "ended"), strict=True):
        if contract[step] is not None and (through is None or contract[step] <= through):
            status = name
    return status


def _in_year(contract: Any, contracted: bool, year: int) -> bool:
    if contracted:
        return bool(contract["starts_on"].year <= year <= contract["last_day"].year)
    return bool(contract["planned_on"].year == year)
