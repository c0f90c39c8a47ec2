"""Live catch-up equals a rebuild over histories that give every projection rows.

Each history interleaves, at random, every kind of command once in a working order
(:data:`EVERY_KIND`: jobseekers with restarts and moves, employers with contacts, subsidies,
vacancies and dismissals, procurements with seats and invoices, the ledger year with bases,
advances, budget and its close) with random commands of every kind. The live read model catches
up after each random chunk of the history, in random page sizes; another is rebuilt from zero at
the end; every table of every registered projection must match, on SQLite and PostgreSQL. Each
example must give every projection rows: a projection that stayed empty would be compared
empty against empty, which proves nothing for it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from employment_domain.area import EmploymentArea
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections

from .area_histories import EVERY_KIND, KINDS, Step, run_history, steps
from .test_rebuild_properties import stores


@st.composite
def interleaved(draw: st.DrawFn) -> list[Step]:
    """EVERY_KIND in its order with random steps put in between at random places."""
    extra = draw(st.lists(steps, min_size=4, max_size=25))
    places = sorted(
        draw(st.lists(st.integers(0, len(EVERY_KIND)), min_size=len(extra), max_size=len(extra)))
    )
    history: list[Step] = []
    taken = 0
    for index, step in enumerate(EVERY_KIND):
        while taken < len(extra) and places[taken] <= index:
            history.append(extra[taken])
            taken += 1
        history.append(step)
    return history + extra[taken:]


def empty_projections(read_model: ReadModel) -> list[str]:
    """The registered projections none of whose tables holds a row."""
    snapshot = read_model.snapshot(all_projections())
    return [
        projection.name
        for projection in all_projections()
        if not any(snapshot[table.name] for table in projection.tables)
    ]


def test_every_kind_of_command_is_accepted_and_fills_every_table_of_every_projection() -> None:
    area = EmploymentArea(":memory:")
    positions = run_history(area, EVERY_KIND)
    refused = [
        step.kind
        for step, before, after in zip(EVERY_KIND, [0, *positions[:-1]], positions, strict=True)
        if after == before
    ]
    assert refused == []
    assert {step.kind for step in EVERY_KIND} == set(KINDS)
    read_model = ReadModel("sqlite://")
    ProjectionRunner(area, read_model).catch_up()
    snapshot = read_model.snapshot(all_projections())
    empty = [t.name for p in all_projections() for t in p.tables if not snapshot[t.name]]
    assert empty == [], "extend area_histories.EVERY_KIND so that these tables get rows"


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=interleaved(),
    chunks=st.lists(st.integers(min_value=1, max_value=80), max_size=5),
    page=st.integers(min_value=1, max_value=50),
)
def test_live_catch_up_after_every_chunk_equals_a_rebuild_of_every_projection(
    kind: str, history: list[Step], chunks: list[int], page: int
) -> None:
    with stores(kind) as (store, live_url, rebuilt_url):
        area = EmploymentArea(store)
        live = ReadModel(live_url)
        rebuilt = ReadModel(rebuilt_url)
        try:
            runner = ProjectionRunner(area, live, page_size=page)
            cuts = set(chunks)

            def catch_up_at_cuts(applied: int) -> None:
                if applied in cuts:
                    runner.catch_up()

            run_history(area, history, after=catch_up_at_cuts)
            runner.catch_up()
            ProjectionRunner(area, rebuilt).rebuild()
            every = all_projections()
            assert rebuilt.snapshot(every) == live.snapshot(every)
            assert empty_projections(live) == []
            event(f"random commands: {len(history) - len(EVERY_KIND)} (4-25)")
        finally:
            live.close()
            rebuilt.close()
            area.close()
