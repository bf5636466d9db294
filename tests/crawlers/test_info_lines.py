"""Page furniture left in an extracted body: a line that is only the article's time stamp
(with at most its credit or author) is dropped from the body's start and end, never from
inside it, and never a line that is a sentence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandguard.crawlers.extract import is_info_line, without_info_lines


@pytest.mark.parametrize("line", [
    "2026年11月15日 08:30", "2026-11-20 09:58 来源：茶产业网", "发布时间：2026-11-20 09:58",
    " 2026/11/20  | 作者：李明 | 来源：云岭日报 ", "时间：2026年11月20日"])
def test_stamp_lines_are_furniture(line: str) -> None:
    assert is_info_line(line)


@pytest.mark.parametrize("line", [
    "2026年11月15日，云岭毛尖春茶开采。", "溪源茶业表示，2026-11-20 的抽检结果将复核",
    "云岭毛尖获金奖", "", "2026 年产量创新高，茶农收入增加", "来源：云岭日报"])
def test_sentences_and_plain_lines_are_kept(line: str) -> None:
    assert not is_info_line(line)


def test_only_the_ends_lose_their_stamp_lines() -> None:
    body = "2026-11-20 09:58 来源：茶产业网\n第一段。\n2026年11月15日 08:30\n第二段。\n2026年11月15日 08:30"
    assert without_info_lines(body) == "第一段。\n2026年11月15日 08:30\n第二段。"
    assert without_info_lines("2026年11月15日 08:30") == "2026年11月15日 08:30"  # nothing else


@given(st.lists(st.text(max_size=40), max_size=6))
def test_what_is_kept_is_a_contiguous_run_of_the_original_lines(lines: list[str]) -> None:
    body = "\n".join(lines)
    kept = without_info_lines(body)
    assert kept in body
    assert not body or kept
