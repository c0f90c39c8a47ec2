"""The service-channels projection: contacts by month, place, channel and language of service.

The plan (section c) offers lobby service and personal appointments at the offices and
low-threshold advice at service squares; every contact with a client (initial interview, job
search and supplementary discussions) and with an employer records its channel, office or
place and language of service (:mod:`employment_domain.contacts`). Contacts recorded before
channels were count under channel, place and language ``unknown``, so a year's total of
contacts stays what it was.

Table (SQLAlchemy Core, in the read-model database):

- ``rm_service_contacts``: per business day, party (``client`` or ``employer``), place, channel
  and language, how many contacts were made so. Days, so the report can be cut at any business
  date or year.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, select

from employment_domain.clients.client import Client
from employment_domain.employers.employer import Employer

from .disclosure import Layout
from .projection import Page, Projection, event_class, handles
from .suppression import period_end, protect, threshold_on

__all__ = ["CLIENT_CONTACTS", "ServiceChannels"]

#: The client events that are contacts with the client.
CLIENT_CONTACTS = (
    event_class(Client, "InitialInterviewHeld"),
    event_class(Client, "JobSearchDiscussionHeld"),
    event_class(Client, "SupplementaryDiscussionHeld"),
)
_EMPLOYER_CONTACT = event_class(Employer, "ContactRecorded")
_KEY = ("party", "place", "channel", "language")
_metadata = MetaData()


class ServiceChannels(Projection):
    """Client and employer contacts by day, place, channel and language of service."""

    name = "service-channels"
    rebuilt_by_aggregate = True
    metadata = _metadata
    contacts = Table(
        "rm_service_contacts",
        _metadata,
        Column("day", Date, primary_key=True),
        Column("party", String(16), primary_key=True),
        Column("place", String(128), primary_key=True),
        Column("channel", String(32), primary_key=True),
        Column("language", String(16), primary_key=True),
        Column("contacts", Integer, nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(*CLIENT_CONTACTS)
    def _client_contact(self, event: Any, page: Page) -> None:
        self._count(page, event, "client", event.place)

    @handles(_EMPLOYER_CONTACT)
    def _employer_contact(self, event: Any, page: Page) -> None:
        self._count(page, event, "employer", event.unit)

    def _count(self, page: Page, event: Any, party: str, place: str) -> None:
        page.rows(self.contacts).add(
            day=event.on,
            party=party,
            place=place,
            channel=event.channel,
            language=event.language,
            contacts=1,
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
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Contacts of ``year`` (all years by default) up to the business date ``through``.

        ``by="month"``: rows of month (``YYYY-MM``), party, place, channel, language and
        contacts; ``by="year"``: the same with year for month. Rows are in key order; only
        combinations with contacts are listed. In the published form contact counts under
        the disclosure threshold are hidden (the table has no totals, so nothing else is).
        """
        if options:
            raise TypeError(f"the service-channels report has no options {sorted(options)}")
        if by not in ("month", "year"):
            raise ValueError(f"the service-channels report is by 'month' or 'year', not {by!r}")
        table = cls.contacts
        statement = select(table)
        if year is not None:
            statement = statement.where(
                table.c.day >= date(year, 1, 1), table.c.day <= date(year, 12, 31)
            )
        if through is not None:
            statement = statement.where(table.c.day <= through)
        counts: dict[tuple[Any, ...], int] = defaultdict(int)
        for row in connection.execute(statement):
            period: str | int = row.day.year if by == "year" else f"{row.day:%Y-%m}"
            counts[(period, *(getattr(row, column) for column in _KEY))] += row.contacts
        period_column = "year" if by == "year" else "month"
        rows = [
            {period_column: key[0], **dict(zip(_KEY, key[1:], strict=True)), "contacts": count}
            for key, count in sorted(counts.items())
        ]
        if not published:
            return rows
        layout = Layout(counts=tuple((index, "contacts") for index in range(len(rows))))
        return protect(rows, layout, threshold=threshold_on(period_end(year, through)))
