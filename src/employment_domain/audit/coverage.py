"""What a verification covers and what it does not: the seals' positions and the unsealed tail.

An anchor proves the history up to its position and nothing after it. Events appended after the
last seal are not covered by any anchor yet; a verification that passes must say so, by naming
those positions, rather than let "no differences" read as a statement about them too.
"""

from __future__ import annotations

from typing import Any

from employment_domain.audit.seals import SEAL_CHAIN_ID, Anchor, SealChain, latest_anchor
from employment_domain.store.service import AreaLike, application_of
from employment_domain.topics import topics_of

__all__ = ["seal_records", "unsealed_tail"]

_PAGE = 5_000


def seal_records(area: AreaLike) -> list[dict[str, Any]]:
    """Every readable seal of the store, oldest first: the position it seals, the position it
    continues from, its digest and how many events it covers (its leaves are not expanded)."""
    app = application_of(area)
    sealed_topics = topics_of(SealChain.Sealed)
    records = []
    for stored in app.recorder.select_events(SEAL_CHAIN_ID):
        if stored.topic not in sealed_topics:
            continue
        try:
            seal: Any = app.mapper.to_domain_event(stored)
            runs = [(int(first), int(last)) for first, last in seal.positions]
            records.append(
                {
                    "position": int(seal.position),
                    "previous_position": int(seal.previous_position),
                    "digest": str(seal.digest),
                    "events": sum(last - first + 1 for first, last in runs),
                }
            )
        # A damaged seal record vouches for nothing; verification reports it, this lists seals.
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return records


def unsealed_tail(area: AreaLike, anchor: Anchor | None = None) -> dict[str, Any]:
    """The events no anchor covers: those after ``anchor`` when one is given (else after the
    latest seal) up to the store's last event, the seal records themselves left out (a seal is
    always recorded after the position it seals). ``first`` and ``last`` name their positions.
    Read a page at a time, so a long tail (a history never sealed) costs no memory."""
    app = application_of(area)
    latest = anchor if anchor is not None else latest_anchor(app)
    covered = 0 if latest is None else latest.position
    head = app.recorder.max_notification_id() or 0
    first = last = None
    events, after = 0, covered
    while after < head:
        page = app.recorder.select_notifications(
            start=after, limit=_PAGE, stop=head, inclusive_of_start=False
        )
        if not page:
            break
        for notification in page:
            if notification.originator_id != SEAL_CHAIN_ID:
                events += 1
                first = notification.id if first is None else first
                last = notification.id
        after = page[-1].id
    return {"covered_up_to": covered, "head": head, "events": events, "first": first, "last": last}
