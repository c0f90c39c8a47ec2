"""Run every benchmark of the library and write BENCHMARKS.md.

    python benchmarks/run.py            # the full run (several minutes)
    python benchmarks/run.py --quick    # a smoke run, under three minutes
    python benchmarks/run.py --postgres postgresql://user:pw@127.0.0.1:5432/db

Each figure is the median of several runs after a warm-up and is printed beside a raw baseline
measured in the same run, as a ratio; no threshold is asserted (the machine is noisy).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent))

import memory
import projections as projection_bench
import routing
import storage
from harness import Figure, describe_machine, markdown_table, print_figure

#: The profile findings, appended to BENCHMARKS.md under the table.
FINDINGS = Path(__file__).resolve().parent / "findings.md"


def _projection_rebuild(*, events: int, runs: int, postgres: str | None = None) -> list[Figure]:
    """Rebuild rates, each projection alone and all together, against raw SELECT + json.loads
    of the events each reads; on a SQLite file, or in a PostgreSQL schema of ``postgres``."""
    import functools
    import tempfile

    from employment_domain.area import EmploymentArea
    from employment_domain.projections import read_model_url
    from employment_domain.store.init import init_store

    kind = "postgres" if postgres else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        if postgres:
            schema = projection_bench.create_schema(postgres)
            store = f"{postgres}?schema={schema}"
            init_store(store)
            raw = functools.partial(projection_bench.raw_postgres, postgres, schema)
        else:
            store = str(Path(folder) / "area.db")
            raw = functools.partial(projection_bench.raw_sqlite, Path(store))
        try:
            area = EmploymentArea(store)
            written = projection_bench.write_history(area, events)
            chosen = projection_bench.variants(area, raw, read_model_url(store), 5000)
            rates = projection_bench.measure(chosen, runs)
            area.close()
        finally:
            if postgres:
                projection_bench.drop_schema(postgres, schema)
    figures = []
    for name in projection_bench.rebuilt(rates):
        alone = name != projection_bench.ALL
        figures.append(
            Figure(
                section="4 projections",
                name=f"rebuild {name} alone from {written:,} events ({kind})"
                if alone
                else f"rebuild all projections from {written:,} events ({kind})",
                rate=rates[name],
                unit="ev/s",
                baseline_name="raw SELECT + json.loads of its events"
                if alone
                else "raw SELECT + json.loads",
                baseline_rate=rates[projection_bench.raw_key(name)],
                target=projection_bench.TARGET,
            )
        )
    return figures


#: The most the cost of an event may grow from the shortest history rebuilt to the longest.
GROWTH_CEILING = 1.3


def _growth(figures: list[Figure]) -> list[Figure]:
    """How much more an event costs rebuilding the longest history than the shortest, per store:
    the ratio to raw of all projections at the shortest over that at the longest (ratios, since
    the runs are minutes apart on a noisy machine and the raw reads move with them)."""
    grown = []
    for kind in ("sqlite", "postgres"):
        together = [
            f
            for f in figures
            if f.section == "4 projections"
            and f.name.startswith("rebuild all projections")
            and f.name.endswith(f"({kind})")
            and f.ratio
        ]
        if len(together) < 2:
            continue
        first, last = together[0], together[-1]
        grown.append(
            Figure(
                section="4 projections",
                name=f"cost of an event, longest history over shortest ({kind})",
                rate=cast(float, first.ratio) / cast(float, last.ratio),
                unit="×",
                ceiling=GROWTH_CEILING,
                note=f"{first.name} / {last.name}",
            )
        )
    return grown


def _demo(*, scales: tuple[float, ...]) -> list[Figure]:
    """The demo year on a SQLite file: events per second and the duration, per scale."""
    import tempfile
    import time

    from employment_domain.area import EmploymentArea
    from employment_domain.demo.year import run_demo

    figures = []
    for scale in scales:
        with tempfile.TemporaryDirectory() as folder:
            area = EmploymentArea(str(Path(folder) / "demo.db"))
            started = time.perf_counter()
            summary = run_demo(area, scale=scale)
            elapsed = time.perf_counter() - started
            area.close()
        figures.append(
            Figure(
                section="6 demo",
                name=f"demo year at scale {scale} ({summary.events_written:,} events,"
                f" {elapsed:.1f} s)",
                rate=summary.events_written / elapsed,
                unit="ev/s",
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run in under 3 minutes")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL"),
        help="PostgreSQL server for the PostgreSQL figures"
        " (default: $EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--out", default=None, help="where to write the Markdown table")
    arguments = parser.parse_args(argv)
    quick = arguments.quick
    runs = 3 if quick else 7
    figures: list[Figure] = []
    stores = storage._Stores(arguments.postgres)

    def record(new: list[Figure]) -> None:
        for figure in new:
            print_figure(figure)
            figures.append(figure)

    try:
        kinds = ["sqlite"] + (["postgres"] if arguments.postgres else [])
        for kind in kinds:
            record(
                storage.command_path(stores, commands=200 if quick else 1000, runs=runs, kind=kind)
            )
        for kind in kinds:
            record(
                storage.bulk_import(
                    stores, jobseekers=5000 if quick else 30000, runs=runs, kind=kind
                )
            )
        record(routing.routing(decisions=5000 if quick else 50000, runs=runs))
        record(_projection_rebuild(events=20_000 if quick else 60_000, runs=runs))
        if arguments.postgres:
            record(
                _projection_rebuild(
                    events=20_000 if quick else 60_000, runs=runs, postgres=arguments.postgres
                )
            )
        record(memory.memory(events=40_000 if quick else 1_000_000))
        if arguments.postgres:
            long_history = 40_000 if quick else 1_000_000
            record(memory.memory_postgres(arguments.postgres, events=long_history))
        record(_demo(scales=(0.05,) if quick else (0.1, 1.0)))
    finally:
        stores.close()
    record(_growth(figures))
    out = Path(arguments.out) if arguments.out else None
    if out is None and not quick:
        out = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
    if out is not None:
        kind = "`--quick` run" if quick else "full run"
        head = ["# Benchmarks", "", f"From a {kind} of `benchmarks/run.py`:", ""]
        table = [*describe_machine(), "", markdown_table(figures), ""]
        # What profiling found is written by hand, kept beside the script, and carried along.
        findings = FINDINGS.read_text(encoding="utf-8") if FINDINGS.exists() else ""
        out.write_text("\n".join([*head, *table, findings]), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
