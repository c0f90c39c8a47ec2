"""What a verification covers and what it does not: the seals' positions and the unsealed tail.

An anchor proves the history up to its position and nothing after it. Events appended after the
last seal are not covered by any anchor yet; a verification that passes must say so, by naming
those positions, rather than let "no differences" read as a statement about them too.
"""

from __future__ import annotations

from typing import Any

from employment_domain.audit.seals import SEAL_CHAIN_ID, Anchor, _decode_seal
from employment_domain.store.service import AreaLike, application_of

__all__ = ["seal_records", "unsealed_tail"]


def seal_records(area: AreaLike) -> list[dict[str, Any]]:
    """Every readable seal of the store, oldest first: the position it seals, the position and
    digest it continues from, its digest and how many events it covers."""
    app = application_of(area)
    records = []
    for stored in app.recorder.select_events(SEAL_CHAIN_ID):
        seal = _decode_seal(app, stored)
        if seal is not None:
            records.append(
                {
                    "position": seal.position,
                    "previous_position": seal.previous_position,
                    "digest": seal.digest.hex(),
                    "events": len(seal.positions),
                }
            )
    return records


def unsealed_tail(area: AreaLike, anchor: Anchor | None = None) -> dict[str, Any]:
    """The events no anchor covers: those after ``anchor`` when one is given (else after the
    latest seal) up to the store's last event, the seal records themselves left out (a seal is
    always recorded after the position it seals). ``first`` and ``last`` name their positions."""
    app = application_of(area)
    seals = seal_records(app)
    covered = anchor.position if anchor is not None else (seals[-1]["position"] if seals else 0)
    head = app.recorder.max_notification_id() or 0
    positions = [
        notification.id
        for notification in app.recorder.select_notifications(
            start=covered, limit=max(head - covered, 1), stop=head, inclusive_of_start=False
        )
        if head > covered and notification.originator_id != SEAL_CHAIN_ID
    ]
    return {
        "covered_up_to": covered,
        "head": head,
        "events": len(positions),
        "first": positions[0] if positions else None,
        "last": positions[-1] if positions else None,
    }
