"""The store interface every backend implements, and the records it speaks in.

Semantics every backend keeps (tests/store runs one suite against each):
- `upsert` is idempotent by document id: the same content again changes nothing; new
  content for a known id replaces it. Batches are applied item by item.
- Near-duplicates (a repost, 转载: estimated shingle similarity at least
  `analysis.near_duplicate_similarity`, published within 30 days) of a stored text of at
  least `NEAR_DUP_MIN_CHARS` are linked to the first copy (`duplicate_of`) and left out of
  searches and counts unless asked for; short texts (reviews such as "质量很好") are never
  folded, their repetition is signal.
- Searching for text matches substrings of two or more Chinese characters exactly.
- With a brand filter, `polarity` means the polarity of that brand's mention.
- Times come back in the store's time zone.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import datetime, timedelta

    from brandguard.access import Credential, CredentialKind, User
    from brandguard.delivery import Delivery
    from brandguard.evaluation.records import EvaluationEntry
    from brandguard.incident import Event, Incident
    from brandguard.models import Analysis, Document, Polarity
    from brandguard.source_state import SourceState

NEAR_DUP_MIN_CHARS = 80
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


def in_time_order(items: Sequence[tuple[Document, Analysis]], now: datetime,
                  ) -> list[tuple[Document, Analysis]]:
    """A batch in publication order (undated documents as of `now`; ties keep their order).
    Stores write a batch this way, so the first copy of a story within a batch is its
    earliest published one, whatever order a crawl delivered the pages in."""
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


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    near_duplicates: int = 0
    changed: tuple[str, ...] = ()  # ids inserted or updated: what downstream stages judge
    # (id, reason) of documents the backend refused (e.g. an Elasticsearch mapping conflict)
    rejected: tuple[tuple[str, str], ...] = ()

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(self.inserted + other.inserted, self.updated + other.updated,
                            self.unchanged + other.unchanged,
                            self.near_duplicates + other.near_duplicates,
                            self.changed + other.changed, self.rejected + other.rejected)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str | None = None
    brands: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    polarity: Polarity | None = None
    category: str | None = None
    source: str | None = None
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


class Store(ABC):
    """A document store. Backends register in `brandguard.store.registry.BACKENDS`."""

    @abstractmethod
    def upsert(self, items: Sequence[tuple[Document, Analysis]]) -> UpsertResult: ...

    @abstractmethod
    def get(self, doc_id: str) -> StoredDocument | None: ...

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def counts(self, brands: Sequence[str], since: datetime, until: datetime,
               bucket: timedelta) -> list[CountRow]:
        """Mentions per brand, time bucket (aligned to the store's zone) and polarity."""

    @abstractmethod
    def worst_polarity_counts(self, brands: Sequence[str], since: datetime,
                              until: datetime) -> dict[Polarity, int]:
        """Non-duplicate documents mentioning any of `brands` in [since, until), each counted
        once under the worst polarity of its mentions of those brands (a regional brand's
        figures with its members: praise for the brand beside a member's scandal is bad)."""

    @abstractmethod
    def damage_counts(self, brands: Sequence[str], since: datetime, until: datetime,
                      bucket: timedelta) -> list[DamageCountRow]:
        """Documents per brand, bucket and trust-damage category."""

    @abstractmethod
    def top_sources(self, brands: Sequence[str], since: datetime, until: datetime,
                    limit: int = 10) -> list[tuple[str, int]]:
        """Sources with the most non-duplicate documents mentioning any of `brands`."""

    @abstractmethod
    def source_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        """Distinct sources of the non-duplicate documents mentioning any of `brands`."""

    @abstractmethod
    def repost_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        """Documents mentioning any of `brands` in [since, until) that are reposts of a
        stored original: what the counts fold away (reports' `reposts_folded`)."""

    @abstractmethod
    def kind_counts(self, brands: Sequence[str], since: datetime,
                    until: datetime) -> list[tuple[str, int]]:
        """Non-duplicate documents mentioning any of `brands`, per document kind (news,
        review, social, rss …), most first; a document without a kind is counted as ''."""

    @abstractmethod
    def top_keywords(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 30) -> list[tuple[str, int]]:
        """Keywords (nlp's per-document keywords) most frequent among the documents that
        mention `brands`. A backend may count over the newest `KEYWORD_SAMPLE` documents
        only: hot keywords are about what is being said now, and it bounds the work."""

    # -- the yearly evaluation's records (brandguard.evaluation.records) -------------------
    @abstractmethod
    def append_evaluation(self, entry: EvaluationEntry) -> EvaluationEntry:
        """Store one entry at the end of the log; returns it with its sequence number."""

    @abstractmethod
    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]:
        """The log, oldest first, optionally for one organisation, brand and year."""

    # -- copying between stores (`brandguard store copy`) ----------------------------------
    @abstractmethod
    def scan(self, batch: int = 500) -> Iterator[StoredDocument]:
        """Every document, near-duplicates included, in insertion order (first copies before
        their reposts)."""

    @abstractmethod
    def restore(self, items: Sequence[StoredDocument]) -> None:
        """Write documents as they were stored elsewhere: `duplicate_of` and `ingested_at`
        kept, no near-duplicate search. The analyses carry their fingerprints and tokens."""

    @abstractmethod
    def restore_events(self, events: Sequence[Event]) -> dict[int, int]:
        """Append events in the given order (keys already present are kept); returns each
        given event's `seq` mapped to its sequence number here."""

    # -- incidents and the event outbox (risk engine, alerting) --------------------------
    @abstractmethod
    def get_incident(self, incident_id: str) -> Incident | None: ...

    @abstractmethod
    def open_incident_for(self, brand: str, category: str) -> Incident | None:
        """The open (or acknowledged) incident for this pair, if any: there is at most one."""

    @abstractmethod
    def list_incidents(self, brands: Sequence[str] | None = None,
                       status: str | None = None) -> list[Incident]:
        """Newest first."""

    @abstractmethod
    def stale_incidents(self, before: datetime) -> list[Incident]:
        """Open incidents whose last evidence is older than `before` (auto-resolve)."""

    @abstractmethod
    def save_incident(self, incident: Incident, events: Sequence[Event] = ()) -> Incident:
        """Insert or update, and append `events` to the outbox, in one transaction.

        `incident.version` must equal the stored version (0 for a new incident), else
        `ConcurrentUpdate`; the saved record comes back with the version bumped. An event
        whose key is already in the outbox is not added twice.
        """

    @abstractmethod
    def has_event(self, key: str) -> bool:
        """Whether the outbox holds an event with this idempotency key."""

    def emit(self, events: Sequence[Event]) -> None:
        """Append outbox events that belong to no incident transition (digests); an event
        whose key is already there is kept as it was, so deciding twice sends once."""
        self.restore_events(events)

    @abstractmethod
    def events(self, after: int = 0, limit: int = 100) -> list[Event]:
        """Outbox entries with sequence number > `after`, oldest first."""

    # -- alert deliveries (the outbox's consumer side) -------------------------------------
    @abstractmethod
    def planned_through(self) -> int:
        """The last outbox sequence number already planned into deliveries."""

    @abstractmethod
    def plan_deliveries(self, rows: Sequence[Delivery], through: int) -> None:
        """Insert `rows` (existing ones are kept) and advance the cursor, atomically."""

    @abstractmethod
    def due_deliveries(self, now: datetime, limit: int = 200) -> list[Delivery]:
        """Pending deliveries whose next attempt is due, oldest first."""

    @abstractmethod
    def record_attempt(self, delivery: Delivery) -> None:
        """Store the delivery's state after an attempt."""

    @abstractmethod
    def last_sent(self, channel: str, incident: str, event_type: str) -> datetime | None:
        """When this channel last delivered (or has pending) this kind of event for this
        incident: the repeat interval counts from there."""

    @abstractmethod
    def list_deliveries(self, incident: str | None = None, limit: int = 50,
                        incidents: Sequence[str] | None = None) -> list[Delivery]:
        """Newest first; for one incident, or for any of `incidents` when given."""

    # -- collection state ----------------------------------------------------------------
    @abstractmethod
    def source_state(self, source_id: str) -> SourceState | None: ...

    @abstractmethod
    def source_states(self) -> list[SourceState]: ...

    @abstractmethod
    def save_source_state(self, state: SourceState) -> None: ...

    # -- access: API tokens, sessions, dashboard users -------------------------------------
    @abstractmethod
    def save_credential(self, credential: Credential) -> None:
        """Insert or replace by id."""

    @abstractmethod
    def credential_by_hash(self, secret_hash: str) -> Credential | None: ...

    @abstractmethod
    def credentials(self, kind: CredentialKind, organization: str | None = None,
                    ) -> list[Credential]:
        """Oldest first, revoked and expired ones included (the CLI shows them as such)."""

    @abstractmethod
    def delete_credentials_before(self, kind: CredentialKind, expired_before: datetime) -> int:
        """Forget credentials of `kind` that expired before the given time."""

    @abstractmethod
    def save_user(self, user: User) -> None: ...

    @abstractmethod
    def get_user(self, name: str) -> User | None: ...

    @abstractmethod
    def users(self, organization: str | None = None) -> list[User]: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
