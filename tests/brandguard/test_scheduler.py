"""`brandguard run`'s worker: collection jobs run side by side, writes through one writer.

Real parts only: the loopback sample sites (a page that answers only when the test says so),
the real crawl process, a real SQLite store and APScheduler itself."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from brandguard.configuration.loader import load_config
from brandguard.configuration.sources import Feed, Site
from brandguard.demo.sample_sites import sample_sites
from brandguard.scheduler import Runner
from brandguard.source_state import SourceState
from brandguard.store.sqlite import SqliteStore
from tests.conftest import EXAMPLE_CONFIG

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

STORY = EXAMPLE_CONFIG / "demo" / "documents.jsonl"
SLOW = "/portal/article/slow.html"


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """True once `condition` holds; False if it still does not after `seconds`."""
    ticks = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        ticks.wait(0.05)
    return condition()


def test_a_feed_due_during_a_slow_crawl_is_polled_on_time(tmp_path: Path) -> None:
    with sample_sites(STORY, slow_seconds=120) as sites:
        base = load_config(EXAMPLE_CONFIG)
        slow = Site.model_validate({"id": "slow-site", "spider": "news", "follow": "x",
                                    "start_urls": [f"{sites.url}{SLOW}"], "timeout": "120s",
                                    "retries": 0, "autothrottle": False})
        feed = Feed.model_validate({"id": "paper", "url": f"{sites.url}/yunling/rss.xml"})
        config = replace(base, feeds=(feed,), sites=(slow,), settings=base.settings.model_copy(
            update={"allow_private_targets": ["127.0.0.0/8"]}))
        store = SqliteStore(tmp_path / "bg.db", config.settings.tz)
        now = datetime.now(config.settings.tz)
        due = now + timedelta(seconds=2)  # the feed falls due while the crawl is held
        store.save_source_state(SourceState(feed.id, next_due=due))
        runner = Runner(config, store)
        planned = dict(runner.plan(now))
        assert planned["feed:paper"] == due
        worker = threading.Thread(target=runner.scheduler.start, daemon=True)
        worker.start()
        try:
            assert wait_for(lambda: SLOW in sites.requested, 30), "the crawl never started"
            polled = wait_for(lambda: (s := store.source_state(feed.id)) is not None
                              and s.last_success is not None, 30)
            # the slow page is still being held: the feed did not queue behind the crawl
            assert polled, "the feed was not polled while the crawl ran"
            assert not sites.pages.released.is_set()
            state = store.source_state(feed.id)
            assert state is not None
            assert state.last_attempt is not None
            assert state.last_attempt >= due - timedelta(seconds=1)
            assert state.items > 0  # and what it brought was stored meanwhile
        finally:
            sites.pages.released.set()
            runner.collection.stop()
            runner.scheduler.shutdown(wait=True)
            worker.join(timeout=30)
        crawled = store.source_state(slow.id)
        assert crawled is not None  # the crawl finished (or was stopped) and saved its state
