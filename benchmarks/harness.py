"""Timing helpers for the benchmarks: medians after a warm-up, ratios to a raw baseline, Markdown.

The machine this runs on is noisy (figures move by 2× between batches), so every figure is the
median of several runs after one discarded warm-up, and each is printed next to a raw baseline
measured in the same run, as a ratio.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata


@dataclass
class Figure:
    """One measured figure, its raw baseline and the target ratio, if any."""

    section: str
    name: str
    rate: float
    unit: str
    baseline_name: str = ""
    baseline_rate: float = 0.0
    target: float | None = None
    #: For figures where lower is better (memory): the most the figure may be.
    ceiling: float | None = None
    #: For absolute targets where higher is better (decisions per second): the least it may be.
    floor: float | None = None
    note: str = ""
    runs: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """The figure as a share of its baseline (higher is better), or None without one."""
        if not self.baseline_rate:
            return None
        return self.rate / self.baseline_rate

    @property
    def verdict(self) -> str:
        """Whether the target ratio (or the ceiling, or the floor) is met."""
        if self.ceiling is not None:
            return "met" if self.rate <= self.ceiling else "missed"
        if self.floor is not None:
            return "met" if self.rate >= self.floor else "missed"
        if self.target is None or self.ratio is None:
            return ""
        return "met" if self.ratio >= self.target else "missed"


Variant = tuple[Callable[[], None] | None, Callable[[], int]]


def interleaved(variants: dict[str, Variant], *, runs: int) -> dict[str, tuple[float, list[float]]]:
    """Median rates of several variants measured interleaved, order rotated on each run.

    Each variant is ``(setup, operation)``: ``setup`` runs untimed before each timed run (a fresh
    database), ``operation`` returns how many items it handled. The first round is a discarded
    warm-up. Interleaving spreads the machine's noise evenly over the variants compared.
    """
    names = list(variants)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for index in range(runs + 1):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            setup, operation = variants[name]
            if setup is not None:
                setup()
            started = time.perf_counter()
            count = operation()
            elapsed = time.perf_counter() - started
            if index > 0:
                rates[name].append(count / elapsed)
    return {name: (statistics.median(values), values) for name, values in rates.items()}


def rss_mib() -> float:
    """The resident set size of this process in MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def describe_machine() -> list[str]:
    """Date, machine, Python and dependency versions, for the head of BENCHMARKS.md."""
    versions = []
    for package in ("eventsourcing", "durable_rules", "SQLAlchemy", "psycopg", "attrs"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {cpu}",
        f"- Python {sys.version.split()[0]} ({platform.python_implementation()})",
        f"- {', '.join(versions)}",
    ]


def format_rate(rate: float) -> str:
    """A rate with a k/M suffix."""
    if rate >= 1_000_000:
        return f"{rate / 1_000_000:.2f}M"
    if rate >= 1_000:
        return f"{rate / 1_000:.1f}k"
    return f"{rate:.0f}" if rate >= 10 else f"{rate:.2f}"


def markdown_table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| section | measured | rate | raw baseline | baseline rate | ratio | target | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for figure in figures:
        ratio = "" if figure.ratio is None else f"{figure.ratio:.1%}"
        lines.append(
            f"| {figure.section} | {figure.name} | {format_rate(figure.rate)} {figure.unit}"
            f" | {figure.baseline_name} | "
            + (f"{format_rate(figure.baseline_rate)} {figure.unit}" if figure.baseline_rate else "")
            + f" | {ratio} | {_target(figure)} | {figure.verdict} |"
        )
    return "\n".join(lines)


def print_figure(figure: Figure) -> None:
    """One line per figure, as it is measured."""
    ratio = "" if figure.ratio is None else f"  = {figure.ratio:.1%} of {figure.baseline_name}"
    baseline = (
        f"  (raw {format_rate(figure.baseline_rate)} {figure.unit})" if figure.baseline_rate else ""
    )
    target = f"  target {_target(figure)}: {figure.verdict}" if figure.verdict else ""
    print(
        f"{figure.section:>14} | {figure.name:<44} {format_rate(figure.rate):>8} {figure.unit}"
        f"{baseline}{ratio}{target}",
        flush=True,
    )


def _target(figure: Figure) -> str:
    if figure.ceiling is not None:
        return f"< {figure.ceiling:,g} {figure.unit}"
    if figure.floor is not None:
        return f"≥ {format_rate(figure.floor)} {figure.unit}"
    return "" if figure.target is None else f"≥ {figure.target:.0%}"
