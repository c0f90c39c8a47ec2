"""The annual report: the year's published reports and their charts as one self-contained HTML page.

:func:`render_annual_report` reads the report projections' tables (the read model must hold them,
caught up) and returns an HTML document with inline CSS and inline SVG charts (the cost split,
the monthly caseload, in-house against purchased services, contacts by channel and language,
deadline compliance) followed by the tables of every report in its published form, so counts
under five are hidden and marked as in any published table. It needs no network, no fonts and
no JavaScript, so it opens the same in any browser, offline, and prints. The integrity anchor,
when given, is printed at the end so a reader can check the history the figures came from. No
table of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from html import escape
from typing import Any

from sqlalchemy import Connection

from employment_domain.contacts import Channel, ServiceLanguage

from .annual_words import LANGUAGES, Words
from .budget import Budget
from .caseload import Caseload
from .caseload_groups import CaseloadGroups
from .charts import PALETTE, SUPPRESSED_MARK, Series, horizontal_bars, vertical_bars
from .cost_split import CostSplit
from .deadlines import ACTS, Deadlines
from .effectiveness import ALL, Effectiveness
from .outcomes import Outcomes
from .procurement import Procurements
from .projection import ProjectionError
from .readmodel import ReadModel
from .reports import PROJECTIONS
from .routing import PRODUCTION, Routing
from .service_channels import ServiceChannels
from .staff import Staff
from .structural_change import StructuralChange
from .suppression import MARKER, threshold_on

__all__ = ["render_annual_report"]

_COST_COLUMNS = (
    "municipality",
    "status",
    "population_18_64",
    "unemployed_broad",
    "share_percent",
    "amount",
    "advances",
    "settlement",
    "state_subsidies",
)
_CHANNEL_COLUMNS = ("party", "place", "channel", "language", "contacts")
_STAFF_COLUMNS = (
    "customer_service",
    "support_services",
    "total",
    "customer_service_percent",
    "customer_service_majority",
)
_PROCUREMENT_COLUMNS = (
    "service_type",
    "title",
    "in_house",
    "status",
    "seats",
    "seats_held",
    "seats_used_percent",
    "value_cap",
    "value_used",
    "value_used_percent",
)
_EFFECTIVENESS_COLUMNS = (
    "service_type",
    "municipality",
    "age_band",
    "production",
    "stratum_referrals",
    "referrals",
    "completed",
    "interrupted",
    "observed_3_months",
    "employed_within_3_months",
    "observed_6_months",
    "employed_within_6_months",
    "median_days_to_employment",
    "euros_invoiced_per_participant",
)
_STRUCTURAL_COLUMNS = (
    "opened_on",
    "closed_on",
    "municipality",
    "industry",
    "dismissals",
    "entitled_55_plus",
    "dismissed_clients_known",
    "referrals",
    "training_referrals",
    "training_seats",
)


def render_annual_report(
    readmodel_or_connection: ReadModel | Connection,
    *,
    year: int,
    anchor: str | None = None,
    lang: str = "en",
    area: str | None = None,
) -> str:
    """The annual report of ``year`` as one HTML document in ``lang`` (en, fi or sv).

    ``anchor`` is the latest integrity anchor (``ea1:<position>:<digest>``), printed as given;
    ``area`` is the area's name in ``lang`` (its ``area.yaml``), printed under the title.
    The projections' tables must exist in the read model (ProjectionError names any missing).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"the annual report is in {', '.join(LANGUAGES)}, not {lang!r}")
    if isinstance(readmodel_or_connection, ReadModel):
        with readmodel_or_connection.connect() as connection:
            return _render(connection, year, anchor, lang, area)
    return _render(readmodel_or_connection, year, anchor, lang, area)


def _render(
    connection: Connection, year: int, anchor: str | None, lang: str, area: str | None
) -> str:
    _check_built(connection)
    say = Words(lang)
    threshold = threshold_on(date(year, 12, 31))
    intro = say("intro", year=year, threshold=threshold, mark=SUPPRESSED_MARK)
    title = say("title", year=year)
    sections = [
        f"<h1>{escape(title)}</h1>",
        f"<p class=area>{escape(area)}</p>" if area else "",
        f"<p class=note>{escape(intro)}</p>",
        _cost_section(connection, year, say),
        _budget_section(connection, year, say),
        _caseload_section(connection, year, say),
        _production_section(connection, year, say),
        _channels_section(connection, year, say),
        _table_section(say, "staff", Staff.report(connection, year=year), _STAFF_COLUMNS),
        _deadlines_section(connection, year, say),
        _outcomes_section(connection, year, say),
        _effectiveness_section(connection, year, say),
        _table_section(
            say,
            "procurement",
            Procurements.report(connection, year=year, published=True),
            _PROCUREMENT_COLUMNS,
        ),
        _table_section(
            say,
            "structural",
            StructuralChange.report(connection, year=year, published=True),
            _STRUCTURAL_COLUMNS,
        ),
        _anchor_section(anchor, say),
    ]
    legend = say("legend", mark=SUPPRESSED_MARK, below=threshold - 1)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(f'{title} – {area}' if area else title)}</title>"
        f"<style>{_CSS}</style></head>"
        f"<body>{''.join(sections)}<p class=note>{escape(legend)}</p></body></html>\n"
    )


def _check_built(connection: Connection) -> None:
    translate = connection.get_execution_options().get("schema_translate_map") or {}
    schema = translate.get(None)
    missing = [
        projection.name
        for projection in PROJECTIONS
        if not all(
            connection.dialect.has_table(connection, table.name, schema=schema)
            for table in projection.metadata.sorted_tables
        )
    ]
    if missing:
        raise ProjectionError(
            f"the read model has no tables of {', '.join(missing)}; catch the projections up"
            " first (employment-area projections catch-up)"
        )


def _table(say: Words, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return f"<p>{escape(say('none'))}</p>"
    head = "".join(f"<th>{escape(say.column(column))}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(say.cell(row, column) for column in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(say: Words, key: str, *parts: str) -> str:
    return f'<section id="{key}"><h2>{escape(say(key))}</h2>{"".join(parts)}</section>'


def _table_section(
    say: Words, key: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]
) -> str:
    return _section(say, key, _table(say, rows, columns))


def _cost_section(connection: Connection, year: int, say: Words) -> str:
    rows = CostSplit.report(connection, year=year, published=True)
    for row in rows:
        share = row.get("share")
        row["share_percent"] = None if share is None else _fraction_percent(Fraction(str(share)))
    chart = horizontal_bars(
        say("cost_chart"),
        [say.municipality(row["municipality"]) for row in rows],
        [Series(say.column("amount"), PALETTE[0], [row["amount"] for row in rows])],
        unit=" €",
        number=lambda value: say.number(value, money=True),
    )
    weights = ""
    if rows:
        first = rows[0]
        weights = (
            f"<h3>{escape(say('weights'))}</h3><p>{escape(say.value(str(first['status'])))}; "
            f"{escape(say.column('net_cost'))}: "
            f"{escape(say.number(first['net_cost'], money=True))}</p>"
            f"<p class=note>{escape(str(first['weights_version'] or ''))}</p>"
            f"<p class=note>{escape(str(first['weights_reference'] or ''))}</p>"
        )
    return _section(say, "cost_split", chart, _table(say, rows, _COST_COLUMNS), weights)


def _fraction_percent(share: Fraction) -> Decimal:
    exact = Decimal(share.numerator) * 100 / Decimal(share.denominator)
    return exact.quantize(Decimal("0.01"))


def _budget_section(connection: Connection, year: int, say: Words) -> str:
    rows = Budget.report(connection, year=year, by="year", published=True)
    columns = ("category", "budget", "actual", "difference", "used_percent")
    return _section(say, "budget", _table(say, rows, columns))


def _caseload_section(connection: Connection, year: int, say: Words) -> str:
    rows = Caseload.report(connection, year=year, published=True)
    months = sorted({row["month"] for row in rows})
    places = sorted({row["municipality"] for row in rows})
    active = {(row["month"], row["municipality"]): row for row in rows}
    series = [
        Series(
            say.municipality(place),
            PALETTE[index % len(PALETTE)],
            [_value(active.get((month, place)), "active") for month in months],
        )
        for index, place in enumerate(places)
    ]
    chart = vertical_bars(say("caseload_chart"), months, series, stacked=True, number=say.number)
    columns = ("month", "municipality", "started", "restarted", "ended", "active")
    groups = CaseloadGroups.report(connection, year=year, published=True)
    last = max((row["month"] for row in groups), default=None)
    at_end = [row for row in groups if row["month"] == last]
    group_table = _table(say, at_end, ("month", "municipality", "office", "target_group", "active"))
    return _section(
        say,
        "caseload",
        chart,
        _table(say, rows, columns),
        f"<h3>{escape(say('groups'))}</h3>",
        group_table,
    )


def _value(row: Mapping[str, Any] | None, column: str) -> int | Decimal | None:
    """A chart value: 0 where there is no row, None where the cell is suppressed."""
    if row is None:
        return 0
    value = row.get(column)
    return value if isinstance(value, int | Decimal) else None


def _production_section(connection: Connection, year: int, say: Words) -> str:
    rows = Routing.report(connection, year=year, by="production", published=True)
    services = [row for row in rows if row["service_type"] != "total"]
    chart = horizontal_bars(
        say("production_chart"),
        [say.value(row["service_type"], "service_type") for row in services],
        [
            Series(say.value(way), PALETTE[index], [_value(row, way) for row in services])
            for index, way in enumerate(PRODUCTION)
        ],
        number=say.number,
    )
    columns = ("service_type", *PRODUCTION, "total", "purchased_percent")
    rules = Routing.report(connection, year=year, published=True)
    rule_columns = ("service_type", "route", "rule_id", "referrals")
    return _section(
        say,
        "production",
        chart,
        _table(say, rows, columns),
        f"<h3>{escape(say('rules'))}</h3>",
        _table(say, rules, rule_columns),
    )


def _channels_section(connection: Connection, year: int, say: Words) -> str:
    """Contacts by channel and language of service (the bars add up the counts the published
    table shows, so a hidden count is in neither), and the table by place."""
    rows = ServiceChannels.report(connection, year=year, by="year", published=True)
    channels = [channel.value for channel in Channel]
    languages = [language.value for language in ServiceLanguage]
    shown: dict[tuple[str, str], int] = {}
    for row in rows:
        if isinstance(row["contacts"], int):
            key = (row["channel"], row["language"])
            shown[key] = shown.get(key, 0) + row["contacts"]
    chart = horizontal_bars(
        say("channels_chart"),
        [say.value(channel, "channel") for channel in channels],
        [
            Series(
                say.value(language, "language"),
                PALETTE[index],
                [shown.get((channel, language), 0) for channel in channels],
            )
            for index, language in enumerate(languages)
        ],
        number=say.number,
    )
    return _section(say, "channels", chart, _table(say, rows, _CHANNEL_COLUMNS))


def _deadlines_section(connection: Connection, year: int, say: Words) -> str:
    rows = Deadlines.report(connection, year=year, published=True)
    months = sorted({row["month"] for row in rows})
    by_key = {(row["month"], row["act"]): row for row in rows}
    series = [
        Series(
            say.value(act),
            PALETTE[index],
            [_percent_value(by_key.get((month, act))) for month in months],
        )
        for index, act in enumerate(ACTS)
    ]
    chart = vertical_bars(
        say("deadlines_chart"),
        months,
        series,
        stacked=False,
        maximum=100,
        unit=" %",
        number=say.number,
    )
    columns = ("month", "act", "due", "held_on_time", "held_late", "overdue", "open")
    return _section(say, "deadlines", chart, _table(say, rows, (*columns, "on_time_percent")))


def _percent_value(row: Mapping[str, Any] | None) -> Decimal | int | None:
    """The on-time share to draw: None when suppressed, 0 (no bar) when nothing was decided."""
    if row is None:
        return 0
    if "on_time_percent" in str(row.get(MARKER) or "").split(","):
        return None
    value = row.get("on_time_percent")
    return value if isinstance(value, Decimal) else 0


def _outcomes_section(connection: Connection, year: int, say: Words) -> str:
    rows = Outcomes.report(connection, year=year, published=True)
    if not rows:
        return _section(say, "outcomes", f"<p>{escape(say('none'))}</p>")
    row = rows[0]
    figures = [name for name in row if name not in ("year", MARKER)]
    body = "".join(
        f"<tr><th>{escape(say.column(name))}</th>{say.cell(row, name)}</tr>" for name in figures
    )
    head = f"<tr><th>{escape(say('figure'))}</th><th>{escape(say('value'))}</th></tr>"
    return _section(say, "outcomes", f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")


def _effectiveness_section(connection: Connection, year: int, say: Words) -> str:
    """The strata of all target groups together, from the effectiveness report's published form
    (the same hidden cells as its CSV), so in-house and purchased stand side by side."""
    rows = Effectiveness.report(connection, year=year, published=True)
    shown = [row for row in rows if row["target_group"] == ALL]
    note = f"<p class=note>{escape(say('effectiveness_note'))}</p>"
    return _section(say, "effectiveness", note, _table(say, shown, _EFFECTIVENESS_COLUMNS))


def _anchor_section(anchor: str | None, say: Words) -> str:
    if anchor is None:
        return _section(say, "anchor", f"<p>{escape(say('no_anchor'))}</p>")
    return _section(
        say,
        "anchor",
        f"<p><code>{escape(anchor)}</code></p><p class=note>{escape(say('anchor_text'))}</p>",
    )


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:24px auto;max-width:1100px;color:#1a1a1a;
padding:0 16px;line-height:1.4}
h1{font-size:26px;border-bottom:3px solid #1f5fa8;padding-bottom:6px}
p.area{font-size:18px;margin-top:-6px;color:#1f5fa8}
h2{font-size:20px;margin-top:32px;color:#1f5fa8}h3{font-size:16px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #c8c8c8;padding:3px 7px;text-align:left;vertical-align:top}
thead th{background:#eef3fa}td.n{text-align:right;white-space:nowrap}
td.s{text-align:center;color:#a00000;font-weight:bold}
.note{color:#444;font-size:13px}code{font-size:13px;word-break:break-all}
svg{display:block;margin:8px 0;max-width:100%;height:auto}
@media print{h2{break-before:auto}section{break-inside:avoid-page}}
"""
