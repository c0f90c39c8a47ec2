"""The cost-split projection: each year's net cost shared by the municipalities (``cost-split``).

Tables (SQLAlchemy Core, in the read-model database), all from the municipal cost ledger's events:

- ``rm_cost_split_ledgers``: per ledger (area and year), when it was opened and closed, and from
  the closing event the net cost that was split, the weights and the dated parameters behind them.
- ``rm_cost_split_entries``: every posting and reversal with its kind (cost or revenue), business
  date and signed amount, so the net cost can be cut at any business date.
- ``rm_cost_split_bases``: every allocation basis recorded, per municipality and recording date,
  with the figures' reference dates and sources; a later record supersedes an earlier one.
- ``rm_cost_split_payments``: advances invoiced and state subsidies received, per municipality,
  business day and kind.
- ``rm_cost_split_municipalities``: per contracting municipality of a ledger, the part of the
  split recorded when the year was closed (basis, exact shares, euros, advances, settlement).
- ``rm_cost_split_client_events``: the client events that decide who is broadly unemployed where
  (see :mod:`.broad_unemployment`), so that the report shows, beside each official count, the
  count of the area's own client history on the same reference date.

A closed year shows the split exactly as the closing event recorded it (status ``closed``). Before
the year is closed the report shows, as ``provisional``, the split of the net cost so far by the
weights in force on the year's last day (as ``LedgerCommands.close_year`` will take them) and the
latest bases, computed with the library's own ``split_cost``; ``incomplete`` rows are those of a
year where some municipality has no basis yet, so no split can be made.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    select,
)

from employment_domain.ledgers.allocation import MunicipalBasis, SplitWeights, split_cost
from employment_domain.ledgers.ledger import Ledger
from employment_domain.money import Money
from employment_domain.parameters import Parameters, default_parameters
from employment_domain.values import MunicipalityCode

from .broad_unemployment import (
    METADATA,
    BroadUnemployment,
    beside_the_official_counts,
    published_without_client_counts,
)
from .euros import Euros, euros
from .figures import fraction_percent
from .projection import (
    Page,
    ProjectionError,
    event_class,
    handles,
)

__all__ = ["COLUMNS", "CostSplit"]

#: The report's columns, in order.
COLUMNS = (
    "year", "area", "municipality", "status", "closed_on", "costs", "revenues", "net_cost",
    "population_18_64", "population_reference_date", "unemployed_broad",
    "unemployed_reference_date", "unemployed_broad_clients", "unemployed_broad_difference",
    "population_share", "unemployed_share", "share",
    "population_share_percent", "unemployed_share_percent", "share_percent",
    "weight_population_18_64", "weight_unemployed_broad", "weights_version", "weights_reference",
    "amount", "advances", "settlement", "state_subsidies",
)  # fmt: skip

_metadata = METADATA
_ADVANCE_INVOICED = event_class(Ledger, "AdvanceInvoiced")
_BASIS_RECORDED = event_class(Ledger, "BasisRecorded")
_COST_RECORDED = event_class(Ledger, "CostRecorded")
_ENTRY_REVERSED = event_class(Ledger, "EntryReversed")
_OPENED = event_class(Ledger, "Opened")
_REVENUE_RECORDED = event_class(Ledger, "RevenueRecorded")
_STATE_SUBSIDY_RECORDED = event_class(Ledger, "StateSubsidyRecorded")
_YEAR_CLOSED = event_class(Ledger, "YearClosed")
_ZERO = Decimal("0.00")


class CostSplit(BroadUnemployment):
    """The split of each year's net cost, its basis figures, weights, advances and settlement."""

    name = "cost-split"
    version = 2
    reference_columns = ("population_share", "unemployed_share", "share", "weights_version")
    rebuilt_by_aggregate = True
    metadata = _metadata
    ledgers = Table(
        "rm_cost_split_ledgers",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("area", String(128), nullable=False),
        Column("year", Integer, nullable=False),
        Column("opened_on", Date, nullable=False),
        Column("closed_on", Date),
        Column("split_net_cost", Euros),
        Column("weight_population_18_64", String(64)),
        Column("weight_unemployed_broad", String(64)),
        Column("weights_version", Text),
        Column("weights_reference", Text),
        sqlite_with_rowid=False,
    )
    entries = Table(
        "rm_cost_split_entries",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("entry_id", Uuid(as_uuid=False), primary_key=True),
        Column("kind", String(8), nullable=False),
        Column("on", Date, nullable=False),
        Column("amount", Euros, nullable=False),
        sqlite_with_rowid=False,
    )
    bases = Table(
        "rm_cost_split_bases",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("municipality", String(3), primary_key=True),
        Column("recorded_on", Date, primary_key=True),
        Column("population_18_64", Integer, nullable=False),
        Column("population_reference_date", Date),
        Column("population_source", Text),
        Column("unemployed_broad", Integer, nullable=False),
        Column("unemployed_reference_date", Date),
        Column("unemployed_source", Text),
        sqlite_with_rowid=False,
    )
    payments = Table(
        "rm_cost_split_payments",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("municipality", String(3), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("kind", String(16), primary_key=True),
        Column("amount", Euros, nullable=False),
        sqlite_with_rowid=False,
    )
    municipalities = Table(
        "rm_cost_split_municipalities",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("municipality", String(3), primary_key=True),
        Column("population_18_64", Integer),
        Column("population_reference_date", Date),
        Column("unemployed_broad", Integer),
        Column("unemployed_reference_date", Date),
        Column("population_share", String(64)),
        Column("unemployed_share", String(64)),
        Column("share", String(64)),
        Column("amount", Euros),
        Column("advances", Euros),
        Column("settlement", Euros),
        sqlite_with_rowid=False,
    )

    @handles(_OPENED)
    def _opened(self, event: Any, page: Page) -> None:
        ledger_id = page.originator_id
        page.rows(self.ledgers).put(
            ledger_id=ledger_id, area=event.area, year=event.year, opened_on=event.on
        )
        rows = page.rows(self.municipalities)
        for code in event.municipalities:
            rows.put(ledger_id=ledger_id, municipality=code.code)

    @handles(_COST_RECORDED)
    def _cost(self, event: Any, page: Page) -> None:
        self._entry(page, event, str(event.entry_id), "cost", event.amount.amount)

    @handles(_REVENUE_RECORDED)
    def _revenue(self, event: Any, page: Page) -> None:
        self._entry(page, event, str(event.entry_id), "revenue", event.amount.amount)

    @handles(_ENTRY_REVERSED)
    def _reversed(self, event: Any, page: Page) -> None:
        original = page.rows(self.entries).get(
            ledger_id=page.originator_id, entry_id=str(event.entry_id)
        )
        if original is None:
            raise ProjectionError(
                f"cost-split: a reversal at position {page.position} of entry {event.entry_id},"
                " which was never posted"
            )
        self._entry(page, event, str(event.reversal_id), original["kind"], -original["amount"])

    def _entry(self, page: Page, event: Any, entry_id: str, kind: str, amount: Decimal) -> None:
        page.rows(self.entries).put(
            ledger_id=page.originator_id,
            entry_id=entry_id,
            kind=kind,
            on=event.on,
            amount=amount,
        )

    @handles(_BASIS_RECORDED)
    def _basis(self, event: Any, page: Page) -> None:
        basis = MunicipalBasis.from_dict(event.basis)
        page.rows(self.bases).put(
            ledger_id=page.originator_id,
            municipality=basis.municipality.code,
            recorded_on=event.on,
            population_18_64=basis.population_18_64,
            population_reference_date=basis.population_reference_date,
            population_source=basis.population_source,
            unemployed_broad=basis.unemployed_broad,
            unemployed_reference_date=basis.unemployed_reference_date,
            unemployed_source=basis.unemployed_source,
        )

    @handles(_ADVANCE_INVOICED)
    def _advance(self, event: Any, page: Page) -> None:
        self._payment(page, event, "advance")

    @handles(_STATE_SUBSIDY_RECORDED)
    def _state_subsidy(self, event: Any, page: Page) -> None:
        self._payment(page, event, "state_subsidy")

    def _payment(self, page: Page, event: Any, kind: str) -> None:
        page.rows(self.payments).add(
            ledger_id=page.originator_id,
            municipality=event.municipality.code,
            day=event.on,
            kind=kind,
            amount=event.amount.amount,
        )

    @handles(_YEAR_CLOSED)
    def _closed(self, event: Any, page: Page) -> None:
        ledger_id, split = page.originator_id, event.split
        weights = split["weights"]
        page.rows(self.ledgers).put(
            ledger_id=ledger_id,
            closed_on=event.on,
            split_net_cost=Decimal(split["net_cost"]),
            weight_population_18_64=weights["population_18_64"],
            weight_unemployed_broad=weights["unemployed_broad"],
            weights_version=_weights_version(weights["sources"]),
            weights_reference=_weights_reference(weights["sources"]),
        )
        rows = page.rows(self.municipalities)
        for part in split["municipalities"]:
            rows.put(
                ledger_id=ledger_id,
                municipality=part["municipality"],
                population_18_64=part["population_18_64"],
                population_reference_date=_date(part.get("population_reference_date")),
                unemployed_broad=part["unemployed_broad"],
                unemployed_reference_date=_date(part.get("unemployed_reference_date")),
                population_share=part["population_share"],
                unemployed_share=part["unemployed_share"],
                share=part["share"],
                amount=Decimal(part["amount"]),
                advances=Decimal(part["advances"]),
                settlement=Decimal(part["settlement"]),
            )

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        published: bool = False,
        parameters: Parameters | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Rows of year and municipality with the columns of ``COLUMNS``.

        ``through`` gives the split as known on that business date (a year closed later is
        provisional then). Money is Decimal euros; shares are exact fractions as text
        (``"3/4"``). The published form only adds the ``suppressed`` column: population
        statistics and euros are not counts of clients.
        """
        if options:
            raise TypeError(f"the cost-split report has no options {sorted(options)}")
        ledgers = connection.execute(select(cls.ledgers)).mappings().all()
        rows: list[dict[str, Any]] = []
        for ledger in sorted(ledgers, key=lambda row: (row["year"], row["area"])):
            if (year is not None and ledger["year"] != year) or (
                through is not None and ledger["opened_on"] > through
            ):
                continue
            rows.extend(cls._ledger_rows(connection, dict(ledger), through, parameters))
        beside_the_official_counts(connection, rows, parameters or default_parameters(), through)
        return published_without_client_counts(rows) if published else rows

    @classmethod
    def _ledger_rows(
        cls,
        connection: Connection,
        ledger: dict[str, Any],
        through: date | None,
        parameters: Parameters | None,
    ) -> list[dict[str, Any]]:
        ledger_id = ledger["ledger_id"]
        totals = {"cost": _ZERO, "revenue": _ZERO}
        for entry in _rows(connection, cls.entries, ledger_id, "on", through):
            totals[entry["kind"]] += entry["amount"]
        paid: dict[tuple[str, str], Decimal] = defaultdict(lambda: _ZERO)
        for payment in _rows(connection, cls.payments, ledger_id, "day", through):
            paid[(payment["municipality"], payment["kind"])] += payment["amount"]
        latest: dict[str, dict[str, Any]] = {}
        for basis in _rows(connection, cls.bases, ledger_id, "recorded_on", through):
            if basis["municipality"] not in latest or (
                basis["recorded_on"] >= latest[basis["municipality"]]["recorded_on"]
            ):
                latest[basis["municipality"]] = basis
        parts = {
            row["municipality"]: row
            for row in _rows(connection, cls.municipalities, ledger_id, None, None)
        }
        closed = ledger["closed_on"] is not None and (
            through is None or ledger["closed_on"] <= through
        )
        common = {
            "year": ledger["year"],
            "area": ledger["area"],
            "closed_on": ledger["closed_on"] if closed else None,
            "costs": totals["cost"],
            "revenues": totals["revenue"],
            "net_cost": totals["cost"] - totals["revenue"],
        }
        if closed:
            common.update(
                status="closed",
                net_cost=ledger["split_net_cost"],
                weight_population_18_64=ledger["weight_population_18_64"],
                weight_unemployed_broad=ledger["weight_unemployed_broad"],
                weights_version=ledger["weights_version"],
                weights_reference=ledger["weights_reference"],
            )
            recorded = {code: dict(part) for code, part in parts.items()}
        else:
            recorded = _provisional(common, ledger["year"], sorted(parts), latest, parameters)
        rows = []
        for code in sorted(parts):
            part = recorded.get(code, {})
            row = {name: common.get(name) for name in COLUMNS}
            row["municipality"] = code
            for name in COLUMNS[8:]:
                if name in part:
                    row[name] = part[name]
            if not closed:
                basis = latest.get(code, {})
                for name in COLUMNS[8:12]:  # the basis figures and their reference dates
                    row[name] = basis.get(name)
                advances = paid[(code, "advance")]
                row["advances"] = advances
                amount = row["amount"]
                row["settlement"] = None if amount is None else amount - advances
            row["state_subsidies"] = paid[(code, "state_subsidy")]
            for name in ("population_share", "unemployed_share", "share"):
                row[f"{name}_percent"] = fraction_percent(row[name])
            rows.append(row)
        return rows


def _provisional(
    common: dict[str, Any],
    year: int,
    codes: list[str],
    latest: dict[str, dict[str, Any]],
    parameters: Parameters | None,
) -> dict[str, dict[str, Any]]:
    """Fill ``common`` with the weights in force at the year's end; the split of each
    municipality by the library's ``split_cost``, or nothing while a basis is missing."""
    weights = SplitWeights.in_force(parameters or default_parameters(), date(year, 12, 31))
    weights_data = weights.to_dict()
    common.update(
        weight_population_18_64=weights_data["population_18_64"],
        weight_unemployed_broad=weights_data["unemployed_broad"],
        weights_version=_weights_version(weights_data["sources"]),
        weights_reference=_weights_reference(weights_data["sources"]),
    )
    if not codes or any(code not in latest for code in codes):
        common["status"] = "incomplete"
        return {}
    common["status"] = "provisional"
    bases = [
        MunicipalBasis(
            municipality=MunicipalityCode(code),
            population_18_64=latest[code]["population_18_64"],
            unemployed_broad=latest[code]["unemployed_broad"],
        )
        for code in codes
    ]
    split = split_cost(Money(common["net_cost"]), bases, weights)
    return {
        share.municipality.code: {
            "population_share": str(share.population_share),
            "unemployed_share": str(share.unemployed_share),
            "share": str(share.share),
            "amount": euros(share.amount),
        }
        for share in split.shares
    }


def _rows(
    connection: Connection, table: Table, ledger_id: str, day: str | None, through: date | None
) -> list[dict[str, Any]]:
    statement = select(table).where(table.c.ledger_id == ledger_id)
    if day is not None and through is not None:
        statement = statement.where(table.c[day] <= through)
    return [dict(row) for row in connection.execute(statement).mappings()]


def _weights_version(sources: list[dict[str, Any]]) -> str:
    """Which dated value of each weight parameter was used, and from which file."""
    return "; ".join(
        f"{s['parameter']} = {s['value']} from {s['valid_from']}"
        + (f" to {s['valid_until']}" if s.get("valid_until") else "")
        + f" ({s['source_file']}"
        + (f", {s['status']})" if s.get("status") else ")")
        for s in sources
    )


def _weights_reference(sources: list[dict[str, Any]]) -> str:
    return "; ".join(dict.fromkeys(str(source["reference"]) for source in sources))


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
