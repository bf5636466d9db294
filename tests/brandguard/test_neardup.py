"""The one near-duplicate decision both backends feed (brandguard.neardup.first_copy)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from brandguard.neardup import (
    MIN_CHARS,
    PROBE_PER_KEY,
    REPOST_WINDOW,
    Candidate,
    earliest_in_window,
    first_copy,
    foldable,
)

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def signature(seed: int, same_as: int | None = None, shared: int = 64) -> bytes:
    """64 uint32 values; `shared` of them equal to those of `same_as`'s signature."""
    base = np.random.default_rng(seed).integers(0, 2**32, 64, dtype=np.uint32)
    if same_as is not None:
        other = np.frombuffer(signature(same_as), dtype=np.uint32).copy()
        base[:shared] = other[:shared]
    return base.tobytes()


def test_the_earliest_similar_copy_wins_and_a_repost_of_a_repost_links_to_the_original() -> None:
    original = Candidate("a", T0, signature(1), None, order=1)
    repost = Candidate("b", T0 + timedelta(hours=2), signature(1), "a", order=2)
    unrelated = Candidate("c", T0, signature(7), None, order=0)
    found = first_copy("new", signature(1), T0 + timedelta(days=1), [repost, unrelated, original],
                       0.7)
    assert found == "a"
    assert first_copy("new", signature(1), T0, [repost], 0.7) == "a"


def test_outside_the_window_or_below_the_threshold_nothing_is_folded() -> None:
    old = Candidate("a", T0 - REPOST_WINDOW - timedelta(seconds=1), signature(1), None, order=1)
    assert first_copy("new", signature(1), T0, [old], 0.7) is None
    half = Candidate("b", T0, signature(2, same_as=1, shared=32), None, order=1)
    assert first_copy("new", signature(1), T0, [half], 0.7) is None
    assert first_copy("new", signature(1), T0, [half], 0.5) == "b"


def test_a_document_is_never_its_own_first_copy() -> None:
    itself = Candidate("new", T0, signature(1), None, order=1)
    assert first_copy("new", signature(1), T0, [itself], 0.7) is None


def test_short_texts_are_never_folded() -> None:
    assert not foldable("质量很好" * 5, [1, 2, 3])
    assert foldable("茶" * MIN_CHARS, [1])
    assert not foldable("茶" * MIN_CHARS, [])


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 50)), min_size=1, max_size=12))
def test_the_winner_is_the_lowest_order_among_those_similar_enough(
        rows: list[tuple[int, int]]) -> None:
    """Seed 0 is the new text; candidates with seed 0 are identical to it, others unrelated."""
    candidates = [Candidate(f"d{i}", T0, signature(seed), None, order)
                  for i, (seed, order) in enumerate(rows)]
    similar = [c for c in candidates if c.signature == signature(0)]
    expected = min(similar, key=lambda c: c.order).id if similar else None
    assert first_copy("new", signature(0), T0, candidates, 0.7) == expected


@given(st.lists(st.integers(-40, 40), max_size=60), st.integers(-5, 5))
def test_earliest_in_window_keeps_order_and_reads_at_most_the_probe_limit(
        days: list[int], at: int) -> None:
    """The first PROBE_PER_KEY candidates in the window, in the order given (earliest
    written first), nothing else."""
    candidates = [Candidate(f"d{i}", T0 + timedelta(days=d), signature(i), None, order=i)
                  for i, d in enumerate(days)]
    published = T0 + timedelta(days=at)
    expected = [c for c in candidates if abs(c.published - published) <= REPOST_WINDOW]
    assert list(earliest_in_window(candidates, published)) == expected[:PROBE_PER_KEY]
