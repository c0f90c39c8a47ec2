"""The ``demo`` command: a year of the area (the packaged Espoo–Kauniainen, or the one ``--rules``
names), then its main reports.

It simulates the year into an empty store (:func:`employment_domain.demo.year.run_demo`), seals the
history so that ``audit verify`` has an anchor to check, builds the projections in the store's
read-model database, and prints the cost split, the caseload, routing and deadline compliance.
A report whose projection this version does not have yet is printed from the demo's own
summary, which counts the same things from the aggregates.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from employment_domain.cli.allocate import ratio_text
from employment_domain.cli.options import Subparsers, add_db_option, add_lang_option, print_rows
from employment_domain.cli.stores import ProgressBar, delete_sqlite_store, locked_message
from employment_domain.demo.year import DemoError
from employment_domain.errors import EmploymentDomainError, StoreError
from employment_domain.reports.read import available_reports, report_rows
from employment_domain.reports.stores import (
    CommandRefusedError,
    catch_up,
    read_model_for,
    sqlite_path,
    store_name,
)
from employment_domain.store.persistence import DEFAULT_DB_PATH, describe_store

if TYPE_CHECKING:
    from employment_domain.area import EmploymentArea
    from employment_domain.demo.year import DemoSummary
    from employment_domain.projections import ReadModel

__all__ = ["DEFAULT_DEMO_SCALE", "DEFAULT_DEMO_SEED", "DEMO_MAX_SCALE", "DEMO_YEARS", "add_parser"]

#: The default ``--scale``: the whole area (about 30,000 jobseekers), about a minute here.
DEFAULT_DEMO_SCALE = 1.0
#: The default ``--seed``: the same seed always writes the same history.
DEFAULT_DEMO_SEED = 2025
#: The years and scales that :func:`~employment_domain.demo.year.run_demo` accepts; checked here
#: too, because run_demo checks them only once the store is open (and created).
DEMO_YEARS = range(2025, 9991)
DEMO_MAX_SCALE = 5.0


def add_parser(commands: Subparsers) -> None:
    """``demo``: simulate a year and print the main reports."""
    parser = commands.add_parser(
        "demo",
        help="simulate a year of the area into a new store and print the main reports",
        description="Simulate a year of the employment area (jobseekers, employers, contracts"
        " whose seats run out, the ledger closed and split between its municipalities) into an"
        " empty store, seal it, build the projections and print the main reports. The area is"
        " the packaged Espoo–Kauniainen, or the one --rules DIR names (its parameters/demo.yaml"
        " gives what only the demo needs). The same --seed and --scale always write the same"
        " history.",
    )
    add_db_option(parser)
    parser.add_argument("--year", type=int, default=2025, help="the year (default: 2025)")
    parser.add_argument(
        "--scale",
        type=float,
        default=DEFAULT_DEMO_SCALE,
        help=f"1.0 is the whole area; 0.01 a quick run (default: {DEFAULT_DEMO_SCALE})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_DEMO_SEED, help="random seed")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help=f"delete the SQLite file (e.g. {DEFAULT_DB_PATH}) and its read model first;"
        " refused for PostgreSQL",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_lang_option(parser)
    parser.set_defaults(run=_run, parser=parser)


def _run(arguments: argparse.Namespace) -> int:
    db = store_name(arguments.db)
    _check_arguments(arguments)
    path = sqlite_path(db)
    if arguments.fresh:
        if path is None and "://" in db:
            raise CommandRefusedError(
                "--fresh deletes only SQLite files; for PostgreSQL give an empty database or a"
                " new schema (?schema=NAME)"
            )
        if path is not None:
            delete_sqlite_store(path)
    created = path is not None and not path.exists()
    try:
        return _simulate(arguments, db)
    except EmploymentDomainError:
        if created and path is not None:
            _remove_created(path)
        raise


def _simulate(arguments: argparse.Namespace, db: str) -> int:
    """Simulate the year into the empty store ``db``, seal it, build its projections and print
    the main reports."""
    from employment_domain.audit.seals import seal_history
    from employment_domain.demo.year import run_demo

    bar = ProgressBar(enabled=False if arguments.quiet else None)
    started = time.monotonic()
    try:
        area = _open_store(db)
        try:
            held = area.head_position()
            if held:
                raise CommandRefusedError(
                    f"the store {describe_store(db)!r} holds {held} events already; the demo"
                    " writes a year into an empty store (--fresh deletes a SQLite file first)"
                )
            summary = run_demo(
                area,
                year=arguments.year,
                scale=arguments.scale,
                seed=arguments.seed,
                progress=bar.show,
            )
            simulated = time.monotonic() - started
            anchor = seal_history(area)
            read_model = read_model_for(db, None)
            try:
                catch_up(area, read_model, rebuild=True, progress=bar)
                bar.done()
                _print_reports(arguments, summary, read_model, simulated, str(anchor))
            finally:
                read_model.close()
        finally:
            bar.done()
            area.close()
    except StoreError as error:
        raise locked_message(db, error) from error
    return 0


def _check_arguments(arguments: argparse.Namespace) -> None:
    """Refuse a year or scale the demo cannot simulate before anything is created, or deleted
    by --fresh: run_demo checks them only in a store it has opened."""
    year, scale = arguments.year, arguments.scale
    if year not in DEMO_YEARS:
        raise DemoError(
            f"the demo simulates a year from {DEMO_YEARS.start} on, when the area began: {year}"
        )
    if not (math.isfinite(scale) and 0 < scale <= DEMO_MAX_SCALE):
        raise DemoError(f"a scale is more than 0 and at most {DEMO_MAX_SCALE}: {scale!r}")
    _check_business_dates(year)


def _check_business_dates(year: int) -> None:
    """Refuse a year whose closing (in the next February) lies after the latest business date
    that the parameters allow: the demo would be refused there, its store half written."""
    from employment_domain.demo.finance import closing_days
    from employment_domain.parameters import ParameterError, default_parameters

    closed = closing_days(year)[1]
    try:
        latest = default_parameters().value("latest_business_date", on=closed)
        latest_day = date.fromisoformat(str(latest))
    except (ParameterError, ValueError):
        return  # no such bound in force: run_demo's own checks decide
    if closed > latest_day:
        raise DemoError(
            f"the demo of {year} closes its year on {closed}, after the latest business date"
            f" {latest_day}; choose an earlier --year"
        )


def _remove_created(path: Path) -> None:
    """Delete the store this run created and then refused to finish, so that a refusal leaves
    nothing behind; a store that is in use is left as it is."""
    with contextlib.suppress(EmploymentDomainError):
        delete_sqlite_store(path)


def _open_store(db: str) -> EmploymentArea:
    """The demo's store, created when missing; a file that is not a SQLite database is refused
    (eventsourcing lets SQLite's own error through there, not one of its persistence errors)."""
    from employment_domain.area import EmploymentArea
    from employment_domain.store.init import init_store, is_postgres

    try:
        if is_postgres(db):
            init_store(db)  # the demo, like 'store init', may create a store
        return EmploymentArea(db)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open the event store {describe_store(db)!r}: {error}") from None


def _print_reports(
    arguments: argparse.Namespace,
    summary: DemoSummary,
    read_model: ReadModel,
    seconds: float,
    anchor: str,
) -> None:
    rate = summary.events_written / seconds if seconds > 0 else 0.0
    print(
        f"Demo year {summary.year} at scale {summary.scale} (seed {summary.seed}):"
        f" {summary.clients} jobseekers, {summary.employers} employers,"
        f" {summary.procurements} contracts; {summary.events_written} events in {seconds:.1f} s"
        f" ({rate:,.0f} events/s) into {describe_store(store_name(arguments.db))}"
    )
    print(f"History sealed; keep this anchor to prove later that nothing was rewritten: {anchor}")
    fallbacks: dict[str, Callable[[DemoSummary], list[dict[str, Any]]]] = {
        "cost-split": _split_rows,
        "caseload": lambda _: [],
        "routing": _routing_rows,
        "deadlines": _deadline_rows,
    }
    views: dict[str, Callable[[list[dict[str, Any]]], list[dict[str, Any]]]] = {
        "cost-split": _split_view,
        "caseload": _caseload_summary,
    }
    titles = {
        "cost-split": f"Cost split {summary.year} (net cost, shares and settlements)",
        "caseload": f"Caseload {summary.year}: flows in the year, active job searches at year end",
        "routing": f"Routing decisions {summary.year}",
        "deadlines": f"Statutory deadlines {summary.year}",
    }
    built = set(available_reports())
    for name, fallback in fallbacks.items():
        if name in built:
            from employment_domain.projections import projection_named

            rows = report_rows(read_model, projection_named(name), year=summary.year)
        else:
            rows = fallback(summary)
        view = views.get(name)
        print()
        print_rows(view(rows) if view else rows, "table", lang=arguments.lang, title=titles[name])


_SPLIT_COLUMNS = (
    "municipality",
    "population_18_64",
    "unemployed_broad",
    "share",
    "amount",
    "advances",
    "settlement",
)


def _split_rows(summary: DemoSummary) -> list[dict[str, Any]]:
    """The closed ledger's split in the rows of the cost-split report: one per municipality."""
    split = summary.cost_split
    return [{**part, "net_cost": split["net_cost"]} for part in split["municipalities"]]


def _split_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The split's main columns, exact shares shown as decimals, and a total row whose amount
    is the net cost, which the municipalities' amounts add up to."""
    view: list[dict[str, Any]] = []
    for row in rows:
        shown = {name: row.get(name) for name in _SPLIT_COLUMNS}
        if isinstance(shown["share"], str) and "/" in shown["share"]:
            shown["share"] = ratio_text(Fraction(shown["share"]))
        view.append(shown)
    if rows:
        view.append(
            {
                "municipality": "total",
                "population_18_64": sum(row["population_18_64"] for row in rows),
                "unemployed_broad": sum(row["unemployed_broad"] for row in rows),
                "share": "1.000000",
                "amount": rows[0]["net_cost"],
            }
        )
    return view


def _routing_rows(summary: DemoSummary) -> list[dict[str, Any]]:
    total = sum(summary.decisions_by_route.values())
    return [
        {"route": route, "decisions": count, "share": _share(count, total)}
        for route, count in summary.decisions_by_route.items()
    ]


def _deadline_rows(summary: DemoSummary) -> list[dict[str, Any]]:
    return [
        {
            "deadline": act,
            "due": counts["due"],
            "on_time": counts["met"],
            "share_on_time": _share(counts["met"], counts["due"]),
        }
        for act, counts in summary.deadlines.items()
    ]


def _caseload_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The monthly caseload rows added up per municipality; ``active`` at the last month."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = totals.setdefault(row["municipality"], {"municipality": row["municipality"]})
        for name, value in row.items():
            if name in ("month", "municipality"):
                continue
            total[name] = value if name == "active" else total.get(name, 0) + value
    return list(totals.values())


def _share(part: int, whole: int) -> str:
    """A percentage to one decimal, computed in Decimal (never a float)."""
    if not whole:
        return ""
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'))} %"
