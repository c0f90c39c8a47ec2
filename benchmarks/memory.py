"""Peak memory (RSS) while rebuilding every projection, at two history lengths.

Rebuilding streams the log a page at a time, so peak memory must stay flat as the history grows:
the figure is the peak resident set of a fresh process that only rebuilds, at half the history
and at the whole of it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from harness import Figure

_REBUILD = """
import resource, sys
from employment_domain.application import EmploymentArea
from employment_domain.projections import ProjectionRunner, ReadModel, read_model_url
area = EmploymentArea(sys.argv[1])
runner = ProjectionRunner(area, ReadModel(read_model_url(sys.argv[1])))
progress = runner.catch_up()
print(progress.events, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _history(path: Path, events: int) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from employment_domain.application import EmploymentArea
    from projections import write_history

    area = EmploymentArea(str(path))
    written = write_history(area, events)
    area.close()
    return written


def _peak_rebuild(path: Path) -> tuple[int, float]:
    done = subprocess.run(
        [sys.executable, "-c", _REBUILD, str(path)], capture_output=True, text=True, check=True
    )
    events, kib = done.stdout.split()
    return int(events), int(kib) / 1024


def memory(*, events: int) -> list[Figure]:
    """Peak RSS rebuilding all projections of ``events // 2`` and of ``events`` events."""
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for size in (events // 2, events):
            path = Path(folder) / f"history-{size}.db"
            written = _history(path, size)
            rebuilt, peak = _peak_rebuild(path)
            figures.append(
                Figure(
                    section="5 memory",
                    name=f"peak RSS rebuilding all projections of {written:,} events",
                    rate=peak,
                    unit="MiB",
                    note=f"{rebuilt:,} events rebuilt",
                )
            )
    return figures
