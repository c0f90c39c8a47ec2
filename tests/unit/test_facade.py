"""The facade shows the domain only: eventsourcing's application is a part it holds, not a base.

An integrating system that could call ``area.save(aggregate)`` would bypass every domain check
and the seat reservation; what it legitimately needs from below has a typed method of its own.
"""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from eventsourcing.application import Application

from employment_domain import EmploymentArea, HistoryError, RecordedEvent
from employment_domain.clients.client import Client

#: What the facade offers besides the domain's commands and queries.
DOCUMENTED_FEW = {"close", "head_position", "history", "store_description", "parameters"}


def test_the_facade_is_not_an_eventsourcing_application() -> None:
    assert not issubclass(EmploymentArea, Application)
    area = EmploymentArea(":memory:")
    for name in ("save", "repository", "notification_log", "recorder", "mapper", "factory"):
        assert not hasattr(area, name), name


def test_every_public_name_of_the_facade_is_a_domain_command_or_query_or_a_documented_few() -> None:
    area = EmploymentArea(":memory:")
    public = {name for name in dir(area) if not name.startswith("_")}
    application_names = {name for name in dir(Application) if not name.startswith("_")}
    assert not public & application_names - DOCUMENTED_FEW - {"name"}
    assert "name" not in public
    assert public >= DOCUMENTED_FEW
    for name in public - DOCUMENTED_FEW - {"rulebook", "routing_engine"}:
        member = getattr(type(area), name)
        assert inspect.getdoc(member), f"{name} says what it does"


def test_history_gives_the_recorded_events_in_order_from_a_position() -> None:
    with EmploymentArea(":memory:") as area:
        assert area.head_position() == 0 and area.history() == []
        client_id = area.start_job_search(
            on=date(2025, 3, 3), municipality="049", birth_date=date(1990, 1, 1)
        )
        area.hold_initial_interview(client_id, on=date(2025, 3, 4))
        events = area.history()
        assert [e.position for e in events] == [1, 2] == list(range(1, area.head_position() + 1))
        assert all(isinstance(e, RecordedEvent) for e in events)
        assert {e.originator_id for e in events} == {client_id}
        assert isinstance(events[0].event, Client.JobSearchStarted)  # type: ignore[attr-defined]
        assert events[1].topic.endswith("Client.InitialInterviewHeld")
        assert events[0].recorded_at.tzinfo is not None
        assert area.history(after=1) == events[1:]
        assert area.history(after=0, limit=1) == events[:1]
        assert area.history(after=0, stop=1) == events[:1]


@pytest.mark.parametrize(
    "arguments",
    [
        {"after": -1},
        {"after": "1"},
        {"after": True},
        {"limit": 0},
        {"limit": 10_001},
        {"stop": 1.5},
    ],
)
def test_a_history_request_with_an_impossible_position_or_limit_is_refused(
    arguments: dict[str, object],
) -> None:
    with EmploymentArea(":memory:") as area, pytest.raises(HistoryError):
        area.history(**arguments)  # type: ignore[arg-type]
