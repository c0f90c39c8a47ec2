"""Audit of an employment area's history: replay against the live reports, reports as known at an
earlier moment, and an aggregate's full history as plain data.

What auditors need to prove (DESIGN.md): that the live read-model tables are exactly what the
recorded history gives when replayed from zero, that any report can be had as it was known at an
earlier position or recorded time, and every event of an aggregate, in order. Open the store with
:func:`~employment_domain.audit.readonly.open_for_audit` so that nothing can be written while
auditing;
the scratch databases the replay builds are in memory unless another URL is given. Each check
returns :class:`Finding` values rather than raising, so one audit lists everything it found.
Routing decisions are verified by a check of the same :data:`AuditCheck` shape, run with the
others by :func:`run_audit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import attrs
from sqlalchemy import Table

from employment_domain.commands.clients import history_as_data, plain_data
from employment_domain.errors import NotFoundError
from employment_domain.projections import (
    Projection,
    ProjectionError,
    ProjectionRunner,
    ReadModel,
    all_projections,
    projection_named,
)
from employment_domain.projections.readmodel import TRACKING
from employment_domain.store.service import AreaLike, application_of

__all__ = [
    "DEFAULT_CHECKS",
    "SCRATCH_URL",
    "AuditCheck",
    "Finding",
    "aggregate_history",
    "replay",
    "report_as_known",
    "run_audit",
]

#: Where replays are built unless the caller names another database: a private in-memory SQLite.
SCRATCH_URL = "sqlite://"


@attrs.frozen
class Finding:
    """One discrepancy an audit found.

    ``check`` names the check (``"replay"``, ``"decisions"``, …), ``subject`` what the finding is
    about (a projection, a table row, an aggregate), ``live`` what the store or the live tables
    hold and ``expected`` what the check derived from the history.
    """

    check: str
    subject: str
    message: str
    live: Any = None
    expected: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        return {
            "check": self.check,
            "subject": self.subject,
            "message": self.message,
            "live": plain_data(self.live),
            "expected": plain_data(self.expected),
        }


#: A check over an application's history; verifying routing decisions is one.
AuditCheck = Callable[[AreaLike], list[Finding]]
#: The checks :func:`run_audit` runs besides the replay. Decision verification, which re-runs
#: each recorded routing decision under the rulebook version it records, belongs here.
DEFAULT_CHECKS: tuple[AuditCheck, ...] = ()


def run_audit(
    app: AreaLike,
    live: ReadModel,
    *,
    projections: Sequence[Projection] | None = None,
    checks: Sequence[AuditCheck] = DEFAULT_CHECKS,
    scratch: str = SCRATCH_URL,
) -> list[Finding]:
    """Every finding of the replay and of each further check, in that order."""
    findings = replay(app, live, projections=projections, scratch=scratch)
    for check in checks:
        findings.extend(check(app))
    return findings


def replay(
    app: AreaLike,
    live: ReadModel,
    *,
    projections: Sequence[Projection] | None = None,
    scratch: str = SCRATCH_URL,
) -> list[Finding]:
    """Rebuild each projection from zero and compare it row by row with the live tables.

    Each projection is rebuilt up to the position its live tables record, so a live runner that
    is behind (or still running) is compared with the history it has seen. An empty list means
    the live tables are exactly what the history gives.
    """
    app = application_of(app)
    chosen = list(all_projections() if projections is None else projections)
    tracking = live.tracking()
    findings: list[Finding] = []
    built: list[Projection] = []
    for projection in chosen:
        row = tracking.get(projection.name)
        subject = f"projection {projection.name}"
        if row is None:
            findings.append(Finding("replay", subject, "the live read model has never built it"))
        elif row["application"] != app.name:
            findings.append(
                Finding(
                    "replay",
                    subject,
                    "the live tables follow another application",
                    live=row["application"],
                    expected=app.name,
                )
            )
        elif row["version"] != projection.version:
            findings.append(
                Finding(
                    "replay",
                    subject,
                    "the live tables were built by another version of the projection",
                    live=row["version"],
                    expected=projection.version,
                )
            )
        else:
            built.append(projection)
    live_rows = live.snapshot(built)
    positions = {row["projection"]: row["position"] for row in live_rows[TRACKING.name]}
    groups: dict[int, list[Projection]] = defaultdict(list)
    for projection in built:
        groups[positions[projection.name]].append(projection)
    for position, group in sorted(groups.items()):
        rebuilt, reached = _rebuild(app, group, position, scratch, live)
        if reached != position:
            findings.append(
                Finding(
                    "replay",
                    ", ".join(f"projection {p.name}" for p in group),
                    "the live tables record a position the history does not reach",
                    live=position,
                    expected=reached,
                )
            )
        for projection in group:
            for table in projection.tables:
                findings.extend(_compare(table, live_rows[table.name], rebuilt[table.name]))
    return findings


def _rebuild(
    app: AreaLike,
    projections: list[Projection],
    position: int,
    scratch: str,
    live: ReadModel,
) -> tuple[dict[str, list[dict[str, Any]]], int]:
    app = application_of(app)
    model = ReadModel(scratch)
    try:
        if model.same_database(live):
            raise ProjectionError(
                f"the scratch database {model.description} is the live read model; a replay"
                " would drop the live tables"
            )
        runner = ProjectionRunner(app, model, projections)
        progress = runner.rebuild(stop=position)
        return model.snapshot(projections), progress.position
    finally:
        model.close()


def _compare(
    table: Table, live_rows: list[dict[str, Any]], rebuilt_rows: list[dict[str, Any]]
) -> list[Finding]:
    """Findings for rows missing, added or different in the live table, in key order."""
    names = [column.name for column in table.primary_key.columns]

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[name] for name in names)

    live_by_key = {key(row): row for row in live_rows}
    rebuilt_by_key = {key(row): row for row in rebuilt_rows}
    findings = []
    for row_key in sorted(live_by_key.keys() | rebuilt_by_key.keys(), key=_sortable):
        live_row, rebuilt_row = live_by_key.get(row_key), rebuilt_by_key.get(row_key)
        if live_row == rebuilt_row:
            continue
        subject = f"{table.name} ({', '.join(str(plain_data(v)) for v in row_key)})"
        if live_row is None:
            message = "row missing from the live table"
        elif rebuilt_row is None:
            message = "row in the live table that the history does not give"
        else:
            changed = [name for name in live_row if live_row[name] != rebuilt_row.get(name)]
            message = f"row differs from the replay in {', '.join(changed)}"
        findings.append(Finding("replay", subject, message, live=live_row, expected=rebuilt_row))
    return findings


def _sortable(row_key: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(value) for value in row_key)


def report_as_known(
    app: AreaLike,
    name: str,
    *,
    position: int | None = None,
    at: datetime | None = None,
    through: date | None = None,
    scratch: str = SCRATCH_URL,
    **options: Any,
) -> list[dict[str, Any]]:
    """Report ``name`` as it was known at notification ``position`` or recorded time ``at``.

    The report is built from zero in a scratch database from the history up to that moment
    (both given: the earlier). ``through`` is the business-date cut ("as of business date"):
    it is handed to the report function, like any further ``options``.
    """
    app = application_of(app)
    projection = projection_named(name)
    model = ReadModel(scratch)
    try:
        runner = ProjectionRunner(app, model, [projection])
        runner.rebuild(stop=position, until=at)
        if through is not None:
            options["through"] = through
        return model.report(projection, **options)
    finally:
        model.close()


def aggregate_history(app: AreaLike, aggregate_id: UUID) -> list[dict[str, Any]]:
    """Every event of one aggregate, oldest first, as plain data.

    Each event is a dict with its ``type``, business date ``on``, ``version``, ``recorded_at``
    (the event's timestamp, ISO 8601 in UTC) and its own fields, values as JSON-ready text.
    """
    app = application_of(app)
    events = list(app.repository.event_store.get(aggregate_id))
    if not events:
        raise NotFoundError(f"no aggregate with id {aggregate_id} in this employment area")
    return history_as_data(events)
