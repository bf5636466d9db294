"""Search sources against the sample sites' loopback engines: real HTTP, the real crawl
process, pipeline and store. What is asked, how often, how fast, and what a changed result
page looks like to the association."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from brandguard.collection import Collection
from brandguard.configuration.loader import load_config
from brandguard.configuration.sources import Search
from brandguard.crawlers.search_crawler import SPREAD_SHARE, SearchCrawler
from brandguard.crawlers.search_queries import query_key, query_words
from brandguard.demo.sample_sites import SampleSites, sample_sites
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.source_state import SourceState
from brandguard.store.sqlite import SqliteStore
from tests.conftest import EXAMPLE_CONFIG

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.configuration.loader import Config

STORY = EXAMPLE_CONFIG / "demo" / "documents.jsonl"
ARTICLES = r"/(?:portal/article|yunling/a)/\d+\.html"


@pytest.fixture
def sites() -> Iterator[SampleSites]:
    with sample_sites(STORY, slow_seconds=10) as served:
        yield served


@pytest.fixture(scope="module")
def config() -> Config:
    loaded = load_config(EXAMPLE_CONFIG)
    settings = loaded.settings.model_copy(update={"allow_private_targets": ["127.0.0.0/8"]})
    return replace(loaded, settings=settings)


def collection(config: Config, tmp_path: Path) -> tuple[Collection, SqliteStore]:
    store = SqliteStore(tmp_path / "bg.db", config.settings.tz)
    return Collection(config, store, Pipeline(Analyzer.from_config(config), store,
                                              config.settings)), store


def news_search(base: str, **extra: Any) -> Search:
    return Search.model_validate({
        "id": "news-search", "url": f"{base}/search/news?wd={{query}}&pn={{page}}",
        "brands": ["yunling-maojian", "xiyuan"], "terms": ["农药残留", "曝光"], "pages": 2,
        "follow": ARTICLES, "delay": "20ms", "autothrottle": False, **extra})


def gbk_search(base: str) -> Search:
    return Search.model_validate({
        "id": "gbk-search", "url": f"{base}/search/gbk?q={{query}}&start={{page}}",
        "encoding": "gbk", "brands": ["yunling-maojian"], "terms": ["抽检不合格"], "pages": 3,
        "page_start": 0, "page_step": 3, "selectors": {"result": "div.result h3 a"},
        "delay": "20ms", "autothrottle": False})


def articles(requested: list[str]) -> list[str]:
    return [p.split("?")[0] for p in requested if p.startswith(("/portal/a", "/yunling/a"))]


def test_every_name_alias_and_term_is_asked_once_per_page_and_each_result_fetched_once(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    crawl, store = collection(config, tmp_path)
    search = news_search(sites.url)
    result = crawl.collect(search)
    assert result.status == "ok", result.error
    words = query_words(search, config.brands)
    # 云岭毛尖 and its two aliases, 溪源茶业 and its alias, each alone and with two terms
    assert len(words) == 5 * 3
    assert "溪源 农药残留" in words
    expected = Counter(("news", w, page) for w in words for page in (1, 2))
    assert Counter(sites.searched) == expected
    fetched = Counter(articles(sites.requested))
    assert fetched, "the engine's results were not followed"
    assert max(fetched.values()) == 1  # however many queries returned an article
    shared = Counter(url for w in words for url, _, _ in sites.pages.matching(w))
    assert max(shared.values()) > 1  # … and some were returned by several
    assert result.new > 0
    assert {d.extra.get("site") for d in stored_documents(store)} == {"news-search"}


def stored_documents(store: SqliteStore) -> list[Any]:
    from brandguard.store.base import SearchQuery

    return [h.document for h in store.search(SearchQuery(limit=500,
                                                         include_duplicates=True)).hits]


def test_a_second_run_asks_again_but_fetches_no_stored_article(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    crawl, store = collection(config, tmp_path)
    search = news_search(sites.url)
    first = crawl.collect(search)
    before = len(articles(sites.requested))
    asked = len(sites.searched)
    kept = {urlsplit(d.url).path for d in stored_documents(store)}
    second = crawl.collect(search)
    assert first.new > 0
    assert second.new == 0
    assert len(sites.searched) == 2 * asked
    again = set(articles(sites.requested)[before:])
    # only what was not stored (an article about 云岭毛尖路, the street) is read again
    assert kept
    assert not again & kept


def test_gbk_engines_get_gbk_queries_and_their_own_page_offsets(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    crawl, store = collection(config, tmp_path)
    search = gbk_search(sites.url)
    result = crawl.collect(search)
    assert result.status == "ok", result.error
    # the engine decodes its query strictly as GBK: UTF-8 bytes would be refused or garbled
    expected = {("gbk", w, start) for w in query_words(search, config.brands)
                for start in (0, 3, 6)}
    assert set(sites.searched) == expected
    assert len(sites.searched) == len(expected)
    assert "云岭毛尖 抽检不合格" in {w for _, w, _ in sites.searched}
    assert result.new > 0
    assert stored_documents(store)


def test_a_result_page_that_stops_matching_is_a_fault_named_against_the_source(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    crawl, store = collection(config, tmp_path)
    search = news_search(sites.url, pages=1)
    assert crawl.collect(search).status == "ok"
    remembered = store.source_state(search.id)
    assert remembered is not None
    assert remembered.answered  # the queries that found results
    sites.pages.engine_markup = "v2"  # the engine's redesign: no plain result links
    blind = crawl.collect(search)
    assert blind.status == "error"
    assert "search went blind" in blind.error
    state = store.source_state(search.id)
    assert state is not None
    assert state.failures == 1
    assert state.last_error == blind.error  # what `brandguard sources` shows
    assert "云岭毛尖" in state.last_error  # the queries, by their words
    assert state.answered == remembered.answered  # still remembered: the fault persists
    sites.pages.engine_markup = "v1"
    assert crawl.collect(search).status == "ok"


def test_a_few_queries_gone_empty_are_listed_without_failing_the_run(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    crawl, store = collection(config, tmp_path)
    search = news_search(sites.url, pages=1)
    assert crawl.collect(search).status == "ok"
    state = store.source_state(search.id)
    assert state is not None
    gone = next(w for w in query_words(search, config.brands)
                if query_key(w) in state.answered)
    store.save_source_state(replace(state, answered=state.answered | {query_key("溪源 曝光")}))
    result = crawl.collect(search)
    assert result.status == "ok"
    assert "result pages no longer match: 1 query" in result.error
    assert "溪源 曝光" in result.error
    assert gone not in result.error


def test_the_engine_is_never_asked_faster_than_its_delay(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    crawl, _ = collection(config, tmp_path)
    delay = timedelta(milliseconds=150)
    search = news_search(sites.url, delay="150ms", brands=["xiyuan"], terms=["曝光"])
    assert crawl.collect(search).status == "ok"
    at = [t for p, t in zip(sites.requested, sites.arrivals, strict=True)
          if p.startswith("/search/")]
    assert len(at) == 2 * 2 * 2  # two names, alone and with the term, two pages
    gaps = [b - a for a, b in itertools.pairwise(at)]
    # each request leaves `delay` after the engine's last answer, one at a time, so however
    # slow one is to arrive, the next cannot crowd it (5 ms: the server's own clock reading)
    assert min(gaps) >= delay.total_seconds() - 0.005, gaps


def test_a_scheduled_run_spreads_its_queries_over_the_interval(config: Config) -> None:
    search = news_search("http://127.0.0.1:1", interval="1h", delay="1s")
    requests = len(query_words(search, config.brands)) * search.pages
    state = SourceState(search.id)
    burst = SearchCrawler(config).start(search, state)
    spread = SearchCrawler(config, spread=True).start(search, state)
    assert burst.engine_delay == 1.0
    assert spread.engine_delay == pytest.approx(3600 * SPREAD_SHARE / requests)
    assert spread.limit() > timedelta(seconds=3600 * SPREAD_SHARE)
    fast = news_search("http://127.0.0.1:1", interval="1m", delay="2s")
    assert SearchCrawler(config, spread=True).start(fast, state).engine_delay == 2.0
