"""What the reports read from a store, on every backend, against hand-counted figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.reports.story import GROUP, MEMBER, REGIONAL, at, fill, story_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from brandguard.store.base import Store
    from nlp.analyzer import Analyzer


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
