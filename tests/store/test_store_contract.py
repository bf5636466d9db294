"""The store contract, run unchanged against every backend in `STORE_BACKENDS`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from brandguard.neardup import PROBE_PER_KEY, Candidate, first_copy
from brandguard.store.base import SearchQuery, Store
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

TZ = ZoneInfo("Asia/Shanghai")
MakeStore = Callable[[], Store]
STORY = ("市场监管部门通报，八马茶业生产的一批次铁观音检出农药残留超标，抽检不合格。"
         "监管部门已责令企业召回问题产品，并立案调查，消费者对产品质量表示担忧。")


def put(store: Store, analyzer: Analyzer, config: Config, text: str, **fields: object) -> str:
    doc = make_doc(text, config=config, **fields)
    store.upsert([analyzed(analyzer, doc)])
    return doc.id


def test_upsert_is_idempotent_and_replaces_changed_content(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    first = make_doc("八马茶业涉嫌冒充安溪铁观音", config=config, url="http://a.example/1")
    assert store.upsert([analyzed(analyzer, first)]).inserted == 1
    assert store.upsert([analyzed(analyzer, first)]).unchanged == 1
    changed = make_doc("八马茶业澄清：产品检测合格", config=config, url="http://a.example/1")
    assert store.upsert([analyzed(analyzer, changed)]).updated == 1
    assert store.search(SearchQuery(text="冒充")).total == 0
    assert store.search(SearchQuery(text="检测合格")).total == 1
    stored = store.get(first.id)
    assert stored is not None
    assert stored.document.text == changed.text


def test_two_character_chinese_words_are_found(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    put(store, analyzer, config, "网店冒充八马茶业销售劣质茶")
    put(store, analyzer, config, "安溪铁观音质量抽检全部合格")
    for word, expected in (("冒充", 1), ("质量", 1), ("质", 2), ("格", 1), ("铁观音 抽检", 1),
                           ("劣质茶", 1), ("不存在的词", 0)):
        assert store.search(SearchQuery(text=word)).total == expected, word


def test_query_syntax_is_not_interpreted(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    put(store, analyzer, config, "八马茶业 AND OR NOT 新品")
    for query in ('"', "NOT", "八马 OR", "*", "a:b", "(", "NEAR(x y)"):
        store.search(SearchQuery(text=query))  # must not raise
    assert store.search(SearchQuery(text="OR")).total == 1


def test_brand_time_and_polarity_filters(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    put(store, analyzer, config, "八马茶业一批次产品抽检不合格，农药残留超标，被立案调查。",
        published_at="2026-11-20T09:00:00")
    put(store, analyzer, config, "安溪铁观音荣获金奖，品质优秀，广受好评。",
        published_at="2026-11-10T09:00:00")
    assert store.search(SearchQuery(brands=("bama",))).total == 1
    assert store.search(SearchQuery(brands=("anxi-tieguanyin", "bama"))).total == 2
    since = datetime(2026, 11, 15, tzinfo=TZ)
    recent = store.search(SearchQuery(since=since))
    assert [h.document.published_at for h in recent.hits] == [datetime(2026, 11, 20, 9, tzinfo=TZ)]
    assert store.search(SearchQuery(until=since)).total == 1
    assert store.search(SearchQuery(brands=("bama",), polarity="negative")).total == 1
    assert store.search(SearchQuery(brands=("bama",), polarity="positive")).total == 0
    assert store.search(SearchQuery(category="quality_safety")).total == 1
    assert store.search(SearchQuery(brands=("yixing",))).total == 0


def test_a_document_whose_time_moves_to_another_month_is_stored_once(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    url, text = "http://a.example/moved", "八马茶业一批次产品抽检不合格。"
    put(store, analyzer, config, text, url=url, published_at="2026-07-31T23:00:00")
    assert store.search(SearchQuery(brands=("bama",))).total == 1  # now searchable
    for when in ("2026-08-02T09:00:00", "2026-06-05T09:00:00", "2026-09-03T09:00:00"):
        moved = make_doc(text, config=config, url=url, published_at=when)
        assert store.upsert([analyzed(analyzer, moved)]).updated == 1  # no read in between
    found = store.search(SearchQuery(brands=("bama",)))
    assert [h.document.published_at for h in found.hits] == [datetime(2026, 9, 3, 9, tzinfo=TZ)]
    rows = store.counts(["bama"], datetime(2026, 6, 1, tzinfo=TZ),
                        datetime(2026, 10, 1, tzinfo=TZ), timedelta(days=1))
    assert [(r.bucket.month, r.bucket.day, r.count) for r in rows] == [(9, 3, 1)]


def test_results_are_newest_first_and_paged(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    for day in range(1, 6):
        put(store, analyzer, config, f"八马茶业第{day}条新闻", published_at=f"2026-11-0{day}T10:00:00")
    page = store.search(SearchQuery(brands=("bama",), limit=2, offset=1))
    assert page.total == 5
    assert [h.document.published_at.day for h in page.hits if h.document.published_at] == [4, 3]


def test_reposts_are_linked_to_the_first_copy_and_counted_once(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    first = put(store, analyzer, config, STORY, title="八马茶业抽检不合格",
                published_at="2026-11-20T09:00:00")
    repost = put(store, analyzer, config, "转自新闻门户：" + STORY + "（来源：新闻门户）",
                 title="转载：八马茶业农残超标", published_at="2026-11-20T10:00:00")
    other = put(store, analyzer, config, "八马茶业今年新建生产线投产，产能提升三成，"
                "企业负责人介绍新生产线实现了全程可追溯，产品质量更加稳定，将带动更多茶农增收。",
                published_at="2026-11-20T11:00:00")
    stored = store.get(repost)
    assert stored is not None
    assert stored.duplicate_of == first
    assert store.get(other).duplicate_of is None  # type: ignore[union-attr]
    assert store.search(SearchQuery(brands=("bama",))).total == 2
    assert store.search(SearchQuery(brands=("bama",), include_duplicates=True)).total == 3
    since, until = datetime(2026, 11, 20, tzinfo=TZ), datetime(2026, 11, 21, tzinfo=TZ)
    rows = store.counts(["bama"], since, until, timedelta(days=1))
    assert sum(r.count for r in rows) == 2


@pytest.mark.parametrize("order", ["in time order", "latest first"])
def test_within_a_batch_the_earliest_published_copy_is_the_first(
        make_store: MakeStore, analyzer: Analyzer, config: Config, order: str) -> None:
    """A crawl yields pages in whatever order they arrive; which copy of a story counts
    must not depend on it."""
    store = make_store()
    copies = [make_doc(("转自新闻门户：" if hour > 9 else "") + STORY, config=config,
                       title="八马茶业抽检不合格", url=f"http://copy.example/{hour}",
                       published_at=f"2026-11-20T{hour:02d}:00:00") for hour in (9, 10, 11)]
    batch = copies if order == "in time order" else copies[::-1]
    assert store.upsert([analyzed(analyzer, d) for d in batch]).near_duplicates == 2
    assert [store.get(d.id).duplicate_of for d in copies] == [  # type: ignore[union-attr]
        None, copies[0].id, copies[0].id]


def test_a_repost_flood_reads_a_bounded_number_of_earlier_copies(
        make_store: MakeStore, analyzer: Analyzer, config: Config,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A story copied thousands of times must not make each new copy read every earlier
    one (that made ingest quadratic): every copy still links to the original, and none
    is compared with more than the earliest `PROBE_PER_KEY` per band key (the stored ones
    and, on Elasticsearch, this process's unrefreshed ones). A spy counts what the real
    decision is handed."""
    store = make_store()
    handed: list[int] = []

    def counted(doc_id: str, signature: bytes, published: datetime,
                candidates: Iterable[Candidate], threshold: float) -> str | None:
        candidates = list(candidates)
        handed.append(len(candidates))
        return first_copy(doc_id, signature, published, candidates, threshold)

    for backend in ("brandguard.store.sqlite.documents", "brandguard.store.es.store"):
        monkeypatch.setattr(f"{backend}.first_copy", counted)
    copies = [make_doc(STORY, config=config, title="八马茶业抽检不合格",
                       url=f"http://flood.example/{i}",
                       published_at=(datetime(2026, 11, 20, 9, tzinfo=TZ)
                                     + timedelta(minutes=i)).isoformat())
              for i in range(2 * PROBE_PER_KEY + 12)]
    for start in range(0, len(copies), 10):
        result = store.upsert([analyzed(analyzer, d) for d in copies[start:start + 10]])
        assert result.inserted == len(copies[start:start + 10])
        store.search(SearchQuery(brands=("bama",)))  # a read: Elasticsearch refreshes
    assert [store.get(d.id).duplicate_of for d in copies[1:]] == (  # type: ignore[union-attr]
        [copies[0].id] * (len(copies) - 1))
    assert store.search(SearchQuery(brands=("bama",))).total == 1
    assert len(handed) == len(copies)
    assert max(handed) <= 2 * PROBE_PER_KEY
    assert handed[PROBE_PER_KEY + 1] >= PROBE_PER_KEY  # the earliest ones are all read


def test_short_identical_reviews_are_not_folded(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    for i in range(3):
        put(store, analyzer, config, "八马的茶质量很好", kind="review", url=f"http://m.example/r{i}")
    assert store.search(SearchQuery(brands=("bama",))).total == 3


def test_counts_per_brand_bucket_and_polarity_in_local_time(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    put(store, analyzer, config, "八马的茶太难喝了，差评，退货。", kind="review",
        published_at="2026-11-20T00:30:00")  # 16:30 UTC the day before
    put(store, analyzer, config, "八马的茶真好喝，回购。", kind="review",
        published_at="2026-11-20T23:30:00")
    put(store, analyzer, config, "八马茶业抽检不合格。", published_at="2026-11-21T08:00:00")
    since, until = datetime(2026, 11, 19, tzinfo=TZ), datetime(2026, 11, 23, tzinfo=TZ)
    rows = store.counts(["bama"], since, until, timedelta(days=1))
    got = {(r.bucket.date().isoformat(), r.polarity): r.count for r in rows}
    assert got == {("2026-11-20", "negative"): 1, ("2026-11-20", "positive"): 1,
                   ("2026-11-21", "negative"): 1}
    assert all(r.bucket.tzinfo is not None and r.bucket.hour == 0 for r in rows)
    damage = store.damage_counts(["bama"], since, until, timedelta(days=1))
    assert [(d.bucket.day, d.category, d.count) for d in damage] == [(21, "quality_safety", 1)]


def test_stored_document_round_trips_with_its_analysis(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    doc = make_doc("八马茶业抽检不合格", config=config, title="通报", source="news.example",
                   kind="news", author="记者", published_at="2026-11-20T09:00:00+08:00",
                   custom_field={"a": 1})
    doc_, analysis = analyzed(analyzer, doc)
    store.upsert([(doc_, analysis)])
    stored = store.get(doc.id)
    assert stored is not None
    assert stored.document == doc
    assert stored.analysis.to_json() == analysis.to_json()
    out = stored.to_json()
    assert out["custom_field"] == {"a": 1}
    assert out["mentions"][0]["brand"] == "bama"
    assert store.get("absent") is None


@pytest.mark.parametrize("bad", ["", "   ", "，。！"])
def test_empty_text_query_matches_nothing(make_store: MakeStore, analyzer: Analyzer,
                                          config: Config, bad: str) -> None:
    store = make_store()
    put(store, analyzer, config, "八马茶业")
    result = store.search(SearchQuery(text=bad))
    assert result.total == (1 if not bad.strip() else 0)


def test_search_json_is_the_hits_to_json(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    """The API answers from `search_json`, built from the stored JSON without objects: it
    must say exactly what the hits' `to_json` says, for every shape of document."""
    store = make_store()
    put(store, analyzer, config, STORY, title="八马茶业抽检不合格",
        published_at="2026-11-20T09:00:00")
    put(store, analyzer, config, "转自新闻门户：" + STORY, title="转载",
        published_at="2026-11-20T03:00:00+02:00", source="portal.example")  # another zone
    put(store, analyzer, config, "八马的茶真好喝，回购。", kind="review", rating=5,
        seller="八马官方旗舰店", custom_field={"a": [1, "二"]})  # undated, with extras
    put(store, analyzer, config, "八马茶业新品上市，微博热议。", kind="social", author="茶友",
        reposts="1.2万", likes=30)
    queries = [SearchQuery(brands=("bama",)), SearchQuery(brands=("bama",), limit=2, offset=1),
               SearchQuery(brands=("bama",), include_duplicates=True),
               SearchQuery(text="抽检", include_duplicates=True), SearchQuery(text="不存在的词")]
    for query in queries:
        found = store.search(query)
        total, hits = store.search_json(query)
        assert total == found.total
        assert hits == [h.to_json() for h in found.hits]
    assert any(h.get("duplicate_of") for h in store.search_json(queries[2])[1])
