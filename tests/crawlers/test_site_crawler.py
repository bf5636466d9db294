"""The Scrapy spiders against the sample sites on loopback: real HTTP, real crawl process,
real pipeline and store. Every fault the portal serves is checked against its source."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from brandguard.collection import Collection
from brandguard.configuration.loader import load_config
from brandguard.configuration.sources import Feed, Site
from brandguard.demo.sample_sites import SampleSites, Story, sample_sites
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.scheduler import Runner
from brandguard.source_state import SourceState
from brandguard.store.base import SearchQuery
from brandguard.store.serial import SerialStore
from brandguard.store.sqlite import SqliteStore
from tests.conftest import EXAMPLE_CONFIG

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.crawlers.collector import CollectResult
    from brandguard.document import Document

STORY = EXAMPLE_CONFIG / "demo" / "documents.jsonl"
REVIEW_SELECTORS = {"item": "div.review", "text": ".content",
                    "rating": ".stars::attr(data-score)", "time": ".date", "author": ".user",
                    "seller": "xpath://div[@class='shop']//text()",
                    "product": "xpath://h1[@class='product']//text()"}


@pytest.fixture(scope="module")
def sites() -> Iterator[SampleSites]:
    with sample_sites(STORY, slow_seconds=10) as served:
        yield served


@pytest.fixture(scope="module")
def example_config() -> Config:
    return load_config(EXAMPLE_CONFIG)


@pytest.fixture(scope="module")
def loopback_config(example_config: Config) -> Config:
    settings = example_config.settings.model_copy(
        update={"allow_private_targets": ["127.0.0.0/8"]})
    return replace(example_config, settings=settings)


def crawler(config: Config, tmp_path: Path, *, threads: bool = False,
            ) -> tuple[Collection, SqliteStore]:
    """`threads=True`: crawls side by side share the store as `run`'s do, every call and
    every stored batch under one lock (`brandguard.store.serial`); one SQLite connection
    cannot hold two threads' transactions."""
    store = SqliteStore(tmp_path / "bg.db", config.settings.tz)
    lock = threading.RLock() if threads else None
    shared = cast("SqliteStore", SerialStore(store, lock)) if lock else store
    pipeline = Pipeline(Analyzer.from_config(config), shared, config.settings, writer=lock)
    return Collection(config, shared, pipeline), store


def portal(base: str, **extra: Any) -> Site:
    return Site.model_validate({
        "id": "portal", "spider": "news", "start_urls": [f"{base}/portal/list_1.html"],
        "follow": r"/(?:article|old)/\w+\.html", "paginate": r"/portal/list_\d+\.html",
        "timeout": "3s", "retries": 0, "autothrottle": False, **extra})


def stored(store: SqliteStore) -> list[Document]:
    hits = store.search(SearchQuery(limit=200, include_duplicates=True)).hits
    return [h.document for h in hits]


def test_news_spider_collects_the_portal_and_names_every_fault(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    crawl, store = crawler(loopback_config, tmp_path)
    result = crawl.collect(portal(sites.url))
    assert result.status == "ok", result.error
    docs = {d.title: d for d in stored(store)}
    # GBK with <meta charset>, UTF-8 under a lying gb2312 meta, and GB18030 with no
    # declaration anywhere: every title decodes to the story's own
    assert set(docs) <= {d["title"] for d in Story.load(STORY).portal}
    assert "区域公用品牌助力乡村振兴 云岭茶产业综合产值再创新高" in docs
    assert "青峰茶厂" in docs["网传青峰茶厂停产消息不实"].text
    # the credited publisher (来源) is the source; the hour of publication is kept
    burst = docs["溪源茶业一批次绿茶农残超标（转载）"]
    assert burst.source == "茶产业网"
    assert burst.published_at is not None
    assert burst.published_at.isoformat() == "2026-11-20T09:58:00+08:00"
    assert "版权所有" not in burst.text  # boilerplate removed by main-text extraction
    # tracking parameters stripped; the 301 from /portal/old/1.html stored at its target
    urls = [d.url or "" for d in docs.values()]
    assert not [u for u in urls if "utm_" in u or "spm=" in u]
    assert f"{sites.url}/portal/article/1.html" in urls
    # the repost is stored once more but linked to its first copy
    hits = store.search(SearchQuery(text="农残超标", include_duplicates=True)).hits
    assert len([h for h in hits if h.duplicate_of]) >= 1
    for reason in ("portal/article/missing.html: HTTP 404", "error.html: HTTP 500",
                   "slow.html: timed out", "169.254.169.254 resolves to 169.254.169.254"):
        assert reason in result.error
    assert "/portal/private/article/7.html" not in sites.requested  # robots.txt obeyed
    state = store.source_state("portal")
    assert state is not None
    assert state.items == result.new > 0
    assert state.failures == 0
    assert "HTTP 404" in state.last_error


def test_a_second_crawl_reads_lists_but_not_stored_articles(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    crawl, _ = crawler(loopback_config, tmp_path)
    first = crawl.collect(portal(sites.url))
    article = "/portal/article/5.html"
    fetched_once = sites.requested.count(article)
    second = crawl.collect(portal(sites.url))
    assert first.new > 0
    assert second.new == 0
    assert sites.requested.count(article) == fetched_once
    assert sites.requested.count("/portal/list_1.html") >= 2


def test_review_spider_reads_html_pages_and_json_endpoints_with_pagination(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    crawl, store = crawler(loopback_config, tmp_path)
    html = Site.model_validate({
        "id": "mall", "spider": "reviews", "start_urls": [f"{sites.url}/mall/index.html"],
        "follow": r"/mall/item/\d+\.html", "paginate": r"/mall/item/\d+_\d+\.html",
        "selectors": REVIEW_SELECTORS, "autothrottle": False})
    api = Site.model_validate({
        "id": "mall-api", "spider": "reviews", "format": "json",
        "start_urls": [f"{sites.url}/mall/api/reviews?item=4410&page=1"],
        "json_fields": {"seller": "shop", "author": "user"}, "autothrottle": False})
    assert crawl.collect(html).status == "ok"
    assert crawl.collect(api).status == "ok"
    reviews = [d for d in stored(store) if d.kind == "review"]
    counterfeit = [d for d in reviews if d.seller == "好茶特惠小店"]
    assert len(counterfeit) == 2  # the second one is on page 2 of the product
    assert {d.rating for d in counterfeit} == {1.0}
    assert counterfeit[0].extra["product"] == "云岭毛尖 明前特级 250g"
    recalled = [d for d in reviews if d.seller == "溪源茶业官方店"]
    assert len(recalled) == 4  # two pages of two, following `next`
    assert "/mall/api/reviews?item=4410&page=2" in sites.requested
    times = sorted(d.published_at.isoformat() for d in recalled if d.published_at)
    assert times[-1] == "2026-11-20T12:30:00+08:00"
    before = len(reviews)
    crawl.collect(api)  # reviews have stable ids: nothing is stored twice
    assert len([d for d in stored(store) if d.kind == "review"]) == before


def test_private_targets_are_refused_unless_allowed(
        sites: SampleSites, example_config: Config, tmp_path: Path) -> None:
    crawl, store = crawler(example_config, tmp_path)  # no allow_private_targets
    result = crawl.collect(portal(sites.url))
    assert result.status == "error"
    assert "no page could be fetched" in result.error
    assert "127.0.0.1" in result.error
    assert "allow_private_targets" in result.error
    state = store.source_state("portal")
    assert state is not None
    assert state.failures == 1


def test_unreachable_and_oversized_sources_fail_with_a_reason_and_back_off(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    crawl, store = crawler(loopback_config, tmp_path)
    dead = portal("http://127.0.0.1:9", id="dead")
    huge = Site.model_validate({"id": "huge", "spider": "news", "follow": "x",
                                "start_urls": [f"{sites.url}/feeds/huge.xml"],
                                "max_bytes": 1_000_000, "retries": 0, "autothrottle": False})
    results = crawl.collect_all([dead, huge])
    assert [r.status for r in results] == ["error", "error"]
    assert "refused" in results[0].error.lower()
    assert "too large" in results[1].error
    first = store.source_state("dead")
    assert first is not None
    assert first.next_due is not None
    assert first.last_attempt is not None
    backoff = first.next_due - first.last_attempt
    crawl.collect(dead)
    again = store.source_state("dead")
    assert again is not None
    assert again.failures == 2
    assert again.next_due is not None
    assert again.last_attempt is not None
    assert again.next_due - again.last_attempt == 2 * backoff


def test_feed_with_fetch_article_stores_the_articles_full_text(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "bg.db", loopback_config.settings.tz)
    pipeline = Pipeline(Analyzer.from_config(loopback_config), store, loopback_config.settings)
    feed = Feed.model_validate({"id": "paper", "url": f"{sites.url}/yunling/rss.xml",
                                "fetch_article": True})
    result = Collection(loopback_config, store, pipeline).collect(feed)
    assert result.status == "ok", result.error
    docs = {d.title: d for d in stored(store)}
    medal = docs["云岭毛尖荣获国际茶博会金奖"]
    assert "…" not in medal.text  # the feed only carries 40 characters and an ellipsis
    assert medal.text.startswith("在日前闭幕的国际茶业博览会上")
    assert "带动茶农增收致富" in medal.text  # the article's last sentence, decoded from GBK
    assert "版权所有" not in medal.text


def test_run_schedules_one_job_per_site_and_feed(loopback_config: Config,
                                                 tmp_path: Path) -> None:
    site = portal("http://127.0.0.1:9")
    feed = Feed.model_validate({"id": "paper", "url": "http://127.0.0.1:9/rss.xml"})
    config = replace(loopback_config, sites=(site,), feeds=(feed,))
    store = SqliteStore(tmp_path / "bg.db", config.settings.tz)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=config.settings.tz)
    later = now + timedelta(minutes=20)
    store.save_source_state(SourceState("portal", next_due=later))
    planned = dict(Runner(config, store).plan(now))
    assert planned["site:portal"] == later  # resumes from the stored state
    assert planned["feed:paper"] == now


def test_stop_ends_a_running_crawl_at_once_and_says_so(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    crawl, _ = crawler(loopback_config, tmp_path)
    site = Site.model_validate({"id": "slow", "spider": "news", "follow": "x",
                                "start_urls": [f"{sites.url}/portal/article/slow.html"],
                                "timeout": "60s", "retries": 0, "autothrottle": False})
    results: list[CollectResult] = []
    before = sites.requested.count("/portal/article/slow.html")
    worker = threading.Thread(target=lambda: results.append(crawl.collect(site)))
    worker.start()
    arrived = threading.Event()
    for _ in range(600):  # until the crawl process is waiting on the slow page
        if sites.requested.count("/portal/article/slow.html") > before:
            break
        arrived.wait(0.05)
    crawl.stop()
    worker.join(timeout=8)  # well before the slow page (10 s) or the timeout (60 s)
    assert not worker.is_alive(), "stop() did not end the crawl"
    assert results[0].status == "ok"  # a shutdown is not the source's failure
    assert "stopped by shutdown" in results[0].error


def test_stop_ends_every_crawl_running_side_by_side(
        sites: SampleSites, loopback_config: Config, tmp_path: Path) -> None:
    """`run` collects several sites at once through one crawler: a shutdown ends them all."""
    crawl, _ = crawler(loopback_config, tmp_path, threads=True)
    slow = [Site.model_validate({"id": f"slow-{n}", "spider": "news", "follow": "x",
                                 "start_urls": [f"{sites.url}/portal/article/slow.html?n={n}"],
                                 "timeout": "60s", "retries": 0, "autothrottle": False})
            for n in range(2)]
    results: dict[str, CollectResult] = {}
    workers = [threading.Thread(target=lambda s=s: results.update({s.id: crawl.collect(s)}))
               for s in slow]
    for worker in workers:
        worker.start()
    arrived = threading.Event()
    for _ in range(600):  # until both crawl processes wait on their slow page
        if sum(p.startswith("/portal/article/slow.html?n=") for p in sites.requested) >= 2:
            break
        arrived.wait(0.05)
    crawl.stop()
    for worker in workers:
        worker.join(timeout=8)
        assert not worker.is_alive(), "stop() left a crawl running"
    assert sorted(results) == ["slow-0", "slow-1"]
    for result in results.values():
        assert result.status == "ok", result.error
        assert "stopped by shutdown" in result.error
