"""Benchmark of projection rebuilds: events per second against a raw SELECT plus json.loads.

Usage::

    .venv/bin/python benchmarks/projections.py [--events 60000] [--runs 5] [--page-size 5000]
        [--postgres postgresql://test:test@127.0.0.1:54329/postgres]

It writes a history of jobseekers (job searches started, moved, ended and restarted: every event
is one that a projection reads) into a fresh SQLite file, and into a fresh PostgreSQL schema when a
URL is given, then measures, interleaved and after one discarded warm-up run, the median of
``--runs`` runs of:

- raw: ``SELECT`` of the stored events' position, topic, originator id and version and state
  (what a projection needs of each) in pages of 1,000, and ``json.loads`` of each state: the
  cost floor of reading the history in Python; for one projection, of the events it reads;
- rebuild: projections rebuilt from zero (``ProjectionRunner.rebuild``) in the read-model
  database (a SQLite file beside the store; the store's own PostgreSQL schema), replacing the
  tables of the previous run, tracking positions included: each projection that reads this
  history alone, and every projection of the library together in one runner.

It prints the rates and each rebuild as a share of its raw read. The target is at least 25 % for
each rebuild; the exit status says whether the caseload projection, which reads every event of
this history, met it.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from employment_domain.area import EmploymentArea
from employment_domain.clients.client import Client
from employment_domain.projections import (
    PROJECTIONS,
    ProjectionRunner,
    ReadModel,
    projection_named,
    read_model_url,
)
from employment_domain.projections.reading import LogReader
from employment_domain.projections.runner import DEFAULT_PAGE_SIZE
from employment_domain.store.init import init_store
from employment_domain.store.service import application_of
from employment_domain.values import MunicipalityCode

TARGET = 0.25
#: The columns a projection needs of each stored event, which the raw read selects as well.
_COLUMNS = "notification_id, topic, originator_id, originator_version, state"
_MUNICIPALITIES = (MunicipalityCode("049"), MunicipalityCode("235"))


class _Pool:
    """Clients in no particular order: a random sample and a removal in constant time.

    ``list.remove`` compares aggregates one by one, which made writing a long history
    quadratic (a million events would take hours).
    """

    def __init__(self) -> None:
        self.clients: list[Client] = []
        self._index: dict[uuid.UUID, int] = {}

    def __len__(self) -> int:
        return len(self.clients)

    def add(self, client: Client) -> None:
        self._index[client.id] = len(self.clients)
        self.clients.append(client)

    def remove(self, client: Client) -> None:
        index = self._index.pop(client.id)
        last = self.clients.pop()
        if last is not client:
            self.clients[index] = last
            self._index[last.id] = index

    def sample(self, rnd: random.Random, count: int) -> list[Client]:
        return rnd.sample(self.clients, min(len(self.clients), count))


def write_history(area: EmploymentArea, events: int, *, seed: int = 6) -> int:
    """Write about ``events`` jobseeker events, day by day as an area records them.

    Each business day some job searches start, some active jobseekers move to the other
    municipality or end their job search, and some of those who ended restart; the day's events
    are saved together. Returns the number of events written.
    """
    rnd = random.Random(seed)
    written = 0
    day = date(2025, 1, 1)
    active, ended = _Pool(), _Pool()
    while written < events:
        touched: dict[uuid.UUID, Client] = {}
        for _ in range(rnd.randrange(20, 60)):
            client = Client.start_job_search(
                uuid.UUID(int=rnd.getrandbits(128)),
                on=day,
                municipality=rnd.choice(_MUNICIPALITIES),
                birth_date=date(1980, 5, 1),
            )
            active.add(client)
            touched[client.id] = client
        for client in active.sample(rnd, rnd.randrange(0, 15)):
            other = next(m for m in _MUNICIPALITIES if m != client.municipality)
            client.change_facts(on=day, municipality=other)
            touched[client.id] = client
        for client in active.sample(rnd, rnd.randrange(10, 40)):
            active.remove(client)
            client.end_job_search(on=day, reason="employed")
            ended.add(client)
            touched[client.id] = client
        for client in ended.sample(rnd, rnd.randrange(0, 15)):
            ended.remove(client)
            client.restart_job_search(on=day, parameters=area.parameters)
            active.add(client)
            touched[client.id] = client
        written += sum(len(client.pending_events) for client in touched.values())
        application_of(area).save(*touched.values())
        day += timedelta(days=1)
    return written


Variant = Callable[[], tuple[int, float]]


def _topic_filter(topics: Sequence[str], placeholder: str) -> str:
    return f" AND topic IN ({', '.join([placeholder] * len(topics))})" if topics else ""


def raw_sqlite(path: Path, topics: Sequence[str] = ()) -> Variant:
    """SELECT id and state in pages of 1,000 from the SQLite store, json.loads each state.

    With ``topics``, only the events of those topics, as the runner reads them for a projection.
    """

    def run() -> tuple[int, float]:
        started = time.perf_counter()
        count, last = 0, 0
        statement = (
            f"SELECT {_COLUMNS.replace('notification_id', 'rowid')} FROM stored_events"
            f" WHERE rowid > ?{_topic_filter(topics, '?')} ORDER BY rowid LIMIT 1000"
        )
        with sqlite3.connect(path) as connection:
            while True:
                rows = connection.execute(statement, (last, *topics)).fetchall()
                if not rows:
                    break
                for row in rows:
                    json.loads(row[4])
                count += len(rows)
                last = rows[-1][0]
        connection.close()
        return count, time.perf_counter() - started

    return run


def raw_postgres(url: str, schema: str, topics: Sequence[str] = ()) -> Variant:
    """The same SELECT and json.loads on the PostgreSQL store's events table."""
    import psycopg

    def run() -> tuple[int, float]:
        started = time.perf_counter()
        count, last = 0, 0
        statement = (
            f'SELECT {_COLUMNS} FROM "{schema}".employmentarea_events WHERE notification_id > %s'
            f"{_topic_filter(topics, '%s')} ORDER BY notification_id LIMIT 1000"
        )
        with psycopg.connect(url) as connection:
            while True:
                rows = connection.execute(statement, (last, *topics)).fetchall()
                if not rows:
                    break
                for row in rows:
                    json.loads(row[4])
                count += len(rows)
                last = rows[-1][0]
        return count, time.perf_counter() - started

    return run


def rebuild(
    area: EmploymentArea, url: str, page_size: int, projections: Sequence[str] | None
) -> Variant:
    """The named projections (None: all) rebuilt from zero over the tables of the previous run
    (``ProjectionRunner.rebuild``: staged beside them and put in their place at the end)."""

    def run() -> tuple[int, float]:
        read_model = ReadModel(url)
        try:
            chosen = None if projections is None else [projection_named(n) for n in projections]
            runner = ProjectionRunner(area, read_model, chosen, page_size=page_size)
            started = time.perf_counter()
            progress = runner.rebuild()
            return progress.events, time.perf_counter() - started
        finally:
            read_model.close()

    return run


def measure(variants: dict[str, Variant], runs: int) -> dict[str, float]:
    """Median rate of each variant over ``runs`` interleaved runs after one warm-up round.

    Interleaving spreads the machine's noise over both variants alike.
    """
    rates: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for index in range(runs + 1):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            count, elapsed = variants[name]()
            if index:
                rates[name].append(count / elapsed)
    return {name: statistics.median(values) for name, values in rates.items()}


#: The key of the rebuild of every projection together, beside the projections' own names.
ALL = "all"


def raw_key(name: str) -> str:
    """The key of the raw read that the rebuild ``name`` is compared with."""
    return f"raw {name}"


def history_topics(area: EmploymentArea) -> set[str]:
    """The topics of the events stored in ``area``."""
    reader = LogReader(area)
    topics: set[str] = set()
    position = 0
    while rows := reader.page(after=position, limit=10_000):
        topics.update(row[1] for row in rows)
        position = rows[-1][0]
    return topics


def variants(
    area: EmploymentArea, raw: Callable[[Sequence[str]], Variant], url: str, page_size: int
) -> dict[str, Variant]:
    """Each projection that reads this history rebuilt alone, and every projection together,
    each beside the raw read of the events it reads (``raw(topics)``; () for every event)."""
    stored = history_topics(area)
    chosen: dict[str, Variant] = {raw_key(ALL): raw(())}
    for projection in PROJECTIONS:
        topics = sorted(stored & set(projection.handlers))
        if topics:
            chosen[raw_key(projection.name)] = raw(topics)
            chosen[projection.name] = rebuild(area, url, page_size, [projection.name])
    chosen[ALL] = rebuild(area, url, page_size, None)
    return chosen


def rebuilt(figures: dict[str, float]) -> list[str]:
    """The rebuilds measured, in report order: each projection, then all of them together."""
    return [name for name in figures if not name.startswith("raw ")]


def report(store: str, figures: dict[str, float], events: int) -> bool:
    """Print each rebuild beside its raw read; whether the caseload projection met the target.

    A projection's cost is mostly that of the rows it writes per event, so the rebuild of every
    projection together costs about the sum of their costs alone.
    """
    print(f"{store}: {events:,} events")
    for name in rebuilt(figures):
        raw, rate = figures[raw_key(name)], figures[name]
        label = f"all {len(PROJECTIONS)} projections" if name == ALL else name
        verdict = "met" if rate / raw >= TARGET else "missed"
        print(
            f"  rebuild {label:<22} {rate:>10,.0f} events/s  {rate / raw:6.1%} of raw"
            f" {raw:>10,.0f} (target ≥ {TARGET:.0%}: {verdict})",
            flush=True,
        )
    return figures["caseload"] / figures[raw_key("caseload")] >= TARGET


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument("--postgres", help="a PostgreSQL URL (127.0.0.1) to measure as well")
    arguments = parser.parse_args(argv)
    met = True
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "area.db"
        area = EmploymentArea(str(path))
        events = write_history(area, arguments.events)
        raw = functools.partial(raw_sqlite, path)
        chosen = variants(area, raw, read_model_url(str(path)), arguments.page_size)
        met &= report("SQLite", measure(chosen, arguments.runs), events)
        area.close()
    if arguments.postgres:
        met &= _postgres(arguments.postgres, arguments)
    return 0 if met else 1


def create_schema(base_url: str) -> str:
    """A new, empty PostgreSQL schema for one benchmark store; its name."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def drop_schema(base_url: str, schema: str) -> None:
    """Drop a schema made by create_schema, with everything in it."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _postgres(base_url: str, arguments: argparse.Namespace) -> bool:
    schema = create_schema(base_url)
    try:
        store = f"{base_url}?schema={schema}"
        init_store(store)
        area = EmploymentArea(store)
        events = write_history(area, arguments.events)
        raw = functools.partial(raw_postgres, base_url, schema)
        chosen = variants(area, raw, read_model_url(store), arguments.page_size)
        met = report("PostgreSQL", measure(chosen, arguments.runs), events)
        area.close()
        return met
    finally:
        drop_schema(base_url, schema)


if __name__ == "__main__":
    sys.exit(main())
