"""The risk score weighs a social post by its reach: the same burst of complaints posted by
accounts with a million followers scores higher than by accounts with a dozen."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from brandguard.engagement import weight
from tests.risk.test_engine import TZ, feed, reports, setup

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store


def burst_score(make_store: Callable[[], Store], config: Config, analyzer: Analyzer,
                followers: str | None) -> float:
    store, _, pipeline = setup(make_store, config, analyzer)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    posts = reports(start, 5)
    for post in posts:
        post["kind"] = "social"
        if followers is not None:
            post["followers"] = followers
    feed(pipeline, posts)
    [incident] = store.list_incidents(["bama"])
    spread_bonus = 0.5 * max(0, int(incident.signal["spread"]) - 1)
    return float(incident.signal["score"]) - spread_bonus  # the reports' own weight


def test_a_post_by_a_million_follower_account_weighs_more_than_one_by_twelve(
        make_store: Callable[[], Store], config: Config, analyzer: Analyzer) -> None:
    famous = burst_score(make_store, config, analyzer, "120万")
    obscure = burst_score(make_store, config, analyzer, "12")
    news = burst_score(make_store, config, analyzer, None)
    assert famous / news == pytest.approx(weight({"followers": "120万"}), rel=1e-3)  # the signal keeps its score rounded
    assert obscure / news == pytest.approx(weight({"followers": 12}), rel=1e-3)  # the signal keeps its score rounded
    assert famous > 2 * obscure


