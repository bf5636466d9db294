"""Query expansion: each name and alias alone and with each term, written in the engine's
encoding so the engine reads back exactly the words asked (Hypothesis over arbitrary words)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from brandguard.configuration.models import Brand
from brandguard.configuration.sources import Search
from brandguard.crawlers.search_queries import expand, query_key, query_words

WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=12).filter(str.strip)


def search(**extra: object) -> Search:
    return Search.model_validate({"id": "s", "url": "https://engine.example/s?wd={query}&p={page}",
                                  "follow": "/a/", **extra})


def brand(brand_id: str, name: str, *aliases: str) -> Brand:
    return Brand.model_validate({"id": brand_id, "name": name, "kind": "enterprise",
                                 "organization": "org", "aliases": list(aliases)})


def test_names_then_terms_each_once_and_only_the_chosen_brands() -> None:
    brands = [brand("a", "雾山茶业", "雾山茶"), brand("b", "溪源茶业", "雾山茶"),
              brand("c", "别家茶")]
    words = query_words(search(brands=["a", "b"], terms=["假冒", "投诉"]), brands)
    assert words[:3] == ["雾山茶业", "雾山茶", "溪源茶业"]  # a shared alias is asked once
    assert "雾山茶 投诉" in words
    assert len(words) == 3 * 3
    assert not [w for w in words if "别家茶" in w]
    assert len(query_words(search(), brands)) == 4  # brands: all
    peer = Brand.model_validate({"id": "p", "name": "别县毛尖", "kind": "peer",
                                 "organization": "org"})
    assert "别县毛尖" in query_words(search(), [*brands, peer])  # share of voice needs peers


@given(words=WORDS, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_the_engine_reads_back_the_words_asked(words: str, encoding: str) -> None:
    named = brand("x", words)
    words = named.name  # as brands.yaml holds it (trimmed)
    queries, problems = expand(search(encoding=encoding, pages=2, page_start=0, page_step=10),
                               [named])
    assert not problems
    [query] = queries
    assert query.key == query_key(words)
    for url, page in zip(query.urls, ("0", "10"), strict=True):
        asked = parse_qs(urlsplit(url).query, encoding=encoding, errors="strict")
        assert asked["wd"] == [words]
        assert asked["p"] == [page]


@given(words=WORDS)
def test_words_gbk_cannot_write_are_skipped_and_said(words: str) -> None:
    named = brand("x", words)
    words = named.name
    try:
        words.encode("gbk")
    except UnicodeEncodeError:
        writable = False
    else:
        writable = True
    queries, problems = expand(search(encoding="gbk"), [named])
    assert len(queries) == (1 if writable else 0)
    assert len(problems) == (0 if writable else 1)
    if writable:
        asked = parse_qs(urlsplit(queries[0].urls[0]).query, encoding="gbk", errors="strict")
        assert asked["wd"] == [words]


@given(template=st.text(max_size=40).map(lambda t: "https://e.example/?" + t))
def test_a_template_without_query_is_always_refused(template: str) -> None:
    if "{query}" in template:
        return
    with pytest.raises(ValidationError):
        search(url=template)
