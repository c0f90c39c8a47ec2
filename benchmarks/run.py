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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import routing
import storage
from harness import Figure, describe_machine, markdown_table, print_figure


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
    finally:
        stores.close()
    out = Path(arguments.out) if arguments.out else None
    if out is None and not quick:
        out = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
    if out is not None:
        text = "\n".join(["# Benchmarks", "", *describe_machine(), "", markdown_table(figures), ""])
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
