"""The structural-change projection: cases, dismissals, services given (``structural-change``).

Tables (SQLAlchemy Core, in the read-model database):

- ``rm_structural_employers``: per employer, its municipality and industry (never its name) and
  its latest dismissal notice, to which a case opened by that notice belongs.
- ``rm_structural_notices``: per dismissal notice, the employer, the change negotiations it
  belongs to, its dates, the dismissals, those entitled to change-security training (55 or older
  with the years of service, as decided when the notice was recorded) and the dismissed
  employees known as clients.
- ``rm_structural_cases``: per structural-change case, the employer, the negotiations or the
  notice that opened it, and when it opened and closed.
- ``rm_structural_clients``: per dismissed client (a UUID, nothing personal), the notice and
  its date, and whether the client is entitled to change-security training.
- ``rm_structural_services``: per notice, business day and service type, the referrals of its
  dismissed clients made on or after the notice.
- ``rm_structural_procurements``: per procurement, its service type, so that a seat can be told
  to be a change-security training seat.
- ``rm_structural_seats``: per referral of a dismissed client, the change-security training seat
  it reserved and when it was released, if it was.

A case counts every notice of its change negotiations (or the one notice that opened it), as the
employer's aggregate does. Only the services of dismissed employees whose client id is known can
be counted; ``dismissed_clients_known`` says how many those are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
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
    Uuid,
    select,
)

from employment_domain.clients.client import Client
from employment_domain.employers.employer import Employer
from employment_domain.procurements.procurement import Procurement

from .disclosure import Layout, at_most
from .projection import BY_ORIGINATOR, Page, Projection, event_class, handles
from .suppression import period_end, protect, threshold_on

__all__ = ["CASE_COUNTS", "TRAINING", "StructuralChange"]

#: The service type of change-security training.
TRAINING = "change_security_training"
#: The counted columns of a case row.
CASE_COUNTS = (
    "dismissals",
    "entitled_55_plus",
    "dismissed_clients_known",
    "referrals",
    "training_referrals",
    "training_seats",
)

_metadata = MetaData()
_DISMISSALS_NOTIFIED = event_class(Employer, "DismissalsNotified")
_PLANNED = event_class(Procurement, "Planned")
_REFERRED_TO_SERVICE = event_class(Client, "ReferredToService")
_REGISTERED = event_class(Employer, "Registered")
_SEAT_RELEASED = event_class(Procurement, "SeatReleased")
_SEAT_RESERVED = event_class(Procurement, "SeatReserved")
_STRUCTURAL_CHANGE_CASE_CLOSED = event_class(Employer, "StructuralChangeCaseClosed")
_STRUCTURAL_CHANGE_CASE_OPENED = event_class(Employer, "StructuralChangeCaseOpened")


def _uuid(name: str, *, key: bool = False, nullable: bool = True) -> Column[Any]:
    return Column(name, Uuid(as_uuid=False), primary_key=key, nullable=nullable and not key)


class StructuralChange(Projection):
    """Structural-change cases with their dismissals, 55+ entitlements and services given."""

    name = "structural-change"
    version = 1
    metadata = _metadata
    employers = Table(
        "rm_structural_employers",
        _metadata,
        _uuid("employer_id", key=True),
        Column("municipality", String(3), nullable=False),
        Column("industry", String(8), nullable=False),
        _uuid("last_notice_id"),
        sqlite_with_rowid=False,
    )
    notices = Table(
        "rm_structural_notices",
        _metadata,
        _uuid("notice_id", key=True),
        _uuid("employer_id", nullable=False),
        _uuid("negotiation_id"),
        Column("on", Date, nullable=False),
        Column("dismissed_on", Date, nullable=False),
        Column("dismissals", Integer, nullable=False),
        Column("entitled", Integer, nullable=False),
        Column("clients_known", Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    cases = Table(
        "rm_structural_cases",
        _metadata,
        _uuid("case_id", key=True),
        _uuid("employer_id", nullable=False),
        _uuid("negotiation_id"),
        _uuid("opening_notice_id"),
        Column("opened_on", Date, nullable=False),
        Column("closed_on", Date),
        sqlite_with_rowid=False,
    )
    clients = Table(
        "rm_structural_clients",
        _metadata,
        _uuid("client_id", key=True),
        _uuid("notice_id", nullable=False),
        Column("notified_on", Date, nullable=False),
        Column("entitled", Boolean, nullable=False),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    services = Table(
        "rm_structural_services",
        _metadata,
        _uuid("notice_id", key=True),
        Column("day", Date, primary_key=True),
        Column("service_type", String(64), primary_key=True),
        Column("referrals", Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    procurements = Table(
        "rm_structural_procurements",
        _metadata,
        _uuid("procurement_id", key=True),
        Column("service_type", String(64), nullable=False),
        sqlite_with_rowid=False,
    )
    seats = Table(
        "rm_structural_seats",
        _metadata,
        _uuid("referral_id", key=True),
        _uuid("notice_id", nullable=False),
        Column("reserved_on", Date, nullable=False),
        Column("released_on", Date),
        sqlite_with_rowid=False,
    )

    @handles(_REGISTERED)
    def _registered(self, event: Any, page: Page) -> None:
        page.rows(self.employers).put(
            employer_id=page.originator_id,
            municipality=event.municipality.code,
            industry=event.industry,
            last_notice_id=None,
        )

    @handles(_DISMISSALS_NOTIFIED)
    def _dismissals(self, event: Any, page: Page) -> None:
        notice_id, employer_id = str(event.notice_id), page.originator_id
        entitled = {str(client_id) for client_id in event.entitled_client_ids}
        known = [str(e["client_id"]) for e in event.employees if e.get("client_id") is not None]
        page.rows(self.notices).put(
            notice_id=notice_id,
            employer_id=employer_id,
            negotiation_id=None if event.negotiation_id is None else str(event.negotiation_id),
            on=event.on,
            dismissed_on=event.dismissed_on,
            dismissals=event.count,
            entitled=event.change_security_entitled,
            clients_known=len(known),
        )
        for client_id in known:
            page.rows(self.clients).put(
                client_id=client_id,
                notice_id=notice_id,
                notified_on=event.on,
                entitled=client_id in entitled,
            )
        page.rows(self.employers).put(employer_id=employer_id, last_notice_id=notice_id)

    @handles(_STRUCTURAL_CHANGE_CASE_OPENED)
    def _opened(self, event: Any, page: Page) -> None:
        employer_id = page.originator_id
        employer = page.rows(self.employers).get(employer_id=employer_id)
        page.rows(self.cases).put(
            case_id=str(event.case_id),
            employer_id=employer_id,
            negotiation_id=None if event.negotiation_id is None else str(event.negotiation_id),
            opening_notice_id=None if employer is None else employer["last_notice_id"],
            opened_on=event.on,
            closed_on=None,
        )

    @handles(_STRUCTURAL_CHANGE_CASE_CLOSED)
    def _closed(self, event: Any, page: Page) -> None:
        page.rows(self.cases).put(case_id=str(event.case_id), closed_on=event.on)

    @handles(_REFERRED_TO_SERVICE)
    def _referred(self, event: Any, page: Page) -> None:
        client = page.rows(self.clients).get(client_id=page.originator_id)
        if client is not None and event.on >= client["notified_on"]:
            page.rows(self.services).add(
                notice_id=client["notice_id"],
                day=event.on,
                service_type=event.service_type,
                referrals=1,
            )

    @handles(_PLANNED)
    def _planned(self, event: Any, page: Page) -> None:
        page.rows(self.procurements).put(
            procurement_id=page.originator_id, service_type=event.service_type
        )

    @handles(_SEAT_RESERVED)
    def _seat(self, event: Any, page: Page) -> None:
        procurement = page.rows(self.procurements).get(procurement_id=page.originator_id)
        if procurement is None or procurement["service_type"] != TRAINING:
            return
        client = page.rows(self.clients).get(client_id=str(event.client_id))
        if client is not None:
            page.rows(self.seats).put(
                referral_id=str(event.referral_id),
                notice_id=client["notice_id"],
                reserved_on=event.on,
                released_on=None,
            )

    @handles(_SEAT_RELEASED)
    def _released(self, event: Any, page: Page) -> None:
        seat = page.rows(self.seats).get(referral_id=str(event.referral_id))
        if seat is not None:
            page.rows(self.seats).put(referral_id=seat["referral_id"], released_on=event.on)

    # The report ----------------------------------------------------------------------------

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        by: str = "case",
        published: bool = False,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """The cases opened by the business date ``through`` (in ``year``, if given).

        ``by="case"``: rows of case_id, employer_id, municipality, industry, opened_on,
        closed_on, status, and ``CASE_COUNTS``: dismissals, those entitled to change-security
        training (55+), the dismissed known as clients, their referrals since the dismissal
        notice, those to change-security training, and the training seats they hold.
        ``by="service"``: rows of case_id, service_type and referrals.
        """
        if options:
            raise TypeError(f"the structural-change report has no options {sorted(options)}")
        if by not in ("case", "service"):
            raise ValueError(f"the structural-change report is by 'case' or 'service', not {by!r}")
        on_time = _cut(through)
        employers = {row.employer_id: row for row in connection.execute(select(cls.employers))}
        notices = [row for row in connection.execute(select(cls.notices)) if on_time(row.on)]
        services: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in connection.execute(select(cls.services)):
            if on_time(row.day):
                services[row.notice_id][row.service_type] += row.referrals
        seats: dict[str, int] = defaultdict(int)
        for row in connection.execute(select(cls.seats)):
            if on_time(row.reserved_on) and not (row.released_on and on_time(row.released_on)):
                seats[row.notice_id] += 1
        rows: list[dict[str, Any]] = []
        statement = select(cls.cases).order_by(cls.cases.c.opened_on, cls.cases.c.case_id)
        for case in connection.execute(statement):
            if not on_time(case.opened_on) or (year is not None and case.opened_on.year != year):
                continue
            mine = [
                notice
                for notice in notices
                if notice.notice_id == case.opening_notice_id
                or (
                    case.negotiation_id is not None and notice.negotiation_id == case.negotiation_id
                )
            ]
            given: dict[str, int] = defaultdict(int)
            for notice in mine:
                for service_type, referrals in services[notice.notice_id].items():
                    given[service_type] += referrals
            if by == "service":
                rows.extend(
                    {"case_id": case.case_id, "service_type": service_type, "referrals": count}
                    for service_type, count in sorted(given.items())
                )
                continue
            employer = employers.get(case.employer_id)
            closed = case.closed_on if case.closed_on and on_time(case.closed_on) else None
            rows.append(
                {
                    "case_id": case.case_id,
                    "employer_id": case.employer_id,
                    "municipality": None if employer is None else employer.municipality,
                    "industry": None if employer is None else employer.industry,
                    "opened_on": case.opened_on,
                    "closed_on": closed,
                    "status": "open" if closed is None else "closed",
                    "dismissals": sum(notice.dismissals for notice in mine),
                    "entitled_55_plus": sum(notice.entitled for notice in mine),
                    "dismissed_clients_known": sum(notice.clients_known for notice in mine),
                    "referrals": sum(given.values()),
                    "training_referrals": given.get(TRAINING, 0),
                    "training_seats": sum(seats[notice.notice_id] for notice in mine),
                }
            )
        if not published:
            return rows
        threshold = threshold_on(period_end(year, through))
        if by == "service":
            layout = Layout(counts=tuple((i, "referrals") for i in range(len(rows))))
            return protect(rows, layout, threshold=threshold)
        return protect(rows, cases_layout(rows), threshold=threshold)


def cases_layout(rows: list[dict[str, Any]]) -> Layout:
    """The structural-change table's identities: those entitled to change-security training
    are among the dismissed, and the referrals to it among all referrals."""
    relations = []
    for i in range(len(rows)):
        relations.append(at_most((i, "entitled_55_plus"), (i, "dismissals")))
        relations.append(at_most((i, "training_referrals"), (i, "referrals")))
    counts = tuple((i, name) for i in range(len(rows)) for name in CASE_COUNTS)
    return Layout(counts=counts, relations=tuple(relations))


def _cut(through: date | None) -> Callable[[date], bool]:
    """A test of whether a business date lies on or before ``through`` (always, without one)."""

    def known(day: date) -> bool:
        return through is None or day <= through

    return known
