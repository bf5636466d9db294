"""Tag trust-damage categories from the lexicon, aware of negation and denials.

A term counts unless a negator ends within `negation_window` characters before it in the
same sentence ("未发现质量问题") or the sentence (or the headline) carries a hedge ("辟谣",
"不实", "抽检合格"):
monitoring must not open an incident on a denial. Overlapping terms count once (the longest).
Score per category: 1 - exp(-category weight x sum of term weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from brandguard.document import DamageTag
from brandguard.nlp.phrases import Hit, PhraseMatcher

if TYPE_CHECKING:
    from brandguard.configuration.models import Lexicon

Kind = Literal["term", "negator", "hedge", "neg_cue", "pos_cue", "op_neg", "op_pos"]


@dataclass(frozen=True, slots=True)
class Cue:
    kind: Kind
    category: str = ""
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class LexiconHits:
    """Damage terms that stand (not negated or hedged) and distinct cue words."""

    terms: list[Hit[Cue]]
    negative_cues: list[Hit[Cue]]
    positive_cues: list[Hit[Cue]]
    opinion_negative: list[Hit[Cue]]
    opinion_positive: list[Hit[Cue]]


def build_matcher(lexicon: Lexicon) -> PhraseMatcher[Cue]:
    phrases: dict[str, list[Cue]] = {}
    for cat_id, category in lexicon.categories.items():
        for term, weight in category.terms.items():
            phrases.setdefault(term, []).append(Cue("term", cat_id, weight))
    for kind, words in (("negator", lexicon.negators), ("hedge", lexicon.hedges),
                        ("neg_cue", lexicon.polarity_cues.negative),
                        ("pos_cue", lexicon.polarity_cues.positive),
                        ("op_neg", lexicon.opinion_cues.negative),
                        ("op_pos", lexicon.opinion_cues.positive)):
        for word in words:
            phrases.setdefault(word, []).append(Cue(kind))  # type: ignore[arg-type]
    return PhraseMatcher(phrases)


class DamageTagger:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.matcher = build_matcher(lexicon)

    def scan(self, text: str, sentences: list[tuple[int, int]],
             headline_end: int = 0) -> LexiconHits:
        hits = self.matcher.find(text)
        by_kind: dict[str, list[Hit[Cue]]] = {k: [] for k in (
            "term", "negator", "hedge", "neg_cue", "pos_cue", "op_neg", "op_pos")}
        for hit in hits:
            by_kind[hit.payload.kind].append(hit)
        hedged = {self._sentence_of(h.start, sentences) for h in by_kind["hedge"]}
        if any(h.start < headline_end for h in by_kind["hedge"]):
            hedged = set(range(len(sentences)))  # a headline denial ("…消息不实") covers all

        def stands(hit: Hit[Cue]) -> bool:
            return (self._sentence_of(hit.start, sentences) not in hedged
                    and not self._negated(hit, by_kind["negator"], text))

        terms = [t for t in _longest(by_kind["term"]) if stands(t)]
        negative = [c for c in by_kind["neg_cue"] if stands(c)]
        # "不好喝": a negated positive opinion word is negative evidence, not positive
        op_pos = [c for c in by_kind["op_pos"] if not self._negated(c, by_kind["negator"], text)]
        op_neg = [c for c in by_kind["op_neg"] if stands(c)]
        op_neg += [c for c in by_kind["op_pos"] if c not in op_pos]
        return LexiconHits(terms, negative, by_kind["pos_cue"], op_neg, op_pos)

    def _negated(self, term: Hit[Cue], negators: list[Hit[Cue]], text: str) -> bool:
        window = self.lexicon.negation_window
        for neg in negators:
            if term.start - window <= neg.start and neg.end <= term.start:
                between = text[neg.end:term.start]
                if not any(ch in "。！？!?；;\n" for ch in between):
                    return True
        return False

    @staticmethod
    def _sentence_of(pos: int, sentences: list[tuple[int, int]]) -> int:
        for index, (start, end) in enumerate(sentences):
            if start <= pos < end:
                return index
        return -1

    def tags(self, terms: list[Hit[Cue]]) -> tuple[DamageTag, ...]:
        totals: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        for hit in terms:
            cat = hit.payload.category
            totals[cat] = totals.get(cat, 0.0) + hit.payload.weight
            if hit.phrase not in evidence.setdefault(cat, []):
                evidence[cat].append(hit.phrase)
        tags = [DamageTag(cat, 1.0 - math.exp(-self.lexicon.categories[cat].weight * total),
                          tuple(evidence[cat])) for cat, total in totals.items()]
        return tuple(sorted(tags, key=lambda t: -t.score))


def _longest(hits: list[Hit[Cue]]) -> list[Hit[Cue]]:
    kept: list[Hit[Cue]] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if not any(k.start < hit.end and hit.start < k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
