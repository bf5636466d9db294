"""Bigram terms for the SQLite full-text index."""

from __future__ import annotations

from brandguard.store.fts import index_terms, match_expression


def test_han_runs_become_bigrams_plus_last_character() -> None:
    assert index_terms("食品安全，iPhone 15") == "食品 品安 安全 全 iphone 15"


def test_query_is_a_quoted_phrase_per_word() -> None:
    assert match_expression("食品安全") == '"食品 品安 安全"'
    assert match_expression("冒充 八马") == '"冒充" AND "八马"'
    assert match_expression("茶") == '"茶"*'
    assert match_expression("，。") is None


def test_quotes_cannot_escape_the_phrase() -> None:
    assert match_expression('a"b') == '"a" AND "b"'
