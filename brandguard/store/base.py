"""The store interface every backend implements, and the records it speaks in.

Semantics every backend keeps (tests/store runs one suite against each):
- `upsert` is idempotent by document id: the same content again changes nothing; new
  content for a known id replaces it. Batches are applied item by item.
- Near-duplicates (a repost, 转载: estimated shingle similarity at least
  `analysis.near_duplicate_similarity`, published within 30 days) of a stored text of at
  least `brandguard.neardup.MIN_CHARS` are linked to the first copy (`duplicate_of`) and left out of
  searches and counts unless asked for; short texts (reviews such as "质量很好") are never
  folded, their repetition is signal.
- Searching for text matches substrings of two or more Chinese characters exactly.
- With a brand filter, `polarity` means the polarity of that brand's mention.
- Times come back in the store's time zone.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar

from brandguard.document import pickled_by_constructor
from brandguard.document_json import stored_time
from brandguard.store.fts import index_terms_many
from brandguard.store.ports import (
    AccessStore,
    DeliveryLog,
    DocumentIndex,
    EvaluationLog,
    Figures,
    IncidentLog,
    SourceStates,
    StoryLog,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, tzinfo

    from brandguard.document import Analysis, Document, Polarity

KEYWORD_SAMPLE = 5000


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def content_digest(doc_json: str, analysis_json: str) -> str:
    """What makes an upsert "unchanged": the canonical JSON of document and analysis."""
    return hashlib.blake2b((doc_json + analysis_json).encode(), digest_size=16).hexdigest()


def encoded(doc: Document, analysis: Analysis) -> tuple[str, str, str]:
    """The stored JSON of both, and their digest."""
    doc_json, analysis_json = canonical(doc.to_json()), canonical(analysis.to_json())
    return doc_json, analysis_json, content_digest(doc_json, analysis_json)


@pickled_by_constructor  # workers hand one back per document
@dataclass(frozen=True, slots=True)
class WriteForm:
    """A document as a store writes it, apart from the rows only the store can fill: its
    canonical JSON, their digest and its full-text terms (`brandguard.store.fts`). Built by
    `write_forms`, which analysis workers run (`brandguard.workers`) so that the one writer
    process spends its time writing."""

    doc_json: str
    analysis_json: str
    digest: str
    terms: str


def write_forms(items: Sequence[tuple[Document, Analysis]]) -> list[WriteForm]:
    """Each item's write form, in order (the terms of the whole batch in one pass)."""
    terms = index_terms_many([doc.full_text for doc, _ in items])
    return [WriteForm(*encoded(doc, analysis), text_terms)
            for (doc, analysis), text_terms in zip(items, terms, strict=True)]


Item = TypeVar("Item", bound=tuple[Any, ...])


def in_time_order(items: Sequence[Item], now: datetime) -> list[Item]:
    """A batch in publication order (undated documents as of `now`; ties keep their order);
    an item is a tuple whose first element is its Document. Stores write a batch this way,
    so the first copy of a story within a batch is its earliest published one, whatever
    order a crawl delivered the pages in."""
    return sorted(items, key=lambda item: item[0].published_at or now)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    document: Document
    analysis: Analysis
    ingested_at: datetime
    duplicate_of: str | None = None

    @property
    def when(self) -> datetime:
        """Its publication time, else when it was stored: what orders evidence."""
        return self.document.published_at or self.ingested_at

    @property
    def authority(self) -> float:
        """The source authority a collector recorded (feeds, sites); 1.0 if none."""
        value = self.document.extra.get("authority", 1.0)
        return float(value) if isinstance(value, int | float) else 1.0

    def to_json(self) -> dict[str, Any]:
        out = self.document.to_json()
        out.update(self.analysis.to_json())
        out["ingested_at"] = self.ingested_at.isoformat()
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        return out


def hit_json(doc: dict[str, Any], analysis: dict[str, Any], ingested_at: datetime,
             duplicate_of: str | None, tz: tzinfo) -> dict[str, Any]:
    """A hit as `StoredDocument.to_json` gives it, from the document's and the analysis'
    stored JSON (`write_forms`: they are `to_json` output, checked on the way in), with no
    objects between: the publication time is shown in the store's zone, or left out if no
    zone can hold it, as reading it back into a Document does."""
    out = dict(doc)
    if "published_at" in out:
        when = stored_time(out.pop("published_at"), tz)
        if when is not None:
            out["published_at"] = when.astimezone(tz).isoformat()
    out.update(analysis)
    out["ingested_at"] = ingested_at.isoformat()
    if duplicate_of:
        out["duplicate_of"] = duplicate_of
    return out


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    near_duplicates: int = 0
    changed: tuple[str, ...] = ()  # ids inserted or updated: what downstream stages judge
    # (id, reason) of documents the backend refused (e.g. an Elasticsearch mapping conflict)
    rejected: tuple[tuple[str, str], ...] = ()
    # (id, first copy) of the changed documents folded as reposts: their story is the original's
    reposts: tuple[tuple[str, str], ...] = ()

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(self.inserted + other.inserted, self.updated + other.updated,
                            self.unchanged + other.unchanged,
                            self.near_duplicates + other.near_duplicates,
                            self.changed + other.changed, self.rejected + other.rejected,
                            self.reposts + other.reposts)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str | None = None
    brands: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    polarity: Polarity | None = None
    category: str | None = None
    source: str | None = None
    kind: str | None = None
    author: str | None = None
    min_reach: int | None = None
    """A social post's reach at least this (`brandguard.engagement.reach`)."""
    include_duplicates: bool = False
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: list[StoredDocument] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "hits": [h.to_json() for h in self.hits]}


@dataclass(frozen=True, slots=True)
class CountRow:
    brand: str
    bucket: datetime
    polarity: Polarity
    count: int


@dataclass(frozen=True, slots=True)
class DamageCountRow:
    brand: str
    bucket: datetime
    category: str
    count: int


class Store(DocumentIndex, Figures, IncidentLog, DeliveryLog, SourceStates, AccessStore,
            EvaluationLog, StoryLog, ABC):
    """A whole backend: every port in one object (brandguard.store.ports), so the transactions
    that span two of them stay one. A backend is registered by URL scheme in the entry-point
    group `brandguard.stores` (`brandguard.store.registry`).
    """

    def close(self) -> None:
        """Release connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
