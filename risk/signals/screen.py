"""A batch's screens from a few bucketed counts, not one count per report.

A stored batch asks for hundreds of judgements, most where nothing can open. Counting each
ask's window on its own costs a store round trip each (about 5 ms on Elasticsearch). Instead,
the asks are cut into runs close in time, each run is counted once in buckets over its span,
and each ask sums the buckets its window touches. A bucket counted whole where the window
covers only part of it makes the bound looser, never lower, which is all a screen may do.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from brandguard.risk.signals.base import Ask

SLICES = 8  # buckets per window: a bound counts at most 1.25 windows (plus the margin)
RUN = 2  # a count covers asks at most this many windows apart
# (brand, time bucket) pairs per count: times the categories (up to 30) it stays under
# Elasticsearch's default limit of 65,536 buckets in one response, however busy the brands
PAIRS = 2_000
# a zone's daylight-saving shift can move a bucket's edges by up to an hour
MARGIN = timedelta(hours=1)
STEP = timedelta(seconds=1)  # the engine counts up to one second after the report

Row = tuple[Hashable, datetime, int]  # (key, bucket start, count)
Count = Callable[[list[str], datetime, datetime, timedelta], Iterable[Row]]


def bucket_for(window: timedelta) -> timedelta:
    """Whole seconds, at least a minute (the stores bucket by seconds)."""
    return timedelta(seconds=max(60, int(window.total_seconds()) // SLICES))


def runs(asks: Sequence[Ask], window: timedelta) -> Iterator[list[int]]:
    """Indices of `asks` in time order, cut where a run would span more than RUN windows or
    name more brands than PAIRS allows over its buckets (asks about brands already in the
    run, such as a regional brand's roll-ups, always join it)."""
    most = max(1, PAIRS // ((RUN + 1) * SLICES + 2))
    order = sorted(range(len(asks)), key=lambda i: asks[i].at)
    run: list[int] = []
    brands: set[str] = set()
    for i in order:
        group = set(asks[i].group)
        if run and (asks[i].at - asks[run[0]].at > RUN * window
                    or (not group <= brands and len(brands | group) > most)):
            yield run
            run, brands = [], set()
        run.append(i)
        brands |= group
    if run:
        yield run


def bounds(asks: Sequence[Ask], window: timedelta, count: Count,
           key: Callable[[Ask, str], Hashable]) -> list[int]:
    """For each ask, an upper bound on what `count` finds over [at - window, at + 1 s) for
    the ask's group: `count(brands, since, until, bucket)` gives (key, bucket start, n) rows,
    `key(ask, brand)` names the rows an ask sums (a brand, or a brand and category)."""
    found = [0] * len(asks)
    for run in runs(asks, window):
        picked = [asks[i] for i in run]
        brands = sorted({b for a in picked for b in a.group})
        since = min(a.at for a in picked) - window
        until = max(a.at for a in picked) + STEP
        bucket = _coarse_enough(bucket_for(window), until - since, len(brands))
        table = _table(count(brands, since, until, bucket))
        for i, ask in zip(run, picked, strict=True):
            found[i] = sum(_overlapping(table.get(key(ask, b)), ask.at - window - bucket,
                                        ask.at + STEP) for b in ask.group)
    return found


def _coarse_enough(bucket: timedelta, span: timedelta, brands: int) -> timedelta:
    """`bucket`, or wider where one ask's group alone names more brands than PAIRS allows
    at that width (a regional brand with hundreds of members): fewer, wider buckets keep
    the count under the limit, at the price of a looser bound for that run."""
    allowed = max(1, PAIRS // brands - 2)  # a span of n buckets can touch n + 2
    needed = -(-int(span.total_seconds()) // allowed)  # ceiling: whole seconds
    return max(bucket, timedelta(seconds=needed))


def _table(rows: Iterable[Row]) -> dict[Hashable, tuple[list[float], list[int]]]:
    """Per key: bucket starts in order and the running total of counts up to each."""
    per: dict[Hashable, list[tuple[float, int]]] = {}
    for key, start, n in rows:
        per.setdefault(key, []).append((start.timestamp(), n))
    table = {}
    for key, found in per.items():
        found.sort()
        table[key] = ([t for t, _ in found], [0, *accumulate(n for _, n in found)])
    return table


def _overlapping(entry: tuple[list[float], list[int]] | None, after: datetime,
                 before: datetime) -> int:
    """The counts of buckets starting in (after, before), widened by the margin: a bucket
    [start, start + size) meets [since, until) exactly when since - size < start < until."""
    if entry is None:
        return 0
    starts, totals = entry
    lo = bisect_right(starts, (after - MARGIN).timestamp())
    hi = bisect_left(starts, (before + MARGIN).timestamp())
    return totals[hi] - totals[lo] if hi > lo else 0
