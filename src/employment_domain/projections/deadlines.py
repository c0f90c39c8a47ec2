"""The deadlines projection: statutory deadlines met, month by month (report ``deadlines``).

Tables (SQLAlchemy Core, in the read-model database), from the jobseekers' events:

- ``rm_deadline_searches``: per job search of a client (a UUID, nothing personal), whether it
  has an initial interview (a restart soon after an earlier search has none, as recorded when it
  restarted), when it ended, and when the initial interview was held. The events of the process
  carry no job search: they belong to the client's latest, the one started last (a job search
  restarts no earlier than the previous one ended).
- ``rm_deadline_discussions``: per job search and business day, the job search discussions held.

The report rebuilds each job search's deadlines with the library's own ``deadline_chain`` (the
one ``Client.deadlines`` uses): the initial interview within the working days in force when the
job search started (Finnish public holidays excluded), each job search discussion within the
months in force when the previous act was held, and a job search's last deadline dropped when it
ended before the deadline fell due. A deadline belongs to the month in which it falls due.
Job searches whose deadlines need parameters that ``rules/parameters`` does not hold (those that
started before the parameters' first date) are left out and counted by
:meth:`Deadlines.not_assessed`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    Table,
    Uuid,
    func,
    select,
)

from employment_domain.clients.client import Client
from employment_domain.clients.records import Deadline, JobSearch, deadline_chain
from employment_domain.parameters import ParameterError, Parameters, default_parameters

from .disclosure import Layout, Share, total
from .figures import months, percent
from .projection import (
    BY_ORIGINATOR,
    Page,
    Projection,
    ProjectionError,
    event_class,
    handles,
)
from .suppression import period_end, protect, threshold_on

__all__ = ["ACTS", "COUNTS", "Deadlines", "deadlines_layout"]

#: The statutory acts with deadlines, in report order.
ACTS = ("initial_interview", "job_search_discussion")
#: The counted columns of a row: ``due`` is the sum of the four others.
COUNTS = ("due", "held_on_time", "held_late", "overdue", "open")

_metadata = MetaData()
_INITIAL_INTERVIEW_HELD = event_class(Client, "InitialInterviewHeld")
_JOB_SEARCH_DISCUSSION_HELD = event_class(Client, "JobSearchDiscussionHeld")
_JOB_SEARCH_ENDED = event_class(Client, "JobSearchEnded")
_JOB_SEARCH_RESTARTED = event_class(Client, "JobSearchRestarted")
_JOB_SEARCH_STARTED = event_class(Client, "JobSearchStarted")


class Deadlines(Projection):
    """Initial interviews and job search discussions held on time, late, or not yet."""

    name = "deadlines"
    #: 2: the current job search is the client's latest in ``rm_deadline_searches``; the table
    #: of each client's current one (``rm_deadline_clients``) is gone.
    version = 2
    rebuilt_by_aggregate = True
    metadata = _metadata
    retired_tables = ("rm_deadline_clients",)
    searches = Table(
        "rm_deadline_searches",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("interview_required", Boolean, nullable=False),
        Column("ended_on", Date),
        Column("initial_interview_on", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    discussions = Table(
        "rm_deadline_discussions",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("held_on", Date, primary_key=True),
        Column("held", Integer, nullable=False),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )

    @handles(_JOB_SEARCH_STARTED)
    def _started(self, event: Any, page: Page) -> None:
        self._start(page, page.originator_id, event.on, True)

    @handles(_JOB_SEARCH_RESTARTED)
    def _restarted(self, event: Any, page: Page) -> None:
        self._start(page, page.originator_id, event.on, event.initial_interview_required)

    def _start(self, page: Page, client_id: str, on: date, interview_required: bool) -> None:
        page.rows(self.searches).put(
            client_id=client_id,
            started_on=on,
            interview_required=interview_required,
            ended_on=None,
            initial_interview_on=None,
        )

    @handles(_JOB_SEARCH_ENDED)
    def _ended(self, event: Any, page: Page) -> None:
        client_id, started_on = self._current(event, page)
        page.rows(self.searches).put(client_id=client_id, started_on=started_on, ended_on=event.on)

    @handles(_INITIAL_INTERVIEW_HELD)
    def _interview(self, event: Any, page: Page) -> None:
        client_id, started_on = self._current(event, page)
        page.rows(self.searches).put(
            client_id=client_id, started_on=started_on, initial_interview_on=event.on
        )

    @handles(_JOB_SEARCH_DISCUSSION_HELD)
    def _discussion(self, event: Any, page: Page) -> None:
        client_id, started_on = self._current(event, page)
        page.rows(self.discussions).add(
            client_id=client_id, started_on=started_on, held_on=event.on, held=1
        )

    def _current(self, event: Any, page: Page) -> tuple[str, date]:
        client_id = page.originator_id
        search = page.rows(self.searches).latest(client_id, by="started_on")
        if search is None:
            raise ProjectionError(
                f"deadlines: {type(event).__name__} at position {page.position} for a client"
                " whose job search never started"
            )
        return client_id, search["started_on"]

    # The report ----------------------------------------------------------------------------

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
        """Rows of month (``YYYY-MM``, when the deadline fell due), act, ``COUNTS`` and
        ``on_time_percent``, as known on the business date ``through``.

        ``through`` defaults to the last business date in the history. ``due`` counts the
        deadlines falling due in the month: ``held_on_time`` (on or before the deadline),
        ``held_late``, ``overdue`` (not held, deadline passed by ``through``) and ``open`` (not
        held, deadline not passed yet). ``on_time_percent`` is held on time of those no longer
        open. Every month from the first deadline to ``through`` is listed, for both acts.
        """
        if options:
            raise TypeError(f"the deadlines report has no options {sorted(options)}")
        as_of = through or cls._last_day(connection)
        if as_of is None:
            return []
        counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict.fromkeys(COUNTS, 0).copy)
        last = as_of.strftime("%Y-%m")
        for deadline in cls._deadlines(connection, as_of, parameters)[0]:
            month = deadline.due_on.strftime("%Y-%m")
            if month > last or (year is not None and deadline.due_on.year != year):
                continue
            row = counts[(month, deadline.act)]
            row["due"] += 1
            row[_state(deadline, as_of)] += 1
        if not counts:
            return []
        listed = months(min(month for month, _ in counts), last)
        if year is not None:
            listed = [month for month in listed if month.startswith(f"{year:04d}-")]
        rows = []
        for month in listed:
            for act in ACTS:
                row = counts.get((month, act), dict.fromkeys(COUNTS, 0))
                decided = row["held_on_time"] + row["held_late"] + row["overdue"]
                rows.append(
                    {
                        "month": month,
                        "act": act,
                        **row,
                        "on_time_percent": percent(row["held_on_time"], decided),
                    }
                )
        if not published:
            return rows
        threshold = threshold_on(period_end(year, as_of), parameters)
        return protect(rows, deadlines_layout(rows), threshold=threshold)

    @classmethod
    def not_assessed(
        cls,
        connection: Connection,
        *,
        through: date | None = None,
        parameters: Parameters | None = None,
    ) -> int:
        """How many job searches started by ``through`` were left out of the report because
        their deadlines need parameter values that the rules do not hold."""
        as_of = through or cls._last_day(connection)
        if as_of is None:
            return 0
        return cls._deadlines(connection, as_of, parameters)[1]

    @classmethod
    def _deadlines(
        cls, connection: Connection, as_of: date, parameters: Parameters | None
    ) -> tuple[list[Deadline], int]:
        parameters = parameters or default_parameters()
        held: dict[tuple[str, date], list[date]] = defaultdict(list)
        statement = select(cls.discussions).where(cls.discussions.c.held_on <= as_of)
        for row in connection.execute(statement):
            held[(row.client_id, row.started_on)].extend([row.held_on] * row.held)
        deadlines: list[Deadline] = []
        skipped = 0
        statement = select(cls.searches).where(cls.searches.c.started_on <= as_of)
        for row in connection.execute(statement):
            search = JobSearch(
                started_on=row.started_on,
                interview_required=row.interview_required,
                last_act_on=row.started_on,
                ended_on=row.ended_on,
                initial_interview_on=row.initial_interview_on,
                discussions=sorted(held.get((row.client_id, row.started_on), [])),
            )
            try:
                deadlines.extend(deadline_chain(search, as_of, parameters))
            except ParameterError:
                skipped += 1
        return deadlines, skipped

    @classmethod
    def _last_day(cls, connection: Connection) -> date | None:
        """The last business date the tables know of."""
        days = [
            connection.execute(select(func.max(column))).scalar()
            for column in (
                cls.searches.c.started_on,
                cls.searches.c.ended_on,
                cls.searches.c.initial_interview_on,
                cls.discussions.c.held_on,
            )
        ]
        known = [day for day in days if day is not None]
        return max(known) if known else None


def deadlines_layout(rows: list[dict[str, Any]]) -> Layout:
    """The deadlines table's identities: in every row ``due`` adds up held on time, held
    late, overdue and open, and ``on_time_percent`` is held on time of the three first."""
    relations = tuple(
        total((i, "due"), ((i, name) for name in COUNTS[1:])) for i in range(len(rows))
    )
    shares = tuple(
        Share((i, "on_time_percent"), ((i, "held_on_time"),), tuple((i, n) for n in COUNTS[1:4]))
        for i in range(len(rows))
    )
    counts = tuple((i, name) for i in range(len(rows)) for name in COUNTS)
    margins = frozenset((i, "due") for i in range(len(rows)))
    return Layout(counts=counts, relations=relations, shares=shares, margins=margins)


def _state(deadline: Deadline, as_of: date) -> str:
    if deadline.held_on is not None:
        return "held_on_time" if deadline.held_on <= deadline.due_on else "held_late"
    return "overdue" if deadline.missed_by(as_of) else "open"
