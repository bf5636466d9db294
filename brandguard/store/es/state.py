"""The small records of the Elasticsearch store: incidents, the event outbox, deliveries,
source states, credentials and users, all in `<prefix>-state` (one shard, refreshed on
every write so the next read sees it).

Elasticsearch has no transactions, so the promises are kept another way:
- An incident is saved with compare-and-set (`if_seq_no`/`if_primary_term` of the read
  whose version matched): a stale save raises `ConcurrentUpdate`, as in SQLite.
- The incident document carries its new events (`pending`) in the same write, so a
  transition and its alerts are one atomic write; they are then copied into the outbox and
  the flag cleared. A crash in between leaves `pending` set, and the next `events()` call
  publishes them again (keys already in the outbox are skipped).
- Outbox sequence numbers are document ids (`event:000000000042`) created with
  `op_type=create`: two writers can't take the same number, and the one that loses takes
  the next, so the outbox stays gap-free and ordered for its consumer.
- At most one open incident per (brand, category): a lock document created with
  `op_type=create` names the open incident and is removed when it resolves.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from elasticsearch import ConflictError, Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from brandguard.access import Credential, CredentialKind, User
from brandguard.delivery import Delivery
from brandguard.evaluation.records import EvaluationEntry
from brandguard.incident import ConcurrentUpdate, Event, Incident
from brandguard.source_state import SourceState

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import tzinfo

MANY = 10_000
RECOVER_EVERY = 10.0


class StateMixin:
    client: Elasticsearch
    state: str
    tz: tzinfo
    _recovered_at = float("-inf")

    # -- plumbing ------------------------------------------------------------------------
    def _read(self, doc_id: str) -> tuple[dict[str, Any], int, int] | None:
        try:
            found = self.client.get(index=self.state, id=doc_id)
        except NotFoundError:
            return None
        return found["_source"], found["_seq_no"], found["_primary_term"]

    def _put(self, doc_id: str, body: dict[str, Any], **options: Any) -> Any:
        return self.client.index(index=self.state, id=doc_id, document=body, refresh=True,
                                 **options)

    def _find(self, kind: str, *clauses: dict[str, Any], sort: list[Any] | None = None,
              size: int = MANY, must_not: Sequence[dict[str, Any]] = ()) -> list[Any]:
        query = {"bool": {"filter": [{"term": {"type": kind}}, *clauses],
                          "must_not": list(must_not)}}
        found = self.client.search(index=self.state, query=query, size=size, sort=sort,
                                   seq_no_primary_term=True)
        return list(found["hits"]["hits"])

    def _when(self, value: str) -> datetime:
        return datetime.fromisoformat(value).astimezone(self.tz)

    # -- incidents -----------------------------------------------------------------------
    def _incidents(self, *clauses: dict[str, Any], size: int = MANY,
                   must_not: Sequence[dict[str, Any]] = ()) -> list[Incident]:
        hits = self._find("incident", *clauses, size=size, must_not=must_not,
                          sort=[{"opened_at": "desc"}, {"name": "asc"}])
        return [replace(Incident.from_json(h["_source"]["body"]["incident"]),
                        version=h["_source"]["version"]) for h in hits]

    def get_incident(self, incident_id: str) -> Incident | None:
        found = self._read(f"incident:{incident_id}")
        if found is None:
            return None
        return replace(Incident.from_json(found[0]["body"]["incident"]),
                       version=found[0]["version"])

    def open_incident_for(self, brand: str, category: str) -> Incident | None:
        found = self._incidents({"term": {"brand": brand}}, {"term": {"category": category}},
                                size=1, must_not=[{"term": {"status": "resolved"}}])
        return found[0] if found else None

    def list_incidents(self, brands: Sequence[str] | None = None,
                       status: str | None = None) -> list[Incident]:
        clauses: list[dict[str, Any]] = []
        if brands is not None:
            clauses.append({"terms": {"brand": list(brands)}})
        if status is not None:
            clauses.append({"term": {"status": status}})
        return self._incidents(*clauses)

    def stale_incidents(self, before: datetime) -> list[Incident]:
        return self._incidents({"range": {"last_evidence_at": {"lt": before.isoformat()}}},
                               must_not=[{"term": {"status": "resolved"}}])

    def save_incident(self, incident: Incident, events: Sequence[Event] = ()) -> Incident:
        doc_id = f"incident:{incident.id}"
        current = self._read(doc_id)
        stored = current[0]["version"] if current else 0
        if stored != incident.version:
            raise ConcurrentUpdate(f"incident {incident.id} changed (stored version {stored},"
                                   f" given {incident.version})")
        saved = replace(incident, version=incident.version + 1)
        if saved.status != "resolved":
            self._claim_open(saved)
        body = _incident_body(saved, events)
        cas = ({"if_seq_no": current[1], "if_primary_term": current[2]} if current
               else {"op_type": "create"})
        try:
            written = self._put(doc_id, body, **cas)
        except ConflictError as exc:
            raise ConcurrentUpdate(f"incident {incident.id} changed while saving") from exc
        if saved.status == "resolved":
            self._release_open(saved)
        if events:
            self._publish(events)
            self._clear_pending(doc_id, written["_seq_no"], written["_primary_term"])
        return saved

    def _claim_open(self, incident: Incident) -> None:
        lock = f"open:{incident.brand}:{incident.category}"
        body = {"type": "lock", "incident": incident.id}
        try:
            self._put(lock, body, op_type="create")
            return
        except ConflictError:
            pass
        held = self._read(lock)
        if held is None or held[0]["incident"] == incident.id:
            self._put(lock, body)
            return
        holder = self.get_incident(held[0]["incident"])
        if holder is not None and holder.status != "resolved":
            raise ConcurrentUpdate(f"{holder.id} is already open for "
                                   f"({incident.brand}, {incident.category})")
        self._put(lock, body, if_seq_no=held[1], if_primary_term=held[2])

    def _release_open(self, incident: Incident) -> None:
        lock = f"open:{incident.brand}:{incident.category}"
        held = self._read(lock)
        if held is not None and held[0]["incident"] == incident.id:
            with suppress(ConflictError, NotFoundError):  # taken over by a newer incident
                self.client.delete(index=self.state, id=lock, if_seq_no=held[1],
                                   if_primary_term=held[2], refresh=True)

    # -- the outbox ----------------------------------------------------------------------
    def _publish(self, events: Sequence[Event]) -> None:
        for event in events:
            if self._find("event", {"term": {"key": event.key}}, size=1):
                continue
            last = self._find("event", size=1, sort=[{"seq": "desc"}])
            seq = (last[0]["_source"]["seq"] if last else 0) + 1
            body = {"type": "event", "key": event.key, "event_type": event.type,
                    "incident": event.incident, "body": replace(event, seq=0).to_json()}
            while True:
                try:
                    self._put(f"event:{seq:012d}", dict(body, seq=seq), op_type="create")
                    break
                except ConflictError:
                    seq += 1  # another writer took this number first

    def restore_events(self, events: Sequence[Event]) -> dict[int, int]:
        self._publish(events)
        return {e.seq: self._find("event", {"term": {"key": e.key}}, size=1)[0]["_source"]["seq"]
                for e in events}

    def _clear_pending(self, doc_id: str, seq_no: int, primary_term: int) -> None:
        with suppress(ConflictError):  # saved again since: that save clears its own events
            self.client.update(index=self.state, id=doc_id, doc={"pending": False},
                               if_seq_no=seq_no, if_primary_term=primary_term, refresh=True)

    def _recover_pending(self) -> None:
        """Publish events of incidents saved just before a crash (see the module doc).

        At most every `RECOVER_EVERY` seconds: `events()` is called per delivery, and a
        crash is rare; the dispatcher's next pass picks the recovered events up."""
        now = time.monotonic()
        if now - self._recovered_at < RECOVER_EVERY:
            return
        self._recovered_at = now
        for hit in self._find("incident", {"term": {"pending": True}}, size=100):
            events = [Event(e["key"], e["type"], e["incident"], datetime.fromisoformat(e["at"]),
                            e.get("payload", {})) for e in hit["_source"]["body"]["events"]]
            self._publish(events)
            self._clear_pending(hit["_id"], hit["_seq_no"], hit["_primary_term"])

    def has_event(self, key: str) -> bool:
        return bool(self._find("event", {"term": {"key": key}}, size=1))

    def events(self, after: int = 0, limit: int = 100) -> list[Event]:
        self._recover_pending()
        hits = self._find("event", {"range": {"seq": {"gt": after}}}, size=limit,
                          sort=[{"seq": "asc"}])
        return [Event(b["key"], b["type"], b["incident"], self._when(b["at"]),
                      b.get("payload", {}), h["_source"]["seq"])
                for h in hits for b in (h["_source"]["body"],)]

    # -- deliveries ----------------------------------------------------------------------
    def planned_through(self) -> int:
        found = self._read("cursor:deliveries")
        return int(found[0]["seq"]) if found else 0

    def plan_deliveries(self, rows: Sequence[Delivery], through: int) -> None:
        actions = [{"_op_type": "create", "_index": self.state,
                    "_id": f"delivery:{d.event_seq}:{d.channel}", "_source": _delivery_body(d)}
                   for d in rows]
        _, errors = bulk(self.client, actions, raise_on_error=False, refresh=True)
        failed = [e for e in (errors if isinstance(errors, list) else [])
                  if next(iter(e.values())).get("status") != 409]
        if failed:
            raise RuntimeError(f"Elasticsearch refused delivery records: {failed[:3]}")
        self._put("cursor:deliveries", {"type": "cursor", "seq": through})

    def _deliveries(self, *clauses: dict[str, Any], sort: list[Any], size: int,
                    ) -> list[Delivery]:
        out = []
        for hit in self._find("delivery", *clauses, sort=sort, size=min(size, MANY)):
            b = hit["_source"]["body"]
            out.append(Delivery(b["event_seq"], b["event_key"], b["event_type"], b["incident"],
                                b["channel"], b["status"], self._when(b["next_attempt_at"]),
                                self._when(b["updated_at"]), b["attempts"], b["last_error"],
                                b["reason"]))
        return out

    def due_deliveries(self, now: datetime, limit: int = 200) -> list[Delivery]:
        return self._deliveries(
            {"term": {"status": "pending"}},
            {"range": {"next_attempt_at": {"lte": now.isoformat()}}},
            sort=[{"seq": "asc"}, {"channel": "asc"}], size=limit)

    def record_attempt(self, delivery: Delivery) -> None:
        self._put(f"delivery:{delivery.event_seq}:{delivery.channel}", _delivery_body(delivery))

    def last_sent(self, channel: str, incident: str, event_type: str) -> datetime | None:
        found = self.client.search(index=self.state, size=0, query={"bool": {"filter": [
            {"term": {"type": "delivery"}}, {"term": {"channel": channel}},
            {"term": {"incident": incident}}, {"term": {"event_type": event_type}},
            {"terms": {"status": ["sent", "pending"]}}]}},
            aggs={"last": {"max": {"field": "updated_at"}}})
        value = found["aggregations"]["last"]["value"]
        return None if value is None else datetime.fromtimestamp(value / 1000, self.tz)

    def list_deliveries(self, incident: str | None = None, limit: int = 50,
                        incidents: Sequence[str] | None = None) -> list[Delivery]:
        clauses: list[dict[str, Any]] = []
        if incidents is not None:
            clauses.append({"terms": {"incident": list(incidents)}})
        elif incident:
            clauses.append({"term": {"incident": incident}})
        return self._deliveries(*clauses, sort=[{"seq": "desc"}, {"channel": "asc"}],
                                size=limit)

    # -- collection state ----------------------------------------------------------------
    def source_state(self, source_id: str) -> SourceState | None:
        found = self._read(f"source:{source_id}")
        return SourceState.from_json(found[0]["body"]) if found else None

    def source_states(self) -> list[SourceState]:
        return [SourceState.from_json(h["_source"]["body"])
                for h in self._find("source", sort=[{"name": "asc"}])]

    def save_source_state(self, state: SourceState) -> None:
        self._put(f"source:{state.id}", {"type": "source", "name": state.id,
                                         "body": state.to_json()})

    # -- access ----------------------------------------------------------------------------
    def save_credential(self, credential: Credential) -> None:
        self._put(f"credential:{credential.id}", {
            "type": "credential", "hash": credential.hash, "kind": str(credential.kind),
            "organization": credential.organization, "order": time.time_ns(),
            "expires_at": credential.expires_at.isoformat() if credential.expires_at else None,
            "body": credential.to_json()})

    def credential_by_hash(self, secret_hash: str) -> Credential | None:
        found = self._find("credential", {"term": {"hash": secret_hash}}, size=1)
        return Credential.from_json(found[0]["_source"]["body"]) if found else None

    def credentials(self, kind: CredentialKind, organization: str | None = None,
                    ) -> list[Credential]:
        clauses: list[dict[str, Any]] = [{"term": {"kind": str(kind)}}]
        if organization is not None:
            clauses.append({"term": {"organization": organization}})
        return [Credential.from_json(h["_source"]["body"])
                for h in self._find("credential", *clauses, sort=[{"order": "asc"}])]

    def delete_credentials_before(self, kind: CredentialKind, expired_before: datetime) -> int:
        # search + bulk delete, not _delete_by_query: that lives in the reindex module, which
        # minimal distributions (the integ-test node) leave out
        hits = self._find("credential", {"term": {"kind": str(kind)}},
                          {"range": {"expires_at": {"lt": expired_before.isoformat()}}})
        deleted, _ = bulk(self.client, [{"_op_type": "delete", "_index": self.state,
                                         "_id": h["_id"]} for h in hits],
                          raise_on_error=False, refresh=True)
        return int(deleted)

    # -- the yearly evaluation's log ---------------------------------------------------------
    def append_evaluation(self, entry: EvaluationEntry) -> EvaluationEntry:
        last = self._find("evaluation", size=1, sort=[{"seq": "desc"}])
        seq = (last[0]["_source"]["seq"] if last else 0) + 1
        while True:
            stored = entry.stored_as(seq)
            try:
                self._put(f"evaluation:{seq:012d}", {
                    "type": "evaluation", "organization": entry.organization,
                    "brand": entry.brand, "key": f"{entry.brand}:{entry.year}", "seq": seq,
                    "body": stored.to_json()}, op_type="create")
                return stored
            except ConflictError:
                seq += 1  # another writer took this number first

    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]:
        clauses: list[dict[str, Any]] = []
        if organization is not None:
            clauses.append({"term": {"organization": organization}})
        if brand is not None and year is not None:
            clauses.append({"term": {"key": f"{brand}:{year}"}})
        elif brand is not None:
            clauses.append({"term": {"brand": brand}})
        found = [EvaluationEntry.from_json(h["_source"]["body"])
                 for h in self._find("evaluation", *clauses, sort=[{"seq": "asc"}])]
        return [e for e in found if year is None or e.year == year]

    def save_user(self, user: User) -> None:
        self._put(f"user:{user.name}", {"type": "user", "name": user.name,
                                        "organization": user.organization,
                                        "body": user.to_json()})

    def get_user(self, name: str) -> User | None:
        found = self._read(f"user:{name}")
        return User.from_json(found[0]["body"]) if found else None

    def users(self, organization: str | None = None) -> list[User]:
        clauses = [{"term": {"organization": organization}}] if organization else []
        return [User.from_json(h["_source"]["body"])
                for h in self._find("user", *clauses, sort=[{"name": "asc"}])]


def _incident_body(incident: Incident, events: Sequence[Event]) -> dict[str, Any]:
    return {"type": "incident", "name": incident.id, "brand": incident.brand,
            "category": incident.category, "status": incident.status,
            "organization": incident.organization, "opened_at": incident.opened_at.isoformat(),
            "last_evidence_at": incident.last_evidence_at.isoformat(),
            "version": incident.version, "pending": bool(events),
            "body": {"incident": incident.to_json(), "events": [e.to_json() for e in events]}}


def _delivery_body(d: Delivery) -> dict[str, Any]:
    return {"type": "delivery", "seq": d.event_seq, "key": d.event_key,
            "event_type": d.event_type, "incident": d.incident, "channel": d.channel,
            "status": d.status, "next_attempt_at": d.next_attempt_at.isoformat(),
            "updated_at": d.updated_at.isoformat(), "body": d.to_json()}
