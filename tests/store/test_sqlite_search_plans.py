"""SQLite answers a search by brands, time, source and near-duplicates from the mentions
index alone (`where.mentions_only`); whatever the query, that plan must give the total and
the page, in order, that the general plan over the documents table gives."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandguard.store.base import SearchQuery
from brandguard.store.query import conditions
from brandguard.store.sqlite import SqliteStore
from brandguard.store.sqlite.where import mentions_only
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 1, tzinfo=TZ)
BRANDS = ("anxi-tieguanyin", "bama", "anxi-group", "yixing")
NAMES = ("安溪铁观音", "八马茶业", "安溪铁观音集团", "宜兴紫砂")
TONES = ("抽检不合格，农药残留超标，被立案调查。", "荣获金奖，品质优秀，广受好评。", "发布新品，举办品鉴会。")
SOURCES = ("news.example", "portal.example", "blog.example")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, analyzer: Analyzer,
          config: Config) -> Iterator[SqliteStore]:
    """Eighty documents naming one to three brands over ten days, several at the same
    second (ties broken by rowid), with reposts (near-duplicates) from other sources."""
    rng = random.Random(20261203)
    path: Path = tmp_path_factory.mktemp("plans") / "s.db"
    items = []
    for i in range(80):
        named = rng.sample(NAMES, rng.randint(1, 3))
        text = "，".join(named) + rng.choice(TONES) + f"第{i % 50}期通报，详情见公告。"
        at = START + timedelta(hours=rng.randrange(240))
        doc = make_doc(text * 3, config=config, url=f"http://{rng.choice(SOURCES)}/{i}",
                       published_at=at.isoformat(), source=rng.choice(SOURCES))
        items.append(analyzed(analyzer, doc))
    with SqliteStore(path, TZ) as opened:
        opened.upsert(items)
        yield opened


@settings(max_examples=200, deadline=None)
@given(brands=st.lists(st.sampled_from(BRANDS), min_size=1, max_size=3, unique=True),
       polarity=st.sampled_from([None, "negative", "positive", "neutral"]),
       since=st.one_of(st.none(), st.integers(0, 240)), days=st.one_of(st.none(), st.integers(0, 10)),
       source=st.one_of(st.none(), st.sampled_from(SOURCES)),
       duplicates=st.booleans(), limit=st.integers(1, 30), offset=st.integers(0, 40))
def test_the_mentions_plan_gives_the_general_plans_answer(
        store: SqliteStore, brands: list[str], polarity: str | None, since: int | None,
        days: int | None, source: str | None, duplicates: bool, limit: int,
        offset: int) -> None:
    begin = None if since is None else START + timedelta(hours=since)
    end = None if days is None else (begin or START) + timedelta(days=days)
    query = SearchQuery(brands=tuple(brands), polarity=polarity, since=begin,  # type: ignore[arg-type]
                        until=end, source=source, include_duplicates=duplicates,
                        limit=limit, offset=offset)
    found = conditions(query)
    assert found is not None
    plan = mentions_only(found)
    assert plan is not None
    assert store._search_mentions(*plan, limit, offset) == \
        store._search_documents(found, limit, offset)


def test_the_corpus_has_what_the_plans_must_agree_on(store: SqliteStore) -> None:
    """Several brands per document, reposts and equal times: else the comparison is idle."""
    everything = conditions(SearchQuery(brands=BRANDS, include_duplicates=True, limit=100))
    originals = conditions(SearchQuery(brands=BRANDS, limit=100))
    assert everything is not None
    assert originals is not None
    total, _ = store._search_documents(everything, 100, 0)
    assert total > store._search_documents(originals, 100, 0)[0] > 0
    several = store.db.execute("SELECT count(*) FROM (SELECT doc FROM mentions GROUP BY doc"
                               " HAVING count(*) > 1)").fetchone()[0]
    assert several > 10


def test_other_conditions_take_the_general_plan() -> None:
    for query in (SearchQuery(text="抽检", brands=("bama",)), SearchQuery(category="quality_safety"),
                  SearchQuery(brands=("bama",), kind="news"), SearchQuery(polarity="negative")):
        found = conditions(query)
        assert found is not None
        assert mentions_only(found) is None


@settings(max_examples=100, deadline=None)
@given(brands=st.lists(st.sampled_from(BRANDS), min_size=1, max_size=4, unique=True),
       since=st.integers(0, 240), days=st.integers(0, 10), limit=st.integers(1, 4))
def test_top_sources_come_from_the_mentions_index_and_count_each_document_once(
        store: SqliteStore, brands: list[str], since: int, days: int, limit: int) -> None:
    """The facets index it used to be forced through was read whole, whatever the window:
    the mention rows carry the source, and a document of several brands counts once."""
    begin = START + timedelta(hours=since)
    end = begin + timedelta(days=days)
    traced: list[str] = []
    store.db.set_trace_callback(traced.append)
    found = store.top_sources(brands, begin, end, limit)
    store.db.set_trace_callback(None)
    [sql] = traced
    plan = " | ".join(row[3] for row in store.db.execute(
        f"EXPLAIN QUERY PLAN {sql}"))
    assert "documents" not in plan, plan
    per_doc = {hit.document.id: hit.document.source for hit in store.search(SearchQuery(
        brands=tuple(brands), since=begin, until=end, limit=100)).hits}
    counted: dict[str, int] = {}
    for source in per_doc.values():
        if source is not None:
            counted[source] = counted.get(source, 0) + 1
    assert found == sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
