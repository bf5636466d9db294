"""Search finds every substring of a stored title or text, on every backend."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.store.base import SearchQuery, Store
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

REPORT = "检验报告编号1号显示庚丁批次茶叶合格"
ALPHABET = list("检验报告编号1号显示庚丁批次茶叶合格八马ABab09 ，。-ßΣσ１Ａ")
_ids = itertools.count()


def _found(store: Store, query: str, doc_id: str) -> bool:
    hits = store.search(SearchQuery(text=query, limit=500, include_duplicates=True)).hits
    return any(h.document.id == doc_id for h in hits)


def test_mixed_digit_latin_and_han_substrings_are_found(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    doc = make_doc(REPORT, config=config, title="八马茶业 iPhone15 抽检通报")
    store.upsert([analyzed(analyzer, doc)])
    for query in ("编号1号", "庚丁", "1号显示", "茶叶合格", "编号", "Phone1", "ne15", "马茶"):
        assert _found(store, query, doc.id), query
    for query in ("庚甲", "编号2号", "Phone2"):
        assert not _found(store, query, doc.id), query


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.one_of(st.sampled_from(ALPHABET),
                              st.characters(exclude_categories=("Cs", "Cc"))),
                    min_size=2, max_size=30).filter(lambda t: t.strip()),
       data=st.data())
def test_any_substring_of_a_stored_text_finds_it(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config,
        text: str, data: st.DataObject) -> None:
    store = _one_store(make_store)
    doc = make_doc(text, config=config, url=f"http://sub.example/{next(_ids)}")
    store.upsert([analyzed(analyzer, doc)])
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    query = text[start:end]
    if query.strip():
        assert _found(store, query, doc.id), (text, query)


def _one_store(make_store: Callable[[], Store]) -> Store:
    """One store per test: Hypothesis runs the body many times with the same fixtures."""
    store: Store | None = getattr(make_store, "hypothesis_store", None)
    if store is None:
        store = make_store()
        make_store.hypothesis_store = store  # type: ignore[attr-defined]
    return store
