"""Stored events keep their 0.1.0 topics readable after the classes moved into subpackages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic, resolve_topic

import employment_domain  # noqa: F401  (registers the old topics)
from employment_domain.topics import topics_of

RELEASE_0_1_0 = Path(__file__).parent.parent / "stores" / "release-0.1.0" / "area.db"


def stored_topics() -> list[str]:
    connection = sqlite3.connect(f"{RELEASE_0_1_0.as_uri()}?immutable=1", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT DISTINCT topic FROM stored_events")]
    finally:
        connection.close()


@pytest.mark.parametrize("topic", stored_topics())
def test_every_topic_stored_by_release_0_1_0_resolves_to_a_class_that_still_reads_it(
    topic: str,
) -> None:
    cls = resolve_topic(topic)
    assert topic in topics_of(cls)
    assert get_topic(cls) == topics_of(cls)[0]


def test_the_old_topics_are_in_the_0_1_0_store_under_the_old_module_paths() -> None:
    topics = stored_topics()
    assert "employment_domain.clients:Client.JobSearchStarted" in topics
    assert "employment_domain.integrity:SealChain.Sealed" in topics
    assert "employment_domain.rulebook_archive:RulebookVersion.Archived" in topics
    assert not any(topic.startswith("employment_domain.clients.client:") for topic in topics)
