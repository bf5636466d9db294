"""The story step across batches (brandguard.stories.tracker): a tracker that keeps its
centroid index from batch to batch groups exactly as one rebuilt for every batch, also when
two processes take turns writing the same store (each must see the other's changes)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from brandguard.store.sqlite import SqliteStore
from brandguard.stories.tracker import StoryTracker
from tests.conftest import make_doc

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer

EVENTS = [
    ["八马茶业", "乌龙茶", "农药残留", "超标", "抽检", "召回", "批次", "监管部门"],
    ["八马茶业", "假冒", "防伪码", "网店", "维权", "包装", "消费者", "授权"],
    ["八马茶业", "茶园", "春茶", "采摘", "开园", "茶农", "产量", "品质"],
]
SOURCES = ["新闻门户", "茶产业网", "经济观察", "论坛", "地方日报"]


def _documents(config: Config) -> list[Document]:
    rng = random.Random(5)
    docs = []
    for n in range(40):
        words = rng.sample(EVENTS[n % 3], 6)
        text = "，".join(words) + "。" + "".join(rng.sample(EVENTS[n % 3], 4)) + "，相关情况正在调查。"
        day, hour = 18 + rng.randrange(5), rng.randrange(24)
        docs.append(make_doc(text, config=config, url=f"http://n{n}.example/", kind="news",
                             source=rng.choice(SOURCES), title=f"{words[1]}{words[2]}",
                             published_at=f"2026-11-{day}T{hour:02d}:00:00+08:00"))
    return docs


def _stories(path: Path, batches: list[list[tuple[Document, Analysis]]], config: Config,
             keep: bool, handles: int = 1) -> list[tuple[object, ...]]:
    stores = [SqliteStore(path, config.settings.tz) for _ in range(handles)]
    trackers = [StoryTracker(s, config.settings.stories, config.settings.tz) for s in stores]
    for n, batch in enumerate(batches):
        store, tracker = stores[n % handles], trackers[n % handles]
        result = store.upsert(batch)
        if not keep:
            tracker = StoryTracker(store, config.settings.stories, config.settings.tz)
        tracker.group(batch, dict(result.reposts))
    for other in stores[1:]:
        other.close()
    store = stores[0]
    rows = store.db.execute("SELECT s.id, s.documents, s.body, group_concat(m.doc) FROM stories"
                            " s JOIN story_members m ON m.story=s.id GROUP BY s.id ORDER BY s.id"
                            ).fetchall()
    store.close()
    return rows


@pytest.mark.parametrize("handles", [1, 2])
def test_a_kept_index_groups_as_one_rebuilt_for_every_batch(
        tmp_path: Path, analyzer: Analyzer, config: Config, handles: int) -> None:
    docs = _documents(config)
    analysed = list(zip(docs, analyzer.analyze_batch(docs), strict=True))
    batches = [analysed[i:i + 4] for i in range(0, len(analysed), 4)]
    kept = _stories(tmp_path / "kept.db", batches, config, keep=True, handles=handles)
    rebuilt = _stories(tmp_path / "rebuilt.db", batches, config, keep=False)
    assert kept == rebuilt
    assert any(documents > 1 for _, documents, _, _ in kept)  # stories were joined, not only started
