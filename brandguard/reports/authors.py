"""Top authors (KOL, 关键意见领袖) for a brand and period: who carried it furthest.

Read through the store's search (social posts with engagement counts that mention the
brands, reposts included: a repost by a big account is reach too), so both backends and an
organisation's view give the same list. An author's reach over the period is their largest
follower count seen plus, for each of their posts, 10 × (reposts + comments) + likes: the
audience counts once, the engagement of every post adds. Up to `SCAN` posts, the most recent,
are read; the report and dashboard say so when the period held more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from brandguard import engagement
from brandguard.store.base import SearchQuery

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from brandguard.store.base import SearchResult

SCAN = 2000
TOP = 10


class Searchable(Protocol):
    def search(self, query: SearchQuery) -> SearchResult: ...


@dataclass
class Author:
    author: str
    source: str
    posts: int = 0
    negative: int = 0
    followers: int = 0
    engaged: int = 0
    example: dict[str, Any] = field(default_factory=dict)

    @property
    def reach(self) -> int:
        return self.followers + self.engaged

    def to_json(self) -> dict[str, Any]:
        return {"author": self.author, "source": self.source, "posts": self.posts,
                "negative": self.negative, "followers": self.followers,
                "reach": self.reach, "example": self.example}


@dataclass(frozen=True)
class TopAuthors:
    authors: list[Author]
    scanned: int
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"authors": [a.to_json() for a in self.authors], "scanned": self.scanned,
                "total": self.total}


def top_authors(store: Searchable, brands: Sequence[str], since: datetime, until: datetime,
                limit: int = TOP) -> TopAuthors:
    found = store.search(SearchQuery(brands=tuple(brands), since=since, until=until,
                                     min_reach=0, include_duplicates=True, limit=SCAN))
    by_name: dict[tuple[str, str], Author] = {}
    for hit in found.hits:
        doc = hit.document
        if not doc.author:
            continue
        counts = engagement.counts(doc.extra)
        key = (doc.author, doc.source or "")
        entry = by_name.setdefault(key, Author(doc.author, doc.source or ""))
        entry.posts += 1
        entry.negative += any(m.brand in brands and m.polarity == "negative"
                              for m in hit.analysis.mentions)
        entry.followers = max(entry.followers, counts.get("followers", 0))
        engaged = (10 * (counts.get("reposts", 0) + counts.get("comments", 0))
                   + counts.get("likes", 0))
        entry.engaged += engaged
        if engaged >= entry.example.get("engaged", -1):
            entry.example = {"id": doc.id, "title": doc.title or doc.text[:60], "url": doc.url,
                             "engaged": engaged}
    ranked = sorted(by_name.values(), key=lambda a: (-a.reach, -a.posts, a.author))
    return TopAuthors(ranked[:limit], len(found.hits), found.total)
