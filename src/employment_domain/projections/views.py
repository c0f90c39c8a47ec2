"""Report-shaped SQL views (``rv_``) over the read-model tables, for BI tools.

The ``rm_`` tables are a projection's working state: shaped for applying events, with ids stored
as the database keeps a UUID (32 hex digits on SQLite) and euros as decimal text on SQLite. An
analyst in Power BI, pandas or DuckDB wants rows shaped like the reports, typed so that they add
up, and nothing about a person. Each view here is one such table:

- **ids** are text in the dashed UUID form the reports print, on every database;
- **euros** come twice: ``<name>`` in euros (``NUMERIC(16, 2)`` on PostgreSQL, exact; on
  SQLite a numeric value, which SQLite adds up as a binary float) and ``<name>_cents``, whole
  cents as an integer, exact on both: **on SQLite add up the ``_cents`` columns**;
- **months** are ``YYYY-MM`` text, **dates** are dates (ISO text on SQLite);
- **no per-client rows**: the views aggregate, or describe contracts, cases and vacancies, never
  a jobseeker; counts are exact (the BI views are not the published form).

A view is created with its projection's tables (:meth:`ReadModel.create_tables`) and dropped
with them before a rebuild, on SQLite and PostgreSQL alike. ``docs/data-dictionary.md`` is
generated from the definitions here (by :mod:`.dictionary`, through
``scripts/data_dictionary.py``); a test fails when it is stale or a view's column is missing
from it. No table of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
from sqlalchemy import Connection, text

__all__ = ["VIEWS", "View", "ViewColumn", "create_views", "drop_views"]

#: Every view's name starts with this.
VIEW_PREFIX = "rv_"


@attrs.frozen
class ViewColumn:
    """One column of a view: its name, its kind (``id``, ``text``, ``integer``, ``date``,
    ``month``, ``euros``, ``cents``, ``boolean``) and what it means."""

    name: str
    kind: str
    description: str


@attrs.frozen
class View:
    """A report-shaped view over one projection's tables: ``select(sql)`` gives its SELECT with
    the dialect's expressions from ``sql``."""

    name: str
    projection: str
    description: str
    columns: tuple[ViewColumn, ...]
    select: Callable[[_Sql], str]


@attrs.frozen
class _Sql:
    """The expressions that differ between SQLite and PostgreSQL, and the tables' schema."""

    dialect: str
    schema: str | None

    def table(self, name: str) -> str:
        return f'"{self.schema}"."{name}"' if self.schema else f'"{name}"'

    def id(self, column: str) -> str:
        if self.dialect == "postgresql":
            return f"CAST({column} AS TEXT)"
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        pieces = " || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts)
        return f"lower({pieces})"

    def euros(self, column: str) -> str:
        if self.dialect == "postgresql":
            return f"CAST({column} AS NUMERIC(16, 2))"
        return f"CAST({column} AS NUMERIC)"

    def cents(self, column: str) -> str:
        if self.dialect == "postgresql":
            return f"CAST({column} * 100 AS BIGINT)"
        # The stored text always has two decimals ("-1234.50"): dropping the point gives cents.
        return f"CAST(replace({column}, '.', '') AS INTEGER)"

    def month(self, column: str) -> str:
        if self.dialect == "postgresql":
            return f"to_char({column}, 'YYYY-MM')"
        return f"substr({column}, 1, 7)"

    def money(self, column: str, name: str) -> str:
        """Both forms of an amount: euros as ``name`` and whole cents as ``name_cents``."""
        return f"{self.euros(column)} AS {name}, {self.cents(column)} AS {name}_cents"


def _money(name: str, meaning: str) -> tuple[ViewColumn, ViewColumn]:
    return (
        ViewColumn(name, "euros", f"{meaning}, euros"),
        ViewColumn(f"{name}_cents", "cents", f"{meaning}, whole cents (exact on every database)"),
    )


def _cost_split(sql: _Sql) -> str:
    return f"""
SELECT l.year AS year, l.area AS area, m.municipality AS municipality,
       CASE WHEN l.closed_on IS NULL THEN 'provisional' ELSE 'closed' END AS status,
       m.population_18_64 AS population_18_64,
       m.population_reference_date AS population_reference_date,
       m.unemployed_broad AS unemployed_broad,
       m.unemployed_reference_date AS unemployed_reference_date,
       {sql.money("m.amount", "amount")}, {sql.money("m.advances", "advances")},
       {sql.money("m.settlement", "settlement")}
FROM {sql.table("rm_cost_split_municipalities")} m
JOIN {sql.table("rm_cost_split_ledgers")} l ON l.ledger_id = m.ledger_id"""


def _ledgers(sql: _Sql) -> str:
    return f"""
SELECT {sql.id("l.ledger_id")} AS ledger_id, l.year AS year, l.area AS area,
       l.opened_on AS opened_on, l.closed_on AS closed_on,
       {sql.money("l.split_net_cost", "net_cost")}
FROM {sql.table("rm_cost_split_ledgers")} l"""


def _budget(sql: _Sql) -> str:
    return f"""
SELECT l.year AS year, {sql.month("a.day")} AS month, a.category AS category,
       {sql.euros("SUM(a.actual)")} AS actual, SUM({sql.cents("a.actual")}) AS actual_cents
FROM {sql.table("rm_budget_actuals")} a
JOIN {sql.table("rm_budget_ledgers")} l ON l.ledger_id = a.ledger_id
GROUP BY l.year, {sql.month("a.day")}, a.category"""


def _caseload(sql: _Sql) -> str:
    flows = ("started", "restarted", "ended", "moved_in", "moved_out")
    sums = ", ".join(f"SUM({flow}) AS {flow}" for flow in flows)
    return f"""
SELECT month, municipality, {", ".join(flows)},
       SUM(started + restarted + moved_in - ended - moved_out)
           OVER (PARTITION BY municipality ORDER BY month) AS active
FROM (SELECT {sql.month("day")} AS month, municipality, {sums}
      FROM {sql.table("rm_caseload_days")} GROUP BY {sql.month("day")}, municipality) monthly"""


def _routing(sql: _Sql) -> str:
    return f"""
SELECT {sql.month("day")} AS month, service_type, route, rule_id, SUM(referrals) AS referrals
FROM {sql.table("rm_routing_decisions")}
GROUP BY {sql.month("day")}, service_type, route, rule_id"""


def _service_channels(sql: _Sql) -> str:
    return f"""
SELECT {sql.month("day")} AS month, party, place, channel, language, SUM(contacts) AS contacts
FROM {sql.table("rm_service_contacts")}
GROUP BY {sql.month("day")}, party, place, channel, language"""


def _services(sql: _Sql) -> str:
    month = sql.month("referred_on")
    ended = "SUM(CASE WHEN outcome = '{0}' THEN 1 ELSE 0 END) AS {0}"
    return f"""
SELECT {month} AS month, service_type, route, municipality, COUNT(*) AS referrals,
       COUNT(started_on) AS started, {ended.format("completed")}, {ended.format("interrupted")}
FROM {sql.table("rm_effect_referrals")} GROUP BY {month}, service_type, route, municipality"""


def _procurement(sql: _Sql) -> str:
    flows = ", ".join(
        f"SUM({sql.cents(name)}) AS {name}" for name in ("invoiced", "approved", "rejected")
    )
    money = ", ".join(
        f"{sql.euros(f'COALESCE(d.{name}, 0) / 100.0')} AS {name}, "
        f"COALESCE(d.{name}, 0) AS {name}_cents"
        for name in ("invoiced", "approved", "rejected")
    )
    return f"""
SELECT {sql.id("c.procurement_id")} AS procurement_id, c.service_type AS service_type,
       c.title AS title, c.in_house AS in_house, c.planned_on AS planned_on,
       c.tendered_on AS tendered_on, c.awarded_on AS awarded_on,
       c.contracted_on AS contracted_on, c.ended_on AS ended_on, c.starts_on AS starts_on,
       c.last_day AS last_day, {sql.money("c.unit_price", "unit_price")}, c.seats AS seats,
       {sql.money("c.value_cap", "value_cap")},
       COALESCE(d.seats_reserved, 0) AS seats_reserved,
       COALESCE(d.seats_released, 0) AS seats_released, {money}
FROM {sql.table("rm_procurement_contracts")} c
LEFT JOIN (SELECT procurement_id, SUM(seats_reserved) AS seats_reserved,
                  SUM(seats_released) AS seats_released, {flows}
           FROM {sql.table("rm_procurement_days")} GROUP BY procurement_id) d
       ON d.procurement_id = c.procurement_id"""


def _structural(sql: _Sql) -> str:
    notices = f"""FROM {sql.table("rm_structural_notices")} n
             WHERE n.notice_id = c.opening_notice_id
                OR (c.negotiation_id IS NOT NULL AND n.negotiation_id = c.negotiation_id)"""
    return f"""
SELECT {sql.id("c.case_id")} AS case_id, {sql.id("c.employer_id")} AS employer_id,
       e.municipality AS municipality, e.industry AS industry,
       c.opened_on AS opened_on, c.closed_on AS closed_on,
       (SELECT COALESCE(SUM(n.dismissals), 0) {notices}) AS dismissals,
       (SELECT COALESCE(SUM(n.entitled), 0) {notices}) AS entitled_55_plus,
       (SELECT COALESCE(SUM(n.clients_known), 0) {notices}) AS dismissed_clients_known
FROM {sql.table("rm_structural_cases")} c
LEFT JOIN {sql.table("rm_structural_employers")} e ON e.employer_id = c.employer_id"""


def _vacancies(sql: _Sql) -> str:
    return f"""
SELECT {sql.id("v.vacancy_id")} AS vacancy_id, v.reported_on AS reported_on,
       v.positions AS positions, v.withdrawn_on AS withdrawn_on,
       COALESCE(f.positions_filled, 0) AS positions_filled, f.last_filled_on AS last_filled_on
FROM {sql.table("rm_outcome_vacancies")} v
LEFT JOIN (SELECT vacancy_id, SUM(positions) AS positions_filled, MAX(day) AS last_filled_on
           FROM {sql.table("rm_outcome_fills")} GROUP BY vacancy_id) f
       ON f.vacancy_id = v.vacancy_id"""


_YEAR = ViewColumn("year", "integer", "the ledger's year")
_AREA = ViewColumn("area", "text", "the employment area's key (espoo-kauniainen)")
_MUNICIPALITY = ViewColumn("municipality", "text", "Statistics Finland municipality code")
_MONTH = ViewColumn("month", "month", "the month, YYYY-MM")
_SERVICE = ViewColumn("service_type", "text", "the service's code (the catalogs name it)")

#: The views, each over one projection's tables.
VIEWS: tuple[View, ...] = (
    View(
        "rv_cost_split",
        "cost-split",
        "Each municipality's share of a ledger year's net cost, its basis, advances and the"
        " year-end settlement (the cost-split report).",
        (
            _YEAR,
            _AREA,
            _MUNICIPALITY,
            ViewColumn("status", "text", "closed (the split is final) or provisional"),
            ViewColumn("population_18_64", "integer", "18–64-year-olds on the reference date"),
            ViewColumn("population_reference_date", "date", "the population's reference date"),
            ViewColumn("unemployed_broad", "integer", "the broadly unemployed on its date"),
            ViewColumn("unemployed_reference_date", "date", "the unemployed's reference date"),
            *_money("amount", "the municipality's share of the net cost"),
            *_money("advances", "advances paid"),
            *_money("settlement", "the year-end settlement (share minus advances)"),
        ),
        _cost_split,
    ),
    View(
        "rv_cost_ledgers",
        "cost-split",
        "Each municipal cost ledger: its year, when it opened and closed, and the net cost split.",
        (
            ViewColumn("ledger_id", "id", "the ledger's id"),
            _YEAR,
            _AREA,
            ViewColumn("opened_on", "date", "the day the ledger was opened"),
            ViewColumn("closed_on", "date", "the day it was closed (empty while open)"),
            *_money("net_cost", "the net cost split between the municipalities"),
        ),
        _ledgers,
    ),
    View(
        "rv_budget_actuals",
        "budget",
        "Realised costs per ledger year, month and cost category (the budget report's actuals;"
        " the budget itself is a dated parameter, not stored in the read model).",
        (
            _YEAR,
            _MONTH,
            ViewColumn("category", "text", "the cost category's code"),
            *_money("actual", "costs realised in the month"),
        ),
        _budget,
    ),
    View(
        "rv_caseload",
        "caseload",
        "Job searches started, restarted and ended and moves per month and municipality, and the"
        " active caseload at month end (the caseload report).",
        (
            _MONTH,
            _MUNICIPALITY,
            ViewColumn("started", "integer", "job searches started"),
            ViewColumn("restarted", "integer", "job searches restarted"),
            ViewColumn("ended", "integer", "job searches ended"),
            ViewColumn("moved_in", "integer", "active jobseekers who moved into the municipality"),
            ViewColumn("moved_out", "integer", "active jobseekers who moved out"),
            ViewColumn("active", "integer", "jobseekers with an active job search at month end"),
        ),
        _caseload,
    ),
    View(
        "rv_routing",
        "routing",
        "Referrals per month, service, route and the rule that decided (the routing report).",
        (
            _MONTH,
            _SERVICE,
            ViewColumn("route", "text", "where the service was produced (the route's code)"),
            ViewColumn("rule_id", "text", "the id of the rule that decided"),
            ViewColumn("referrals", "integer", "referrals decided so"),
        ),
        _routing,
    ),
    View(
        "rv_service_channels",
        "service-channels",
        "Contacts per month, party, office or place, channel and language of service (the"
        " service-channels report).",
        (
            _MONTH,
            ViewColumn("party", "text", "client or employer"),
            ViewColumn("place", "text", "the office or place of the contact"),
            ViewColumn("channel", "text", "lobby, appointment, remote, e_service, service_square"),
            ViewColumn("language", "text", "the language of service: finnish, swedish, english"),
            ViewColumn("contacts", "integer", "contacts made so"),
        ),
        _service_channels,
    ),
    View(
        "rv_service_outcomes",
        "effectiveness",
        "Referrals per month, service, route and municipality, and how their services went.",
        (
            _MONTH,
            _SERVICE,
            ViewColumn("route", "text", "where the service was produced (the route's code)"),
            _MUNICIPALITY,
            ViewColumn("referrals", "integer", "referrals made"),
            ViewColumn("started", "integer", "of them, services started"),
            ViewColumn("completed", "integer", "of them, services completed"),
            ViewColumn("interrupted", "integer", "of them, services interrupted"),
        ),
        _services,
    ),
    View(
        "rv_procurement_contracts",
        "procurement",
        "Each procurement: its steps, its contract terms and what has been used of them (the"
        " procurement report, over the whole history).",
        (
            ViewColumn("procurement_id", "id", "the procurement's id"),
            _SERVICE,
            ViewColumn("title", "text", "the procurement's title as recorded"),
            ViewColumn("in_house", "boolean", "awarded in-house (Omnia) without a tender"),
            ViewColumn("planned_on", "date", "planned"),
            ViewColumn("tendered_on", "date", "tendered"),
            ViewColumn("awarded_on", "date", "awarded"),
            ViewColumn("contracted_on", "date", "contracted"),
            ViewColumn("ended_on", "date", "ended"),
            ViewColumn("starts_on", "date", "the contract period's first day"),
            ViewColumn("last_day", "date", "the contract period's last day"),
            *_money("unit_price", "the price of one seat"),
            ViewColumn("seats", "integer", "seats contracted"),
            *_money("value_cap", "the contract's value cap"),
            ViewColumn("seats_reserved", "integer", "seats reserved, all told"),
            ViewColumn("seats_released", "integer", "seats released, all told"),
            *_money("invoiced", "invoices received"),
            *_money("approved", "invoices approved"),
            *_money("rejected", "invoices rejected"),
        ),
        _procurement,
    ),
    View(
        "rv_structural_cases",
        "structural-change",
        "Each structural-change case with its employer's municipality and industry and the"
        " dismissals of its notices (the structural-change report's case rows).",
        (
            ViewColumn("case_id", "id", "the case's id"),
            ViewColumn("employer_id", "id", "the employer's id (never its name)"),
            _MUNICIPALITY,
            ViewColumn("industry", "text", "the employer's TOL 2008 industry code"),
            ViewColumn("opened_on", "date", "the day the case opened"),
            ViewColumn("closed_on", "date", "the day it closed (empty while open)"),
            ViewColumn("dismissals", "integer", "dismissals notified in the case"),
            ViewColumn("entitled_55_plus", "integer", "those entitled to change-security training"),
            ViewColumn("dismissed_clients_known", "integer", "the dismissed known as clients"),
        ),
        _structural,
    ),
    View(
        "rv_vacancies",
        "outcomes",
        "Each vacancy reported by an employer: its positions, when they were filled, any"
        " withdrawal (the outcomes report's time to fill).",
        (
            ViewColumn("vacancy_id", "id", "the vacancy's id"),
            ViewColumn("reported_on", "date", "the day it was reported"),
            ViewColumn("positions", "integer", "positions open"),
            ViewColumn("withdrawn_on", "date", "the day it was withdrawn (empty if not)"),
            ViewColumn("positions_filled", "integer", "positions filled so far"),
            ViewColumn("last_filled_on", "date", "the day a position was last filled"),
        ),
        _vacancies,
    ),
)


def _views_of(projections: Sequence[str]) -> list[View]:
    return [view for view in VIEWS if view.projection in projections]


def create_views(connection: Connection, projections: Sequence[str], schema: str | None) -> None:
    """Create (or replace) the views over ``projections``' tables, whose tables must exist."""
    sql = _Sql(connection.dialect.name, schema)
    for view in _views_of(projections):
        name = sql.table(view.name)
        if sql.dialect == "postgresql":
            # Several runners may start at once: one replaces the views at a time.
            connection.execute(text("SELECT pg_advisory_xact_lock(4242018)"))
            connection.execute(text(f"CREATE OR REPLACE VIEW {name} AS {view.select(sql)}"))
        else:
            connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
            connection.execute(text(f"CREATE VIEW {name} AS {view.select(sql)}"))


def drop_views(connection: Connection, projections: Sequence[str], schema: str | None) -> None:
    """Drop the views over ``projections``' tables (before the tables are dropped)."""
    sql = _Sql(connection.dialect.name, schema)
    for view in _views_of(projections):
        connection.execute(text(f"DROP VIEW IF EXISTS {sql.table(view.name)}"))
