"""The centroid index a tracker keeps across batches (brandguard.stories.grouping): after
any sequence of `hold` and `update` calls it indexes exactly what a fresh index built from
the same stories would, so keeping it changes no grouping decision."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from brandguard.stories.grouping import CentroidIndex, story_ids
from brandguard.story import Story, StoryArticle

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 9, tzinfo=TZ)
WORDS = ["农药残留", "超标", "抽检", "召回", "假冒", "防伪", "网店", "维权", "茶园", "春茶"]


def _story(number: int, brand: str, terms: dict[str, float]) -> Story:
    article = StoryArticle(f"d{number}", AT, "news.example", f"标题{number}")
    return Story(f"s{number}", brand, AT, AT, (article,), terms=terms)


def _snapshot(index: CentroidIndex) -> tuple[dict[str, dict[str, set[str]]],
                                             dict[str, float], dict[str, Story]]:
    terms = {brand: {t: story_ids(ids) for t, ids in by_term.items()}
             for brand, by_term in index.terms.items() if by_term}
    return terms, dict(index.norms), dict(index.held)


def _fresh(stories: list[Story]) -> CentroidIndex:
    index = CentroidIndex()
    for story in stories:
        index.add(story)
    return index


TERMS = st.dictionaries(st.sampled_from(WORDS), st.floats(0.1, 2.0), min_size=1, max_size=5)
POOL = st.lists(st.tuples(st.sampled_from(["甲", "乙"]), TERMS), min_size=1, max_size=8)


@settings(max_examples=80, deadline=None)
@given(POOL, st.lists(st.tuples(st.lists(st.integers(0, 7), max_size=8),
                                st.lists(st.tuples(st.integers(0, 7), TERMS), max_size=3)),
                      min_size=1, max_size=6))
def test_held_index_equals_a_fresh_one_after_any_batches(
        pool: list[tuple[str, dict[str, float]]],
        batches: list[tuple[list[int], list[tuple[int, dict[str, float]]]]]) -> None:
    current = {n: _story(n, brand, terms) for n, (brand, terms) in enumerate(pool)}
    index = CentroidIndex()
    for chosen, edits in batches:
        for n, terms in edits:  # written since the last batch: a new object, new terms
            if n in current:
                current[n] = replace(current[n], terms=terms)
        wanted = [current[n] for n in dict.fromkeys(chosen) if n in current]
        index.hold(wanted)
        assert _snapshot(index) == _snapshot(_fresh(wanted))
        assert all(isinstance(ids, str) or len(ids) > 1  # one story: its id, never a set
                   for by_term in index.terms.values() for ids in by_term.values())


def test_an_update_that_moves_the_centroid_reindexes_and_one_that_does_not_keeps_it() -> None:
    old = _story(1, "甲", {"抽检": 1.0, "召回": 0.5})
    index = _fresh([old])
    joined = replace(old, documents=2)  # same terms object: the centroid did not move
    index.update(old, joined)
    assert index.held["s1"] is joined
    assert story_ids(index.terms["甲"]["召回"]) == {"s1"}
    moved = replace(joined, documents=3, terms={"抽检": 1.5, "假冒": 0.5})
    index.update(joined, moved)
    assert _snapshot(index) == _snapshot(_fresh([moved]))
    assert index.norms["s1"] == math.sqrt(1.5 ** 2 + 0.5 ** 2)
