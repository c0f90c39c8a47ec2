"""Peak memory (RSS) while rebuilding every projection, at two history lengths.

Rebuilding streams the log a page at a time, so peak memory must stay flat as the history grows:
the figure is the peak resident set of a fresh process that only rebuilds, at half the history
and at the whole of it.

The peak is the process's own high-water mark (``VmHWM`` in ``/proc/self/status``), not
``getrusage``'s ``ru_maxrss``: Linux carries the parent's peak over into a child's
``ru_maxrss`` across ``exec``, so a child started after the parent wrote a long history reported
the writer's memory (741 MB) rather than its own.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from harness import Figure

#: The most a rebuild of 1,000,000 events may hold resident.
CEILING_MB = 150

_REBUILD = """
import resource, sys, time
from employment_domain.area import EmploymentArea
from employment_domain.projections import ProjectionRunner, ReadModel, read_model_url
area = EmploymentArea(sys.argv[1])
runner = ProjectionRunner(area, ReadModel(read_model_url(sys.argv[1])))
started = time.perf_counter()
progress = runner.rebuild()
elapsed = time.perf_counter() - started
try:
    with open("/proc/self/status", encoding="ascii") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:  # not Linux: ru_maxrss, which may include the parent's peak
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(progress.events, kib, elapsed)
"""


def _history(path: Path | str, events: int) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from projections import write_history

    from employment_domain.area import EmploymentArea

    area = EmploymentArea(str(path))
    written = write_history(area, events)
    area.close()
    return written


def _peak_rebuild(path: Path | str) -> tuple[int, float, float]:
    """Events rebuilt, the peak RSS in MB (10⁶ bytes, as the target is stated) and seconds."""
    done = subprocess.run(
        [sys.executable, "-c", _REBUILD, str(path)], capture_output=True, text=True, check=True
    )
    events, kib, seconds = done.stdout.split()
    return int(events), int(kib) * 1024 / 1e6, float(seconds)


def memory(*, events: int) -> list[Figure]:
    """Peak RSS rebuilding all projections of ``events // 2`` and of ``events`` events.

    Each rebuild runs once (in a fresh process, so that the peak is its own), and its rate is
    printed beside one raw SELECT plus json.loads of the same file: a long history's rate, not
    a median.
    """
    from projections import raw_sqlite

    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for size in (events // 2, events):
            path = Path(folder) / f"history-{size}.db"
            written = _history(path, size)
            rebuilt, peak, seconds = _peak_rebuild(path)
            count, raw_seconds = raw_sqlite(path)()
            figures.append(
                Figure(
                    section="4 projections",
                    name=f"rebuild all projections of {written:,} events once (sqlite)",
                    rate=rebuilt / seconds,
                    unit="ev/s",
                    baseline_name="raw SELECT + json.loads, once",
                    baseline_rate=count / raw_seconds,
                    note=f"{seconds:.0f} s",
                )
            )
            figures.append(
                Figure(
                    section="5 memory",
                    name=f"peak RSS rebuilding all projections of {written:,} events",
                    rate=peak,
                    unit="MB",
                    ceiling=CEILING_MB,
                    note=f"{rebuilt:,} events rebuilt",
                )
            )
    return figures


def memory_postgres(base_url: str, *, events: int) -> list[Figure]:
    """The same rebuild of all projections of ``events`` events once on PostgreSQL (store and
    read model in one schema), against one raw SELECT plus json.loads of its events table.

    The peak is the rebuilding process's own; the server's memory is not in it.
    """
    from projections import create_schema, drop_schema, raw_postgres

    from employment_domain.store.init import init_store

    schema = create_schema(base_url)
    try:
        store = f"{base_url}?schema={schema}"
        init_store(store)
        written = _history(store, events)
        rebuilt, peak, seconds = _peak_rebuild(store)
        count, raw_seconds = raw_postgres(base_url, schema)()
    finally:
        drop_schema(base_url, schema)
    return [
        Figure(
            section="4 projections",
            name=f"rebuild all projections of {written:,} events once (postgres)",
            rate=rebuilt / seconds,
            unit="ev/s",
            baseline_name="raw SELECT + json.loads, once",
            baseline_rate=count / raw_seconds,
            note=f"{seconds:.0f} s",
        ),
        Figure(
            section="5 memory",
            name=f"peak RSS rebuilding all projections of {written:,} events (postgres)",
            rate=peak,
            unit="MB",
            ceiling=CEILING_MB,
            note=f"{rebuilt:,} events rebuilt",
        ),
    ]
