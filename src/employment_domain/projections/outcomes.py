"""The outcomes projection: time to work, work found soon and lasting, time to fill (``outcomes``).

Tables (SQLAlchemy Core, in the read-model database):

- ``rm_outcome_searches``: per job search of a client (a UUID, nothing personal), its start and
  end. ``JobSearchEnded`` ends the client's latest job search, the one started last.
- ``rm_outcome_employments``: per employment, its kind, first day, when it was recorded and its
  last day.
- ``rm_outcome_vacancies``: per vacancy, when it was reported, its positions and any withdrawal.
- ``rm_outcome_fills``: per vacancy and business day, the positions filled.

The report has one row per year. Job searches count in the year they started; an employment
belongs to the job search during which it was recorded (an employment can only be recorded while
the job search runs), and the time to employment runs from the start of the job search to the
first day of its first employment. "Within 3 months" and "lasting 6 months" are counted only over
the job searches and employments whose 3 or 6 months have passed by the report date, so a recent
start never counts as a failure. A vacancy is filled on the day its last position is filled, as
``Vacancy.time_to_fill`` counts it, and counts in that year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    select,
)

from employment_domain.clients.client import Client
from employment_domain.employers.employer import Employer
from employment_domain.target_groups import add_months

from .disclosure import Layout, Relation, Share, at_most
from .figures import median, percent
from .projection import (
    BY_ORIGINATOR,
    Page,
    Projection,
    ProjectionError,
    event_class,
    handles,
)
from .suppression import period_end, protect, threshold_on

__all__ = ["COUNTS", "Outcomes", "outcomes_layout"]

#: The counted columns of a row, in report order.
COUNTS = (
    "job_searches_started",
    "employed",
    "observed_3_months",
    "employed_within_3_months",
    "employments_started",
    "observed_6_months",
    "lasting_6_months",
    "vacancies_reported",
    "vacancies_filled",
)
#: The medians and the counts they are computed from.
_MEDIANS = {"median_days_to_employment": "employed", "median_days_to_fill": "vacancies_filled"}
#: Counts never larger than another count of the same row.
_WITHIN = (
    ("employed", "job_searches_started"),
    ("observed_3_months", "job_searches_started"),
    ("employed_within_3_months", "employed"),
    ("employed_within_3_months", "observed_3_months"),
    ("observed_6_months", "employments_started"),
    ("lasting_6_months", "observed_6_months"),
)


def outcomes_layout(rows: list[dict[str, Any]]) -> Layout:
    """The outcomes table's identities: a count within another (employed within 3 months of
    those observed 3 months, …), the two shares, and the medians of their counts."""
    relations: list[Relation] = []
    shares: list[Share] = []
    follows = {}
    for i in range(len(rows)):
        relations += [at_most((i, part), (i, whole)) for part, whole in _WITHIN]
        shares.append(
            Share(
                (i, "employed_within_3_months_percent"),
                ((i, "employed_within_3_months"),),
                ((i, "observed_3_months"),),
            )
        )
        shares.append(
            Share(
                (i, "lasting_6_months_percent"),
                ((i, "lasting_6_months"),),
                ((i, "observed_6_months"),),
            )
        )
        follows.update({(i, median): ((i, base),) for median, base in _MEDIANS.items()})
    counts = tuple((i, name) for i in range(len(rows)) for name in COUNTS)
    return Layout(counts=counts, relations=tuple(relations), shares=tuple(shares), follows=follows)


_metadata = MetaData()
_EMPLOYED = event_class(Client, "Employed")
_EMPLOYMENT_ENDED = event_class(Client, "EmploymentEnded")
_JOB_SEARCH_ENDED = event_class(Client, "JobSearchEnded")
_JOB_SEARCH_RESTARTED = event_class(Client, "JobSearchRestarted")
_JOB_SEARCH_STARTED = event_class(Client, "JobSearchStarted")
_VACANCY_FILLED = event_class(Employer, "VacancyFilled")
_VACANCY_REPORTED = event_class(Employer, "VacancyReported")
_VACANCY_WITHDRAWN = event_class(Employer, "VacancyWithdrawn")


class Outcomes(Projection):
    """Time from job search to work, work found within 3 months and lasting 6, time to fill."""

    name = "outcomes"
    #: 2: the job search that ends is the client's latest in ``rm_outcome_searches``; the table
    #: of each client's current one (``rm_outcome_clients``) is gone.
    version = 2
    rebuilt_by_aggregate = True
    metadata = _metadata
    retired_tables = ("rm_outcome_clients",)
    searches = Table(
        "rm_outcome_searches",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("ended_on", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    employments = Table(
        "rm_outcome_employments",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("employment_id", Uuid(as_uuid=False), primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("starts_on", Date, nullable=False),
        Column("recorded_on", Date, nullable=False),
        Column("ended_on", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    vacancies = Table(
        "rm_outcome_vacancies",
        _metadata,
        Column("vacancy_id", Uuid(as_uuid=False), primary_key=True),
        Column("reported_on", Date, nullable=False),
        Column("positions", Integer, nullable=False),
        Column("withdrawn_on", Date),
        sqlite_with_rowid=False,
    )
    fills = Table(
        "rm_outcome_fills",
        _metadata,
        Column("vacancy_id", Uuid(as_uuid=False), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("positions", Integer, nullable=False),
        sqlite_with_rowid=False,
    )

    @handles(_JOB_SEARCH_STARTED, _JOB_SEARCH_RESTARTED)
    def _started(self, event: Any, page: Page) -> None:
        page.rows(self.searches).put(
            client_id=page.originator_id, started_on=event.on, ended_on=None
        )

    @handles(_JOB_SEARCH_ENDED)
    def _ended(self, event: Any, page: Page) -> None:
        client_id = page.originator_id
        search = page.rows(self.searches).latest(client_id, by="started_on")
        if search is None:
            raise ProjectionError(
                f"outcomes: a job search ended at position {page.position} that never started"
            )
        page.rows(self.searches).put(
            client_id=client_id, started_on=search["started_on"], ended_on=event.on
        )

    @handles(_EMPLOYED)
    def _employed(self, event: Any, page: Page) -> None:
        page.rows(self.employments).put(
            client_id=page.originator_id,
            employment_id=str(event.employment_id),
            kind=event.kind,
            starts_on=event.starts_on,
            recorded_on=event.on,
            ended_on=None,
        )

    @handles(_EMPLOYMENT_ENDED)
    def _employment_ended(self, event: Any, page: Page) -> None:
        page.rows(self.employments).put(
            client_id=page.originator_id,
            employment_id=str(event.employment_id),
            ended_on=event.on,
        )

    @handles(_VACANCY_REPORTED)
    def _vacancy(self, event: Any, page: Page) -> None:
        page.rows(self.vacancies).put(
            vacancy_id=str(event.vacancy_id),
            reported_on=event.on,
            positions=event.positions,
            withdrawn_on=None,
        )

    @handles(_VACANCY_FILLED)
    def _filled(self, event: Any, page: Page) -> None:
        page.rows(self.fills).add(
            vacancy_id=str(event.vacancy_id), day=event.on, positions=event.positions
        )

    @handles(_VACANCY_WITHDRAWN)
    def _withdrawn(self, event: Any, page: Page) -> None:
        page.rows(self.vacancies).put(vacancy_id=str(event.vacancy_id), withdrawn_on=event.on)

    # The report ----------------------------------------------------------------------------

    @classmethod
    def report(
        cls,
        connection: Connection,
        *,
        year: int | None = None,
        through: date | None = None,
        kind: str | None = None,
        published: bool = False,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """One row per year: ``COUNTS``, the medians in days (exact Decimals, ``.5`` for an
        even count) and the shares as percentages, as known on the business date ``through``
        (by default the last one in the history).

        ``kind`` (``open_market`` or ``subsidised``) counts only employments of that kind, for
        KEHA's time to open-market employment. Years begin with the first in which a job search
        started or a vacancy was reported: an employment that began before it (a jobseeker's
        long-held part-time job) is no outcome of the area's services and makes no row.
        """
        if options:
            raise TypeError(f"the outcomes report has no options {sorted(options)}")
        as_of = through or cls._last_day(connection)
        if as_of is None:
            return []
        years: dict[int, dict[str, Any]] = defaultdict(_empty_year)
        cls._job_searches(connection, as_of, kind, years)
        cls._vacancies(connection, as_of, years)
        started = [
            y for y, f in years.items() if f["job_searches_started"] or f["vacancies_reported"]
        ]
        first = min(started, default=None)
        rows = []
        for row_year in sorted(years):
            if (year is not None and row_year != year) or first is None or row_year < first:
                continue
            figures = years[row_year]
            days, to_fill = figures.pop("days"), figures.pop("days_to_fill")
            rows.append(
                {
                    "year": row_year,
                    **{name: figures[name] for name in COUNTS},
                    "median_days_to_employment": median(days),
                    "employed_within_3_months_percent": percent(
                        figures["employed_within_3_months"], figures["observed_3_months"]
                    ),
                    "lasting_6_months_percent": percent(
                        figures["lasting_6_months"], figures["observed_6_months"]
                    ),
                    "median_days_to_fill": median(to_fill),
                }
            )
        if not published:
            return rows
        threshold = threshold_on(period_end(year, as_of))
        return protect(rows, outcomes_layout(rows), threshold=threshold)

    @classmethod
    def _job_searches(
        cls, connection: Connection, as_of: date, kind: str | None, years: dict[int, Any]
    ) -> None:
        starts: dict[str, list[date]] = defaultdict(list)
        statement = select(cls.searches).where(cls.searches.c.started_on <= as_of)
        for row in connection.execute(statement):
            starts[row.client_id].append(row.started_on)
            figures = years[row.started_on.year]
            figures["job_searches_started"] += 1
            if add_months(row.started_on, 3) <= as_of:
                figures["observed_3_months"] += 1
        first_work: dict[tuple[str, date], date] = {}
        statement = select(cls.employments).where(cls.employments.c.recorded_on <= as_of)
        if kind is not None:
            statement = statement.where(cls.employments.c.kind == kind)
        for row in connection.execute(statement):
            if row.starts_on <= as_of:
                figures = years[row.starts_on.year]
                figures["employments_started"] += 1
                last_of_six = add_months(row.starts_on, 6) - timedelta(days=1)
                if last_of_six <= as_of:
                    figures["observed_6_months"] += 1
                    ended = row.ended_on
                    if ended is None or ended > as_of or ended >= last_of_six:
                        figures["lasting_6_months"] += 1
            client_starts = sorted(starts.get(row.client_id, []))
            index = bisect_right(client_starts, row.recorded_on)
            if index:
                search = (row.client_id, client_starts[index - 1])
                if search not in first_work or row.starts_on < first_work[search]:
                    first_work[search] = row.starts_on
        for (_, started_on), starts_on in first_work.items():
            figures = years[started_on.year]
            figures["employed"] += 1
            figures["days"].append(max(0, (starts_on - started_on).days))
            if starts_on <= add_months(started_on, 3) and add_months(started_on, 3) <= as_of:
                figures["employed_within_3_months"] += 1

    @classmethod
    def _vacancies(cls, connection: Connection, as_of: date, years: dict[int, Any]) -> None:
        filled: dict[str, list[tuple[date, int]]] = defaultdict(list)
        statement = select(cls.fills).where(cls.fills.c.day <= as_of).order_by(cls.fills.c.day)
        for row in connection.execute(statement):
            filled[row.vacancy_id].append((row.day, row.positions))
        statement = select(cls.vacancies).where(cls.vacancies.c.reported_on <= as_of)
        for row in connection.execute(statement):
            years[row.reported_on.year]["vacancies_reported"] += 1
            total = 0
            for day, positions in filled.get(row.vacancy_id, []):
                total += positions
                if total >= row.positions:
                    years[day.year]["vacancies_filled"] += 1
                    years[day.year]["days_to_fill"].append((day - row.reported_on).days)
                    break

    @classmethod
    def _last_day(cls, connection: Connection) -> date | None:
        """The last business date the tables know of."""
        columns = (
            cls.searches.c.started_on,
            cls.searches.c.ended_on,
            cls.employments.c.recorded_on,
            cls.employments.c.ended_on,
            cls.vacancies.c.reported_on,
            cls.vacancies.c.withdrawn_on,
            cls.fills.c.day,
        )
        days = [connection.execute(select(func.max(column))).scalar() for column in columns]
        known = [day for day in days if day is not None]
        return max(known) if known else None


def _empty_year() -> dict[str, Any]:
    return {**dict.fromkeys(COUNTS, 0), "days": [], "days_to_fill": []}
