"""Hot words: no brand names or stems, no quantities, dates, single characters or filler;
damage terms first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st

from brandguard.nlp.hot_words import MEASURES, NUMERALS, brand_stems, excluded, is_quantity
from brandguard.nlp.keywords import KeywordRanker
from tests.conftest import make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

CHINESE_NUMERALS = "零一二三四五六七八九十百千万两几"


def test_quantities_and_dates_are_not_hot_words() -> None:
    for word in ("一百二十", "一颗颗", "三四次", "两盒", "十月", "12日", "周三", "去年", "3.5吨"):
        assert is_quantity(word), word
    for word in ("三聚氰胺", "农药残留", "抽检", "下架", "一致"):
        assert not is_quantity(word), word


@given(st.text(alphabet=CHINESE_NUMERALS + "0123456789", min_size=1, max_size=4),
       st.sampled_from(sorted(MEASURES)))
def test_any_numeral_with_a_measure_word_is_a_quantity(number: str, measure: str) -> None:
    assert is_quantity(number + measure)
    assert is_quantity(number)


@given(st.text(alphabet="云岭毛尖茶业雾山", min_size=2, max_size=6))
def test_every_leading_part_of_a_brand_name_is_excluded(name: str) -> None:
    stems = brand_stems(frozenset({name}))
    assert all(excluded(name[:end], stems, frozenset()) for end in range(2, len(name) + 1))
    assert all(s[0] not in NUMERALS or True for s in stems)


def test_the_ranker_prefers_damage_terms_and_drops_the_brand() -> None:
    ranker = KeywordRanker(frozenset({"云岭毛尖"}), frozenset({"农药残留"}))
    tokens = ["云岭", "县", "云岭毛尖", "一百二十", "批次", "农药残留", "茶园", "茶园", "记者"]
    top = ranker.top(tokens, 8)
    assert top[0] in {"农药残留", "茶园"}
    assert "农药残留" in top
    assert not {"云岭", "云岭毛尖", "一百二十", "县", "记者"} & set(top)


def test_analysis_keywords_exclude_configured_names(analyzer: Analyzer, config: Config) -> None:
    text = "安溪铁观音集团旗下三批次茶叶抽检不合格，安溪县监管局责令下架，涉及一百二十箱。"
    keywords = analyzer.analyze(make_doc(text, config=config)).keywords
    assert "不合格" in keywords or "下架" in keywords
    assert not {"安溪", "安溪铁观音", "安溪铁观音集团", "一百二十", "三批次"} & set(keywords)
