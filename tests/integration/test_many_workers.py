"""Many workers on one PostgreSQL store: opening never runs DDL, so any number may start at once.

eventsourcing's recorder used to run its CREATE statements on every open, and five processes
opening one store together failed with "tuple concurrently updated" or a duplicate pg_type key.
Now ``store init`` creates the tables once, under an advisory lock, and opening only reads.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from employment_domain import EmploymentArea, StoreNotInitialisedError, init_store
from employment_domain.cli.main import main
from tests.conftest import fresh_postgres_schema

PROCESSES, ROUNDS = 8, 20


def _open_repeatedly(url: str, barrier: Any, failures: Any) -> None:
    for _ in range(ROUNDS):
        barrier.wait()
        try:
            with EmploymentArea(url) as area:
                area.head_position()
        except Exception as error:  # a failure of any kind is what this test counts
            failures.put(f"{type(error).__name__}: {error}")


def _init_then_open(url: str, barrier: Any, failures: Any) -> None:
    barrier.wait()
    try:
        init_store(url)
    except Exception as error:
        failures.put(f"init: {type(error).__name__}: {error}")
    _open_repeatedly(url, barrier, failures)


def _run_together(target: Any, url: str) -> list[str]:
    context = multiprocessing.get_context("fork")
    barrier, failures = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=target, args=(url, barrier, failures)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    found = []
    while not failures.empty():
        found.append(failures.get())
    return found


@pytest.fixture
def uninitialised() -> Iterator[str]:
    yield from fresh_postgres_schema(initialised=False)


@pytest.fixture
def initialised() -> Iterator[str]:
    yield from fresh_postgres_schema()


def test_eight_workers_opening_an_initialised_store_at_the_same_moment_twenty_times_never_fail(
    initialised: str,
) -> None:
    with EmploymentArea(initialised) as area:
        area.start_job_search(on=date(2025, 3, 3), municipality="049", birth_date=date(1990, 1, 1))
    assert _run_together(_open_repeatedly, initialised) == []


def test_eight_workers_initialising_and_opening_a_fresh_store_at_once_never_fail(
    uninitialised: str,
) -> None:
    assert _run_together(_init_then_open, uninitialised) == []
    with EmploymentArea(uninitialised) as area:
        assert area.head_position() == 0


def test_opening_an_uninitialised_postgresql_store_says_how_to_initialise_it(
    uninitialised: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(StoreNotInitialisedError, match="store init"):
        EmploymentArea(uninitialised)
    assert main(["store", "init", "--db", uninitialised]) == 0
    assert "store initialised" in capsys.readouterr().out
    assert main(["store", "init", "--db", uninitialised]) == 0  # again: nothing to do
    with EmploymentArea(uninitialised) as area:
        assert area.head_position() == 0
