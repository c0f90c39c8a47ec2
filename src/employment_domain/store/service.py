"""The store-facing core of the employment area: opening the store, loading and saving aggregates.

Command groups (``employment_domain.commands``) build on :class:`AreaCore`, which holds an
:class:`AreaService` (eventsourcing's ``Application``) as a part; the public
:class:`~employment_domain.area.EmploymentArea` combines them. Keeping this core apart lets
each group of commands stay small and lets every group share one notification log, the single
ordered history that projections and auditors read.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar, overload
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.persistence import (
    JSONTranscoder,
    PersistenceError,
    RecordConflictError,
    Recording,
)

from employment_domain.area_rules import AreaDefinition, default_rules_folder, rules_folder
from employment_domain.errors import (
    ConcurrentUpdateError,
    EmploymentDomainError,
    NotFoundError,
    StoreError,
)
from employment_domain.parameters import Parameters, default_parameters
from employment_domain.store.persistence import (
    describe_store,
    register_value_transcodings,
    store_environment,
)
from employment_domain.store.registration import (
    REGISTRATION_ID,
    AreaMismatchError,
    AreaRegistration,
    mismatch,
)

__all__ = [
    "AreaCore",
    "AreaLike",
    "AreaService",
    "HistoryError",
    "RecordedEvent",
    "StoreNotInitialisedError",
    "application_of",
]

A = TypeVar("A", bound=Aggregate)
C = TypeVar("C", bound="AreaCore")


class StoreNotInitialisedError(StoreError):
    """A PostgreSQL store whose tables were never created; ``store init`` creates them."""


class HistoryError(EmploymentDomainError, ValueError):
    """A request for the history with a position or limit that cannot be one."""


class AreaService(Application[UUID]):
    """An eventsourcing application bound to one store and one set of dated parameters."""

    name = "EmploymentArea"

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        parameters: Parameters | None = None,
        area: AreaDefinition | None = None,
        env: Mapping[str, Any] | None = None,
    ) -> None:
        settings: dict[str, Any] = {}
        if env is None or "PERSISTENCE_MODULE" not in env:
            settings.update(store_environment(db))
        settings.update(env or {})
        postgres = settings.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
        if postgres:
            # Opening never runs DDL: init_store creates the tables once, under a lock.
            settings.setdefault("CREATE_TABLE", "no")
        self.parameters = parameters if parameters is not None else default_parameters()
        self.store_description = (
            describe_store(db)
            if db is not None
            else str(settings.get("SQLITE_DBNAME") or settings.get("POSTGRES_DBNAME") or "memory")
        )
        try:
            super().__init__(env=settings)
        except (PersistenceError, OSError, sqlite3.DatabaseError) as error:
            raise StoreError(
                f"cannot open the event store {self.store_description!r}: {_first_line(error)}"
            ) from error
        if postgres and not _has_event_table(self, self.store_description):
            self.close()
            raise StoreNotInitialisedError(
                f"the PostgreSQL store {self.store_description!r} has no event tables; initialise"
                " it once with 'employment-area store init --db URL' (or init_store(url))"
            )
        self.area = area if area is not None else rules_folder().area
        try:
            self._registered = self._check_area()
        except AreaMismatchError:
            self.close()
            raise

    def _check_area(self) -> bool:
        """Whether the store is known to be ``self.area``'s; refuse it when it is another's.

        A store without a registration is the packaged area's: it was written before release
        0.3.0, which knew only that area, or under the packaged rules, which need no record.
        Another area is recorded by the first write to an empty store.
        """
        default = default_rules_folder().area.id
        try:
            registration: AreaRegistration = self.repository.get(REGISTRATION_ID)
        except AggregateNotFoundError:
            if self.area.id == default:
                return True  # no registration is the packaged area's, as before 0.3.0
            if self.recorder.max_notification_id():
                raise mismatch(self.store_description, default, self.area) from None
            return False
        except PersistenceError:
            return False  # an unreadable store is named by the first read that needs it
        if registration.area_id != self.area.id:
            raise mismatch(self.store_description, registration.area_id, self.area)
        return True

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_value_transcodings(transcoder)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates atomically; a concurrent writer's conflict is a ConcurrentUpdateError.

        The body is eventsourcing's ``Application.save`` with a processing event that recognises
        the library's aggregates by their concrete base class: eventsourcing's runtime Protocol
        checks took a third of the time of a bulk import.
        """
        if not self._registered:
            self._registered = self._check_area()
        registering = not self._registered
        if registering:
            # The first write records the area the store is written under.
            objs = (AreaRegistration.of(self.area), *objs)
        processing_event = _AggregateProcessingEvent()
        processing_event.collect_events(*objs, **kwargs)
        try:
            recordings = self._record(processing_event)
        except RecordConflictError as error:
            if registering and self._check_area():
                # Another writer registered the same area first; write without registering.
                return self.save(*objs[1:], **kwargs)
            ids = ", ".join(str(getattr(obj, "id", "?")) for obj in objs)
            raise ConcurrentUpdateError(
                f"another writer changed aggregate {ids} first; reload it and repeat the command"
            ) from error
        except PersistenceError as error:
            raise StoreError(f"the event store refused the write: {_first_line(error)}") from error
        self._registered = True
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)
        return recordings

    def load(self, kind: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        """The aggregate of type ``kind`` with this id, or NotFoundError naming the id."""
        if not isinstance(aggregate_id, UUID):
            raise NotFoundError(f"an aggregate id is a UUID, not {aggregate_id!r}")
        try:
            aggregate: Aggregate = self.repository.get(
                aggregate_id, version=version, projector_func=_project
            )
        except AggregateNotFoundError:
            raise NotFoundError(f"no {kind.__name__.lower()} with id {aggregate_id}") from None
        if not isinstance(aggregate, kind):
            found = type(aggregate).__name__.lower()
            raise NotFoundError(f"{aggregate_id} is a {found}, not a {kind.__name__.lower()}")
        return aggregate


@attrs.frozen
class RecordedEvent:
    """One event of the history as another system reads it to keep its own projection.

    ``position`` is the event's place in the one ordered history (1, 2, 3, … with possible gaps
    where a write was rolled back); ``recorded_at`` is when the event was made, by the clock of
    the recording process in UTC (the only clock time in the history; the rules go by the
    business date); ``event`` is the domain event itself, with its business date among its
    fields.
    """

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    recorded_at: datetime
    event: DomainEvent


class AreaCore:
    """The store-holding part of the facade: an :class:`AreaService` kept as a part, not a base.

    Command groups build on this class and reach the store only through ``_save`` and
    ``_load``, so that the facade's public names are the domain's commands and queries and the
    documented few below; eventsourcing's ``save``, ``repository`` and ``notification_log``
    stay out of reach of an integrating system.
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        parameters: Parameters | None = None,
        area: AreaDefinition | None = None,
        env: Mapping[str, Any] | None = None,
    ) -> None:
        self._app = AreaService(db, parameters=parameters, area=area, env=env)

    @property
    def parameters(self) -> Parameters:
        """The dated parameters the area decides by."""
        return self._app.parameters

    @property
    def store_description(self) -> str:
        """Where the history lives, with any password left out (for messages and reports)."""
        return self._app.store_description

    @property
    def area_definition(self) -> AreaDefinition:
        """The employment area this store is written under (its rules folder's ``area.yaml``)."""
        return self._app.area

    def head_position(self) -> int:
        """The position of the latest recorded event; 0 for an empty store."""
        return self._app.recorder.max_notification_id() or 0

    def history(
        self, *, after: int = 0, limit: int = 1000, stop: int | None = None
    ) -> list[RecordedEvent]:
        """Up to ``limit`` recorded events after position ``after``, in the order recorded.

        For another system that keeps its own projection: remember the last position it
        applied and ask again from there. ``stop`` is the last position to include.
        """
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise HistoryError(f"after is a position, an int of 0 or more, not {after!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise HistoryError(f"limit is an int from 1 to 10000, not {limit!r}")
        if stop is not None and (isinstance(stop, bool) or not isinstance(stop, int)):
            raise HistoryError(f"stop is a position, an int, not {stop!r}")
        notifications = self._app.recorder.select_notifications(
            start=after, limit=limit, stop=stop, inclusive_of_start=False
        )
        recorded = []
        for notification in notifications:
            event = self._app.mapper.to_domain_event(notification)
            if not isinstance(event, DomainEvent):  # every event of the library is one
                raise StoreError(f"position {notification.id} holds {type(event).__name__}")
            recorded.append(
                RecordedEvent(
                    position=notification.id,
                    originator_id=UUID(str(notification.originator_id)),
                    originator_version=notification.originator_version,
                    topic=notification.topic,
                    recorded_at=event.timestamp,
                    event=event,
                )
            )
        return recorded

    def close(self) -> None:
        """Close the store's connections; the area cannot be used afterwards."""
        self._app.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _save(self, *objs: Any) -> None:
        self._app.save(*objs)

    def _load(self, kind: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        return self._app.load(kind, aggregate_id, version)


#: What the library's audit and projection machinery accepts: an area, or the eventsourcing
#: application behind one.
AreaLike = AreaCore | Application[Any]


@overload
def application_of(area: AreaCore) -> AreaService: ...
@overload
def application_of(area: Application[Any]) -> Application[Any]: ...
def application_of(area: AreaLike) -> Application[Any]:
    """The eventsourcing application behind an area, for the library's own audit and projection
    machinery; not part of the public API."""
    return area._app if isinstance(area, AreaCore) else area


class _AggregateProcessingEvent(ProcessingEvent[UUID]):
    """Collects pending events, checking concrete classes (aggregate, event) before Protocols."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif isinstance(obj, DomainEvent):
                self.events.append(obj)
            else:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)


def _project(aggregate: Any, domain_events: Iterable[Any]) -> Any:
    """eventsourcing's ``project_aggregate`` without its per-event runtime Protocol assertion.

    Every stored event of the library (aggregate events and snapshots) has ``mutate``; the
    Protocol check took over a third of ``repository.get`` on Python 3.11
    (measured when the dependencies were chosen).
    """
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def _has_event_table(app: Application[Any], description: str) -> bool:
    """Whether the store's event table exists (asked of the catalogue, so no error is logged)."""
    datastore = getattr(app.factory, "datastore", None)
    recorder = app.recorder
    table = getattr(recorder, "events_table_name", "stored_events")
    if datastore is None:
        return True
    try:
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                (datastore.schema, table),
            )
            return cursor.fetchone() is not None
    except PersistenceError as error:
        raise StoreError(
            f"cannot read the event store {description!r}: {_first_line(error)}"
        ) from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
