"""The figure cache answers exactly what the store would, whatever was written in between.

A real SQLite store (a file, so a second handle, as the ingest writer is, can commit behind
the serving handle's back), real analyses; the cache's answer is compared with the store's
own for every question, after every write.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.document import Mention
from brandguard.store.figure_cache import FigureCache
from brandguard.store.sqlite import SqliteStore
from tests.conftest import make_doc
from tests.reports.story import FAKES, LONG

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, tzinfo=TZ)
BRANDS = ("anxi-tieguanyin", "bama", "anxi-group")
TEXTS = (LONG, FAKES, "安溪铁观音秋茶开采，茶农忙着采摘。", "八马茶业新店开业，顾客排起长队。")
POLARITIES = ("positive", "neutral", "negative")

QUESTIONS: dict[str, Any] = {
    "counts": lambda s, b, lo, hi: s.counts(b, lo, hi, timedelta(hours=6)),
    "worst": lambda s, b, lo, hi: s.worst_polarity_counts(b, lo, hi),
    "sources": lambda s, b, lo, hi: s.top_sources(b, lo, hi, 3),
    "source_count": lambda s, b, lo, hi: s.source_count(b, lo, hi),
    "reposts": lambda s, b, lo, hi: s.repost_count(b, lo, hi),
    "kinds": lambda s, b, lo, hi: s.kind_counts(b, lo, hi),
    "keywords": lambda s, b, lo, hi: s.top_keywords(b, lo, hi, 5),
}

writes = st.tuples(st.sampled_from(range(len(TEXTS))), st.integers(0, 96 * 60),  # minutes
                   st.lists(st.tuples(st.sampled_from(BRANDS), st.sampled_from(POLARITIES)),
                            min_size=1, max_size=2, unique_by=lambda m: m[0]),
                   st.booleans())  # through the other handle
asks = st.tuples(st.sampled_from(sorted(QUESTIONS)),
                 st.lists(st.sampled_from(BRANDS), min_size=1, max_size=3, unique=True),
                 st.integers(0, 96 * 60), st.integers(1, 72 * 60),  # minutes: start, length
                 st.lists(st.integers(-600, 600), min_size=1, max_size=3),  # then moved by
                 st.booleans())  # through the other handle: one cache serves every thread
steps = st.lists(st.one_of(st.tuples(st.just("write"), writes),
                           st.tuples(st.just("ask"), asks)), min_size=1, max_size=30)


class Writer:
    """Documents with chosen mentions; the same text again is a repost, as in production."""

    def __init__(self, config: Config, analyzer: Analyzer) -> None:
        self.config = config
        self.analyzer = analyzer
        self.n = 0

    def write(self, store: Store, text: int, minutes: int,
              mentions: list[tuple[str, str]]) -> None:
        self.n += 1
        doc = make_doc(TEXTS[text], config=self.config, url=f"http://s{self.n % 3}.example/{self.n}",
                       source=f"s{self.n % 3}",
                       published_at=(T0 + timedelta(minutes=minutes)).isoformat())
        analysis = self.analyzer.analyze(doc)
        marks = tuple(Mention(b, p, 0.0, ((0, 2),)) for b, p in mentions)  # type: ignore[arg-type]
        store.upsert([(doc, replace(analysis, mentions=marks))])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_cached_answers_equal_the_stores_after_any_writes(
        config: Config, analyzer: Analyzer, plan: list[tuple[str, Any]]) -> None:
    writer = Writer(config, analyzer)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.db"
        with SqliteStore(path, TZ) as serving, SqliteStore(path, TZ) as ingesting:
            cache = FigureCache(capacity=8)
            asked: list[tuple[str, tuple[str, ...], datetime, datetime, Store]] = []

            def check(name: str, brands: tuple[str, ...], lo: datetime, hi: datetime,
                      asking: Store) -> None:
                ask = QUESTIONS[name]
                cached = cache.answer(asking, name, brands, lo, hi, (),
                                      lambda: ask(asking, brands, lo, hi))
                assert cached == ask(serving, brands, lo, hi), (name, brands)

            for kind, step in plan:
                if kind == "write":
                    text, minutes, mentions, other = step
                    writer.write(ingesting if other else serving, text, minutes, mentions)
                    for question in asked[-3:]:  # the same questions again, after the write
                        check(*question)
                    continue
                name, chosen, start, length, moves, other = step
                asking = ingesting if other else serving
                lo = T0 + timedelta(minutes=start)
                hi = lo + timedelta(minutes=length)
                for shift in (0, *moves):  # the question, then its window moved (both ends)
                    moved = (name, tuple(chosen), lo + timedelta(minutes=shift),
                             hi + timedelta(minutes=shift), asking)
                    check(*moved)
                    asked.append(moved)


def test_a_moved_window_is_answered_from_the_cache_until_a_write(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    writer = Writer(config, analyzer)
    path = tmp_path / "s.db"
    with SqliteStore(path, TZ) as serving, SqliteStore(path, TZ) as ingesting:
        writer.write(ingesting, 0, 120, [("bama", "negative")])
        cache = FigureCache()
        asked: list[tuple[datetime, datetime]] = []

        def counts(lo: datetime, hi: datetime) -> Any:
            def compute() -> Any:
                asked.append((lo, hi))
                return serving.counts(["bama"], lo, hi, timedelta(days=1))
            return cache.answer(serving, "counts", ["bama"], lo, hi, (timedelta(days=1),),
                                compute)

        first = counts(T0, T0 + timedelta(days=1))
        assert counts(T0 + timedelta(minutes=5), T0 + timedelta(days=1, minutes=5)) == first
        assert counts(T0, T0 + timedelta(days=1)) == first
        assert len(asked) == 1
        assert cache.hits == 2
        # this handle's own write, inside the window: asked again
        writer.write(serving, 1, 180, [("bama", "positive")])
        assert counts(T0, T0 + timedelta(days=1)) != first
        assert len(asked) == 2
        # a window moved over a mention: asked again
        writer.write(ingesting, 3, 26 * 60, [("bama", "positive")])
        moved = counts(T0, T0 + timedelta(days=1))
        assert counts(T0 + timedelta(hours=3), T0 + timedelta(days=1, hours=3)) != moved
        asked.clear()
        # another process's commit invalidates what this handle kept
        again = counts(T0, T0 + timedelta(days=2))
        assert counts(T0, T0 + timedelta(days=2)) == again
        assert len(asked) == 1
        writer.write(ingesting, 2, 30 * 60, [("bama", "neutral")])
        assert counts(T0, T0 + timedelta(days=2)) != again
        assert len(asked) == 2


def test_capacity_zero_asks_the_store_every_time(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db", TZ) as store:
        cache = FigureCache(capacity=0)
        calls: list[int] = []
        for _ in range(3):
            cache.answer(store, "n", ["bama"], T0, T0 + timedelta(days=1), (),
                         lambda: calls.append(1) or 0)
        assert len(calls) == 3
        assert cache.hits == 0


def test_kept_rows_stay_within_the_budget_and_a_huge_answer_is_not_kept(
        tmp_path: Path) -> None:
    """A report's year of daily member series is hundreds of thousands of rows: kept, a
    few of them would hold the server's memory. Answers of n rows, at random sizes."""
    with SqliteStore(tmp_path / "s.db", TZ) as store:
        cache = FigureCache(capacity=1000, row_budget=800)
        calls: list[str] = []

        def ask(name: str, rows: int) -> list[int]:
            def compute() -> list[int]:
                calls.append(name)
                return list(range(rows))
            return cache.answer(store, name, ["bama"], T0, T0 + timedelta(days=1), (),
                                compute)

        for n in range(60):
            assert ask(f"a{n}", 1 + n * 7 % 100) == list(range(1 + n * 7 % 100))
            assert cache.rows <= 800
        assert cache.rows == sum(len(a.value) for a in cache._answers.values())
        ask("huge", 101)  # more than an eighth of the budget
        ask("huge", 101)
        assert calls.count("huge") == 2
        kept = cache.rows
        ask("a59", 1 + 59 * 7 % 100)  # the newest small answer is still there
        assert calls.count("a59") == 1
        assert cache.rows == kept
