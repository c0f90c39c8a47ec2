"""Seals over the notification log: anchors, chaining, and verification of an untouched history.

Tampering with stored rows is tested on real SQLite and PostgreSQL tables in
``tests/integration/test_integrity_stores.py``; these tests use the in-memory store.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import date
from uuid import uuid4

import pytest
from eventsourcing.persistence import Notification

from employment_domain import EmploymentArea
from employment_domain.audit.seals import (
    GENESIS_DIGEST,
    SEAL_CHAIN_ID,
    Anchor,
    AnchorError,
    IntegrityError,
    SealChain,
    event_digest,
    latest_anchor,
    seal_history,
    verify_history,
)
from employment_domain.store.service import application_of


def _area_with_clients(count: int) -> EmploymentArea:
    area = EmploymentArea(":memory:")
    for _ in range(count):
        area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1))
    return area


def _log_size(area: EmploymentArea) -> int:
    return area.head_position()


def test_an_anchor_reads_back_from_its_own_text() -> None:
    anchor = Anchor(1234, "ab" * 32)
    assert str(anchor) == "ea1:1234:" + "ab" * 32
    assert Anchor.parse(str(anchor)) == anchor
    assert Anchor.parse(f"  {anchor}\n") == anchor


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ea1:12",
        "ea2:12:" + "ab" * 32,
        "ea1:-1:" + "ab" * 32,
        "ea1:012:" + "ab" * 32,
        "ea1:12:" + "AB" * 32,
        "ea1:12:" + "ab" * 31,
        "ea1:12:" + "ab" * 32 + ":extra",
        "ea1:1e3:" + "ab" * 32,
    ],
)
def test_a_malformed_anchor_is_refused_naming_the_text(text: str) -> None:
    with pytest.raises(AnchorError) as refused:
        Anchor.parse(text)
    assert repr(text)[1:-1][:20] in str(refused.value)


def test_an_anchor_that_is_not_text_is_refused() -> None:
    with pytest.raises(AnchorError, match="1234"):
        Anchor.parse(1234)  # type: ignore[arg-type]


def test_sealing_an_empty_store_records_nothing_and_returns_the_empty_history() -> None:
    area = EmploymentArea(":memory:")
    anchor = seal_history(area)
    assert anchor == Anchor(0, GENESIS_DIGEST.hex())
    assert _log_size(area) == 0
    assert latest_anchor(area) is None
    assert verify_history(area, anchor).intact


def test_a_seal_covers_every_event_so_far_and_is_recorded_as_the_latest_anchor() -> None:
    area = _area_with_clients(5)
    anchor = seal_history(area)
    assert anchor.position == 5
    assert latest_anchor(area) == anchor
    assert _log_size(area) == 7  # the chain's Opened and Sealed events follow the five
    verification = verify_history(area, str(anchor))
    assert verification.intact
    assert verification.events_checked == 5
    assert verification.first_difference is None
    assert str(anchor) in str(verification)


def test_each_seal_chains_on_the_previous_one_and_covers_its_seal_event() -> None:
    area = _area_with_clients(3)
    first = seal_history(area)
    area.start_job_search(on=date(2025, 1, 3), municipality="235", birth_date=date(1980, 1, 1))
    second = seal_history(area)
    assert second.position == _log_size(area) - 1 == 6
    chain: object = application_of(area).repository.get(SEAL_CHAIN_ID)
    assert isinstance(chain, SealChain)
    assert (chain.position, chain.digest) == (second.position, second.digest)
    stored = application_of(area).recorder.select_events(SEAL_CHAIN_ID, desc=True, limit=1)[0]
    sealed = application_of(area).mapper.to_domain_event(stored)
    assert isinstance(sealed, SealChain.Sealed)
    assert (sealed.previous_position, sealed.previous_digest) == (first.position, first.digest)
    assert sealed.positions == [[4, 6]]  # the first seal's two events and the new client
    assert verify_history(area, first).intact
    assert verify_history(area, second).intact


def test_sealing_twice_in_a_row_seals_the_first_seal_itself() -> None:
    area = _area_with_clients(2)
    first = seal_history(area)
    second = seal_history(area)
    assert second.position > first.position
    assert second != first
    assert verify_history(area, second).intact


def test_a_long_stretch_is_sealed_in_chained_parts_of_bounded_size() -> None:
    area = _area_with_clients(10)
    anchor = seal_history(area, max_events_per_seal=3)
    seals = [
        application_of(area).mapper.to_domain_event(stored)
        for stored in application_of(area).recorder.select_events(SEAL_CHAIN_ID)
        if stored.originator_version > 1
    ]
    assert [seal.position for seal in seals] == [3, 6, 9, 10]  # type: ignore[attr-defined]
    assert [seal.previous_position for seal in seals] == [0, 3, 6, 9]  # type: ignore[attr-defined]
    assert all(
        len(base64.b64decode(seal.leaves)) <= 3 * 32  # type: ignore[attr-defined]
        for seal in seals
    )
    assert anchor.position == 10
    assert verify_history(area, anchor).intact


@pytest.mark.parametrize("bad", [0, -1, True, "10", 2.5])
def test_a_seal_size_that_is_not_a_positive_int_is_refused(bad: object) -> None:
    area = _area_with_clients(1)
    with pytest.raises(IntegrityError, match=repr(bad).replace(".", r"\.")):
        seal_history(area, max_events_per_seal=bad)  # type: ignore[arg-type]
    assert _log_size(area) == 1


def test_an_anchor_from_another_history_does_not_verify_and_cannot_be_located() -> None:
    area = _area_with_clients(4)
    seal_history(area)
    stranger = seal_history(_area_with_clients(4))
    verification = verify_history(area, stranger)
    assert not verification.intact
    assert verification.first_difference is None
    assert "position 4" in verification.detail


def test_an_anchor_beyond_the_stored_history_does_not_verify() -> None:
    area = _area_with_clients(2)
    anchor = seal_history(area)
    beyond = Anchor(anchor.position + 50, anchor.digest)
    assert not verify_history(area, beyond).intact


def test_the_anchor_of_an_earlier_seal_still_verifies_after_later_events() -> None:
    area = _area_with_clients(3)
    anchor = seal_history(area)
    for _ in range(4):
        area.start_job_search(on=date(2025, 2, 3), municipality="049", birth_date=date(1970, 1, 1))
    seal_history(area)
    assert verify_history(area, anchor).intact


_NOTIFICATION = Notification(
    id=7, originator_id=uuid4(), originator_version=2, topic="m:Client.Event", state=b'{"a":1}'
)


@pytest.mark.parametrize(
    "change",
    [
        {"id": 8},
        {"originator_id": uuid4()},
        {"originator_version": 3},
        {"topic": "m:Client.Other"},
        {"state": b'{"a":2}'},
        {"state": b'{"a":1} '},
    ],
)
def test_an_event_digest_changes_with_every_field_it_covers(change: dict[str, object]) -> None:
    changed = dataclasses.replace(_NOTIFICATION, **change)  # type: ignore[arg-type]
    assert event_digest(changed) != event_digest(_NOTIFICATION)


def test_field_boundaries_cannot_be_shifted_between_topic_and_state() -> None:
    shifted = dataclasses.replace(_NOTIFICATION, topic=_NOTIFICATION.topic + "{", state=b'"a":1}')
    assert event_digest(shifted) != event_digest(_NOTIFICATION)


def test_a_forged_seal_record_vouches_for_nothing_and_stops_further_sealing() -> None:
    area = _area_with_clients(4)
    anchor = seal_history(area)
    forged = SealChain.Sealed(  # type: ignore[call-arg]
        originator_id=SEAL_CHAIN_ID,
        originator_version=3,
        timestamp=SealChain.Sealed.create_timestamp(),
        position=4,
        previous_position=0,
        previous_digest=GENESIS_DIGEST.hex(),
        digest=anchor.digest,
        positions=[[1, 10**12]],  # claims a trillion events: must not be expanded
        leaves="",
    )
    application_of(area).save(forged)
    assert verify_history(area, anchor).intact
    size = _log_size(area)
    with pytest.raises(IntegrityError, match="version 3 of the seal chain"):
        seal_history(area)
    assert _log_size(area) == size
