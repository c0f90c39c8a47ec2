"""A rebuild gives exactly the tables of catching up, on random histories, on each kind of store.

The rebuild applies the history aggregate by aggregate into staging tables and puts them in place
at the end; catching up applies it in log order, page by page. Both must give the same rows and
tracking positions at any cut of the history, whether the rebuild starts from nothing or replaces
tables built earlier (from another cut, so that old rows are there to be replaced).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from employment_domain.area import EmploymentArea
from employment_domain.demo.year import run_demo
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections

from ..conftest import fresh_postgres_schema, postgres_base_url
from .test_projection_properties import Command, histories, run

KINDS = ["memory", "sqlite", "postgres"]
examples = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@contextlib.contextmanager
def stores(kind: str) -> Iterator[tuple[str, str, str]]:
    """An empty store, the URL of its read model for catching up, and of another to rebuild."""
    if kind == "postgres":
        base = postgres_base_url()
        with (
            contextlib.contextmanager(fresh_postgres_schema)() as store,
            contextlib.contextmanager(fresh_postgres_schema)(initialised=False) as other,
        ):
            schema = other.rsplit("schema=", 1)[1]
            yield store, store, f"{base}?schema={schema}"
        return
    with TemporaryDirectory() as folder:
        if kind == "memory":
            yield ":memory:", "sqlite://", "sqlite://"
        else:
            store = str(Path(folder) / "area.db")
            yield store, f"sqlite:///{folder}/live.db", f"sqlite:///{folder}/rebuilt.db"


def assert_rebuild_equals_catch_up(
    area: EmploymentArea,
    live_url: str,
    rebuilt_url: str,
    *,
    cut: int,
    earlier: int,
    page: int,
    cache: int = 100_000,
) -> None:
    """Catch up to ``cut`` in pages of ``page``; build the other read model to ``earlier`` and
    rebuild it to ``cut``, caching at most ``cache`` rows; both must hold the same rows and
    positions."""
    head = area.head_position()
    live = ReadModel(live_url)
    rebuilt = ReadModel(rebuilt_url)
    try:
        ProjectionRunner(area, live, page_size=page).catch_up(stop=min(cut, head))
        runner = ProjectionRunner(area, rebuilt, page_size=page, max_cached_rows=cache)
        runner.catch_up(stop=min(earlier, head))
        progress = runner.rebuild(stop=cut)
        assert progress.position == min(cut, head)
        every = all_projections()
        assert rebuilt.snapshot(every) == live.snapshot(every)
        # The runner that rebuilt goes on catching up from where the rebuild left the tables.
        runner.catch_up()
        ProjectionRunner(area, live, page_size=page).catch_up()
        assert rebuilt.snapshot(every) == live.snapshot(every)
    finally:
        live.close()
        rebuilt.close()


@pytest.mark.parametrize("kind", KINDS)
@examples
@given(
    history=histories,
    cut=st.integers(min_value=0, max_value=60),
    earlier=st.integers(min_value=0, max_value=60),
    page=st.integers(min_value=1, max_value=9),
)
def test_a_rebuild_gives_the_tables_of_catching_up_on_random_jobseeker_histories(
    kind: str, history: list[Command], cut: int, earlier: int, page: int
) -> None:
    with stores(kind) as (store, live_url, rebuilt_url):
        area = EmploymentArea(store)
        try:
            run(area, history)
            assert_rebuild_equals_catch_up(
                area, live_url, rebuilt_url, cut=cut, earlier=earlier, page=page
            )
        finally:
            area.close()


@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(min_value=0, max_value=2**16),
    cut=st.floats(min_value=0.0, max_value=1.2),
    earlier=st.floats(min_value=0.0, max_value=1.0),
    cache=st.sampled_from([7, 100_000]),
)
def test_a_rebuild_gives_the_tables_of_catching_up_on_random_demo_years(
    kind: str, seed: int, cut: float, earlier: float, cache: int
) -> None:
    """Every aggregate and every projection: clients, employers, ledgers and procurements; with
    a cache so small that rows are written and dropped midway, or one that holds them all."""
    with stores(kind) as (store, live_url, rebuilt_url):
        area = EmploymentArea(store)
        try:
            run_demo(area, scale=0.003, seed=seed)
            head = area.head_position()
            assert_rebuild_equals_catch_up(
                area,
                live_url,
                rebuilt_url,
                cut=round(head * cut),
                earlier=round(head * earlier),
                page=97,
                cache=cache,
            )
        finally:
            area.close()


def test_a_rebuild_leaves_no_staging_tables_behind(tmp_path: Path) -> None:
    area = EmploymentArea(str(tmp_path / "area.db"))
    run_demo(area, scale=0.003, seed=7)
    read_model = ReadModel(f"sqlite:///{tmp_path / 'rm.db'}")
    ProjectionRunner(area, read_model).rebuild()
    with read_model.engine.connect() as connection:
        names = read_model.engine.dialect.get_table_names(connection)
    assert names and not [name for name in names if name.endswith("__next")]
