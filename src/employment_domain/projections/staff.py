"""The staff projection: the area's person-years by function and year (``staff``).

The plan (section a) puts most of the staff in customer service ("Suurin osa
henkilöstöressurssista kohdennetaan asiakaspalveluun"); the ledgers record the person-years of
each function (``Ledger.record_staff_resources``, a later record of a function superseding the
earlier one), and this report shows them with customer service's share.

Tables (SQLAlchemy Core, in the read-model database):

- ``rm_staff_ledgers``: each ledger's year, from ``Ledger.Opened``.
- ``rm_staff_person_years``: per ledger, function and day of record, the person-years recorded
  then (``Ledger.StaffResourcesRecorded``); the report takes each function's latest record up
  to the business date ``through``, so it can be cut at any date as the ledger can.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, select
from sqlalchemy.types import Uuid

from employment_domain.ledgers.ledger import Ledger
from employment_domain.ledgers.records import StaffFunction
from employment_domain.parameters import ParameterError, Parameters, default_parameters

from .figures import percent
from .projection import Page, Projection, event_class, handles
from .suppression import published_as_is

__all__ = ["SHARE_PARAMETER", "Staff"]

#: The dated parameter of the share customer service is to exceed (rules/parameters/staff.yaml).
SHARE_PARAMETER = "customer_service_staff_share_above_percent"
_FUNCTIONS = tuple(function.value for function in StaffFunction)
_metadata = MetaData()
_OPENED = event_class(Ledger, "Opened")
_STAFF_RECORDED = event_class(Ledger, "StaffResourcesRecorded")


class Staff(Projection):
    """Person-years by function and year, with customer service's share."""

    name = "staff"
    rebuilt_by_aggregate = True
    metadata = _metadata
    ledgers = Table(
        "rm_staff_ledgers",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("year", Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    person_years = Table(
        "rm_staff_person_years",
        _metadata,
        Column("ledger_id", Uuid(as_uuid=False), primary_key=True),
        Column("function", String(32), primary_key=True),
        Column("day", Date, primary_key=True),
        # Decimal text: exact whatever the places, where SQLite's NUMERIC would keep a float.
        Column("person_years", String(32), nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(_OPENED)
    def _opened(self, event: Any, page: Page) -> None:
        page.rows(self.ledgers).put(ledger_id=page.originator_id, year=event.year)

    @handles(_STAFF_RECORDED)
    def _recorded(self, event: Any, page: Page) -> None:
        # Two records of one function on one day: the later one holds, as in the ledger.
        page.rows(self.person_years).put(
            ledger_id=page.originator_id,
            function=event.function,
            day=event.on,
            person_years=str(event.person_years),
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
        """One row a year that has staff records: year, the person-years of each function
        (``customer_service``, ``support_services``), ``total``, ``customer_service_percent``
        and ``customer_service_majority`` (whether the share exceeds the plan's
        ``customer_service_staff_share_above_percent`` in force at the year's end; None when
        there are no person-years). Person-years count no people one by one, so the
        published form hides nothing.
        """
        if options:
            raise TypeError(f"the staff report has no options {sorted(options)}")
        parameters = parameters or default_parameters()
        years = {row.ledger_id: row.year for row in connection.execute(select(cls.ledgers))}
        statement = select(cls.person_years).order_by(cls.person_years.c.day)
        if through is not None:
            statement = statement.where(cls.person_years.c.day <= through)
        latest: dict[tuple[int, str], Decimal] = {}
        for row in connection.execute(statement):
            ledger_year = years.get(row.ledger_id)
            if ledger_year is None or (year is not None and ledger_year != year):
                continue
            latest[(ledger_year, row.function)] = Decimal(row.person_years)
        by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for (ledger_year, function), value in latest.items():
            by_year[ledger_year][function] = value
        rows = [
            _row(ledger_year, by_year[ledger_year], parameters) for ledger_year in sorted(by_year)
        ]
        return published_as_is(rows) if published else rows


def _row(year: int, functions: dict[str, Decimal], parameters: Parameters) -> dict[str, Any]:
    values = {function: functions.get(function, Decimal("0")) for function in _FUNCTIONS}
    whole = sum(values.values(), Decimal("0"))
    share = percent(values[StaffFunction.CUSTOMER_SERVICE.value], whole)
    try:
        above = Decimal(str(parameters.value(SHARE_PARAMETER, date(year, 12, 31))))
    except ParameterError:
        above = None
    majority = None if share is None or above is None else share > above
    return {
        "year": year,
        **values,
        "total": whole,
        "customer_service_percent": share,
        "customer_service_majority": majority,
    }
