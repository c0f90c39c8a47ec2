"""A batch of aggregates the demo holds in memory and saves together, once a simulated week.

Saving every touched aggregate in one save of the application behind the area makes each batch
one atomic write, and keeps the demo from loading and saving an aggregate for each of its
hundreds of thousands of acts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from employment_domain.area import EmploymentArea
from employment_domain.demo.population import DemoError
from employment_domain.store.service import application_of

__all__ = ["Batch"]


class Batch:
    """The aggregates changed since the last save, and the area they are saved to."""

    def __init__(self, area: EmploymentArea) -> None:
        self.area = area
        self._dirty: dict[UUID, Aggregate] = {}

    def touch(self, aggregate: Aggregate) -> None:
        """Mark an aggregate as changed since the last save."""
        self._dirty[aggregate.id] = aggregate

    def flush(self) -> None:
        """Save every changed aggregate in one atomic save."""
        if self._dirty:
            application_of(self.area).save(*self._dirty.values())
            self._dirty.clear()

    def command(self, command: Callable[[], Any], *held: Aggregate) -> None:
        """Save the batch, run one of the area's commands, then bring the ``held`` copies up to
        date with the events the command stored.

        Used where the library's command does more than an aggregate method (an approved invoice
        posted to the ledger in the same save, the year closed and split), so the demo reuses it
        rather than repeating it.
        """
        self.flush()
        command()
        store = application_of(self.area).repository.event_store
        for aggregate in held:
            for stored in store.get(aggregate.id, gt=aggregate.version):
                if not isinstance(stored, Aggregate.Event):
                    raise DemoError(f"{aggregate.id} holds a stored object that is not an event")
                stored.mutate(aggregate)
