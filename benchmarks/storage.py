"""Benchmarks of the write paths, a command and a bulk import, each against raw SQL.

Every library figure is measured beside a raw baseline that does the same storage work with the
bare driver in the same run: for a command, select the aggregate's rows, insert one row, commit;
for a bulk import, one ``executemany`` of rows of the same size in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from harness import Figure, interleaved

from employment_domain import EmploymentArea, init_store
from employment_domain.store.service import application_of

_ON = date(2025, 3, 3)


def _jobseekers(count: int) -> list[dict[str, Any]]:
    return [
        {
            "on": date(2025, 1, 2),
            "municipality": "235" if index % 30 == 29 else "049",
            "birth_date": date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
            "district": "Kauniainen"
            if index % 30 == 29
            else ("Matinkylä" if index % 2 else "Leppävaara"),
            "mother_tongue": "fi" if index % 4 else "ar",
            "education_level": "upper_secondary",
        }
        for index in range(count)
    ]


class _Stores:
    """Fresh stores for each run: a SQLite file in a temporary folder, or a PostgreSQL schema."""

    def __init__(self, postgres_url: str | None) -> None:
        self.postgres_url = postgres_url
        self.folder = tempfile.mkdtemp(prefix="employment-bench-")
        self.counter = 0

    def sqlite_path(self) -> str:
        self.counter += 1
        return os.path.join(self.folder, f"store-{self.counter}.db")

    def postgres_schema(self) -> str:
        import psycopg

        assert self.postgres_url is not None
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.postgres_url, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        return schema

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.postgres_url:
            import psycopg

            with psycopg.connect(self.postgres_url, autocommit=True) as connection:
                schemas = connection.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_%'"
                ).fetchall()
                for (schema,) in schemas:
                    connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _sample_row(area: EmploymentArea) -> tuple[str, bytes]:
    stored = application_of(area).recorder.select_notifications(start=1, limit=1)[0]
    return stored.topic, bytes(stored.state)


def command_path(stores: _Stores, *, commands: int, runs: int, kind: str) -> list[Figure]:
    """Load a client, refer it to a service with routing, save; against raw select+insert+commit."""
    state: dict[str, Any] = {}

    def setup_library() -> None:
        db = stores.sqlite_path() if kind == "sqlite" else _pg_url(stores)
        area = EmploymentArea(db)
        ids = area.import_jobseekers(_jobseekers(commands))
        state["area"], state["ids"] = area, ids

    def library() -> int:
        area: EmploymentArea = state["area"]
        for client_id in state["ids"]:
            area.refer_with_routing(client_id, on=_ON, service_type="coaching")
        return len(state["ids"])

    raw_setup, raw = _raw_command(stores, kind, commands)
    results = interleaved({"library": (setup_library, library), "raw": (raw_setup, raw)}, runs=runs)
    return [
        Figure(
            section="1 command path",
            name=f"load client, route referral, save ({kind})",
            rate=results["library"][0],
            unit="cmd/s",
            baseline_name="raw select + insert + commit",
            baseline_rate=results["raw"][0],
            target=0.25 if kind == "sqlite" else None,
            runs=results["library"][1],
        )
    ]


def _pg_url(stores: _Stores) -> str:
    """A new PostgreSQL store for the library, initialised as 'store init' does."""
    assert stores.postgres_url is not None
    url = f"{stores.postgres_url}?schema={stores.postgres_schema()}"
    init_store(url)
    return url


def _raw_command(
    stores: _Stores, kind: str, commands: int
) -> tuple[Callable[[], None], Callable[[], int]]:
    """The raw baseline: the same table shape, the same row sizes, the bare driver."""
    probe = EmploymentArea(":memory:")
    ids = probe.import_jobseekers(_jobseekers(1))
    probe.refer_with_routing(ids[0], on=_ON, service_type="coaching")
    stored = application_of(probe).recorder.select_notifications(start=1, limit=2)
    created, referred = bytes(stored[0].state), bytes(stored[1].state)
    state: dict[str, Any] = {}

    if kind == "sqlite":

        def setup() -> None:
            connection = sqlite3.connect(stores.sqlite_path(), isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(
                "CREATE TABLE events (originator_id TEXT, originator_version INTEGER,"
                " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
            )
            keys = [uuid.uuid4().hex for _ in range(commands)]
            connection.execute("BEGIN")
            connection.executemany(
                "INSERT INTO events VALUES (?, 1, 't', ?)", [(key, created) for key in keys]
            )
            connection.execute("COMMIT")
            state["connection"], state["keys"] = connection, keys

        def run() -> int:
            connection = state["connection"]
            for key in state["keys"]:
                connection.execute("BEGIN")
                rows = connection.execute(
                    "SELECT originator_version, topic, state FROM events"
                    " WHERE originator_id = ? ORDER BY originator_version",
                    (key,),
                ).fetchall()
                connection.execute(
                    "INSERT INTO events VALUES (?, ?, 't', ?)", (key, len(rows) + 1, referred)
                )
                connection.execute("COMMIT")
            return len(state["keys"])

        return setup, run

    import psycopg

    def pg_setup() -> None:
        schema = stores.postgres_schema()
        assert stores.postgres_url is not None
        connection = psycopg.connect(stores.postgres_url, autocommit=False)
        connection.execute(f'SET search_path TO "{schema}"')
        connection.execute(
            "CREATE TABLE events (originator_id UUID, originator_version INTEGER,"
            " topic TEXT, state BYTEA, PRIMARY KEY (originator_id, originator_version))"
        )
        keys = [uuid.uuid4() for _ in range(commands)]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO events VALUES (%s, 1, 't', %s)", [(key, created) for key in keys]
            )
        connection.commit()
        state["connection"], state["keys"] = connection, keys

    def pg_run() -> int:
        connection = state["connection"]
        for key in state["keys"]:
            rows = connection.execute(
                "SELECT originator_version, topic, state FROM events"
                " WHERE originator_id = %s ORDER BY originator_version",
                (key,),
            ).fetchall()
            connection.execute(
                "INSERT INTO events VALUES (%s, %s, 't', %s)", (key, len(rows) + 1, referred)
            )
            connection.commit()
        return len(state["keys"])

    return pg_setup, pg_run


def bulk_import(stores: _Stores, *, jobseekers: int, runs: int, kind: str) -> list[Figure]:
    """N jobseekers registered in batches; against raw executemany of same-size rows."""
    rows = _jobseekers(jobseekers)
    probe = EmploymentArea(":memory:")
    probe.import_jobseekers(rows[:1])
    topic, sample = _sample_row(probe)
    state: dict[str, Any] = {}

    def setup_library() -> None:
        state["area"] = EmploymentArea(
            stores.sqlite_path() if kind == "sqlite" else _pg_url(stores)
        )

    def library() -> int:
        return len(state["area"].import_jobseekers(rows, batch_size=1000))

    def setup_raw() -> None:
        payload = [(uuid.uuid4().hex, 1, topic, sample) for _ in range(jobseekers)]
        connection: Any
        if kind == "sqlite":
            connection = sqlite3.connect(stores.sqlite_path(), isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(
                "CREATE TABLE events (originator_id TEXT, originator_version INTEGER,"
                " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
            )
        else:
            import psycopg

            assert stores.postgres_url is not None
            connection = psycopg.connect(stores.postgres_url)
            connection.execute(f'SET search_path TO "{stores.postgres_schema()}"')
            connection.execute(
                "CREATE TABLE events (originator_id TEXT, originator_version INTEGER,"
                " topic TEXT, state BYTEA, PRIMARY KEY (originator_id, originator_version))"
            )
            connection.commit()
        state["raw"], state["payload"] = connection, payload

    def raw() -> int:
        connection = state["raw"]
        if kind == "sqlite":
            connection.execute("BEGIN")
            connection.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", state["payload"])
            connection.execute("COMMIT")
        else:
            with connection.cursor() as cursor:
                cursor.executemany("INSERT INTO events VALUES (%s, %s, %s, %s)", state["payload"])
            connection.commit()
        return jobseekers

    results = interleaved({"library": (setup_library, library), "raw": (setup_raw, raw)}, runs=runs)
    return [
        Figure(
            section="2 bulk import",
            name=f"{jobseekers} jobseekers in batches of 1,000 ({kind})",
            rate=results["library"][0],
            unit="ev/s",
            baseline_name="raw executemany, 1 transaction",
            baseline_rate=results["raw"][0],
            target=0.12 if kind == "sqlite" else None,
            runs=results["library"][1],
        )
    ]
