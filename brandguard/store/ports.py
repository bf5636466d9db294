"""The store's ports: one protocol per concern, split along its transaction lines.

A stage is handed only the ports it uses (the pipeline a `DocumentIndex`, a collection its
`SourceStates`, the risk engine its documents, figures and `IncidentLog`, ...), so what a stage
can touch is in its signature. Each backend still implements them all in one object
(`brandguard.store.base.Store`), because some need one transaction across two (an incident and
its events). The semantics every backend keeps are in `brandguard.store.base`; the shared
contract suite (tests/store) runs against each backend.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterator, Sequence
    from datetime import datetime, timedelta

    from brandguard.access import Credential, CredentialKind, User
    from brandguard.delivery import Delivery
    from brandguard.document import Analysis, Document, Polarity
    from brandguard.evaluation.records import EvaluationEntry
    from brandguard.incident import Event, Incident
    from brandguard.source_state import SourceState
    from brandguard.store.base import (
        CountRow,
        DamageCountRow,
        SearchQuery,
        SearchResult,
        StoredDocument,
        UpsertResult,
        WriteForm,
    )
    from brandguard.story import Story, StoryMember


class DocumentReader(Protocol):
    """Read documents: what a search, a report or an organisation's view needs."""

    @abstractmethod
    def get(self, doc_id: str) -> StoredDocument | None: ...

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    def search_json(self, query: SearchQuery) -> tuple[int, list[dict[str, Any]]]:
        """`search`'s total and its hits as `StoredDocument.to_json` gives them. A backend
        builds them from its stored JSON instead (`brandguard.store.base.hit_json`): that
        round trip through objects was most of the REST API's time per search."""
        found = self.search(query)
        return found.total, [hit.to_json() for hit in found.hits]


class DocumentIndex(DocumentReader, Protocol):
    """Documents in: idempotent upserts, and copying between stores (`store copy`)."""

    @abstractmethod
    def upsert(self, items: Sequence[tuple[Document, Analysis]],
               forms: Sequence[WriteForm] | None = None) -> UpsertResult:
        """`forms`: the items' `write_forms`, when an analysis worker built them already."""

    @abstractmethod
    def scan(self, batch: int = 500) -> Iterator[StoredDocument]:
        """Every document, near-duplicates included, in insertion order (first copies before
        their reposts)."""

    @abstractmethod
    def restore(self, items: Sequence[StoredDocument]) -> None:
        """Write documents as they were stored elsewhere: `duplicate_of` and `ingested_at`
        kept, no near-duplicate search. The analyses carry their fingerprints and tokens."""


class Figures(Protocol):
    """The aggregations that signals, reports and the dashboard read."""

    def change_mark(self) -> Hashable | None:
        """A value that differs after any commit to the store, by this handle or another
        process, and costs next to nothing to read; None when the backend cannot tell
        cheaply (then nothing is cached: `brandguard.store.figure_cache`)."""
        return None

    @abstractmethod
    def any_mention(self, brands: Sequence[str], since: datetime, until: datetime) -> bool:
        """Whether any document mentioning `brands`, near-duplicates included, is published
        in [since, until): whether moving a window's edge over that span can change a
        figure."""

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


class IncidentLog(Protocol):
    """Incidents and the event outbox: a transition and its events in one transaction."""

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

    @abstractmethod
    def restore_events(self, events: Sequence[Event]) -> dict[int, int]:
        """Append events in the given order (keys already present are kept); returns each
        given event's `seq` mapped to its sequence number here."""


class DeliveryLog(Protocol):
    """Alert deliveries: the outbox's consumer side."""

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


class StoryLog(Protocol):
    """Stories (brandguard.story): each brand's events, and which story each document is in."""

    @abstractmethod
    def story_candidates(self, brands: Sequence[str], since: datetime,
                         until: datetime) -> list[Story]:
        """Stories of `brands` whose span [first_at, last_at] meets [since, until]; at most
        `brandguard.story.CANDIDATES`, the latest first."""

    @abstractmethod
    def story_members(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """For (brand, document id) pairs, the story each is in, where it is in one."""

    @abstractmethod
    def save_stories(self, stories: Sequence[Story], members: Sequence[StoryMember]) -> None:
        """Write stories (replacing them by id) and add members, together."""

    @abstractmethod
    def list_stories(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 20, min_documents: int = 1) -> list[Story]:
        """Stories of `brands` whose span meets [since, until) with at least
        `min_documents` documents: the most documents first, then the earliest."""

    @abstractmethod
    def get_story(self, story_id: str) -> Story | None: ...

    @abstractmethod
    def scan_stories(self, batch: int = 500) -> Iterator[tuple[Story, list[str]]]:
        """Every story with its members' document ids (`store copy`)."""


class SourceStates(Protocol):
    """What a source's collector needs remembered between runs."""

    @abstractmethod
    def source_state(self, source_id: str) -> SourceState | None: ...

    @abstractmethod
    def source_states(self) -> list[SourceState]: ...

    @abstractmethod
    def save_source_state(self, state: SourceState) -> None: ...


class AccessStore(Protocol):
    """API tokens, sessions and dashboard users."""

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


class EvaluationLog(Protocol):
    """The yearly evaluation's append-only log (`brandguard.evaluation.records`)."""

    @abstractmethod
    def append_evaluation(self, entry: EvaluationEntry) -> EvaluationEntry:
        """Store one entry at the end of the log; returns it with its sequence number."""

    @abstractmethod
    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]:
        """The log, oldest first, optionally for one organisation, brand and year."""
