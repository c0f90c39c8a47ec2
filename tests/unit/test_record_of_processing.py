"""The record of processing (docs/data-protection.md) lists every field of every event class, and
no field that no event has: an event that gains a field fails here until the record says what
the field is for, on what basis, and how it is erased."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from eventsourcing.domain import Aggregate, DomainEvent

import employment_domain
from employment_domain.audit.seals import SealChain
from employment_domain.clients.client import Client
from employment_domain.employers.employer import Employer
from employment_domain.ledgers.ledger import Ledger
from employment_domain.personal_data.record import PersonalRecord
from employment_domain.procurements.procurement import ContractIndex, Procurement
from employment_domain.routing.archive import RulebookVersion
from employment_domain.store.registration import AreaRegistration

RECORD = Path(__file__).parent.parent.parent / "docs" / "data-protection.md"
AGGREGATES = (
    Client,
    PersonalRecord,
    Employer,
    Procurement,
    ContractIndex,
    Ledger,
    SealChain,
    RulebookVersion,
    AreaRegistration,
)


def library_aggregates() -> set[type[Aggregate]]:
    """Every aggregate class the library defines, found by importing all its modules."""
    for module in pkgutil.walk_packages(employment_domain.__path__, "employment_domain."):
        if not module.name.endswith("__main__"):  # an entry point runs when imported
            importlib.import_module(module.name)
    found: set[type[Aggregate]] = set()
    stack = list(Aggregate.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("employment_domain.") and "testing" not in cls.__module__:
            found.add(cls)
    return found


def test_the_record_covers_every_aggregate_the_library_defines() -> None:
    assert library_aggregates() == set(AGGREGATES)


#: What eventsourcing itself puts in every event: the aggregate's id, version, type and the
#: recording time; none of them describes a person.
FRAMEWORK_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "originator_id_type",
}


def event_fields() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for aggregate in AGGREGATES:
        for name in dir(aggregate):
            value = getattr(aggregate, name)
            if (
                isinstance(value, type)
                and issubclass(value, DomainEvent)
                and value.__qualname__ == f"{aggregate.__name__}.{name}"
                and name not in ("Event", "Created", "Snapshot")
            ):
                annotations: dict[str, object] = {}
                for cls in reversed(value.__mro__):
                    annotations.update(getattr(cls, "__annotations__", {}))
                found[value.__qualname__] = {
                    field
                    for field in annotations
                    if field not in FRAMEWORK_FIELDS and not field.startswith("_")
                }
    return found


def recorded_fields() -> dict[str, set[str]]:
    recorded: dict[str, set[str]] = {}
    current = None
    for line in RECORD.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"#### `(\w+\.\w+)`", line.strip())
        if heading:
            current = heading.group(1)
            recorded[current] = set()
            continue
        row = re.match(r"\| `(\w+)` \| (yes|no|with the aggregate) \|", line)
        if row and current is not None:
            recorded[current].add(row.group(1))
        elif line.startswith("#"):
            current = None
    return recorded


def test_every_event_class_of_the_library_is_in_the_record_of_processing() -> None:
    assert set(event_fields()) == set(recorded_fields())


def test_every_field_of_every_event_is_listed_with_its_purpose_and_no_other() -> None:
    recorded = recorded_fields()
    for event, fields in event_fields().items():
        assert recorded[event] == fields, event


def test_the_history_keeps_no_birth_date_field_only_the_birth_month() -> None:
    fields = event_fields()
    assert "birth_month" in fields["Client.JobSearchStarted"]
    assert not any("birth_date" in event for event in fields.values())
