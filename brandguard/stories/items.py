"""What one document contributes to a brand's story: its event terms, weighted.

A document's keywords are already its rarest content words in TF-IDF order, with brand
names, numbers, quantities, dates and filler removed (`brandguard.nlp.hot_words`), so two
outlets covering one event in their own words still share most of them: the named terms
(农药残留, 抽检, 召回), places and people. They are weighted by rank, the top keyword counting
most. The damage lexicon's evidence terms join them: they are the event's kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.document import Analysis, Document

TITLE_CHARS = 40
EVIDENCE_WEIGHT = 0.5
CATEGORY_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class StoryItem:
    """A document as one brand's story sees it."""

    doc_id: str
    brand: str
    published: datetime
    source: str
    title: str
    terms: dict[str, float]
    url: str | None = None
    kind: str | None = None
    negative: bool = False
    categories: frozenset[str] = frozenset()
    repost_of: str | None = None

    @property
    def norm(self) -> float:
        return math.sqrt(sum(w * w for w in self.terms.values()))


def event_terms(analysis: Analysis) -> dict[str, float]:
    """Keywords weighted 1, 1/√2, 1/√3 … by rank; damage evidence adds `EVIDENCE_WEIGHT`."""
    terms = {word: 1 / math.sqrt(rank) for rank, word in enumerate(analysis.keywords, start=1)}
    for tag in analysis.damage:
        terms[f"<{tag.category}>"] = CATEGORY_WEIGHT
        for word in tag.evidence:
            if word.isalnum():  # a lexicon phrase, not a finding such as "未授权商家: …"
                terms[word] = terms.get(word, 0.0) + EVIDENCE_WEIGHT
    return terms


def display_title(doc: Document) -> str:
    """The title, else the text's opening: a review or a post has no title."""
    title = (doc.title or "").strip()
    if title:
        return title
    text = " ".join(doc.text.split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS] + "…"


def story_items(doc: Document, analysis: Analysis, published: datetime,
                repost_of: str | None = None) -> list[StoryItem]:
    """One item per brand the document mentions (a story is per brand)."""
    terms = event_terms(analysis)
    categories = frozenset(t.category for t in analysis.damage)
    title = display_title(doc)
    source = doc.source or ""
    return [StoryItem(doc.id, mention.brand, published, source, title, terms, doc.url,
                      doc.kind, mention.polarity == "negative", categories, repost_of)
            for mention in analysis.mentions]
