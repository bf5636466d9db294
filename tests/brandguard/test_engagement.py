"""Counts as platforms print them, and the reach weight the risk score uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandguard.engagement import MAX_WEIGHT, count, counts, reach, weight


@pytest.mark.parametrize(("printed", "value"), [
    ("1,234", 1234), ("1.2万", 12_000), ("3亿", 300_000_000), ("10w+", 100_000),
    ("2.5k", 2500), ("赞 88", 88), ("粉丝 120万", 1_200_000), (7, 7), ("", None), ("转发", None),
    (None, None), (True, None), (-3, None)])
def test_printed_counts(printed: object, value: int | None) -> None:
    assert count(printed) == value


@given(st.integers(min_value=0, max_value=10**11))
def test_a_number_reads_back_however_it_is_grouped(n: int) -> None:
    assert count(str(n)) == n
    assert count(f"{n:,}") == n
    assert count(n) == n


@given(st.text(max_size=30))
def test_any_text_gives_a_count_or_none_never_an_error(text: str) -> None:
    value = count(text)
    assert value is None or value >= 0


def test_reach_weighs_a_million_followers_about_three_and_a_dozen_about_one_and_a_half() -> None:
    assert weight({}) == 1.0  # news: its source's authority speaks for it
    assert weight({"followers": "100万"}) == pytest.approx(3.0)
    assert weight({"followers": 12}) == pytest.approx(1.37, abs=0.01)
    assert weight({"followers": 10**9}) == MAX_WEIGHT
    assert reach({"followers": 10, "reposts": 2, "comments": 1, "likes": 4}) == 10 + 30 + 4
    assert counts({"followers": "n/a", "likes": "5"}) == {"likes": 5}


@given(st.integers(0, 10**10), st.integers(0, 10**10))
def test_more_followers_never_weigh_less(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert 1.0 <= weight({"followers": low}) <= weight({"followers": high}) <= MAX_WEIGHT
