"""Aggregate answers kept until the store is written: the dashboard's repeated figures.

An organisation's staff open the same overview again and again, and each view asks the same
counts (a brand's series, its sources, its hot words) over a window that ends "now". Between
two writes to the store those answers cannot change, except through the window itself: a
window that moved on by a few seconds gives the same figures unless a mention was published
in the part it dropped or the part it gained. So an answer is reused while

- the store's change mark (`Figures.change_mark`) is the one read before it was computed:
  any commit, by a serving thread or by another process (the ingest writer), gives a new
  mark; and
- the window is the same, or no mention of the brands lies where the new window differs
  from the old (`Figures.any_mention`, two index probes, duplicates included).

A store that cannot tell cheaply whether it changed (`change_mark` is None) is asked every
time. Answers are functions of the brands asked, never of who asks, so one cache serves
every organisation without carrying one's figures to another: an organisation can only ask
for its own brands (`brandguard.web.scope.OrgView`).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence
    from datetime import datetime

    from brandguard.store.ports import Figures

T = TypeVar("T")

DEFAULT_CAPACITY = 1024
# Rows (list items) kept in all, and the most one answer may hold to be kept: a year's
# daily series of a cluster's members is hundreds of thousands of rows, tens of megabytes,
# and a report asks it once; the dashboard's answers are tens to a few thousand rows.
ROW_BUDGET = 200_000  # one answer may hold an eighth of it


class FigureCache:
    """The last `capacity` aggregate answers, LRU, holding at most `row_budget` rows in all,
    shared by the server's threads: each asks through its own store handle, the marks they
    read come from one place per store."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, row_budget: int = ROW_BUDGET,
                 ) -> None:
        self.capacity = capacity
        self.row_budget = row_budget
        self.rows = 0  # kept in all
        self._answers: OrderedDict[Hashable, _Answer] = OrderedDict()
        self._lock = threading.Lock()  # the answers, not the computing: that runs unlocked
        self.hits = 0
        self.misses = 0

    def answer(self, store: Figures, name: str, brands: Sequence[str], since: datetime,
               until: datetime, extra: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """`compute()`'s answer for this figure (`name` and `extra` say which, `brands` and
        the window what over), or a copy of the one kept, if it still holds in `store`."""
        # read before computing: a commit landing meanwhile gives the next ask a new mark
        mark = store.change_mark() if self.capacity else None
        if mark is None:
            return compute()
        # the bucket grid is aligned to the zone's offset at `since`: part of the question
        key = (name, tuple(brands), extra, since.utcoffset())
        with self._lock:
            kept = self._answers.get(key)
        if kept is not None and kept.mark == mark and _same_documents(store, kept, brands,
                                                                      since, until):
            with self._lock:
                self.hits += 1
                if key in self._answers:
                    self._answers.move_to_end(key)
            return copy.copy(kept.value)  # type: ignore[no-any-return]
        value = compute()
        rows = len(value) if isinstance(value, list | dict | tuple) else 1
        with self._lock:
            self.misses += 1
            if rows > self.row_budget // 8:  # not worth what it would push out
                return value
            old = self._answers.pop(key, None)
            self.rows += rows - (old.rows if old is not None else 0)
            self._answers[key] = _Answer(mark, since, until, copy.copy(value), rows)
            while len(self._answers) > self.capacity or self.rows > self.row_budget:
                self.rows -= self._answers.popitem(last=False)[1].rows
        return value


def _same_documents(store: Figures, kept: _Answer, brands: Sequence[str], since: datetime,
                    until: datetime) -> bool:
    """Whether [since, until) holds the brands' mentions [kept.since, kept.until) held."""
    if (since, until) == (kept.since, kept.until):
        return True
    if since >= kept.until or kept.since >= until:
        return False  # disjoint windows: not worth two probes
    for low, high in ((min(since, kept.since), max(since, kept.since)),
                      (min(until, kept.until), max(until, kept.until))):
        if low < high and store.any_mention(brands, low, high):
            return False
    return True


@dataclass(frozen=True, slots=True)
class _Answer:
    mark: Hashable
    since: datetime
    until: datetime
    value: Any
    rows: int
