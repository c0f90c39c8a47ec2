"""A rebuild killed with SIGKILL at any moment leaves the old tables or the new ones, never a mix.

The read model first holds every projection built to an earlier position (the old tables). Then
``python -m employment_domain.projections STORE --rebuild`` is started in small batches and
killed a random time after a random number of staged batches, ``EMPLOYMENT_DOMAIN_KILL_TEST_KILLS``
times (5): each time the tables and tracking rows must be exactly the old ones or exactly those
of the whole history. Run to its end, the rebuild leaves the new ones and no staging table.
``EMPLOYMENT_DOMAIN_KILL_TEST_SEED`` repeats a run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from employment_domain.area import EmploymentArea
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections
from employment_domain.projections.staging import STAGING_SUFFIX

from .test_projection_kill import EVENTS, KILLS, write_history

BATCH = max(50, EVENTS // 100)


def rebuild_and_kill(store: str, batches: int, pause: float) -> tuple[int, bool]:
    """Start a rebuild, kill it ``pause`` seconds after its ``batches``-th staged batch.

    Returns how many batches it reported staged and whether it reported finishing first.
    """
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "employment_domain.projections",
            store,
            "--rebuild",
            "--page-size",
            str(BATCH),
            "--progress",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(300, process.kill)
    watchdog.start()
    staged, finished = 0, False
    try:
        assert process.stdout is not None
        while staged < batches:
            line = process.stdout.readline()
            if not line.startswith("staged"):
                finished = line.startswith("rebuilt")
                break
            staged += 1
        time.sleep(pause)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        watchdog.cancel()
        process.kill()
    return staged, finished


def staging_tables(read_model: ReadModel) -> list[str]:
    """The staging tables in the read model (left behind by a rebuild killed midway)."""
    with read_model.engine.connect() as connection:
        names = read_model.engine.dialect.get_table_names(connection, schema=read_model.schema)
    return [name for name in names if name.endswith(STAGING_SUFFIX)]


def test_a_rebuild_killed_at_random_points_leaves_the_old_tables_or_the_new_ones(
    durable_store: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("EMPLOYMENT_DOMAIN_KILL_TEST_SEED", random.randrange(2**32)))
    rnd = random.Random(seed)
    area = EmploymentArea(durable_store)
    write_history(area, EVENTS, rnd)
    head = area.head_position()
    every = all_projections()
    live = ReadModel.for_store(durable_store)
    ProjectionRunner(area, live).catch_up(stop=rnd.randrange(1, head // 2))
    old = live.snapshot(every)
    complete = ReadModel(f"sqlite:///{tmp_path / 'complete.db'}")
    ProjectionRunner(area, complete).catch_up()
    new = complete.snapshot(every)
    assert old != new
    batches = head // BATCH
    killed_midway = 0
    for kill in range(KILLS):
        staged, finished = rebuild_and_kill(
            durable_store, rnd.randrange(1, batches), rnd.uniform(0, 0.05)
        )
        tables = live.snapshot(every)
        assert tables in (old, new), f"seed {seed}, kill {kill}: a mix of old and new tables"
        if tables == old and staged and not finished:
            killed_midway += 1
            assert staging_tables(live), f"seed {seed}, kill {kill}: killed before staging?"
    assert killed_midway >= 1, f"seed {seed}: every kill came after the rebuild had finished"
    finished_run = subprocess.run(
        [sys.executable, "-m", "employment_domain.projections", durable_store, "--rebuild"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished_run.returncode == 0, finished_run.stderr
    assert live.snapshot(every) == new, f"seed {seed}"
    assert staging_tables(live) == []
