"""One query model: what a `SearchQuery` asks for, decided once; each backend translates it.

The rules live here, not in two hand-kept builders:
- a blank text filters nothing; a text with no searchable run matches nothing (`None`);
- the text's runs are `brandguard.store.fts` runs, all required (exact substring search);
- with a brand filter, `polarity` is the polarity of that brand's mention, else the
  document's overall polarity;
- near-duplicates are left out unless asked for.
SQLite (`brandguard.store.sqlite`) turns the conditions into SQL, Elasticsearch
(`brandguard.store.es.queries`) into filter clauses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from brandguard.store.fts import query_runs

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.document import Polarity
    from brandguard.store.base import SearchQuery


@dataclass(frozen=True, slots=True)
class TextRuns:
    """Every run must occur: a one-character prefix (str) or the phrase of its bigrams."""

    runs: tuple[str | tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Mentions:
    """A mention of any of `brands`, with that polarity when given."""

    brands: tuple[str, ...]
    polarity: Polarity | None = None


@dataclass(frozen=True, slots=True)
class DocumentPolarity:
    polarity: Polarity


@dataclass(frozen=True, slots=True)
class Published:
    """since <= published_at < until; either end may be open."""

    since: datetime | None
    until: datetime | None


@dataclass(frozen=True, slots=True)
class InCategory:
    category: str


@dataclass(frozen=True, slots=True)
class FromSource:
    source: str


@dataclass(frozen=True, slots=True)
class OfKind:
    kind: str


@dataclass(frozen=True, slots=True)
class ByAuthor:
    author: str


@dataclass(frozen=True, slots=True)
class MinReach:
    """followers + 10 x (reposts + comments) + likes >= reach (documents without counts
    never match)."""

    reach: int


@dataclass(frozen=True, slots=True)
class OriginalsOnly:
    """Not a near-duplicate of a stored first copy."""


Condition = TextRuns | Mentions | DocumentPolarity | Published | InCategory | FromSource | \
    OfKind | ByAuthor | MinReach | OriginalsOnly


def conditions(q: SearchQuery) -> list[Condition] | None:
    """All of these must hold; None when the query can match nothing."""
    out: list[Condition] = []
    if q.text and q.text.strip():
        runs = query_runs(q.text)
        if not runs:
            return None
        out.append(TextRuns(tuple(r if isinstance(r, str) else tuple(r) for r in runs)))
    if q.brands:
        out.append(Mentions(tuple(q.brands), q.polarity))
    elif q.polarity:
        out.append(DocumentPolarity(q.polarity))
    if q.since is not None or q.until is not None:
        out.append(Published(q.since, q.until))
    if q.category:
        out.append(InCategory(q.category))
    if q.source:
        out.append(FromSource(q.source))
    if q.kind:
        out.append(OfKind(q.kind))
    if q.author:
        out.append(ByAuthor(q.author))
    if q.min_reach is not None:
        out.append(MinReach(q.min_reach))
    if not q.include_duplicates:
        out.append(OriginalsOnly())
    return out


def published(found: list[Condition]) -> Published | None:
    """The time bounds among `found` (a backend may push them into another condition)."""
    return next((c for c in found if isinstance(c, Published)), None)
