"""The caseload by target group and office: month × municipality × office × target group
(report ``caseload-groups``).

Tables (SQLAlchemy Core, in the read-model database), from the jobseekers' events; clients are
UUIDs, and of the birth date only its month is kept (enough for the age on a month's last day):

- ``rm_caseload_group_facts``: per client and the business date from which they hold, the facts
  that decide target groups and office: municipality, district, birth month, mother tongue,
  education level, first residence permit, partial work ability. A change takes effect on its
  date, but never before the client's previously recorded change (the history is kept in the
  order it was recorded), so the current facts are the latest.
- ``rm_caseload_group_searches``: per job search, its start and end. The current job search is
  the latest, the one started last (a job search restarts no earlier than the previous ended).
- ``rm_caseload_group_spans``: per employment and per referral, its first and last day (and a
  referral's service type): employments, and the full-time services named by the parameter
  ``unemployment_breaking_service_types``, interrupt continuous unemployment.

Target groups change with time alone (a birthday, twelve months of unemployment), with no event to
mark it, so the report derives them at each month's last day with the library's own
``derive_target_groups`` and ``unemployed_since`` under the parameters in force that day, as
``Client.target_groups`` does. The office is the one routing gives the client's district
(``rules/routing/districts.yaml``: the office on the district's transport line), read at report
time so that the tables hold recorded facts only. The month-end caseload is the same as the
``caseload`` report's ``active``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    select,
)

from employment_domain.clients.client import Client
from employment_domain.parameters import ParameterError, Parameters, default_parameters
from employment_domain.routing.rulebook import RoutingFactsError, Rulebook, default_rulebook
from employment_domain.target_groups import TARGET_GROUPS, derive_target_groups, unemployed_since

from .disclosure import Layout, Relation, at_most
from .figures import months
from .projection import (
    BY_ORIGINATOR,
    Page,
    Projection,
    ProjectionError,
    event_class,
    handles,
)
from .suppression import period_end, protect, threshold_on

__all__ = ["ALL", "FACTS", "CaseloadGroups", "office_of"]

#: The target group of every client in the caseload.
ALL = "all"
#: The facts the table keeps, as the job search start names them (birth month for birth date).
FACTS = (
    "municipality",
    "district",
    "birth_month",
    "mother_tongue",
    "education_level",
    "first_residence_permit_on",
    "partially_able_to_work",
)
#: The office of a client whose district the rulebook does not know.
UNKNOWN_OFFICE = "unknown"

#: The facts of ``FactsChanged`` that the facts table keeps (the birth date as its month).
_CHANGED_FACTS = frozenset(FACTS)

_metadata = MetaData()
_EMPLOYED = event_class(Client, "Employed")
_EMPLOYMENT_ENDED = event_class(Client, "EmploymentEnded")
_FACTS_CHANGED = event_class(Client, "FactsChanged")
_JOB_SEARCH_ENDED = event_class(Client, "JobSearchEnded")
_JOB_SEARCH_RESTARTED = event_class(Client, "JobSearchRestarted")
_JOB_SEARCH_STARTED = event_class(Client, "JobSearchStarted")
_REFERRED_TO_SERVICE = event_class(Client, "ReferredToService")
_SERVICE_COMPLETED = event_class(Client, "ServiceCompleted")
_SERVICE_INTERRUPTED = event_class(Client, "ServiceInterrupted")
_SERVICE_STARTED = event_class(Client, "ServiceStarted")


class CaseloadGroups(Projection):
    """Active jobseekers at each month's end by municipality, office and target group."""

    name = "caseload-groups"
    #: 2: the current facts and job search are the client's latest rows; the table of each
    #: client's current ones (``rm_caseload_group_clients``) is gone.
    version = 2
    rebuilt_by_aggregate = True
    metadata = _metadata
    retired_tables = ("rm_caseload_group_clients",)
    facts = Table(
        "rm_caseload_group_facts",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("valid_from", Date, primary_key=True),
        Column("municipality", String(3), nullable=False),
        Column("district", String(128), nullable=False),
        Column("birth_month", Date, nullable=False),
        Column("mother_tongue", String(3), nullable=False),
        Column("education_level", String(32), nullable=False),
        Column("first_residence_permit_on", Date),
        Column("partially_able_to_work", Boolean, nullable=False),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    searches = Table(
        "rm_caseload_group_searches",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("ended_on", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )
    spans = Table(
        "rm_caseload_group_spans",
        _metadata,
        Column("client_id", Uuid(as_uuid=False), primary_key=True),
        Column("span_id", Uuid(as_uuid=False), primary_key=True),
        Column("service_type", String(64)),
        Column("first_day", Date),
        Column("last_day", Date),
        info=BY_ORIGINATOR,
        sqlite_with_rowid=False,
    )

    @handles(_JOB_SEARCH_STARTED)
    def _started(self, event: Any, page: Page) -> None:
        client_id = page.originator_id
        page.rows(self.facts).put(
            client_id=client_id,
            valid_from=event.on,
            municipality=event.municipality.code,
            district=event.district,
            birth_month=event.birth_month,
            mother_tongue=event.mother_tongue,
            education_level=event.education_level,
            first_residence_permit_on=event.first_residence_permit_on,
            partially_able_to_work=event.partially_able_to_work,
        )
        page.rows(self.searches).put(client_id=client_id, started_on=event.on, ended_on=None)

    @handles(_FACTS_CHANGED)
    def _facts_changed(self, event: Any, page: Page) -> None:
        changes = {name: value for name, value in event.changes.items() if name in _CHANGED_FACTS}
        if not changes:
            return
        current = self._latest(self.facts, "valid_from", event, page)
        valid_from = max(event.on, current["valid_from"])
        for name, value in changes.items():
            if name == "municipality":
                current["municipality"] = value.code
            else:
                current[name] = value
        current["valid_from"] = valid_from
        page.rows(self.facts).put(**current)

    @handles(_JOB_SEARCH_RESTARTED)
    def _restarted(self, event: Any, page: Page) -> None:
        self._latest(self.searches, "started_on", event, page)
        page.rows(self.searches).put(
            client_id=page.originator_id, started_on=event.on, ended_on=None
        )

    @handles(_JOB_SEARCH_ENDED)
    def _ended(self, event: Any, page: Page) -> None:
        search = self._latest(self.searches, "started_on", event, page)
        page.rows(self.searches).put(
            client_id=page.originator_id, started_on=search["started_on"], ended_on=event.on
        )

    @handles(_EMPLOYED)
    def _employed(self, event: Any, page: Page) -> None:
        page.rows(self.spans).put(
            client_id=page.originator_id,
            span_id=str(event.employment_id),
            service_type=None,
            first_day=event.starts_on,
            last_day=None,
        )

    @handles(_EMPLOYMENT_ENDED)
    def _employment_ended(self, event: Any, page: Page) -> None:
        self._span_of(page, event, event.employment_id, last_day=event.on)

    @handles(_REFERRED_TO_SERVICE)
    def _referred(self, event: Any, page: Page) -> None:
        page.rows(self.spans).put(
            client_id=page.originator_id,
            span_id=str(event.referral_id),
            service_type=event.service_type,
            first_day=None,
            last_day=None,
        )

    @handles(_SERVICE_STARTED)
    def _service_started(self, event: Any, page: Page) -> None:
        self._span_of(page, event, event.referral_id, first_day=event.on)

    @handles(_SERVICE_INTERRUPTED, _SERVICE_COMPLETED)
    def _service_ended(self, event: Any, page: Page) -> None:
        self._span_of(page, event, event.referral_id, last_day=event.on)

    def _span_of(self, page: Page, event: Any, span_id: Any, **days: Any) -> None:
        page.rows(self.spans).put(client_id=page.originator_id, span_id=str(span_id), **days)

    def _latest(self, table: Table, column: str, event: Any, page: Page) -> dict[str, Any]:
        """The client's row of ``table`` with the latest ``column``: the current one."""
        row = page.rows(table).latest(page.originator_id, by=column)
        if row is None:
            raise ProjectionError(
                f"caseload-groups: {type(event).__name__} at position {page.position} for a"
                " client whose job search never started"
            )
        return row

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
        rulebook: Rulebook | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Rows of month (``YYYY-MM``), municipality, office, target_group and ``active``: the
        jobseekers with an active job search at the month's end (at ``through`` in its month).

        ``target_group`` is ``all`` or one of ``TARGET_GROUPS``; a client counts in every group
        it belongs to, so the groups do not add up to ``all``. Every group is listed (zeros
        included) for each month, municipality and office with a caseload. In months before the
        target-group parameters' first date only ``all`` is given.
        """
        if options:
            raise TypeError(f"the caseload-groups report has no options {sorted(options)}")
        parameters = parameters or default_parameters()
        rulebook = rulebook or _packaged_rulebook()
        last_day = through or cls._last_day(connection)
        if last_day is None:
            return []
        clients = cls._histories(connection)
        if not clients:
            return []
        first = min(search[0] for history in clients.values() for search in history["searches"])
        listed = months(first.strftime("%Y-%m"), last_day.strftime("%Y-%m"))
        if year is not None:
            listed = [month for month in listed if month.startswith(f"{year:04d}-")]
        offices: dict[tuple[str, str], str] = {}
        rows = []
        for month in listed:
            end = min(_month_end(month), last_day)
            counts: dict[tuple[str, str], dict[str, int]] = defaultdict(_no_counts)
            breaking = _breaking(parameters, end)
            for history in clients.values():
                place = _count_client(history, end, parameters, breaking)
                if place is None:
                    continue
                municipality, district, groups = place
                key = (district, municipality)
                if key not in offices:
                    offices[key] = office_of(rulebook, district, municipality)
                cell = counts[(municipality, offices[key])]
                cell[ALL] += 1
                for group in groups or ():
                    cell[group] += 1
            for (municipality, office), cell in sorted(counts.items()):
                for group in (ALL, *TARGET_GROUPS) if breaking is not None else (ALL,):
                    rows.append(
                        {
                            "month": month,
                            "municipality": municipality,
                            "office": office,
                            "target_group": group,
                            "active": cell[group],
                        }
                    )
        if not published:
            return rows
        threshold = threshold_on(period_end(year, through), parameters)
        return protect(rows, groups_layout(rows), threshold=threshold)

    @classmethod
    def _histories(cls, connection: Connection) -> dict[str, dict[str, Any]]:
        """Each client's facts, job searches and spans, each list in date order."""
        clients: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"facts": [], "searches": [], "spans": []}
        )
        for row in connection.execute(select(cls.facts).order_by(cls.facts.c.valid_from)):
            clients[row.client_id]["facts"].append((row.valid_from, row))
        statement = select(cls.searches).order_by(cls.searches.c.started_on)
        for row in connection.execute(statement):
            clients[row.client_id]["searches"].append((row.started_on, row.ended_on))
        for row in connection.execute(select(cls.spans)):
            if row.first_day is not None:
                clients[row.client_id]["spans"].append(
                    (row.first_day, row.last_day, row.service_type)
                )
        for history in clients.values():
            history["spans"].sort(key=lambda span: span[0])
            history["starts"] = [search[0] for search in history["searches"]]
            history["facts_from"] = [valid_from for valid_from, _ in history["facts"]]
        return {client_id: h for client_id, h in clients.items() if h["searches"]}

    @classmethod
    def _last_day(cls, connection: Connection) -> date | None:
        """The last business date the tables know of."""
        columns = (
            cls.facts.c.valid_from,
            cls.searches.c.started_on,
            cls.searches.c.ended_on,
            cls.spans.c.first_day,
            cls.spans.c.last_day,
        )
        days = [connection.execute(select(func.max(column))).scalar() for column in columns]
        known = [day for day in days if day is not None]
        return max(known) if known else None


def groups_layout(rows: list[dict[str, Any]]) -> Layout:
    """The caseload-groups table's identities: every target group's count is at most the
    count of ``all`` of its month, municipality and office, and the under-25s are at most the
    under-30s. The groups overlap, so they add up to nothing a reader could use."""
    whole: dict[tuple[str, str, str], int] = {}
    for index, row in enumerate(rows):
        if row["target_group"] == ALL:
            whole[(row["month"], row["municipality"], row["office"])] = index
    at = {
        (row["month"], row["municipality"], row["office"], row["target_group"]): index
        for index, row in enumerate(rows)
    }
    relations: list[Relation] = []
    for index, row in enumerate(rows):
        key = (row["month"], row["municipality"], row["office"])
        if row["target_group"] != ALL and key in whole:
            relations.append(at_most((index, "active"), (whole[key], "active")))
        if row["target_group"] == "young_statistics" and (*key, "young") in at:
            relations.append(at_most((index, "active"), (at[(*key, "young")], "active")))
    counts = tuple((index, "active") for index in range(len(rows)))
    margins = frozenset((index, "active") for index in whole.values())
    return Layout(counts=counts, relations=tuple(relations), margins=margins)


def office_of(rulebook: Rulebook, district: str, municipality: str) -> str:
    """The office that routing gives a client of this district: the unit of its transport line."""
    try:
        key = rulebook.district_key(district, municipality)
    except RoutingFactsError:
        return UNKNOWN_OFFICE
    line = rulebook.districts[key].attributes.get("line")
    units = rulebook.facts["line"].units if "line" in rulebook.facts else {}
    return str(units.get(line, UNKNOWN_OFFICE)) if line is not None else UNKNOWN_OFFICE


def _count_client(
    history: dict[str, Any], end: date, parameters: Parameters, breaking: frozenset[str] | None
) -> tuple[str, str, frozenset[str] | None] | None:
    """Where the client counts on ``end`` (municipality, district, target groups), or None when
    no job search is active then; groups are None when the parameters do not reach ``end``."""
    index = bisect_right(history["starts"], end)
    if not index:
        return None
    started_on, ended_on = history["searches"][index - 1]
    if ended_on is not None and ended_on <= end:
        return None
    at = bisect_right(history["facts_from"], end)
    facts = history["facts"][max(at, 1) - 1][1]
    if breaking is None:
        return facts.municipality, facts.district, None
    # The spans of client_records.not_unemployed_spans: employments, and started services
    # of the types that break unemployment.
    spans = [
        (first, last)
        for first, last, service_type in history["spans"]
        if service_type is None or service_type in breaking
    ]
    since = unemployed_since(
        end, job_search_started_on=started_on, job_search_ended_on=ended_on, not_unemployed=spans
    )
    groups = derive_target_groups(
        on=end,
        birth_date=facts.birth_month,
        mother_tongue=facts.mother_tongue,
        education_level=facts.education_level,
        first_residence_permit_on=facts.first_residence_permit_on,
        partially_able_to_work=facts.partially_able_to_work,
        unemployed_since=since,
        parameters=parameters,
    )
    return facts.municipality, facts.district, groups


def _breaking(parameters: Parameters, on: date) -> frozenset[str] | None:
    """The unemployment-breaking service types on ``on``; None when the target-group
    parameters have no value then (before their first date)."""
    try:
        for name in _GROUP_PARAMETERS:
            parameters.value(name, on)
        return frozenset(parameters.value("unemployment_breaking_service_types", on))
    except ParameterError:
        return None


_GROUP_PARAMETERS = (
    "young_age_limit_ohjaamo",
    "young_age_limit_statistics",
    "national_languages",
    "highly_educated_levels",
    "long_term_unemployment_months",
    "integration_phase_years",
)


def _month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return following - timedelta(days=1)


def _no_counts() -> dict[str, int]:
    return dict.fromkeys((ALL, *TARGET_GROUPS), 0)


@cache
def _packaged_rulebook() -> Rulebook:
    """The packaged rulebook, loaded once per process: only its district map is read."""
    return default_rulebook()
