"""What the reports read from a store, on every backend, against hand-counted figures."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from brandguard.document import Mention
from brandguard.incident import Event
from tests.conftest import make_doc
from tests.reports.story import FAKES, GROUP, MEMBER, REGIONAL, at, fill, story_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store


def test_worst_polarity_counts_each_document_once(make_store: Callable[[], Store],
                                                  analyzer: Analyzer, tmp_path: Path) -> None:
    store = make_store()
    fill(store, analyzer, story_config(tmp_path))
    november = (at("2026-11-01", 0), at("2026-12-01", 0))
    # d1 pos, d2 pos+neg -> neg, d3 neu, d4 neg (d5 its repost), d6 pos, d9 neg (d10 repost)
    assert store.worst_polarity_counts([REGIONAL, MEMBER, GROUP], *november) == {
        "positive": 2, "neutral": 1, "negative": 3}
    assert store.worst_polarity_counts([REGIONAL], *november) == {
        "positive": 2, "neutral": 1, "negative": 1}
    assert store.worst_polarity_counts(["yixing"], *november) == {
        "positive": 0, "neutral": 0, "negative": 0}


def test_kind_counts_fold_reposts_and_count_a_missing_kind(
        make_store: Callable[[], Store], analyzer: Analyzer, tmp_path: Path) -> None:
    config = story_config(tmp_path)
    store = make_store()
    texts = {"news": FAKES,  # long enough to be fingerprinted
             "review": "安溪铁观音很香，回购第三次了，包装也好。",
             "": "安溪铁观音茶文化节开幕，游客络绎不绝。"}
    for n, (kind, text) in enumerate([*texts.items(), ("news", texts["news"])]):
        fields = {"kind": kind} if kind else {}
        doc = make_doc(text, config=config, url=f"http://k{n}.example/{n}",
                       source=f"k{n}", published_at=f"2026-11-0{n + 2}T10:00:00", **fields)
        analysis = analyzer.analyze(doc)
        mention = Mention(REGIONAL, "neutral", 0.0, ((0, 5),))
        store.upsert([(doc, replace(analysis, mentions=(mention,)))])
    november = (at("2026-11-01", 0), at("2026-12-01", 0))
    # the second news item repeats the first: a repost, not counted
    assert store.kind_counts([REGIONAL], *november) == [("", 1), ("news", 1), ("review", 1)]
    assert store.kind_counts([MEMBER], *november) == []


def test_emitting_a_decided_event_twice_keeps_one(make_store: Callable[[], Store]) -> None:
    store = make_store()
    event = Event("digest:w:anxi-tieguanyin:2026-11-23:2026-11-29", "report.digest",
                  "report:anxi-tieguanyin", at("2026-11-30", 8), {"channels": ["hook"]})
    assert not store.has_event(event.key)
    store.emit([event])
    store.emit([replace(event, payload={"channels": ["changed"]})])
    assert store.has_event(event.key)
    [kept] = store.events()
    assert (kept.key, kept.payload) == (event.key, {"channels": ["hook"]})


def test_any_mention_sees_reposts_and_keeps_the_window_half_open(
        make_store: Callable[[], Store], analyzer: Analyzer, tmp_path: Path) -> None:
    store = make_store()
    fill(store, analyzer, story_config(tmp_path))
    # 八马茶业: d2 11-03, d4 11-05 and its repost d5 11-06, all at 10:00
    assert store.any_mention([MEMBER], at("2026-11-06", 0), at("2026-11-07", 0))  # d5 only
    assert not store.any_mention([MEMBER], at("2026-11-06", 11), at("2026-11-30", 0))
    assert not store.any_mention([REGIONAL], at("2026-11-19", 0), at("2026-11-20", 10))
    assert store.any_mention([REGIONAL], at("2026-11-20", 10), at("2026-11-20", 11))
    assert store.any_mention(["yixing", MEMBER], at("2026-11-03", 0), at("2026-11-04", 0))
    assert not store.any_mention(["yixing"], at("2026-10-01", 0), at("2026-12-01", 0))
