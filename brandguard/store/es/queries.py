"""Stored documents <-> Elasticsearch sources, and `SearchQuery` -> query DSL.

Per-brand polarity and per-brand category live in flat keyword arrays (`mention_keys`
"bama|negative", `damage_keys` "bama|quality_safety") rather than nested objects: one
terms aggregation under a date histogram then gives every count the risk engine and the
dashboard need, without pulling documents and without nested-query cost.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from brandguard import engagement
from brandguard.document import Analysis
from brandguard.document_json import document_from_json
from brandguard.neardup import foldable
from brandguard.store import query as model
from brandguard.store.base import (
    SearchQuery,
    StoredDocument,
    WriteForm,
)

if TYPE_CHECKING:
    from brandguard.document import Document

POLARITIES = ("positive", "neutral", "negative")


@dataclass(frozen=True, slots=True)
class Encoded:
    """A document and its analysis as stored, built once per write."""

    doc: dict[str, Any]
    analysis: dict[str, Any]
    digest: str
    terms: str  # full-text terms (brandguard.store.fts)


def encode(doc: Document, analysis: Analysis, form: WriteForm) -> Encoded:
    """The stored objects, with the digest and terms of its write form
    (`brandguard.store.base.write_forms`)."""
    return Encoded(doc.to_json(), analysis.to_json(), form.digest, form.terms)


def band_keys(doc: Document, analysis: Analysis) -> frozenset[int]:
    """The MinHash band keys a text is probed and indexed by (signed, as Elasticsearch
    longs); none for short texts, which are never folded."""
    if not foldable(doc.full_text, analysis.dedup_keys):
        return frozenset()
    return frozenset(signed(k) for k in analysis.dedup_keys)


def month_index(prefix: str, published: datetime) -> str:
    return f"{prefix}-docs-{published.astimezone(UTC):%Y.%m}"


def to_source(doc: Document, analysis: Analysis, encoded: Encoded, keys: frozenset[int], *,
              published: datetime, ingested: datetime, seq: int,
              duplicate_of: str | None) -> dict[str, Any]:
    brands = list(dict.fromkeys(m.brand for m in analysis.mentions))
    categories = [d.category for d in analysis.damage]
    return {
        "id": doc.id, "published_at": published.isoformat(),
        "ingested_at": ingested.isoformat(), "seq": seq, "source": doc.source,
        "kind": doc.kind, "author": doc.author, "reach": engagement.reach(doc.extra),
        "polarity": analysis.polarity, "sentiment": analysis.sentiment,
        "duplicate_of": duplicate_of, "content_hash": encoded.digest, "text": doc.full_text,
        "terms": encoded.terms,
        "tokens": list(analysis.tokens), "brands": brands,
        "mention_keys": sorted({f"{m.brand}|{m.polarity}" for m in analysis.mentions}),
        "categories": categories,
        "damage_keys": sorted({f"{b}|{c}" for b in brands for c in categories}),
        "keywords": list(analysis.keywords), "dedup": sorted(keys),
        "minhash": base64.b64encode(analysis.fingerprint).decode() if keys else None,
        "doc": encoded.doc, "analysis": encoded.analysis,
    }


def signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def hydrate(source: dict[str, Any], tz: tzinfo) -> StoredDocument:
    doc = document_from_json(source["doc"], tz, stored=True)
    if doc.published_at is not None:
        doc = replace(doc, published_at=doc.published_at.astimezone(tz))
    return StoredDocument(doc, Analysis.from_json(source["analysis"]),
                          datetime.fromisoformat(source["ingested_at"]).astimezone(tz),
                          source.get("duplicate_of"))


def text_clauses(runs: tuple[str | tuple[str, ...], ...]) -> list[dict[str, Any]]:
    """One clause per run of the query, all required.

    The `terms` field holds `brandguard.store.fts` bigrams under the whitespace analyzer,
    so a phrase of the query's bigrams is an exact substring match (a one-character run is
    a prefix of a term), the same rule as the SQLite store; never parsed as query syntax.
    """
    return [{"prefix": {"terms": run}} if isinstance(run, str)
            else {"match_phrase": {"terms": " ".join(run)}} for run in runs]


def filters(q: SearchQuery) -> list[dict[str, Any]] | None:
    """The query model's conditions (brandguard.store.query) as filter clauses; None when
    the query can match nothing. Near-duplicates are excluded by `bool_query`."""
    found = model.conditions(q)
    if found is None:
        return None
    return [clause for condition in found for clause in _clauses(condition)]


def _clauses(condition: model.Condition) -> list[dict[str, Any]]:
    match condition:
        case model.TextRuns(runs):
            return text_clauses(runs)
        case model.Mentions(brands, None):
            return [{"terms": {"brands": list(brands)}}]
        case model.Mentions(brands, polarity):
            return [{"terms": {"mention_keys": [f"{b}|{polarity}" for b in brands]}}]
        case model.DocumentPolarity(polarity):
            return [{"term": {"polarity": polarity}}]
        case model.Published(since, until):
            return time_range(since, until)
        case model.InCategory(category):
            return [{"term": {"categories": category}}]
        case model.FromSource(source):
            return [{"term": {"source": source}}]
        case model.OfKind(kind):
            return [{"term": {"kind": kind}}]
        case model.ByAuthor(author):
            return [{"term": {"author": author}}]
        case model.MinReach(reach):
            return [{"range": {"reach": {"gte": reach}}}]
        case model.OriginalsOnly():
            return []  # bool_query's must_not, as for every other query of this store
    raise AssertionError(condition)  # pragma: no cover - the union is exhaustive


def time_range(since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
    bounds = {}
    if since is not None:
        bounds["gte"] = since.isoformat()
    if until is not None:
        bounds["lt"] = until.isoformat()
    return [{"range": {"published_at": bounds}}] if bounds else []


def bool_query(clauses: list[dict[str, Any]], include_duplicates: bool = False,
               ) -> dict[str, Any]:
    query: dict[str, Any] = {"filter": clauses}
    if not include_duplicates:
        query["must_not"] = [{"exists": {"field": "duplicate_of"}}]
    return {"bool": query}


def mentioned(brands: list[str] | tuple[str, ...], since: datetime, until: datetime,
              ) -> dict[str, Any]:
    """Non-duplicate documents mentioning any of `brands` in [since, until)."""
    return bool_query([{"terms": {"brands": list(brands)}}, *time_range(since, until)])
