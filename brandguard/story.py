"""Stories (事件): the documents about one event, per brand, folded into one record.

Reposts are folded by the store when a text is nearly identical (`brandguard.neardup`); a story
also gathers coverage of the same event by other outlets in their own words, so a report can
say "this ran on 9 sources, first in 新闻门户" and volume is not counted once per outlet.
`brandguard.stories` decides membership; this module is the record every backend stores and
every reader (incident page, reports, API) shows. The record carries its own aggregates
(sources, timeline, the first article of each source), so showing a story is one read, not a
search over its members; each member is also kept (brand, document → story) so a document is
counted once however often it is re-ingested.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

ARTICLES = 12
"""Articles a story keeps for display: the first (首发) and each further source's first."""
CANDIDATES = 5000
"""Stories a batch is compared with at most (the latest): bounds a batch that spans months."""
TERMS = 24
"""Terms a story keeps as its centroid (what a new document is compared with)."""
W = TypeVar("W", int, float)


def _heaviest_first(weights: dict[str, W]) -> list[tuple[str, W]]:
    """Largest weight first, ties by key: by key, then stably by weight descending (equal
    elements keep their order under `reverse=True`)."""
    return sorted(sorted(weights.items()), key=itemgetter(1), reverse=True)


def story_id(brand: str, first_doc: str) -> str:
    """Deterministic, so regrouping the same documents names the same stories."""
    digest = hashlib.blake2b(f"{brand}\x1f{first_doc}".encode(), digest_size=8).hexdigest()
    return f"story-{digest}"


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article shown for a story: its first report, or a further source's first."""

    id: str
    published: datetime
    source: str
    title: str
    url: str | None = None
    kind: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "published_at": self.published.isoformat(),
                "source": self.source, "title": self.title, "url": self.url, "kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoryArticle:
        return cls(data["id"], datetime.fromisoformat(data["published_at"]), data["source"],
                   data["title"], data.get("url"), data.get("kind"))


@dataclass(frozen=True, slots=True)
class Story:
    """`documents` counts every member, reposts included; `reposts` those folded as
    near-duplicates; `sources` documents per source; `timeline` documents per day (the
    configured zone's calendar day, ISO date)."""

    id: str
    brand: str
    first_at: datetime
    last_at: datetime
    articles: tuple[StoryArticle, ...]
    documents: int = 1
    reposts: int = 0
    negative: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    timeline: dict[str, int] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    categories: tuple[str, ...] = ()

    @property
    def first(self) -> StoryArticle:
        """首发: the earliest article."""
        return self.articles[0]

    @property
    def title(self) -> str:
        return self.first.title

    @property
    def peak(self) -> tuple[str, int]:
        """The day with the most documents (the earliest such day on a tie)."""
        if not self.timeline:
            return self.first_at.date().isoformat(), self.documents
        return max(sorted(self.timeline.items()), key=itemgetter(1))  # max keeps the first

    def to_json(self) -> dict[str, Any]:
        """The stored and served record. Each story a batch changes is serialised again on
        every write (most have a single document), so the orders are sorts with C-level
        keys, not lambdas."""
        day, count = self.peak
        articles = [a.to_json() for a in self.articles]
        return {"id": self.id, "brand": self.brand, "title": self.title,
                "first_at": self.first_at.isoformat(), "last_at": self.last_at.isoformat(),
                "first": dict(articles[0]), "articles": articles,
                "documents": self.documents, "reposts": self.reposts,
                "negative": self.negative, "source_count": len(self.sources),
                "sources": [{"source": s, "documents": n} for s, n in self.top_sources()],
                "peak": {"day": day, "documents": count},
                "timeline": [{"day": d, "documents": n} for d, n in sorted(self.timeline.items())],
                "terms": dict(_heaviest_first(self.terms)),
                "categories": list(self.categories)}

    def top_sources(self) -> list[tuple[str, int]]:
        return _heaviest_first(self.sources)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Story:
        return cls(
            data["id"], data["brand"], datetime.fromisoformat(data["first_at"]),
            datetime.fromisoformat(data["last_at"]),
            tuple(StoryArticle.from_json(a) for a in data["articles"]),
            int(data["documents"]), int(data["reposts"]), int(data.get("negative", 0)),
            {s["source"]: int(s["documents"]) for s in data["sources"]},
            {t["day"]: int(t["documents"]) for t in data["timeline"]},
            {str(k): float(v) for k, v in data["terms"].items()},
            tuple(data.get("categories", ())))


@dataclass(frozen=True, slots=True)
class StoryMember:
    """A document's place in a brand's story: each (brand, document) is in one story."""

    brand: str
    doc_id: str
    story: str
