"""Where the event history lives: transcodings for the library's values, and store configuration.

One argument chooses the store: a SQLite file path (the embedded default), a PostgreSQL URL, or
``":memory:"`` for tests. eventsourcing's own ``sqlite`` and ``postgres`` modules are used, which
measured two to four times faster than the SQLAlchemy adapter on this kind of machine.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import JSONTranscoder, Transcoding

from employment_domain.decisions import Decision
from employment_domain.errors import StoreError
from employment_domain.money import Money
from employment_domain.values import BusinessId, MunicipalityCode, Period

__all__ = [
    "DB_ENVIRONMENT_VARIABLE",
    "DEFAULT_DB_PATH",
    "InvalidStoreURLError",
    "register_value_transcodings",
    "store_environment",
]

#: The SQLite file used when neither the caller nor the environment names a store.
DEFAULT_DB_PATH = "employment-area.db"
#: The environment variable that names the store (path or PostgreSQL URL) when no ``db`` is given.
DB_ENVIRONMENT_VARIABLE = "EMPLOYMENT_AREA_DB"
#: Seconds to wait for a PostgreSQL server before giving up with a StoreError.
POSTGRES_CONNECT_TIMEOUT = "5"

_MEMORY = {":memory:", "memory", "memory:"}
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
#: The password of a URL that ``urlsplit`` cannot parse: from the first colon after ``://`` to
#: the last ``@``. It may hide more than the password, never less.
_UNPARSED_PASSWORD = re.compile(r"^([^:/?#]*://[^:/?#@]*):.*@")


class InvalidStoreURLError(StoreError, ValueError):
    """A PostgreSQL URL that cannot be read (an unclosed IPv6 bracket, a port that is not a
    number, text that is not UTF-8); nothing was opened."""


class DateAsIso(Transcoding):
    """``datetime.date`` as ``YYYY-MM-DD``; eventsourcing has no date transcoding of its own."""

    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MoneyAsText(Transcoding):
    """Money as its exact decimal text, so no float ever touches an amount."""

    type = Money
    name = "money"

    def encode(self, obj: Money) -> str:
        return str(obj.amount)

    def decode(self, data: str) -> Money:
        return Money(data)


class MunicipalityAsCode(Transcoding):
    """A municipality as its three-digit code."""

    type = MunicipalityCode
    name = "municipality"

    def encode(self, obj: MunicipalityCode) -> str:
        return obj.code

    def decode(self, data: str) -> MunicipalityCode:
        return MunicipalityCode(data)


class BusinessIdAsText(Transcoding):
    """A business ID as its ``1234567-8`` text."""

    type = BusinessId
    name = "business_id"

    def encode(self, obj: BusinessId) -> str:
        return obj.value

    def decode(self, data: str) -> BusinessId:
        return BusinessId(data)


class PeriodAsDates(Transcoding):
    """A period as its two ISO dates, start inclusive and end exclusive."""

    type = Period
    name = "period"

    def encode(self, obj: Period) -> list[str]:
        return [obj.start.isoformat(), obj.end.isoformat()]

    def decode(self, data: list[str]) -> Period:
        return Period(date.fromisoformat(data[0]), date.fromisoformat(data[1]))


class DecisionAsDict(Transcoding):
    """A routing decision as plain data, with its rule id, rulebook version and facts."""

    type = Decision
    name = "decision"

    def encode(self, obj: Decision) -> dict[str, Any]:
        return obj.to_dict()

    def decode(self, data: dict[str, Any]) -> Decision:
        return Decision.from_dict(data)


def register_value_transcodings(transcoder: JSONTranscoder) -> None:
    """Teach the event transcoder every value type that the library puts into events."""
    for transcoding in (
        DateAsIso(),
        MoneyAsText(),
        MunicipalityAsCode(),
        BusinessIdAsText(),
        PeriodAsDates(),
        DecisionAsDict(),
    ):
        transcoder.register(transcoding)


def store_environment(db: str | os.PathLike[str] | None) -> dict[str, str]:
    """The eventsourcing settings for a store named by a path, a PostgreSQL URL or ``:memory:``.

    ``None`` means the ``EMPLOYMENT_AREA_DB`` environment variable, else ``employment-area.db`` in
    the working directory. A PostgreSQL URL may leave out parts that the usual ``PGHOST``,
    ``PGPORT``, ``PGUSER``, ``PGPASSWORD`` and ``PGDATABASE`` variables give, and may name a schema
    with ``?schema=NAME``. Raises :class:`StoreError` for a path whose folder does not exist.
    """
    if db is None:
        db = os.environ.get(DB_ENVIRONMENT_VARIABLE) or DEFAULT_DB_PATH
    text = os.fspath(db)
    if not isinstance(text, str) or not text.strip():
        raise StoreError(f"a store is a file path, a PostgreSQL URL or ':memory:', not {db!r}")
    if text in _MEMORY:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if text.split(":", 1)[0].lower() in _POSTGRES_SCHEMES and "://" in text:
        return _postgres_environment(text)
    return _sqlite_environment(Path(text))


def _sqlite_environment(path: Path) -> dict[str, str]:
    folder = path.expanduser().parent
    if not folder.is_dir():
        raise StoreError(
            f"cannot create the SQLite file {str(path)!r}: folder {str(folder)!r} does not exist"
        )
    if path.exists() and path.is_dir():
        raise StoreError(f"the SQLite store {str(path)!r} is a folder, not a file")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path.expanduser()),
        "SQLITE_LOCK_TIMEOUT": "5",
    }


def _postgres_environment(url: str) -> dict[str, str]:
    try:
        url.encode("utf-8")
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # UnicodeEncodeError too: psycopg would fail on it later
        reason = "not UTF-8 text" if isinstance(error, UnicodeError) else str(error)
        raise InvalidStoreURLError(
            f"not a valid PostgreSQL URL: {_hide_password(url)!r} ({reason})"
        ) from None
    query = parse_qs(parts.query)
    env: dict[str, Any] = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": parts.hostname or os.environ.get("PGHOST", "127.0.0.1"),
        "POSTGRES_PORT": str(port or os.environ.get("PGPORT", "5432")),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("PGUSER", "postgres")),
        "POSTGRES_PASSWORD": unquote(parts.password or os.environ.get("PGPASSWORD", "")),
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/"))
        or os.environ.get("PGDATABASE", "postgres"),
        "POSTGRES_CONNECT_TIMEOUT": POSTGRES_CONNECT_TIMEOUT,
        "POSTGRES_CONN_MAX_AGE": "",
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"][0]
    return {key: str(value) for key, value in env.items() if value != ""}


def _hide_password(url: str) -> str:
    """``url`` with its password replaced by ``***``. Messages about a malformed URL show it
    too, so a URL that ``urlsplit`` refuses is masked by pattern instead of raising again."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a password with a raw '/' in it reads as a bad port)
        password = parts.password
    except ValueError:
        return _UNPARSED_PASSWORD.sub(r"\1:***@", url, count=1)
    if password:
        return url.replace(f":{password}@", ":***@", 1)
    return url


def describe_store(db: str | os.PathLike[str] | None) -> str:
    """A one-line description of the store for messages, with any password hidden."""
    if db is None:
        db = os.environ.get(DB_ENVIRONMENT_VARIABLE) or DEFAULT_DB_PATH
    return _hide_password(os.fspath(db))
