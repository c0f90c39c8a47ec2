"""A projection process killed with SIGKILL while catching up ends with exact tables once restarted.

The history has ``EMPLOYMENT_DOMAIN_KILL_TEST_EVENTS`` events (10,000 by default to keep the suite
fast on a shared machine; the issue's figure is 100,000:
``EMPLOYMENT_DOMAIN_KILL_TEST_EVENTS=100000``). The projection process is
``python -m employment_domain.projections`` in small pages; it is killed a random time after a
random number of committed pages, ``EMPLOYMENT_DOMAIN_KILL_TEST_KILLS`` times (5), and every time
its tables must be exactly those of a from-zero build up to the position it recorded. Restarted
to the end, they must equal those of an uninterrupted run. ``EMPLOYMENT_DOMAIN_KILL_TEST_SEED``
repeats a run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from employment_domain.area import EmploymentArea
from employment_domain.clients.client import Client
from employment_domain.projections import ProjectionRunner, ReadModel, all_projections
from employment_domain.store.service import application_of
from employment_domain.values import MunicipalityCode

EVENTS = int(os.environ.get("EMPLOYMENT_DOMAIN_KILL_TEST_EVENTS", "10000"))
KILLS = int(os.environ.get("EMPLOYMENT_DOMAIN_KILL_TEST_KILLS", "5"))
PAGE_SIZE = max(50, EVENTS // 200)
MUNICIPALITIES = (MunicipalityCode("049"), MunicipalityCode("235"))


def write_history(area: EmploymentArea, events: int, rnd: random.Random) -> None:
    """Jobseekers day by day: starts, moves, ends and restarts, saved a day at a time."""
    day, written = date(2025, 1, 1), 0
    active: list[Client] = []
    ended: list[Client] = []
    while written < events:
        touched: dict[uuid.UUID, Client] = {}
        for _ in range(rnd.randrange(40, 120)):
            client = Client.start_job_search(
                uuid.UUID(int=rnd.getrandbits(128)),
                on=day,
                municipality=rnd.choice(MUNICIPALITIES),
                birth_date=date(1970 + rnd.randrange(35), 1, 1),
            )
            active.append(client)
            touched[client.id] = client
        for client in rnd.sample(active, min(len(active), rnd.randrange(0, 30))):
            moved_to = next(m for m in MUNICIPALITIES if m != client.municipality)
            client.change_facts(on=day, municipality=moved_to)
            touched[client.id] = client
        for client in rnd.sample(active, min(len(active), rnd.randrange(20, 80))):
            active.remove(client)
            client.end_job_search(on=day, reason="employed")
            ended.append(client)
            touched[client.id] = client
        for client in rnd.sample(ended, min(len(ended), rnd.randrange(0, 30))):
            ended.remove(client)
            client.restart_job_search(on=day, parameters=area.parameters)
            active.append(client)
            touched[client.id] = client
        written += sum(len(client.pending_events) for client in touched.values())
        application_of(area).save(*touched.values())
        day += timedelta(days=1)


def run_and_kill(store: str, pages: int, pause: float) -> int:
    """Start the projection process, kill it ``pause`` seconds after its ``pages``-th page.

    Returns how many pages it reported committed (it may have finished first).
    """
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "employment_domain.projections",
            store,
            "--page-size",
            str(PAGE_SIZE),
            "--progress",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(300, process.kill)
    watchdog.start()
    seen = 0
    try:
        assert process.stdout is not None
        while seen < pages and process.stdout.readline().startswith("position"):
            seen += 1
        time.sleep(pause)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        watchdog.cancel()
        process.kill()
    return seen


def built_to(area: EmploymentArea, position: int) -> dict[str, list[dict[str, object]]]:
    """Every projection's tables built from zero, in memory, up to ``position``."""
    reference = ReadModel("sqlite://")
    ProjectionRunner(area, reference).catch_up(stop=position)
    return reference.snapshot(all_projections())


def test_a_projection_killed_at_random_points_ends_with_the_tables_of_an_uninterrupted_run(
    durable_store: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("EMPLOYMENT_DOMAIN_KILL_TEST_SEED", random.randrange(2**32)))
    rnd = random.Random(seed)
    area = EmploymentArea(durable_store)
    write_history(area, EVENTS, rnd)
    head = area.head_position()
    uninterrupted = ReadModel(f"sqlite:///{tmp_path / 'uninterrupted.db'}")
    ProjectionRunner(area, uninterrupted).catch_up()
    live = ReadModel.for_store(durable_store)
    landed_midway = 0
    killed_at: list[int] = []
    for kill in range(KILLS):
        position = min(live.positions().values(), default=0)
        pages_left = max(2, (head - position) // PAGE_SIZE)
        reported = run_and_kill(
            durable_store, rnd.randrange(1, pages_left // 2 + 1), rnd.uniform(0, 0.02)
        )
        position = min(live.positions().values())
        killed_at.append(position)
        landed_midway += 0 < position < head
        assert reported >= 1, f"seed {seed}, kill {kill}: the process never committed a page"
        assert live.snapshot(all_projections()) == built_to(area, position), (
            f"seed {seed}, kill {kill}: the tables do not match position {position}"
        )
    finished = subprocess.run(
        [sys.executable, "-m", "employment_domain.projections", durable_store],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert set(live.positions().values()) == {head}
    every = all_projections()
    assert live.snapshot(every) == uninterrupted.snapshot(every), f"seed {seed}"
    assert landed_midway >= 1, f"seed {seed}: every kill came after the catch-up had finished"
    print(f"seed {seed}: {head} events, killed at positions {killed_at}")
