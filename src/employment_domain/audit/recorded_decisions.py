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

__all__ = [
    "DecisionRecheck",
    "RecordedDecision",
    "recheck_decisions",
    "recorded_decisions",
    "verify_recorded_decisions",
]

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


@attrs.frozen
class DecisionRecheck:
    """Recorded decisions re-run under the rulebook versions they record: how many, under which
    versions, and a finding for each that no longer gives the recorded answer."""

    checked: int = 0
    rulebook_versions: frozenset[str] = frozenset()
    findings: tuple[Finding, ...] = ()

    @property
    def matched(self) -> int:
        """How many re-runs gave exactly the recorded answer."""
        return self.checked - len(self.findings)


def recheck_decisions(app: AreaLike, *, year: int | None = None) -> DecisionRecheck:
    """Re-run every recorded decision (those of business year ``year`` when given; a decision
    without a business date is always included) under the rulebook version it records."""
    if not isinstance(app, RoutingCommands):
        raise TypeError(f"decisions are verified in an EmploymentArea, not {app!r}")
    findings, versions, checked = [], set(), 0
    for recorded in recorded_decisions(app):
        decision = recorded.decision
        if (
            year is not None
            and decision.decided_on is not None
            and decision.decided_on.year != year
        ):
            continue
        checked += 1
        versions.add(decision.rulebook_version)
        subject = f"client {recorded.client_id} referral {recorded.referral_id}"
        try:
            check = app.verify_decision(decision)
        except RoutingError as error:
            findings.append(Finding("decisions", subject, f"cannot be re-run: {error}", decision))
            continue
        if not check.holds:
            findings.append(
                Finding(
                    "decisions",
                    subject,
                    "; ".join(check.differences),
                    live=decision,
                    expected=check.rerun,
                )
            )
    return DecisionRecheck(checked, frozenset(versions), tuple(findings))


def verify_recorded_decisions(app: AreaLike) -> list[Finding]:
    """Re-run every recorded decision under the rulebook version it records.

    An audit check of :data:`employment_domain.audit.replay.AuditCheck` shape; one finding per
    decision that differs.
    """
    return list(recheck_decisions(app).findings)
