"""A report's figures against an independent computation from the events.

The caseload report is recomputed here from the recorded history alone (job searches started,
restarted and ended, moves between municipalities, the active caseload at each month end), with
none of the projection's handlers or tables, and both must agree on every cell. A bug in the
projection that its own rebuild would repeat is caught here.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from employment_domain import EmploymentArea, ReportRequest, read_report

STORE = Path(__file__).parent.parent / "stores" / "release-0.2.0" / "area.db"


def independent_caseload(area: EmploymentArea) -> list[dict[str, Any]]:
    flows: Counter[tuple[str, str, str]] = Counter()
    where: dict[Any, str] = {}
    active: dict[Any, bool] = {}
    for recorded in area.history(limit=10_000):
        kind = recorded.topic.rsplit(".", 1)[-1]
        event: Any = recorded.event
        client = recorded.originator_id
        if kind == "JobSearchStarted":
            where[client], active[client] = event.municipality.code, True
            flows[(event.on.isoformat()[:7], where[client], "started")] += 1
        elif kind == "JobSearchRestarted":
            active[client] = True
            flows[(event.on.isoformat()[:7], where[client], "restarted")] += 1
        elif kind == "JobSearchEnded":
            active[client] = False
            flows[(event.on.isoformat()[:7], where[client], "ended")] += 1
        elif kind == "FactsChanged" and "municipality" in event.changes:
            moved_to = event.changes["municipality"].code
            if active.get(client) and moved_to != where[client]:
                flows[(event.on.isoformat()[:7], where[client], "moved_out")] += 1
                flows[(event.on.isoformat()[:7], moved_to, "moved_in")] += 1
            where[client] = moved_to
    rows = []
    running: Counter[str] = Counter()
    for month in _every_month(min(m for m, _, _ in flows), max(m for m, _, _ in flows)):
        for municipality in sorted({m for _, m, _ in flows}):
            counts = {
                name: flows[(month, municipality, name)]
                for name in ("started", "restarted", "ended", "moved_in", "moved_out")
            }
            running[municipality] += (
                counts["started"]
                + counts["restarted"]
                + counts["moved_in"]
                - counts["ended"]
                - counts["moved_out"]
            )
            if running[municipality] or any(counts.values()):
                rows.append(
                    {
                        "month": month,
                        "municipality": municipality,
                        **counts,
                        "active": running[municipality],
                    }
                )
    return rows


def test_the_caseload_report_equals_a_count_of_the_events_made_without_the_projection(
    tmp_path: Path,
) -> None:
    store = tmp_path / "area.db"
    shutil.copy(STORE, store)
    with EmploymentArea(str(store)) as area:
        expected = independent_caseload(area)
    report = read_report(str(store), ReportRequest("caseload"), scratch=True).rows
    assert expected and len(report) == len(expected)
    assert report == expected


def _every_month(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
