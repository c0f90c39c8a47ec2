"""Shared fixtures: the same tests run on the in-memory, SQLite-file and PostgreSQL stores.

PostgreSQL tests need ``EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL`` (``.ci/postgres.sh start`` sets it).
Without it they are skipped on a developer's machine, and fail under ``CI=true``: CI must never
pass by skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from employment_domain import init_store

POSTGRES_URL_VARIABLE = "EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL"


def skip_outside_ci(message: str) -> NoReturn:
    """Skip a test whose prerequisite is missing on a developer's machine; under CI=true, where
    every prerequisite is installed, fail instead, so that CI never passes by skipping."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; under CI=true it must run")
    pytest.skip(message)


def postgres_base_url() -> str:
    """The test server's URL, or a skip (a failure under CI=true) when none is configured."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        skip_outside_ci(f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (see README)")
    return url


def fresh_postgres_schema(*, initialised: bool = True) -> Iterator[str]:
    """A PostgreSQL URL pointing at a new schema, its event tables created (``store init``)
    unless ``initialised`` is False; the schema is dropped afterwards."""
    import psycopg

    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = f"{base}?schema={schema}"
        if initialised:
            init_store(url)
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL store URL with a schema of its own."""
    yield from fresh_postgres_schema()


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store name for EmploymentArea: in-memory, a SQLite file, or a PostgreSQL schema."""
    if request.param == "memory":
        yield ":memory:"
    elif request.param == "sqlite":
        yield str(tmp_path / "area.db")
    else:
        yield from fresh_postgres_schema()


@pytest.fixture(params=["sqlite", "postgres"])
def durable_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store that two application instances can share: a SQLite file or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "area.db")
    else:
        yield from fresh_postgres_schema()
