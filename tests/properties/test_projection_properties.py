"""Properties of projections over random command histories: live equals rebuilt, cuts are exact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from employment_domain.area import EmploymentArea
from employment_domain.audit.replay import report_as_known
from employment_domain.errors import EmploymentDomainError
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections
from employment_domain.store.service import application_of

MUNICIPALITIES = ("049", "235", "091")
CLIENTS = 6


@dataclass(frozen=True)
class Command:
    """One command of a history: what, for which client, how many days after the previous."""

    kind: str
    client: int
    days_later: int
    municipality: str


commands = st.builds(
    Command,
    kind=st.sampled_from(["start", "start", "move", "end", "restart"]),
    client=st.integers(min_value=0, max_value=CLIENTS - 1),
    days_later=st.integers(min_value=0, max_value=45),
    municipality=st.sampled_from(MUNICIPALITIES),
)
histories = st.lists(commands, min_size=1, max_size=40)


def run(area: EmploymentArea, history: list[Command]) -> list[int]:
    """Apply the commands (refused ones record nothing); the log position after each."""
    day = date(2025, 1, 1)
    positions = []
    for command in history:
        day += timedelta(days=command.days_later)
        client_id = UUID(int=command.client + 1)
        try:
            if command.kind == "start":
                area.start_job_search(
                    on=day,
                    municipality=command.municipality,
                    birth_date=date(1990, 1, 1),
                    client_id=client_id,
                )
            elif command.kind == "move":
                area.change_client_facts(client_id, on=day, municipality=command.municipality)
            elif command.kind == "end":
                area.end_job_search(client_id, on=day, reason="employed")
            else:
                area.restart_job_search(client_id, on=day)
        except EmploymentDomainError:
            pass
        positions.append(area.head_position())
    return positions


def snapshot(area: EmploymentArea) -> dict[str, list[dict[str, Any]]]:
    """Every projection's tables built from zero in a fresh in-memory database."""
    read_model = ReadModel("sqlite://")
    ProjectionRunner(area, read_model).catch_up()
    return read_model.snapshot(all_projections())


@settings(max_examples=40, deadline=None)
@given(
    history=histories,
    catch_ups=st.lists(st.integers(min_value=0, max_value=40), max_size=6),
    page_size=st.integers(min_value=1, max_value=7),
)
def test_live_projections_caught_up_at_random_moments_equal_a_rebuild_from_zero(
    history: list[Command], catch_ups: list[int], page_size: int
) -> None:
    area = EmploymentArea(":memory:")
    positions = run(area, history)
    live = ReadModel("sqlite://")
    runner = ProjectionRunner(area, live, page_size=page_size)
    for index in sorted(catch_ups):
        runner.catch_up(stop=positions[min(index, len(positions) - 1)])
    runner.catch_up()
    assert live.snapshot(all_projections()) == snapshot(area)


@settings(max_examples=40, deadline=None)
@given(history=histories, cut=st.integers(min_value=0, max_value=200))
def test_the_report_as_known_at_a_position_equals_the_report_of_the_store_cut_there(
    history: list[Command], cut: int
) -> None:
    area = EmploymentArea(":memory:")
    run(area, history)
    head = area.head_position()
    position = min(cut, head)
    kept = application_of(area).recorder.select_notifications(
        start=None, limit=head + 1, stop=position
    )
    copy = EmploymentArea(":memory:")
    if kept:
        application_of(copy).recorder.insert_events(
            [
                StoredEvent(
                    originator_id=n.originator_id,
                    originator_version=n.originator_version,
                    topic=n.topic,
                    state=n.state,
                )
                for n in kept
            ]
        )
    cut_store = ReadModel("sqlite://")
    ProjectionRunner(copy, cut_store).catch_up()
    for projection in all_projections():
        assert report_as_known(area, projection.name, position=position) == cut_store.report(
            projection
        ), projection.name
