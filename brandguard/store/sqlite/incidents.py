"""The SQLite store's incidents and event outbox: a transition and its events in one
transaction."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from brandguard.incident import ConcurrentUpdate, Event, Incident
from brandguard.store.sqlite.connection import Connection
from brandguard.store.sqlite.schema import _epoch

if TYPE_CHECKING:
    from collections.abc import Sequence


class IncidentsMixin(Connection):
    """Incidents and the event outbox: a transition and its events in one transaction."""

    def restore_events(self, events: Sequence[Event]) -> dict[int, int]:
        with self._transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO events (key, type, incident, at, payload)"
                " VALUES (?,?,?,?,?)",
                [(e.key, e.type, e.incident, _epoch(e.at),
                  json.dumps(e.payload, ensure_ascii=False)) for e in events])
        return {e.seq: self.db.execute("SELECT seq FROM events WHERE key=?",
                                       (e.key,)).fetchone()[0] for e in events}

    def _incident_rows(self, where: str, params: Sequence[Any]) -> list[Incident]:
        rows = self.db.execute(f"SELECT body, version FROM incidents WHERE {where}"  # noqa: S608
                               " ORDER BY opened_at DESC, id", params).fetchall()
        return [replace(Incident.from_json(json.loads(body)), version=version)
                for body, version in rows]

    def get_incident(self, incident_id: str) -> Incident | None:
        found = self._incident_rows("id=?", [incident_id])
        return found[0] if found else None

    def open_incident_for(self, brand: str, category: str) -> Incident | None:
        found = self._incident_rows("brand=? AND category=? AND status != 'resolved'",
                                    [brand, category])
        return found[0] if found else None

    def list_incidents(self, brands: Sequence[str] | None = None,
                       status: str | None = None) -> list[Incident]:
        where: list[str] = ["1"]
        params: list[Any] = []
        if brands is not None:
            where.append(f"brand IN ({','.join('?' * len(brands))})")
            params.extend(brands)
        if status is not None:
            where.append("status=?")
            params.append(status)
        return self._incident_rows(" AND ".join(where), params)

    def stale_incidents(self, before: datetime) -> list[Incident]:
        return self._incident_rows("status != 'resolved' AND last_evidence_at < ?",
                                   [_epoch(before)])

    def save_incident(self, incident: Incident, events: Sequence[Event] = ()) -> Incident:
        saved = replace(incident, version=incident.version + 1)
        body = json.dumps(saved.to_json(), ensure_ascii=False)
        with self._transaction():
            row = self.db.execute("SELECT version FROM incidents WHERE id=?",
                                  (incident.id,)).fetchone()
            if (row[0] if row else 0) != incident.version:
                raise ConcurrentUpdate(f"incident {incident.id} changed (stored version "
                                       f"{row[0] if row else 0}, given {incident.version})")
            if saved.status != "resolved":
                self._refuse_second_open(saved)
            # an upsert by id: INSERT OR REPLACE would also delete the row another open
            # incident of the pair holds in incidents_one_open
            self.db.execute(
                "INSERT INTO incidents (id, brand, category, status, opened_at,"
                " last_evidence_at, version, body) VALUES (?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET brand=excluded.brand,"
                " category=excluded.category, status=excluded.status,"
                " opened_at=excluded.opened_at, last_evidence_at=excluded.last_evidence_at,"
                " version=excluded.version, body=excluded.body",
                (saved.id, saved.brand, saved.category, saved.status,
                 _epoch(saved.opened_at), _epoch(saved.last_evidence_at), saved.version, body))
            self.db.executemany(
                "INSERT OR IGNORE INTO events (key, type, incident, at, payload)"
                " VALUES (?,?,?,?,?)",
                [(e.key, e.type, e.incident, _epoch(e.at),
                  json.dumps(e.payload, ensure_ascii=False)) for e in events])
        return saved

    def _refuse_second_open(self, incident: Incident) -> None:
        """One open incident per (brand, category): two processes judging one burst may
        each decide to open, and the later is refused as a concurrent change (the engine
        re-reads and joins the first), as the Elasticsearch store's lock does."""
        other = self.db.execute(
            "SELECT id FROM incidents WHERE brand=? AND category=? AND status != 'resolved'"
            " AND id != ?", (incident.brand, incident.category, incident.id)).fetchone()
        if other is not None:
            raise ConcurrentUpdate(f"{other[0]} is already open for ({incident.brand}, "
                                   f"{incident.category})")

    def has_event(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM events WHERE key=?", (key,)).fetchone() is not None

    def events(self, after: int = 0, limit: int = 100) -> list[Event]:
        rows = self.db.execute("SELECT seq, key, type, incident, at, payload FROM events"
                               " WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        return [Event(key, type_, incident, datetime.fromtimestamp(at, self.tz),
                      json.loads(payload), seq)
                for seq, key, type_, incident, at, payload in rows]

