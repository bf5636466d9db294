"""Chinese line breaking for the PDF: numbers and words stay whole, 禁则 holds, nothing is
lost, and no line is wider than asked (Hypothesis over mixed text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from brandguard.reports.render.linebreak import NO_END, NO_START, text_lines, wrap


def width(text: str) -> float:
    """A stand-in metric: Han and full-width marks 2 units, the rest 1."""
    return float(sum(2 if ord(c) > 0x2E7F else 1 for c in text))


def test_numbers_and_words_are_not_split() -> None:
    text = "本月共监测到云岭毛尖相关信息 12 条，净情感值 +0.08，来源 yunling-daily 与新闻门户。"
    for room in range(16, 60):
        lines = text_lines(text, room, width).split("\n")
        assert len(lines) > 1 or room >= width(text)
        for whole in ("+0.08", "yunling-daily", "12"):
            assert any(whole in line for line in lines), (room, whole, lines)


def test_closing_marks_never_start_a_line_and_opening_marks_never_end_one() -> None:
    text = "甲乙丙丁戊己庚辛，壬癸（子丑寅卯辰巳午未）申酉戌亥。"
    for room in range(6, 40, 2):
        for line in text_lines(text, room, width).split("\n")[1:]:
            assert line[0] not in NO_START, (room, line)
        for line in text_lines(text, room, width).split("\n"):
            assert line[-1] not in NO_END, (room, line)


mixed = st.text(alphabet=st.sampled_from(list("云岭毛尖茶叶质量，。（）“”、 abcXYZ0123456789.-+%")),
                max_size=120)


@settings(max_examples=300, deadline=None)
@given(mixed, st.integers(min_value=4, max_value=60))
def test_nothing_is_lost_and_lines_fit(text: str, room: int) -> None:
    lines = wrap([(text, None)], room, width)
    rebuilt = "".join(t for line in lines for t, _ in line)
    assert "".join(rebuilt.split()) == "".join(text.split())  # only breaking spaces go
    for line in lines:
        body = "".join(t for t, _ in line)
        # a line may exceed only by what 禁则 carried along: one token and a mark
        assert width(body) <= room + 2 * max((width(t) for t, _ in line), default=0)


@settings(max_examples=100, deadline=None)
@given(mixed, st.text(max_size=40), st.integers(min_value=4, max_value=60))
def test_links_stay_with_their_text(before: str, linked: str, room: int) -> None:
    lines = wrap([(before, None), (linked, "https://a.example/x")], room, width)
    got = "".join(t for line in lines for t, link in line if link)
    assert "".join(got.split()) == "".join(linked.split())  # only whitespace may go
