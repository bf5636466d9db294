"""The report's JSON figures against the hand-counted story, on both stores."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from brandguard.reports.figures import ReportBuilder
from brandguard.reports.period import explicit, last_full
from tests.reports.story import MEMBER, REGIONAL, fill, story_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store


@pytest.fixture
def report(make_store: Callable[[], Store], analyzer: Analyzer,
           tmp_path: Path) -> dict[str, object]:
    config = story_config(tmp_path)
    store = make_store()
    fill(store, analyzer, config)
    brand = config.brand(REGIONAL)
    assert brand is not None
    return ReportBuilder(store, config).build(brand, last_full("month", date(2026, 12, 1)))


def test_the_brands_own_figures(report: dict) -> None:  # type: ignore[type-arg]
    assert (report["from"], report["to"], report["label"]) == ("2026-11-01", "2026-11-30",
                                                               "2026年11月")
    # d1 pos, d2 pos, d3 neu, d9 neg; d10 is d9's repost; sources s1, s2, s3
    assert report["indicators"] == {
        "mentions": 4, "positive": 2, "neutral": 1, "negative": 1, "net_sentiment": 0.25,
        "health_index": 0.6667, "share_of_voice": 0.6667, "sources": 3, "reposts_folded": 1,
        "incidents_opened": 0}


def test_with_members_each_document_once_under_its_worst_mention(report: dict) -> None:  # type: ignore[type-arg]
    # d1 pos, d2 neg (its member mention), d3 neu, d4 neg, d6 pos, d9 neg; reposts d5, d10
    assert report["indicators_with_members"] == {
        "mentions": 6, "positive": 2, "neutral": 1, "negative": 3, "net_sentiment": -0.1667,
        "health_index": 0.4, "share_of_voice": 0.75, "sources": 5, "reposts_folded": 2,
        "incidents_opened": 1}


def test_previous_period_members_and_peers(report: dict) -> None:  # type: ignore[type-arg]
    previous = report["previous"]
    assert (previous["from"], previous["to"]) == ("2026-10-01", "2026-10-31")
    assert (previous["mentions"], previous["positive"], previous["negative"],
            previous["incidents_opened"], previous["share_of_voice"]) == (2, 1, 1, 1, 1.0)
    assert report["members"] == [
        {"brand": MEMBER, "name": "八马茶业", "mentions": 2, "negative": 2,
         "negative_share": 1.0, "incidents_opened": 1},
        {"brand": "anxi-group", "name": "安溪铁观音集团", "mentions": 1, "negative": 0,
         "negative_share": 0.0, "incidents_opened": 0}]
    assert report["peers"] == [{"brand": "wuyi", "name": "武夷岩茶", "mentions": 2,
                                "negative": 1}]


def test_incidents_open_during_the_period_with_first_source_and_spread(report: dict) -> None:  # type: ignore[type-arg]
    [incident] = report["incidents"]  # the October one was resolved in October
    assert incident["brand_name"] == "八马茶业"
    assert (incident["hours_to_acknowledge"], incident["hours_to_resolve"]) == (3.0, 48.0)
    assert incident["steps"] == {"on_time": 1, "late": 1, "open": 1}
    assert incident["first_source"]["source"] == "s4"
    assert incident["spread"] == {"sources": 2, "reposts": 1}


def test_top_negative_originals_count_their_reposts(report: dict) -> None:  # type: ignore[type-arg]
    [top] = report["top_negative"]  # the brand's own negative originals: d9 only
    assert (top["source"], top["reposts"]) == ("s3", 1)


def test_an_empty_period_has_zeros_not_errors(make_store: Callable[[], Store],
                                              analyzer: Analyzer, tmp_path: Path) -> None:
    config = story_config(tmp_path)
    store = make_store()
    brand = config.brand(REGIONAL)
    assert brand is not None
    empty = ReportBuilder(store, config).build(brand, explicit(date(2026, 1, 1),
                                                               date(2026, 1, 7)))
    assert empty["indicators"]["mentions"] == 0
    assert empty["indicators"]["net_sentiment"] == 0.0
    assert empty["indicators"]["health_index"] is None
    assert empty["indicators"]["share_of_voice"] is None
    assert empty["incidents"] == empty["top_negative"] == []
