"""The lexicon automaton must report every occurrence of every phrase, overlapping ones
included, in the order the damage scan reads them (by end, the longest first at one end)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from brandguard.nlp.phrases import Hit, PhraseMatcher

_ALPHABET = "农药残留抽检不合格假冒茶A a。"
_PHRASES = st.dictionaries(st.text(_ALPHABET, min_size=1, max_size=4),
                           st.lists(st.integers(0, 9), min_size=1, max_size=2), max_size=12)


def _naive(phrases: dict[str, list[int]], text: str) -> list[Hit[int]]:
    """Every (end, -length) position where a phrase occurs, by brute force."""
    found = [(start + len(p), -len(p), start, p) for p in phrases
             for start in range(len(text)) if text.startswith(p, start)]
    return [Hit(start, end, p, payload) for end, _, start, p in sorted(found)
            for payload in phrases[p]]


@settings(max_examples=300, deadline=None)
@given(phrases=_PHRASES, text=st.text(_ALPHABET, max_size=40))
def test_every_occurrence_in_scan_order(phrases: dict[str, list[int]], text: str) -> None:
    assert PhraseMatcher(phrases).find(text) == _naive(phrases, text)


def test_offsets_are_characters_not_bytes() -> None:
    hits = PhraseMatcher({"农药残留": ["term"], "残留": ["cue"]}).find("茶叶中农药残留超标")
    assert hits == [Hit(3, 7, "农药残留", "term"), Hit(5, 7, "残留", "cue")]


def test_no_phrases_finds_nothing() -> None:
    assert PhraseMatcher[str]({}).find("农药残留") == []
