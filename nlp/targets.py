"""Which brand a negative text is about: features of each mention, and the selection rule.

"A 起诉 B", "继 C 之后，D 也爆雷": a negative text often names several brands and is negative
about one. What decides it is local: the words of the mention's own sentence (at most
CLAUSE characters either side), the few words just before and after it (起诉 before B, 爆雷
after D), whether it leads the headline, how early and how often it is named, whether
another brand shares its sentence, and what the news head makes of the mention's own
sentences. Brand names themselves are replaced by `<本>` (this mention) and `<他>`
(another), so what is learnt is the pattern, not the names of the brands it was trained
on. A trained binary head (nlp/sentiment.py `TargetHead`) scores these features.

The competition rule the training data follows is kept as a rule, not learnt: when one
mentioned name contains another (小资钱包 / 资钱包), the longer is the subject.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brandguard.nlp.sentiment import features

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from brandguard.nlp.brand_matcher import BrandHit

WINDOW = 12  # characters either side of a mention read as its immediate context
CLAUSE = 40  # characters either side read as the words of its sentence
SELF, OTHER = "<本>", "<他>"
THRESHOLD = 0.5
MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class MentionContext:
    """One brand's hits in a text (and the sentence of each), with what is known about it."""

    hits: Sequence[BrandHit]
    hit_sentences: Sequence[int]
    rank: int
    brands: int
    in_headline: bool
    shares_sentence: bool
    own: complex  # the news head's two logits over the mention's own sentences


@dataclass(frozen=True, slots=True)
class TargetFeatures:
    """Binary features by name, plus the few real-valued ones."""

    names: set[str]
    values: dict[str, float]

    def as_dict(self) -> dict[str, float]:
        return {**dict.fromkeys(self.names, 1.0), **self.values}


def mention_features(context: MentionContext, offsets: Callable[[int], list[int]],
                     sentence_tokens: Sequence[list[str]], surfaces: dict[str, str],
                     ) -> TargetFeatures:
    """`surfaces`: every matched brand surface in the text -> SELF or OTHER for this one;
    `offsets(i)`: sentence i's `token_offsets`. The words either side of a hit are read
    from its sentence's tokens (no second cut)."""
    names = {f"rank={min(context.rank, 3)}", f"brands={min(context.brands, 4)}",
             f"count={min(len(context.hits), 3)}"}
    if context.in_headline:
        names.add("in_headline")
    if context.shares_sentence:
        names.add("shares_sentence")
    for hit, i in list(zip(context.hits, context.hit_sentences, strict=True))[:3]:
        clause, before, after = _around(hit, offsets(i), sentence_tokens[i])
        names.update(map("s:".__add__, features(_masked(clause, surfaces))))
        names.update(map("before:".__add__, _masked(before, surfaces)))
        names.update(map("after:".__add__, _masked(after, surfaces)))
    return TargetFeatures(names, {"own_negative": context.own.real,
                                  "own_positive": context.own.imag})


def _around(hit: BrandHit, offsets: list[int], tokens: list[str],
            ) -> tuple[list[str], list[str], list[str]]:
    """Of the hit's sentence (`offsets`: where each token starts, then where the last
    ends): the tokens within CLAUSE characters either side (a long sentence, or text
    without punctuation, is not read whole), and those ending within WINDOW characters
    before the hit and starting within WINDOW after it. Found by bisection: a sentence can
    be a whole unpunctuated article."""
    # the first token ending after hit.start - CLAUSE, the last starting before hit.end + CLAUSE
    first = bisect.bisect_right(offsets, hit.start - CLAUSE, 1, len(offsets)) - 1
    last = bisect.bisect_left(offsets, hit.end + CLAUSE, 0, len(tokens))
    clause, before, after = tokens[first:last], [], []
    for k in range(first, last):
        pos, end = offsets[k], offsets[k + 1]
        if hit.start - WINDOW < end <= hit.start:
            before.append(tokens[k])
        elif hit.end <= pos < hit.end + WINDOW:
            after.append(tokens[k])
    return clause, before, after


def token_offsets(start: int, tokens: list[str]) -> list[int]:
    """Where each token starts, and where the last one ends."""
    return list(itertools.accumulate(map(len, tokens), initial=start))


def _masked(tokens: list[str], surfaces: dict[str, str]) -> list[str]:
    return [surfaces.get(t, t) for t in tokens if t.strip()]


def contained(surfaces_by_brand: dict[str, set[str]]) -> set[str]:
    """Brands whose every matched surface sits inside another mentioned brand's surface."""
    out = set()
    for brand, own in surfaces_by_brand.items():
        longer = {s for other, theirs in surfaces_by_brand.items() if other != brand
                  for s in theirs}
        if own and all(any(o in s and o != s for s in longer) for o in own):
            out.add(brand)
    return out


def choose(probabilities: dict[str, float], excluded: set[str]) -> set[str]:
    """Every mention at or above THRESHOLD; if none is, the likeliest one and any within
    MARGIN of it: a negative text is negative about at least one of the brands it names,
    and a near tie is not a reading the head can make."""
    allowed = {b: p for b, p in probabilities.items() if b not in excluded}
    chosen = {b for b, p in allowed.items() if p >= THRESHOLD}
    if not chosen and allowed:
        best = max(allowed.values())
        chosen = {b for b, p in allowed.items() if p >= best - MARGIN}
    return chosen
