"""Substring-exact terms for the full-text index (both backends index these)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from brandguard.store.fts import (
    _fold,
    index_terms,
    index_terms_many,
    match_expression,
    query_runs,
)

MIXED = list("检验报告编号1号显示庚丁批次茶叶合格ABCabcxyz0129 ，。-_/ßİΣσςﬁ１Ａａ㐀龥가나あア")
TEXT = st.text(st.one_of(st.sampled_from(MIXED), st.characters(exclude_categories=("Cs",))),
               min_size=1, max_size=40)


P = {c: chr(0xE000 + ord(c)) for c in ',"(*'}  # ASCII punctuation, protected


def test_every_run_becomes_bigrams_plus_its_last_character() -> None:
    assert index_terms("食品安全 iPhone 15") == "食品 品安 安全 全 ip ph ho on ne e 15 5"
    assert index_terms("编号1号") == "编号 号1 1号 号"
    assert index_terms("合格，(1)") == f"合格 格{P[',']} {P[',']}{P['(']} {P['(']}1 1) )".replace(
        ")", chr(0xE000 + ord(")")))


def test_case_and_full_width_forms_fold() -> None:
    assert index_terms("ＡＢ ab AB") == index_terms("ab ab ab")


def test_query_is_a_quoted_phrase_per_run() -> None:
    assert match_expression("食品安全") == '"食品 品安 安全"'
    assert match_expression("冒充 八马") == '"冒充" AND "八马"'
    assert match_expression("茶") == '"茶"*'
    assert match_expression("   ") is None
    assert match_expression("编号1号") == '"编号 号1 1号"'


def test_quotes_and_operators_cannot_escape_the_phrase() -> None:
    assert match_expression('a"b') == f'"a{P[chr(34)]} {P[chr(34)]}b"'
    assert match_expression('庚 OR x*') == f'"庚"* AND "or" AND "x{P["*"]}"'


def _phrase_in(terms: list[str], phrase: list[str]) -> bool:
    return any(terms[i:i + len(phrase)] == phrase for i in range(len(terms)))


@given(TEXT, st.data())
def test_every_substring_is_found_in_the_terms(text: str, data: st.DataObject) -> None:
    """The index-side half of the promise, for any text: each run of a substring is a
    phrase of the text's terms (or a prefix of one). The stores' half is in
    test_store_search_substrings.py."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    terms = index_terms(text).split()
    for run in query_runs(text[start:end]):
        if isinstance(run, str):
            assert any(t.startswith(run) for t in terms), (run, terms)
        else:
            assert _phrase_in(terms, run), (run, terms)


def _reference_terms(text: str) -> str:
    """The definition, a character and a run at a time: what the one-pass fold must equal."""
    runs = ["".join(_fold(c) for c in run) for run in re.findall(r"\S+", text)]
    return " ".join(t for run in runs for t in (*(run[i:i + 2] for i in range(len(run) - 1)),
                                                  run[-1]))


@given(st.text(st.one_of(st.sampled_from([*MIXED, " ", "\u3000", "\x1f", "\u2028", "\n"]),
                         st.characters(exclude_categories=("Cs",))), max_size=60))
def test_the_one_pass_fold_equals_folding_each_character_of_each_run(text: str) -> None:
    assert index_terms(text) == _reference_terms(text)


@given(st.lists(st.text(st.sampled_from([*MIXED, " ", "\n", "\0"]), max_size=12), max_size=6))
def test_a_batch_gets_each_text_its_own_terms(texts: list[str]) -> None:
    assert index_terms_many(texts) == [_reference_terms(t) for t in texts]
