"""The figures of a 舆情报告 for one brand and period: the JSON contract (ARCHITECTURE §4.6).

Definitions are the dashboard's: a document counts once however many reposts it has
(near-duplicates are left out of every count, and counted apart as `reposts_folded`), and
a document's polarity is that of the brand's own mention. `indicators_with_members` takes a
regional brand and its members together, each document once, under the worst polarity of
those mentions. Everything is read through the store interface, so both backends give the
same report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from brandguard.reports.authors import top_authors
from brandguard.store.base import SearchQuery
from brandguard.store.ports import DocumentReader, Figures

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.incident import Incident
    from brandguard.reports.period import Period
    from brandguard.store.base import (
        StoredDocument,
    )
    from brandguard.story import Story

NEGATIVE_SCAN = 500  # negative documents (reposts included) read to rank the top ones
TOP_NEGATIVE = 10


STORIES = 10
"""Stories a report lists: those with two or more documents, the largest first."""


class ReportStore(DocumentReader, Figures, Protocol):
    """What a report reads: a store, or an organisation's view of one (the API)."""

    def list_incidents(self, brands: Sequence[str] | None = None,
                       status: str | None = None) -> list[Incident]: ...

    def list_stories(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 20, min_documents: int = 1) -> list[Story]: ...


@dataclass(frozen=True)
class Indicators:
    mentions: int
    positive: int
    neutral: int
    negative: int
    sources: int
    reposts_folded: int
    incidents_opened: int
    share_of_voice: float | None = None

    @property
    def net_sentiment(self) -> float:
        return (self.positive - self.negative) / self.mentions if self.mentions else 0.0

    @property
    def health_index(self) -> float | None:
        rated = self.positive + self.negative
        return self.positive / rated if rated else None

    def to_json(self) -> dict[str, Any]:
        return {"mentions": self.mentions, "positive": self.positive, "neutral": self.neutral,
                "negative": self.negative, "net_sentiment": round(self.net_sentiment, 4),
                "health_index": _rounded(self.health_index),
                "share_of_voice": _rounded(self.share_of_voice), "sources": self.sources,
                "reposts_folded": self.reposts_folded,
                "incidents_opened": self.incidents_opened}


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


class ReportBuilder:
    def __init__(self, store: ReportStore, config: Config) -> None:
        self.store, self.config, self.tz = store, config, config.settings.tz

    def build(self, brand: Brand, period: Period) -> dict[str, Any]:
        since, until = period.since(self.tz), period.until(self.tz)
        members = [b for b in self.config.brands if b.parent == brand.id]
        peers = [p for p in (self.config.brand(i) for i in brand.peers) if p is not None]
        with_members = [brand.id, *(m.id for m in members)]
        previous = period.previous()
        organization = self.config.organization(brand.organization)
        return {
            "brand": brand.id, "name": brand.name, "kind": str(brand.kind),
            "organization": {"id": brand.organization,
                             "name": organization.name if organization else brand.organization},
            "from": period.first.isoformat(), "to": period.last.isoformat(),
            "label": period.label(), "period": period.name,
            "indicators": self.indicators([brand.id], since, until, peers).to_json(),
            "indicators_with_members": self.indicators(with_members, since, until, peers,
                                                       worst=True).to_json(),
            "previous": self.indicators([brand.id], previous.since(self.tz),
                                        previous.until(self.tz), peers).to_json()
            | {"from": previous.first.isoformat(), "to": previous.last.isoformat(),
               "label": previous.label()},
            "members": self._members(members, since, until),
            "peers": [self._peer(p, since, until) for p in peers],
            "incidents": self._incidents(with_members, since, until),
            "top_negative": self._top_negative(brand.id, since, until),
            "categories": self._categories(brand.id, since, until),
            "category_labels": {k: c.label for k, c in self.config.lexicon.categories.items()},
            "daily": self._daily(brand.id, period),
            "sources": [{"source": s, "documents": n}
                        for s, n in self.store.top_sources([brand.id], since, until, 10)],
            "kinds": [{"kind": k, "documents": n}
                      for k, n in self.store.kind_counts([brand.id], since, until)],
            "keywords": [{"word": w, "count": n}
                         for w, n in self.store.top_keywords([brand.id], since, until, 30)],
            "top_authors": top_authors(self.store, [brand.id], since, until).to_json(),
            "stories": self._stories(with_members, since, until),
        }

    # -- indicators --------------------------------------------------------------------
    def polarity(self, brand_id: str, since: datetime, until: datetime) -> Counter[str]:
        """The brand's own mentions by polarity (non-duplicate documents)."""
        return self.polarity_by_brand([brand_id], since, until)[brand_id]

    def polarity_by_brand(self, brand_ids: Sequence[str], since: datetime,
                          until: datetime) -> defaultdict[str, Counter[str]]:
        """Each brand's own mentions by polarity, in one store query for them all."""
        found: defaultdict[str, Counter[str]] = defaultdict(Counter)
        if brand_ids:
            for row in self.store.counts(brand_ids, since, until, until - since):
                found[row.brand][row.polarity] += row.count
        return found

    def indicators(self, ids: list[str], since: datetime, until: datetime,
                   peers: Sequence[Brand], *, worst: bool = False) -> Indicators:
        polarity: dict[str, int] = {
            str(k): v for k, v in (self.store.worst_polarity_counts(ids, since, until) if worst
                                   else self.polarity(ids[0], since, until)).items()}
        mentions = sum(polarity.values())
        peer_mentions = sum(sum(self.polarity(p.id, since, until).values()) for p in peers)
        share = mentions / (mentions + peer_mentions) if peers and mentions + peer_mentions \
            else None
        return Indicators(
            mentions, polarity.get("positive", 0), polarity.get("neutral", 0),
            polarity.get("negative", 0),
            self.store.source_count(ids, since, until),
            self.store.repost_count(ids, since, until),
            sum(1 for i in self.store.list_incidents(ids) if since <= i.opened_at < until),
            share)

    # -- sections ----------------------------------------------------------------------
    def _members(self, members: Sequence[Brand], since: datetime,
                 until: datetime) -> list[dict[str, Any]]:
        counted = self.polarity_by_brand([m.id for m in members], since, until)
        opened = Counter(i.brand for i in self.store.list_incidents([m.id for m in members])
                         if since <= i.opened_at < until) if members else Counter()
        rows = []
        for member in members:
            mine = counted[member.id]
            mentions = sum(mine.values())
            rows.append({"brand": member.id, "name": member.name, "mentions": mentions,
                         "negative": mine["negative"],
                         "negative_share": round(mine["negative"] / mentions, 4)
                         if mentions else 0.0,
                         "incidents_opened": opened[member.id]})
        # worst first: incidents, then how much negative, then how large a share of it
        return sorted(rows, key=lambda r: (-r["incidents_opened"], -r["negative"],
                                           -r["negative_share"], r["brand"]))

    def _stories(self, brands: Sequence[str], since: datetime,
                 until: datetime) -> list[dict[str, Any]]:
        """A regional brand's report lists its members' stories too; one event told under
        the brand and under a member (the same first report) is listed once, the larger,
        with both brands named."""
        found = self.store.list_stories(brands, since, until, STORIES * 2, min_documents=2)
        by_first: dict[str, dict[str, Any]] = {}
        for story in found:  # the most documents first
            name = getattr(self.config.brand(story.brand), "name", story.brand)
            kept = by_first.setdefault(story.first.id, story.to_json() | {"brand_names": []})
            kept["brand_names"].append(name)
        out = list(by_first.values())[:STORIES]
        for listed in out:
            listed["brand_name"] = "、".join(listed["brand_names"])
        return out

    def _peer(self, peer: Brand, since: datetime, until: datetime) -> dict[str, Any]:
        counted = self.polarity(peer.id, since, until)
        return {"brand": peer.id, "name": peer.name, "mentions": sum(counted.values()),
                "negative": counted["negative"]}

    def _daily(self, brand_id: str, period: Period) -> list[dict[str, Any]]:
        """Documents per local day by polarity, with the day's net sentiment (the
        dashboard's index line); days without documents are zeros, not gaps."""
        since, until = period.since(self.tz), period.until(self.tz)
        per: dict[date, Counter[str]] = {}
        for row in self.store.counts([brand_id], since, until, timedelta(days=1)):
            per.setdefault(row.bucket.astimezone(self.tz).date(), Counter())[row.polarity] \
                += row.count
        days = []
        for n in range(period.days):
            day = period.first + timedelta(days=n)
            c = per.get(day, Counter())
            total = c["positive"] + c["neutral"] + c["negative"]
            days.append({"date": day.isoformat(), "positive": c["positive"],
                         "neutral": c["neutral"], "negative": c["negative"], "total": total,
                         "index": round((c["positive"] - c["negative"]) / total, 4)
                         if total else None})
        return days

    def _categories(self, brand_id: str, since: datetime, until: datetime) -> dict[str, int]:
        found: Counter[str] = Counter()
        for row in self.store.damage_counts([brand_id], since, until, until - since):
            found[row.category] += row.count
        return dict(found.most_common())

    def _incidents(self, ids: list[str], since: datetime,
                   until: datetime) -> list[dict[str, Any]]:
        """Every incident open at some moment of the period, oldest first."""
        during = [i for i in self.store.list_incidents(ids) if i.opened_at < until
                  and (i.resolved_at is None or i.resolved_at >= since)]
        return [self._incident(i) for i in sorted(during, key=lambda i: i.opened_at)]

    def _incident(self, incident: Incident) -> dict[str, Any]:
        acknowledged = next((t.at for t in incident.timeline if t.action == "acknowledged"),
                            None)
        evidence = [h for h in (self.store.get(d) for d in incident.evidence) if h]
        first = min(evidence, key=lambda h: h.when, default=None)
        brand = self.config.brand(incident.brand)
        return {
            "id": incident.id, "brand": incident.brand,
            "brand_name": brand.name if brand else incident.brand,
            "category": incident.category,
            "category_label": self.config.category_label(incident.category),
            "level": incident.level.name, "level_label": incident.level.label,
            "status": incident.status, "opened_at": incident.opened_at.isoformat(),
            "acknowledged_at": acknowledged.isoformat() if acknowledged else None,
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
            "hours_to_acknowledge": _hours(incident.opened_at, acknowledged),
            "hours_to_resolve": _hours(incident.opened_at, incident.resolved_at),
            "steps": _steps(incident),
            "first_source": _document(first) if first else None,
            "spread": {"sources": len({h.document.source for h in evidence}),
                       "reposts": sum(1 for h in evidence if h.duplicate_of)},
        }

    def _top_negative(self, brand_id: str, since: datetime,
                      until: datetime) -> list[dict[str, Any]]:
        """Negative originals, ranked by source authority, then spread, then time."""
        found = self.store.search(SearchQuery(brands=(brand_id,), polarity="negative",
                                              since=since, until=until,
                                              include_duplicates=True, limit=NEGATIVE_SCAN))
        reposts = Counter(h.duplicate_of for h in found.hits if h.duplicate_of)
        originals = [h for h in found.hits if h.duplicate_of is None]
        ranked = sorted(originals, key=lambda h: (-h.authority, -reposts[h.document.id], h.when))
        return [_document(h) | {"reposts": reposts[h.document.id]}
                for h in ranked[:TOP_NEGATIVE]]


def _hours(start: datetime, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 3600, 2) if end else None


def _steps(incident: Incident) -> dict[str, int]:
    on_time = sum(1 for s in incident.checklist if s.done_at and s.done_at <= s.due_at)
    late = sum(1 for s in incident.checklist if s.done_at and s.done_at > s.due_at)
    return {"on_time": on_time, "late": late, "open": len(incident.checklist) - on_time - late}


def _document(hit: StoredDocument) -> dict[str, Any]:
    doc = hit.document
    return {"id": doc.id, "title": doc.title or doc.text[:60], "source": doc.source,
            "published_at": hit.when.isoformat(), "url": doc.url, "authority": hit.authority}
