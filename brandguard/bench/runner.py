"""Timing helpers: medians over repeated runs and peak memory, printed with the target."""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Measure:
    name: str
    value: float
    unit: str
    runs: list[float]

    def line(self) -> str:
        low, high = min(self.runs), max(self.runs)
        return (f"{self.name:<44}{self.value:>12,.1f} {self.unit:<8} median of "
                f"{len(self.runs)} (min {low:,.0f}, max {high:,.0f})")


def rate(name: str, items: int, work: Callable[[], object], repeat: int) -> Measure:
    """Items per second of `work`, median of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append(items / (time.perf_counter() - started))
    return Measure(name, statistics.median(runs), "docs/s", runs)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spin(rounds: int) -> float:
    """Pure-Python work touching a small dict: what the interpreter does most of."""
    started = time.perf_counter()
    table: dict[int, int] = {}
    for i in range(rounds):
        table[i % 1000] = i
    return time.perf_counter() - started


def parallel_ceiling(processes: int, rounds: int = 5_000_000, repeat: int = 3) -> float:
    """How much `processes` CPU-bound processes at once get done against one alone, on this
    machine now (shared or throttled cores give less than `processes`): the same-run
    baseline for a parallel speed-up. Medians of `repeat`."""
    import multiprocessing

    alone = statistics.median(_spin(rounds) for _ in range(repeat))
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        together = statistics.median(max(pool.map(_spin, [rounds] * processes))
                                     for _ in range(repeat))
    return processes * alone / together
