"""Social posts' engagement, on every backend: searchable by kind, author and reach, and the
top authors (KOL) the report and the dashboard show, read through the same search."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.reports.authors import top_authors
from brandguard.reports.figures import ReportBuilder
from brandguard.reports.period import last_full
from brandguard.store.base import SearchQuery, Store
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

TZ = ZoneInfo("Asia/Shanghai")
SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ)
POSTS = [  # author, followers as printed, reposts, comments, likes, text
    ("茶界观察", "120万", 300, 40, "2.3万", "八马茶业的茶叶被曝农药残留超标，大家小心。"),
    ("茶界观察", "120万", 10, 5, 100, "八马茶业新品上市，味道不错。"),
    ("山里的小茶农", "12", 0, 1, 3, "买的八马茶业有点受潮，失望。"),
    ("路人甲", None, 2, 0, 0, "八马茶业门店排队的人很多。"),
]


def fill(make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> Store:
    store = make_store()
    items = []
    for n, (author, followers, reposts, comments, likes, text) in enumerate(POSTS):
        fields: dict[str, object] = {"url": f"http://weibo.example/{n}", "kind": "social",
                                     "source": "微博", "author": author, "reposts": reposts,
                                     "comments": comments, "likes": likes,
                                     "published_at": f"2026-11-2{n}T10:00:00+08:00"}
        if followers is not None:
            fields["followers"] = followers
        items.append(analyzed(analyzer, make_doc(text, config=config, **fields)))
    items.append(analyzed(analyzer, make_doc(
        "八马茶业发布年度报告。", config=config, url="http://news.example/1", kind="news",
        published_at="2026-11-25T10:00:00+08:00")))
    store.upsert(items)
    return store


def test_posts_are_found_by_kind_author_and_reach(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    store = fill(make_store, analyzer, config)
    assert store.search(SearchQuery(kind="social")).total == 4
    assert store.search(SearchQuery(kind="news")).total == 1
    assert store.search(SearchQuery(author="茶界观察")).total == 2
    # reach = followers + 10 x (reposts + comments) + likes; the news item has none
    assert store.search(SearchQuery(min_reach=0)).total == 4
    assert store.search(SearchQuery(min_reach=1_000_000)).total == 2
    assert store.search(SearchQuery(min_reach=1_200_000 + 3400 + 23_000)).total == 1
    assert store.search(SearchQuery(min_reach=20, author="路人甲")).total == 1
    assert store.search(SearchQuery(min_reach=21, author="路人甲")).total == 0
    [hit] = store.search(SearchQuery(author="山里的小茶农")).hits
    assert hit.document.extra["followers"] == 12  # read as an integer at the edge
    assert store.get("never") is None


def test_top_authors_by_reach_with_their_posts_and_negatives(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    store = fill(make_store, analyzer, config)
    top = top_authors(store, ["bama"], SINCE, UNTIL)
    # 12 + 10 x 1 + 3 = 25 beats 0 + 10 x 2 = 20
    assert [a.author for a in top.authors] == ["茶界观察", "山里的小茶农", "路人甲"]
    first = top.authors[0]
    assert (first.posts, first.followers) == (2, 1_200_000)
    assert first.reach == 1_200_000 + 3400 + 23_000 + 150 + 100
    assert first.negative == 1
    assert first.example["title"].startswith("八马茶业的茶叶被曝")  # its most engaging post
    assert (top.scanned, top.total) == (4, 4)
    brand = config.brand("bama")
    assert brand is not None
    report = ReportBuilder(store, config).build(brand, last_full("month", date(2026, 12, 1)))
    assert report["top_authors"]["authors"][0]["reach"] == first.reach
    assert top_authors(store, ["bama"], UNTIL, UNTIL).authors == []
