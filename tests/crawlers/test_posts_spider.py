"""`spider: posts` against the sample sites' microblog timeline (JSON) and forum (HTML):
posts with their authors' followers and their reposts, comments and likes, stored."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from brandguard.collection import Collection
from brandguard.configuration.loader import load_config
from brandguard.configuration.sources import Site
from brandguard.demo.sample_sites import sample_sites
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.base import SearchQuery
from brandguard.store.sqlite import SqliteStore
from tests.conftest import EXAMPLE_CONFIG

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.demo.sample_sites import SampleSites
    from brandguard.document import Document

STORY = EXAMPLE_CONFIG / "demo" / "documents.jsonl"


@pytest.fixture(scope="module")
def sites() -> Iterator[SampleSites]:
    with sample_sites(STORY) as served:
        yield served


@pytest.fixture(scope="module")
def config() -> Config:
    loaded = load_config(EXAMPLE_CONFIG)
    settings = loaded.settings.model_copy(update={"allow_private_targets": ["127.0.0.0/8"],
                                                  "analysis": loaded.settings.analysis.model_copy(
                                                      update={"unmatched": "keep"})})
    return replace(loaded, settings=settings)


def collect(config: Config, tmp_path: Path, site: Site) -> tuple[list[Document], str]:
    store = SqliteStore(tmp_path / "bg.db", config.settings.tz)
    crawl = Collection(config, store, Pipeline(Analyzer.from_config(config), store,
                                               config.settings))
    result = crawl.collect(site)
    assert result.status == "ok", result.error
    again = crawl.collect(site)
    hits = store.search(SearchQuery(limit=100, include_duplicates=True)).hits
    assert again.new == 0  # ids are stable: a re-crawl stores no post twice
    return [h.document for h in hits], result.error


def by_author(docs: list[Document]) -> dict[str | None, Document]:
    return {d.author: d for d in docs}


def test_json_timeline_posts_keep_followers_and_engagement(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    site = Site.model_validate({
        "id": "weibo", "spider": "posts", "format": "json", "source": "微博",
        "start_urls": [f"{sites.url}/weibo/api/timeline?page=1"],
        "json_fields": {"items": "statuses", "text": "text", "time": "created_at",
                        "id": "mid", "author": "user.screen_name",
                        "followers": "user.followers_count", "reposts": "reposts_count",
                        "comments": "comments_count", "likes": "attitudes_count",
                        "next": "next", "rating": None, "seller": None, "product": None},
        "autothrottle": False})
    docs, _ = collect(config, tmp_path, site)
    assert "/weibo/api/timeline?page=2" in sites.requested  # `next` followed
    posts = by_author(docs)
    big, small = posts["茶界观察"], posts["山里的小茶农"]
    assert {d.kind for d in docs} == {"social"}
    assert {d.source for d in docs} == {"微博"}
    assert big.id == "weibo:490000"
    assert (big.extra["followers"], big.extra["reposts"], big.extra["comments"],
            big.extra["likes"]) == (1_200_000, 1200, 1100, 23_000)
    assert (small.extra["followers"], small.extra["reposts"], small.extra["likes"]) == (12, 3, 5)
    assert big.published_at is not None
    assert big.to_json()["followers"] == 1_200_000  # exported with the document


def test_html_forum_posts_read_counts_as_printed(
        sites: SampleSites, config: Config, tmp_path: Path) -> None:
    site = Site.model_validate({
        "id": "forum", "spider": "posts", "start_urls": [f"{sites.url}/bbs/forum.html"],
        "selectors": {"item": "div.post", "text": ".content", "author": ".author",
                      "followers": ".fans", "time": ".time", "reposts": ".reposts",
                      "comments": ".replies", "likes": ".likes",
                      "url": "a.link::attr(href)"},
        "autothrottle": False})
    docs, _ = collect(config, tmp_path, site)
    posts = by_author(docs)
    big = posts["茶界观察"]
    assert (big.extra["followers"], big.extra["reposts"], big.extra["comments"],
            big.extra["likes"]) == (1_200_000, 1200, 45, 23_000)
    assert big.url == f"{sites.url}/bbs/thread/0.html"
    assert posts["山里的小茶农"].extra["comments"] == 0
    assert big.text.startswith(sites.pages.story.social[0]["text"][:10])


def test_an_html_posts_site_needs_its_item_and_text_selectors() -> None:
    with pytest.raises(ValueError, match=r"an HTML posts source needs selectors\.item"):
        Site.model_validate({"id": "f", "spider": "posts",
                             "start_urls": ["https://bbs.example/list.html"]})
