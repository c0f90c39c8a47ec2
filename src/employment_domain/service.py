"""The store-facing core of the employment area: opening the store, loading and saving aggregates.

Command groups (``employment_domain.commands``) build on :class:`AreaService`; the public
:class:`~employment_domain.application.EmploymentArea` combines them. Keeping this core apart lets
each group of commands stay small and lets every group share one notification log, the single
ordered history that projections and auditors read.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.persistence import (
    JSONTranscoder,
    PersistenceError,
    RecordConflictError,
    Recording,
)

from employment_domain.errors import ConcurrentUpdateError, NotFoundError, StoreError
from employment_domain.parameters import Parameters, default_parameters
from employment_domain.persistence import (
    describe_store,
    register_value_transcodings,
    store_environment,
)

__all__ = ["AreaService"]

A = TypeVar("A", bound=Aggregate)


class AreaService(Application[UUID]):
    """An eventsourcing application bound to one store and one set of dated parameters."""

    name = "EmploymentArea"

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        parameters: Parameters | None = None,
        env: Mapping[str, Any] | None = None,
    ) -> None:
        settings: dict[str, Any] = {}
        if env is None or "PERSISTENCE_MODULE" not in env:
            settings.update(store_environment(db))
        settings.update(env or {})
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

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_value_transcodings(transcoder)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates atomically; a concurrent writer's conflict is a ConcurrentUpdateError.

        The body is eventsourcing's ``Application.save`` with a processing event that recognises
        the library's aggregates by their concrete base class: eventsourcing's runtime Protocol
        checks took a third of the time of a bulk import.
        """
        processing_event = _AggregateProcessingEvent()
        processing_event.collect_events(*objs, **kwargs)
        try:
            recordings = self._record(processing_event)
        except RecordConflictError as error:
            ids = ", ".join(str(getattr(obj, "id", "?")) for obj in objs)
            raise ConcurrentUpdateError(
                f"another writer changed aggregate {ids} first; reload it and repeat the command"
            ) from error
        except PersistenceError as error:
            raise StoreError(f"the event store refused the write: {_first_line(error)}") from error
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
    (shared/docs/baseline.md §2).
    """
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
