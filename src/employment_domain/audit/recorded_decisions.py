"""Every routing decision recorded in a store, re-checked under its own rulebook or replayed
under another, for ``audit verify`` and ``rules diff``.

Decisions travel in the clients' referral events, so they are read from the notification log
(a topic-filtered scan, no aggregate is replayed); the log is read, never written.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import attrs

from employment_domain.audit.replay import Finding
from employment_domain.clients.client import Client
from employment_domain.commands.routing import RoutingCommands
from employment_domain.decisions import Decision
from employment_domain.routing.rulebook import RoutingError
from employment_domain.store.service import AreaLike
from employment_domain.topics import topics_of

__all__ = ["RecordedDecision", "recorded_decisions", "verify_recorded_decisions"]

_REFERRED = list(topics_of(Client.ReferredToService))  # type: ignore[attr-defined]
_PAGE = 5_000


@attrs.frozen
class RecordedDecision:
    """A routing decision as the store holds it: where in the log, for whom, which referral."""

    position: int
    client_id: UUID
    referral_id: UUID
    decision: Decision


def recorded_decisions(app: AreaLike) -> Iterator[RecordedDecision]:
    """Every recorded routing decision of the store, in log order."""
    from employment_domain.projections.reading import LogReader

    log = LogReader(app)
    head = log.head()
    for page in log.pages(after=0, limit=_PAGE, stop=head, topics=_REFERRED):
        for row in page:
            referred = log.decode(row)
            yield RecordedDecision(
                position=row[0],
                client_id=referred.originator_id,
                referral_id=referred.referral_id,
                decision=referred.decision,
            )


def verify_recorded_decisions(app: AreaLike) -> list[Finding]:
    """Re-run every recorded decision under the rulebook version it records.

    An audit check of :data:`employment_domain.audit.replay.AuditCheck` shape; one finding per
    decision that differs.
    """
    if not isinstance(app, RoutingCommands):
        raise TypeError(f"decisions are verified in an EmploymentArea, not {app!r}")
    findings = []
    for recorded in recorded_decisions(app):
        subject = f"client {recorded.client_id} referral {recorded.referral_id}"
        try:
            check = app.verify_decision(recorded.decision)
        except RoutingError as error:
            findings.append(
                Finding("decisions", subject, f"cannot be re-run: {error}", recorded.decision)
            )
            continue
        if not check.holds:
            findings.append(
                Finding(
                    "decisions",
                    subject,
                    "; ".join(check.differences),
                    live=recorded.decision,
                    expected=check.rerun,
                )
            )
    return findings
