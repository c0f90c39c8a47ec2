"""The names stored events carry, and the old names of classes that moved.

eventsourcing stores each event with its topic, ``module:QualifiedName`` of its class, and finds
the class again by that topic when the history is read. A class that moves to another module
therefore leaves every event stored before the move under its old topic. :func:`moved` registers
those old topics with eventsourcing (``register_topic``) so that they still resolve, and
:func:`topics_of` gives every topic a class has been stored under, so that a reader which filters
the history by topic (projections, the seal check, the decision scan) sees the old events too.

Releases and what moved:

* 0.2.0: the aggregates moved from ``employment_domain.clients``, ``employers``,
  ``procurements``, ``ledgers``, ``personal_data``, ``integrity`` and ``rulebook_archive`` into
  their subpackages; each registers its 0.1.0 module here right after its class.
"""

from __future__ import annotations

from collections.abc import Iterator

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic, register_topic

__all__ = ["moved", "topics_of"]

_OLD_TOPICS: dict[type, list[str]] = {}


def moved(old_module: str, *aggregates: type) -> None:
    """Register the topics the aggregates and their events were stored under in ``old_module``."""
    for aggregate in aggregates:
        for cls in _with_events(aggregate):
            old = f"{old_module}:{cls.__qualname__}"
            if old != get_topic(cls) and old not in _OLD_TOPICS.get(cls, []):
                register_topic(old, cls)
                _OLD_TOPICS.setdefault(cls, []).append(old)


def topics_of(cls: type) -> tuple[str, ...]:
    """Every topic events of ``cls`` are stored under: the current one first, then the old ones."""
    return (get_topic(cls), *_OLD_TOPICS.get(cls, ()))


def _with_events(aggregate: type) -> Iterator[type]:
    """The aggregate class and the event classes nested in it (its own and those it inherits)."""
    yield aggregate
    for name in dir(aggregate):
        value = getattr(aggregate, name, None)
        if (
            isinstance(value, type)
            and issubclass(value, DomainEvent)
            and value.__qualname__.startswith(aggregate.__qualname__ + ".")
        ):
            yield value
