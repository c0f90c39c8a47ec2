"""Seals over the notification log: chained SHA-256 digests of the stored history, their anchors,
and verification that names the first position that differs.

eventsourcing 9 dropped its hash chaining, and anyone with database access can rewrite an event
store, so the history is sealed from outside the aggregates. Each stored event gets a *leaf*
digest over its position, originator id, version, topic and stored bytes (exactly what the
recorder returns, after any cipher or compressor); the *chain* links every leaf to all before it.
A seal is a ``SealChain.Sealed`` event that records the chain at a position together with the
leaves since the previous seal, so an anchor (``ea1:<position>:<hex digest>``) kept by a third
party authenticates those leaves, and through their ``previous_digest`` every earlier seal: that
is what lets verification name the first position that differs instead of only saying "changed".
Seal events are ordinary stored events: later seals cover them like any other event.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID, uuid5

import attrs
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Notification, StoredEvent

from employment_domain.errors import EmploymentDomainError
from employment_domain.store.service import AreaLike, application_of
from employment_domain.topics import moved, topics_of

__all__ = [
    "Anchor",
    "AnchorError",
    "IntegrityError",
    "SealChain",
    "Verification",
    "chain_digest",
    "event_digest",
    "latest_anchor",
    "seal_history",
    "verify_history",
]

ANCHOR_SCHEME = "ea1"
#: The chain value before the first event: a fixed, named starting point rather than zeros.
GENESIS_DIGEST = hashlib.sha256(b"employment-area/seal-chain/v1").digest()
#: The one seal chain of an employment area (a natural key, so concurrent sealers conflict).
SEAL_CHAIN_ID = uuid5(UUID("6f1e0c1a-93b5-4a36-8f0e-2f6a3b1f0c55"), "employment-area/seal-chain")
#: How many events one seal event covers at most, so that no stored event grows without bound.
MAX_EVENTS_PER_SEAL = 10_000
_PAGE = 1_000
_DIGEST_SIZE = 32
_ANCHOR_SHAPE = re.compile(r"ea1:(0|[1-9]\d{0,18}):([0-9a-f]{64})")


class IntegrityError(EmploymentDomainError):
    """The history could not be sealed or verified (not: the history was found changed)."""


class AnchorError(IntegrityError, ValueError):
    """An anchor string that is not of the form ``ea1:<position>:<64 hex digits>``."""


@attrs.frozen
class Anchor:
    """The chain digest of the history up to a position: what a third party keeps to check it."""

    position: int
    digest: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """Read an anchor as :func:`seal_history` printed it."""
        if not isinstance(text, str) or len(text) > 100:
            raise AnchorError(f"an anchor is text like 'ea1:<position>:<64 hex digits>': {text!r}")
        match = _ANCHOR_SHAPE.fullmatch(text.strip())
        if match is None:
            raise AnchorError(f"an anchor has the form 'ea1:<position>:<64 hex digits>': {text!r}")
        return cls(int(match.group(1)), match.group(2))

    def __str__(self) -> str:
        return f"{ANCHOR_SCHEME}:{self.position}:{self.digest}"


@attrs.frozen
class Verification:
    """The outcome of checking the stored history against an anchor.

    ``first_difference`` is the first position whose stored event is not the sealed one (changed,
    deleted or inserted); it is None when the history is intact, and also when the history differs
    but the seal records that would locate the change are themselves missing or damaged.
    """

    anchor: Anchor
    intact: bool
    events_checked: int
    first_difference: int | None
    detail: str

    def __str__(self) -> str:
        return self.detail


class SealChain(Aggregate):
    """The seals of one employment area's history, one ``Sealed`` event per seal, in order.

    One aggregate, so that two processes sealing at once conflict on its version instead of
    forking the chain. Sealing appends events without replaying the chain (see
    :func:`seal_history`); replaying it gives the latest seal.
    """

    class Opened(Aggregate.Created):
        """The chain was started, just before its first seal."""

    class Sealed(Aggregate.Event):
        """The chain reads ``digest`` at ``position``.

        ``positions`` are the runs ``[first, last]`` of notification ids after
        ``previous_position``; ``leaves`` is the base64 of their leaf digests, in order.
        """

        position: int
        previous_position: int
        previous_digest: str
        digest: str
        positions: list[list[int]]
        leaves: str

    @event(Opened)
    def __init__(self, id: UUID) -> None:
        self.position = 0
        self.digest = GENESIS_DIGEST.hex()

    @event(Sealed)
    def record_seal(
        self,
        position: int,
        previous_position: int,
        previous_digest: str,
        digest: str,
        positions: list[list[int]],
        leaves: str,
    ) -> None:
        """Record a seal; :func:`seal_history` computes its fields."""
        self.position = position
        self.digest = digest


# Events stored by release 0.1.0 name this module by its old path; registered before the seal
# topics are read below, so that the seals of 0.1.0 are recognised as seals.
moved("employment_domain.integrity", SealChain)
_SEALED_TOPICS = frozenset(topics_of(SealChain.Sealed))


def event_digest(notification: Notification) -> bytes:
    """The leaf digest of one stored event: position, originator, version, topic and bytes."""
    digest = hashlib.sha256(b"ea1/event\0")
    for part in (
        str(notification.id).encode(),
        str(notification.originator_id).encode("utf-8", "surrogatepass"),
        str(notification.originator_version).encode(),
        notification.topic.encode("utf-8", "surrogatepass"),
        bytes(notification.state),
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def chain_digest(previous: bytes, leaf: bytes) -> bytes:
    """The chain after one more event: the previous chain value and the event's leaf, hashed."""
    return hashlib.sha256(previous + leaf).digest()


@attrs.frozen
class _Seal:
    """A seal as read back from the store, its leaves decoded."""

    position: int
    previous_position: int
    previous_digest: bytes
    digest: bytes
    positions: tuple[int, ...]
    leaves: bytes

    def is_consistent(self) -> bool:
        """Whether the leaves, chained from the previous digest, give this seal's digest."""
        if len(self.leaves) != _DIGEST_SIZE * len(self.positions):
            return False
        ordered = all(a < b for a, b in zip(self.positions, self.positions[1:], strict=False))
        if not ordered or (self.positions and not self.previous_position < self.positions[0]):
            return False
        if (self.positions[-1] if self.positions else self.previous_position) != self.position:
            return False
        value = self.previous_digest
        for start in range(0, len(self.leaves), _DIGEST_SIZE):
            value = chain_digest(value, self.leaves[start : start + _DIGEST_SIZE])
        return value == self.digest

    def sealed_leaves(self) -> Iterator[tuple[int, bytes]]:
        for index, position in enumerate(self.positions):
            yield position, self.leaves[index * _DIGEST_SIZE : (index + 1) * _DIGEST_SIZE]


def _notifications(
    app: Application[UUID], *, after: int, up_to: int | None
) -> Iterator[Notification]:
    """Stored events after a position, in order, read directly from the recorder in pages."""
    start = after
    while True:
        page = app.recorder.select_notifications(
            start=start, limit=_PAGE, stop=up_to, inclusive_of_start=False
        )
        yield from page
        if len(page) < _PAGE:
            return
        start = page[-1].id


def _runs(positions: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1][1] = position
        else:
            runs.append([position, position])
    return runs


def _decode_seal(app: Application[UUID], stored: StoredEvent) -> _Seal | None:
    """A seal from its stored event, or None when the record is not a readable seal."""
    if stored.topic not in _SEALED_TOPICS:
        return None
    try:
        sealed: Any = app.mapper.to_domain_event(stored)
        leaves = base64.b64decode(sealed.leaves, validate=True)
        runs = [(int(first), int(last)) for first, last in sealed.positions]
        if sum(last - first + 1 for first, last in runs) != len(leaves) // _DIGEST_SIZE:
            return None  # checked before expanding, so a forged run cannot exhaust memory
        return _Seal(
            position=int(sealed.position),
            previous_position=int(sealed.previous_position),
            previous_digest=bytes.fromhex(sealed.previous_digest),
            digest=bytes.fromhex(sealed.digest),
            positions=tuple(p for first, last in runs for p in range(first, last + 1)),
            leaves=leaves,
        )
    # A damaged seal record is one of the things verification exists to survive: any failure to
    # read it only means it cannot vouch for anything.
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error):
        return None


def _chain_head(app: Application[UUID]) -> tuple[int, int, bytes]:
    """The seal chain's version, and the position and digest of its latest seal."""
    latest = app.recorder.select_events(SEAL_CHAIN_ID, desc=True, limit=1)
    if not latest:
        return 0, 0, GENESIS_DIGEST
    seal = _decode_seal(app, latest[0])
    if seal is None:
        if latest[0].originator_version == 1:
            return 1, 0, GENESIS_DIGEST
        raise IntegrityError(
            f"the latest seal record (version {latest[0].originator_version} of the seal chain)"
            " cannot be read; verify the history against a kept anchor before sealing again"
        )
    return latest[0].originator_version, seal.position, seal.digest


def seal_history(app: AreaLike, *, max_events_per_seal: int = MAX_EVENTS_PER_SEAL) -> Anchor:
    """Seal the history recorded so far and return its anchor.

    ``app`` is an EmploymentArea (any application of the library). Only the events since the
    previous seal are read and hashed. A long stretch is recorded as several chained seal events
    of at most ``max_events_per_seal`` events each, saved atomically. Sealing an empty store
    records nothing and returns the anchor of the empty history. Two processes sealing at once:
    one gets ConcurrentUpdateError and may simply seal again.
    """
    app = application_of(app)
    if isinstance(max_events_per_seal, bool) or not isinstance(max_events_per_seal, int):
        raise IntegrityError(f"max_events_per_seal is a positive int: {max_events_per_seal!r}")
    if max_events_per_seal < 1:
        raise IntegrityError(f"max_events_per_seal is a positive int: {max_events_per_seal!r}")
    version, position, digest = _chain_head(app)
    top = app.recorder.max_notification_id() or 0
    if top <= position:
        return Anchor(position, digest.hex())
    pending: list[Any] = []
    if version == 0:
        pending.extend(SealChain(id=SEAL_CHAIN_ID).collect_events())
        version = 1
    positions: list[int] = []
    leaves = bytearray()
    previous_position, previous_digest = position, digest

    def flush() -> None:
        nonlocal version, previous_position, previous_digest
        version += 1
        pending.append(
            # eventsourcing turns event classes into dataclasses at runtime; mypy cannot see it.
            SealChain.Sealed(  # type: ignore[call-arg]
                originator_id=SEAL_CHAIN_ID,
                originator_version=version,
                timestamp=SealChain.Sealed.create_timestamp(),
                position=positions[-1],
                previous_position=previous_position,
                previous_digest=previous_digest.hex(),
                digest=digest.hex(),
                positions=_runs(positions),
                leaves=base64.b64encode(bytes(leaves)).decode("ascii"),
            )
        )
        previous_position, previous_digest = positions[-1], digest
        positions.clear()
        leaves.clear()

    for notification in _notifications(app, after=position, up_to=top):
        leaf = event_digest(notification)
        digest = chain_digest(digest, leaf)
        positions.append(notification.id)
        leaves += leaf
        if len(positions) == max_events_per_seal:
            flush()
    if positions:
        flush()
    app.save(*pending)
    return Anchor(previous_position, previous_digest.hex())


def latest_anchor(app: AreaLike) -> Anchor | None:
    """The anchor of the latest seal in the store, or None before the first seal."""
    app = application_of(app)
    version, position, digest = _chain_head(app)
    return Anchor(position, digest.hex()) if version > 1 else None


def _seals_up_to(app: Application[UUID], position: int) -> dict[int, list[_Seal]]:
    """Every readable seal record covering history up to ``position``, by the position it seals."""
    seals: dict[int, list[_Seal]] = {}
    after = 0
    while True:
        page = app.recorder.select_events(SEAL_CHAIN_ID, gt=after, limit=100)
        for stored in page:
            seal = _decode_seal(app, stored)
            if seal is not None and seal.position <= position:
                seals.setdefault(seal.position, []).append(seal)
        if len(page) < 100:
            return seals
        after = page[-1].originator_version


def _authenticated_seals(app: Application[UUID], anchor: Anchor) -> tuple[list[_Seal], int, bytes]:
    """The seals the anchor vouches for, oldest first, and the position and chain value below
    which no authenticated seal reaches (0 and the genesis digest when the chain is complete).
    """
    candidates = _seals_up_to(app, anchor.position)
    chain: list[_Seal] = []
    position, digest = anchor.position, bytes.fromhex(anchor.digest)
    while position > 0:
        found = next(
            (
                seal
                for seal in candidates.get(position, [])
                if seal.digest == digest and seal.previous_position < position
                if seal.is_consistent()
            ),
            None,
        )
        if found is None:
            break
        chain.append(found)
        position, digest = found.previous_position, found.previous_digest
    chain.reverse()
    return chain, position, digest


def verify_history(app: AreaLike, anchor: Anchor | str) -> Verification:
    """Check the stored history up to the anchor's position against the anchor.

    Reads every stored event up to that position directly from the recorder and recomputes the
    chain. When it differs, the seal records that the anchor authenticates name the first
    position whose event was changed, deleted or inserted. Works on a store opened read-only.
    """
    app = application_of(app)
    if not isinstance(anchor, Anchor):
        anchor = Anchor.parse(anchor)
    seals, floor, floor_digest = _authenticated_seals(app, anchor)
    sealed = (leaf for seal in seals for leaf in seal.sealed_leaves())
    expected = next(sealed, None)
    chain, checked = GENESIS_DIGEST, 0
    below_floor: bytes | None = None
    first: int | None = None
    what = ""
    for notification in _notifications(app, after=0, up_to=anchor.position):
        checked += 1
        leaf = event_digest(notification)
        if notification.id > floor and below_floor is None:
            below_floor = chain
        chain = chain_digest(chain, leaf)
        if notification.id <= floor or first is not None:
            continue
        if expected is None or notification.id < expected[0]:
            first, what = notification.id, "holds an event where the sealed history had none"
        elif notification.id > expected[0]:
            first, what = expected[0], "lost the event it held when sealed"
        elif leaf != expected[1]:
            first, what = notification.id, "holds another event than when sealed"
        else:
            expected = next(sealed, None)
    if first is None and expected is not None:
        first, what = expected[0], "lost the event it held when sealed"
    prefix_intact = (chain if below_floor is None else below_floor) == floor_digest
    if chain.hex() == anchor.digest and first is None:
        detail = f"the history up to position {anchor.position} matches {anchor} ({checked} events)"
        return Verification(anchor, True, checked, None, detail)
    if prefix_intact and first is not None:
        detail = f"the history differs from {anchor} first at position {first}, which {what}"
        return Verification(anchor, False, checked, first, detail)
    detail = (
        f"the history up to position {anchor.position} differs from {anchor}; the change lies at"
        f" or before position {floor}, and no intact seal record in this store locates it"
    )
    if first is not None:
        detail += f" (position {first} also {what})"
    return Verification(anchor, False, checked, None, detail)
