"""The report-shaped views (``rv_``) for BI tools on SQLite and PostgreSQL: created with the
projections' tables, typed so that money adds up, dashed ids, nothing about a jobseeker, and
every column in the generated data dictionary."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from sqlalchemy import text

from employment_domain import EmploymentArea
from employment_domain.demo.year import run_demo
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections
from employment_domain.projections.cost_split import CostSplit
from employment_domain.projections.views import VIEWS
from tests.conftest import fresh_postgres_schema

ROOT = Path(__file__).resolve().parents[2]
DICTIONARY = ROOT / "docs" / "data-dictionary.md"
#: Names a column about a person would have; no view may have one.
PERSONAL = re.compile(r"client_id|birth|district|tongue|education|permit|name$|identity|address")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@attrs.frozen
class Built:
    dialect: str
    read_model: ReadModel


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    with ExitStack() as cleanup:  # drops the PostgreSQL schema at the end
        if request.param == "sqlite":
            store = str(tmp_path_factory.mktemp("views") / "area.db")
        else:
            store = cleanup.enter_context(contextmanager(fresh_postgres_schema)())
        area = EmploymentArea(store)
        run_demo(area, scale=0.005, seed=5)
        read_model = ReadModel.for_store(store)
        ProjectionRunner(area, read_model).catch_up()
        yield Built(request.param, read_model)
        read_model.close()
        area.close()


def rows(built: Built, sql: str) -> list[Any]:
    """The rows of ``sql``, its ``rv_`` names in the read model's schema (raw SQL is not
    translated as the tables' own statements are)."""
    schema = built.read_model.schema
    if schema:
        sql = re.sub(r"\b(rv_\w+)", rf'"{schema}".\1', sql)
    with built.read_model.connect() as connection:
        return list(connection.execute(text(sql)))


def columns_of(built: Built, view: str) -> list[str]:
    schema = built.read_model.schema
    name = f'"{schema}".{view}' if schema else view
    with built.read_model.connect() as connection:
        return list(connection.execute(text(f"SELECT * FROM {name} WHERE 1 = 0")).keys())


def test_every_view_exists_with_the_columns_it_declares(built: Built) -> None:
    for view in VIEWS:
        assert columns_of(built, view.name) == [column.name for column in view.columns], view.name
        assert view.name.startswith("rv_")


def test_the_money_and_the_counts_of_every_view_add_up_with_sql_sum(built: Built) -> None:
    for view in VIEWS:
        summed = [c.name for c in view.columns if c.kind in ("euros", "cents", "integer")]
        if not summed:
            continue
        select = ", ".join(f"SUM({name})" for name in summed)
        (totals,) = rows(built, f"SELECT {select} FROM {view.name}")
        for column, total in zip(summed, totals, strict=True):
            kind = next(c.kind for c in view.columns if c.name == column)
            if kind == "cents":
                # An integer (PostgreSQL's SUM of a BIGINT is a NUMERIC without decimals).
                assert Decimal(total) == Decimal(total).to_integral_value(), (view.name, column)
                euros = rows(built, f"SELECT SUM({column[: -len('_cents')]}) FROM {view.name}")
                if built.dialect == "postgresql":  # NUMERIC sums exactly
                    assert euros[0][0] == Decimal(total) / 100, (view.name, column)
            elif kind == "euros" and built.dialect == "postgresql":
                assert isinstance(total, Decimal), (view.name, column)


def test_the_cost_split_view_gives_the_reports_euros_to_the_cent(built: Built) -> None:
    report = built.read_model.report(CostSplit)
    view = rows(built, "SELECT year, municipality, amount, amount_cents FROM rv_cost_split")
    expected = {(row["year"], row["municipality"]): row["amount"] for row in report}
    assert expected and {(y, m): Decimal(c) / 100 for y, m, _, c in view} == expected
    (total,) = rows(built, "SELECT SUM(amount_cents) FROM rv_cost_split")[0]
    assert Decimal(total) / 100 == sum(expected.values(), Decimal(0))


def test_ids_in_the_views_are_dashed_uuids_as_the_reports_print_them(built: Built) -> None:
    for view in VIEWS:
        for column in (c.name for c in view.columns if c.kind == "id"):
            values = [value for (value,) in rows(built, f"SELECT {column} FROM {view.name}")]
            assert values, (view.name, column)
            assert all(isinstance(v, str) and UUID.fullmatch(v) for v in values), (
                view.name,
                column,
            )


def test_no_view_has_a_column_about_a_person() -> None:
    for view in VIEWS:
        assert not [c.name for c in view.columns if PERSONAL.search(c.name)], view.name


def test_a_rebuild_drops_the_views_with_the_tables_and_makes_them_again(built: Built) -> None:
    projection = next(p for p in all_projections() if p.name == "cost-split")
    built.read_model.drop_tables(projection)
    with pytest.raises(Exception):  # noqa: B017 - the view is gone, whatever the driver's error
        rows(built, "SELECT * FROM rv_cost_split")
    built.read_model.create_tables([projection])
    assert columns_of(built, "rv_cost_split")[0] == "year"


def test_every_view_column_is_in_the_data_dictionary_and_the_file_is_current() -> None:
    spec = importlib.util.spec_from_file_location(
        "data_dictionary", ROOT / "scripts" / "data_dictionary.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = DICTIONARY.read_text(encoding="utf-8")
    assert written == script.generated(), "stale: run python scripts/data_dictionary.py"
    for view in VIEWS:
        section = written.split(f"## `{view.name}`", 1)[1].split("\n## ", 1)[0]
        for column in view.columns:
            assert f"| `{column.name}` |" in section, (view.name, column.name)
