"""The embedded default store: one SQLite file (WAL) with an FTS5 index.

Tables: `documents` (the document and its analysis as JSON, plus the columns queries filter
on), `mentions` (one row per brand mentioned, keyed for brand + time queries), `damage`
(trust-damage categories), and `fts`, a contentless FTS5 index over bigram terms
(`brandguard.store.fts`), and `dedup`, the MinHash band keys of each text (nlp/fingerprint.py):
finding the first copy of a repost is sixteen index probes within a time window, confirmed
by the estimated similarity of the stored signatures, never a scan.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brandguard.access import Credential, CredentialKind, User
from brandguard.delivery import Delivery
from brandguard.documents import document_from_json
from brandguard.evaluation.records import EvaluationEntry
from brandguard.incident import ConcurrentUpdate, Event, Incident
from brandguard.models import Analysis, Document
from brandguard.neardup import similarity
from brandguard.source_state import SourceState
from brandguard.store.base import (
    KEYWORD_SAMPLE,
    NEAR_DUP_MIN_CHARS,
    CountRow,
    DamageCountRow,
    SearchQuery,
    SearchResult,
    Store,
    StoredDocument,
    UpsertResult,
    encoded,
    in_time_order,
)
from brandguard.store.fts import index_terms, match_expression

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from brandguard.models import Polarity

log = logging.getLogger(__name__)
SCHEMA_VERSION = 7  # 6: substring-exact FTS terms (brandguard.store.fts); 7: evaluation log,
# and each mention carries its document's source (a group's distinct sources from one index)
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  published_at INTEGER NOT NULL,
  ingested_at INTEGER NOT NULL,
  source TEXT, kind TEXT,
  polarity TEXT NOT NULL, sentiment REAL NOT NULL,
  simhash INTEGER NOT NULL, minhash BLOB NOT NULL,
  duplicate_of TEXT,
  content_hash TEXT NOT NULL,
  doc TEXT NOT NULL, analysis TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_time ON documents(published_at);
CREATE INDEX IF NOT EXISTS documents_facets ON documents(source, kind);
CREATE TABLE IF NOT EXISTS mentions (
  brand TEXT NOT NULL, published_at INTEGER NOT NULL, doc INTEGER NOT NULL,
  polarity TEXT NOT NULL, duplicate INTEGER NOT NULL, source TEXT,
  PRIMARY KEY (brand, published_at, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc);
CREATE TABLE IF NOT EXISTS dedup (
  key INTEGER NOT NULL, published_at INTEGER NOT NULL, doc INTEGER NOT NULL,
  PRIMARY KEY (key, published_at, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_doc ON dedup(doc);
CREATE TABLE IF NOT EXISTS damage (
  doc INTEGER NOT NULL, category TEXT NOT NULL, score REAL NOT NULL,
  PRIMARY KEY (doc, category)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS incidents (
  id TEXT PRIMARY KEY, brand TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
  opened_at INTEGER NOT NULL, last_evidence_at INTEGER NOT NULL, version INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_one_open ON incidents(brand, category)
  WHERE status != 'resolved';
CREATE INDEX IF NOT EXISTS incidents_brand ON incidents(brand, opened_at);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  incident TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  event_seq INTEGER NOT NULL, channel TEXT NOT NULL, event_key TEXT NOT NULL,
  event_type TEXT NOT NULL, incident TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  last_error TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (event_seq, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_sent ON deliveries(channel, incident, event_type, status);
CREATE TABLE IF NOT EXISTS sources (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, organization TEXT NOT NULL,
  expires_at INTEGER, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluation_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, organization TEXT NOT NULL, brand TEXT NOT NULL,
  year INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluation_brand ON evaluation_log(brand, year);
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, organization TEXT NOT NULL, body TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, content='', columnsize=0,
                                               tokenize='ascii');
"""


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


POLARITY_ORDER: tuple[Polarity, ...] = ("positive", "neutral", "negative")
REPOST_WINDOW = 30 * 86400  # reposts of a story appear within days; bounds the probe


class SqliteStore(Store):
    def __init__(self, path: Path | str, tz: tzinfo, near_duplicate_similarity: float = 0.7,
                 ) -> None:
        self.tz = tz
        self.similarity = near_duplicate_similarity
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"store schema {version} is newer than this brandguard "
                               f"({SCHEMA_VERSION}); upgrade brandguard")
        if 0 < version < 6:
            self._rebuild_fts()
        self._add_mention_sources()
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _add_mention_sources(self) -> None:
        """Stores from before schema 7: copy each document's source onto its mentions once."""
        columns = [r[1] for r in self.db.execute("PRAGMA table_info(mentions)")]
        if not columns or "source" in columns:
            return
        log.warning("adding sources to the mention index (schema 7), once")
        with self._transaction() as db:
            db.execute("ALTER TABLE mentions ADD COLUMN source TEXT")
            db.execute("UPDATE mentions SET source=(SELECT d.source FROM documents d"
                       " WHERE d.rowid=mentions.doc)")

    def _rebuild_fts(self) -> None:
        """Re-index every document under the current terms; a contentless index cannot be
        updated row by row once its terms have changed (deletes must repeat them)."""
        log.warning("rebuilding the full-text index for substring search (schema 6)")
        with self._transaction() as db:
            db.execute("DROP TABLE IF EXISTS fts")
            db.executescript(SCHEMA)
            rows = db.execute("SELECT rowid, doc FROM documents")
            db.executemany("INSERT INTO fts (rowid, body) VALUES (?, ?)",
                           ((rowid, index_terms(document_from_json(
                               json.loads(doc), self.tz, stored=True).full_text))
                            for rowid, doc in rows))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # -- writing -----------------------------------------------------------------------
    def upsert(self, items: Sequence[tuple[Document, Analysis]]) -> UpsertResult:
        total = UpsertResult()
        with self._transaction():
            for doc, analysis in in_time_order(items, datetime.now(UTC)):
                total = total + self._upsert_one(doc, analysis)
        return total

    def _upsert_one(self, doc: Document, analysis: Analysis) -> UpsertResult:
        doc_json, analysis_json, digest = encoded(doc, analysis)
        row = self.db.execute("SELECT rowid, content_hash, doc FROM documents WHERE id=?",
                              (doc.id,)).fetchone()
        if row is not None and row[1] == digest:
            return UpsertResult(unchanged=1)
        if row is not None:
            self._delete(row[0], json.loads(row[2]))
        now = datetime.now(UTC)
        published = doc.published_at or now
        duplicate_of = self._first_copy(doc, analysis, _epoch(published))
        self._insert(doc, analysis, published, now, duplicate_of,
                     (doc_json, analysis_json, digest))
        near = int(duplicate_of is not None)
        if row:
            return UpsertResult(updated=1, near_duplicates=near, changed=(doc.id,))
        return UpsertResult(inserted=1, near_duplicates=near, changed=(doc.id,))

    def _insert(self, doc: Document, analysis: Analysis, published: datetime,
                ingested: datetime, duplicate_of: str | None,
                encoding: tuple[str, str, str]) -> None:
        doc_json, analysis_json, digest = encoding
        cursor = self.db.execute(
            "INSERT INTO documents (id, published_at, ingested_at, source, kind, polarity,"
            " sentiment, simhash, minhash, duplicate_of, content_hash, doc, analysis)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, _epoch(published), _epoch(ingested), doc.source, doc.kind, analysis.polarity,
             analysis.sentiment, _signed(analysis.simhash), analysis.fingerprint, duplicate_of,
             digest, doc_json, analysis_json))
        self._index(cursor.lastrowid, doc, analysis, _epoch(published), duplicate_of is not None)

    # -- copying ---------------------------------------------------------------------------
    def scan(self, batch: int = 500) -> Iterator[StoredDocument]:
        after = 0
        while True:
            rows = self.db.execute(
                "SELECT rowid, doc, analysis, ingested_at, duplicate_of FROM documents"
                " WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, batch)).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            yield from (self._hydrate(r[1:]) for r in rows)

    def restore(self, items: Sequence[StoredDocument]) -> None:
        with self._transaction():
            for item in items:
                doc, analysis = item.document, item.analysis
                row = self.db.execute("SELECT rowid, doc FROM documents WHERE id=?",
                                      (doc.id,)).fetchone()
                if row is not None:
                    self._delete(row[0], json.loads(row[1]))
                self._insert(doc, analysis, doc.published_at or item.ingested_at,
                             item.ingested_at, item.duplicate_of, encoded(doc, analysis))

    def restore_events(self, events: Sequence[Event]) -> dict[int, int]:
        with self._transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO events (key, type, incident, at, payload)"
                " VALUES (?,?,?,?,?)",
                [(e.key, e.type, e.incident, _epoch(e.at),
                  json.dumps(e.payload, ensure_ascii=False)) for e in events])
        return {e.seq: self.db.execute("SELECT seq FROM events WHERE key=?",
                                       (e.key,)).fetchone()[0] for e in events}

    def _index(self, rowid: int | None, doc: Document, analysis: Analysis, published: int,
               duplicate: bool) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO mentions (brand, published_at, doc, polarity, duplicate,"
            " source) VALUES (?,?,?,?,?,?)",
            [(m.brand, published, rowid, m.polarity, int(duplicate), doc.source)
             for m in analysis.mentions])
        self.db.executemany("INSERT OR REPLACE INTO damage (doc, category, score) VALUES (?,?,?)",
                            [(rowid, d.category, d.score) for d in analysis.damage])
        self.db.execute("INSERT INTO fts (rowid, body) VALUES (?, ?)",
                        (rowid, index_terms(doc.full_text)))
        if len(doc.full_text) >= NEAR_DUP_MIN_CHARS:
            self.db.executemany("INSERT OR IGNORE INTO dedup (key, published_at, doc)"
                                " VALUES (?,?,?)",
                                [(k, published, rowid) for k in analysis.dedup_keys])

    def _delete(self, rowid: int, old_doc: dict[str, Any]) -> None:
        old = document_from_json(old_doc, self.tz, stored=True)
        # A contentless FTS5 table forgets a row only when given the exact terms it indexed.
        self.db.execute("INSERT INTO fts (fts, rowid, body) VALUES ('delete', ?, ?)",
                        (rowid, index_terms(old.full_text)))
        self.db.execute("DELETE FROM mentions WHERE doc=?", (rowid,))
        self.db.execute("DELETE FROM damage WHERE doc=?", (rowid,))
        self.db.execute("DELETE FROM dedup WHERE doc=?", (rowid,))
        self.db.execute("DELETE FROM documents WHERE rowid=?", (rowid,))

    def _first_copy(self, doc: Document, analysis: Analysis, published: int) -> str | None:
        if len(doc.full_text) < NEAR_DUP_MIN_CHARS or not analysis.dedup_keys:
            return None
        marks = ",".join("?" * len(analysis.dedup_keys))
        rows = self.db.execute(
            f"SELECT d.id, d.minhash, d.duplicate_of FROM documents d WHERE d.rowid IN"  # noqa: S608
            f" (SELECT doc FROM dedup WHERE key IN ({marks}) AND published_at BETWEEN ? AND ?)"
            f" ORDER BY d.rowid",
            [*analysis.dedup_keys, published - REPOST_WINDOW, published + REPOST_WINDOW])
        for other_id, other_sig, other_dup in rows:
            if other_id != doc.id and similarity(analysis.fingerprint, other_sig) \
                    >= self.similarity:
                return str(other_dup or other_id)
        return None

    # -- incidents and events ------------------------------------------------------------
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
            self.db.execute(
                "INSERT OR REPLACE INTO incidents (id, brand, category, status, opened_at,"
                " last_evidence_at, version, body) VALUES (?,?,?,?,?,?,?,?)",
                (saved.id, saved.brand, saved.category, saved.status,
                 _epoch(saved.opened_at), _epoch(saved.last_evidence_at), saved.version, body))
            self.db.executemany(
                "INSERT OR IGNORE INTO events (key, type, incident, at, payload)"
                " VALUES (?,?,?,?,?)",
                [(e.key, e.type, e.incident, _epoch(e.at),
                  json.dumps(e.payload, ensure_ascii=False)) for e in events])
        return saved

    def has_event(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM events WHERE key=?", (key,)).fetchone() is not None

    def events(self, after: int = 0, limit: int = 100) -> list[Event]:
        rows = self.db.execute("SELECT seq, key, type, incident, at, payload FROM events"
                               " WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        return [Event(key, type_, incident, datetime.fromtimestamp(at, self.tz),
                      json.loads(payload), seq)
                for seq, key, type_, incident, at, payload in rows]

    # -- deliveries ----------------------------------------------------------------------
    _DELIVERY_COLUMNS = ("event_seq, event_key, event_type, incident, channel, status,"
                         " next_attempt_at, updated_at, attempts, last_error, reason")

    def _delivery(self, row: tuple[Any, ...]) -> Delivery:
        seq, key, type_, incident, channel, status, next_at, updated, attempts, error, reason = row
        return Delivery(seq, key, type_, incident, channel, status,
                        datetime.fromtimestamp(next_at, self.tz),
                        datetime.fromtimestamp(updated, self.tz), attempts, error, reason)

    def planned_through(self) -> int:
        row = self.db.execute("SELECT value FROM cursors WHERE name='deliveries'").fetchone()
        return int(row[0]) if row else 0

    def plan_deliveries(self, rows: Sequence[Delivery], through: int) -> None:
        with self._transaction():
            self.db.executemany(
                f"INSERT OR IGNORE INTO deliveries ({self._DELIVERY_COLUMNS})"  # noqa: S608
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(d.event_seq, d.event_key, d.event_type, d.incident, d.channel, d.status,
                  _epoch(d.next_attempt_at), _epoch(d.updated_at), d.attempts, d.last_error,
                  d.reason) for d in rows])
            self.db.execute("INSERT OR REPLACE INTO cursors (name, value) VALUES"
                            " ('deliveries', ?)", (through,))

    def due_deliveries(self, now: datetime, limit: int = 200) -> list[Delivery]:
        rows = self.db.execute(
            f"SELECT {self._DELIVERY_COLUMNS} FROM deliveries WHERE status='pending'"  # noqa: S608
            " AND next_attempt_at <= ? ORDER BY event_seq LIMIT ?", (_epoch(now), limit))
        return [self._delivery(r) for r in rows]

    def record_attempt(self, delivery: Delivery) -> None:
        with self._transaction():
            self.db.execute(
                "UPDATE deliveries SET status=?, attempts=?, next_attempt_at=?, updated_at=?,"
                " last_error=?, reason=? WHERE event_seq=? AND channel=?",
                (delivery.status, delivery.attempts, _epoch(delivery.next_attempt_at),
                 _epoch(delivery.updated_at), delivery.last_error, delivery.reason,
                 delivery.event_seq, delivery.channel))

    def last_sent(self, channel: str, incident: str, event_type: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(updated_at) FROM deliveries WHERE channel=? AND incident=?"
            " AND event_type=? AND status IN ('sent', 'pending')",
            (channel, incident, event_type)).fetchone()
        return datetime.fromtimestamp(row[0], self.tz) if row and row[0] is not None else None

    def list_deliveries(self, incident: str | None = None, limit: int = 50,
                        incidents: Sequence[str] | None = None) -> list[Delivery]:
        where, params = ("WHERE incident=?", [incident]) if incident else ("", [])
        if incidents is not None:
            where = f"WHERE incident IN ({','.join('?' * len(incidents))})"
            params = list(incidents)
        rows = self.db.execute(
            f"SELECT {self._DELIVERY_COLUMNS} FROM deliveries {where}"  # noqa: S608
            " ORDER BY event_seq DESC, channel LIMIT ?", [*params, limit])
        return [self._delivery(r) for r in rows]

    # -- collection state ----------------------------------------------------------------
    def source_state(self, source_id: str) -> SourceState | None:
        row = self.db.execute("SELECT body FROM sources WHERE id=?", (source_id,)).fetchone()
        return SourceState.from_json(json.loads(row[0])) if row else None

    def source_states(self) -> list[SourceState]:
        rows = self.db.execute("SELECT body FROM sources ORDER BY id")
        return [SourceState.from_json(json.loads(r[0])) for r in rows]

    def save_source_state(self, state: SourceState) -> None:
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO sources (id, body) VALUES (?, ?)",
                            (state.id, json.dumps(state.to_json(), ensure_ascii=False)))

    # -- reading -----------------------------------------------------------------------
    def _hydrate(self, row: sqlite3.Row | tuple[Any, ...]) -> StoredDocument:
        doc_json, analysis_json, ingested, duplicate_of = row
        doc = document_from_json(json.loads(doc_json), self.tz, stored=True)
        if doc.published_at is not None:
            doc = replace(doc, published_at=doc.published_at.astimezone(self.tz))
        return StoredDocument(doc, Analysis.from_json(json.loads(analysis_json)),
                              datetime.fromtimestamp(ingested, self.tz), duplicate_of)

    def get(self, doc_id: str) -> StoredDocument | None:
        row = self.db.execute("SELECT doc, analysis, ingested_at, duplicate_of FROM documents"
                              " WHERE id=?", (doc_id,)).fetchone()
        return self._hydrate(row) if row else None

    def search(self, query: SearchQuery) -> SearchResult:
        where, params = self._conditions(query)
        if where is None:
            return SearchResult(0)
        clause = " AND ".join(where) or "1"
        total = self.db.execute(f"SELECT count(*) FROM documents d WHERE {clause}",  # noqa: S608
                                params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT d.doc, d.analysis, d.ingested_at, d.duplicate_of FROM documents d"  # noqa: S608
            f" WHERE {clause} ORDER BY d.published_at DESC, d.rowid DESC LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset]).fetchall()
        return SearchResult(total, [self._hydrate(r) for r in rows])

    def _conditions(self, q: SearchQuery) -> tuple[list[str] | None, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if q.text and q.text.strip():
            expression = match_expression(q.text)
            if expression is None:
                return None, []
            where.append("d.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(expression)
        if q.brands:
            # Driven from the mentions index (brand, published_at, doc): a brand's week is a
            # range scan there, where filtering the documents table first would visit every
            # document of that week across all brands.
            marks = ",".join("?" * len(q.brands))
            extra: list[str] = []
            extra_params: list[Any] = []
            if q.polarity:
                extra.append(" AND m.polarity=?")
                extra_params.append(q.polarity)
            for op, value in ((">=", q.since), ("<", q.until)):
                if value is not None:
                    extra.append(f" AND m.published_at {op} ?")
                    extra_params.append(_epoch(value))
            where.append(f"d.rowid IN (SELECT m.doc FROM mentions m WHERE"  # noqa: S608
                         f" m.brand IN ({marks}){''.join(extra)})")
            params.extend([*q.brands, *extra_params])
        elif q.polarity:
            where.append("d.polarity=?")
            params.append(q.polarity)
        for column, op, value in (("d.published_at", ">=", q.since),
                                  ("d.published_at", "<", q.until)):
            if value is not None:
                where.append(f"{column} {op} ?")
                params.append(_epoch(value))
        if q.category:
            where.append("EXISTS (SELECT 1 FROM damage g WHERE g.doc=d.rowid AND g.category=?)")
            params.append(q.category)
        if q.source:
            where.append("d.source=?")
            params.append(q.source)
        if not q.include_duplicates:
            where.append("d.duplicate_of IS NULL")
        return where, params

    def _bucketed(self, group_column: str, join: str, brands: Sequence[str], since: datetime,
                  until: datetime, bucket: timedelta) -> list[tuple[str, datetime, str, int]]:
        """Non-duplicate mentions per brand, time bucket (aligned to the store's zone) and
        `group_column`."""
        size = int(bucket.total_seconds())
        offset = int((since.astimezone(self.tz).utcoffset() or timedelta()).total_seconds())
        marks = ",".join("?" * len(brands))
        rows = self.db.execute(
            f"SELECT m.brand, ((m.published_at + ?) / ?) * ? - ? AS b, {group_column},"  # noqa: S608
            f" count(*) FROM mentions m {join} WHERE m.brand IN ({marks})"
            f" AND m.published_at >= ? AND m.published_at < ? AND m.duplicate=0"
            f" GROUP BY m.brand, b, {group_column} ORDER BY m.brand, b",
            [offset, size, size, offset, *brands, _epoch(since), _epoch(until)]).fetchall()
        return [(r[0], datetime.fromtimestamp(r[1], self.tz), r[2], r[3]) for r in rows]

    def counts(self, brands: Sequence[str], since: datetime, until: datetime,
               bucket: timedelta) -> list[CountRow]:
        """One row per brand and bucket with the three polarities summed in it: a group
        per (brand, bucket) sorts a third as many rows as one per polarity would."""
        size = int(bucket.total_seconds())
        offset = int((since.astimezone(self.tz).utcoffset() or timedelta()).total_seconds())
        marks = ",".join("?" * len(brands))
        rows = self.db.execute(
            f"SELECT m.brand, ((m.published_at + ?) / ?) * ? - ? AS b,"  # noqa: S608
            " sum(m.polarity='positive'), sum(m.polarity='neutral'),"
            " sum(m.polarity='negative') FROM mentions m"
            f" WHERE m.brand IN ({marks}) AND m.published_at >= ? AND m.published_at < ?"
            " AND m.duplicate=0 GROUP BY m.brand, b ORDER BY m.brand, b",
            [offset, size, size, offset, *brands, _epoch(since), _epoch(until)]).fetchall()
        return [CountRow(brand, datetime.fromtimestamp(b, self.tz), polarity, n)
                for brand, b, *by_polarity in rows
                for polarity, n in zip(POLARITY_ORDER, by_polarity, strict=True) if n]

    def worst_polarity_counts(self, brands: Sequence[str], since: datetime,
                              until: datetime) -> dict[Polarity, int]:
        marks = ",".join("?" * len(brands))
        rows = self.db.execute(
            "SELECT w, count(*) FROM (SELECT doc, max(CASE polarity WHEN 'negative' THEN 2"  # noqa: S608
            " WHEN 'neutral' THEN 1 ELSE 0 END) AS w FROM mentions"
            f" WHERE brand IN ({marks}) AND published_at >= ? AND published_at < ?"
            " AND duplicate=0 GROUP BY published_at, doc) GROUP BY w",  # a doc's mentions
            # share its time: grouping by both keeps each group's rows together, cheaper
            [*brands, _epoch(since), _epoch(until)]).fetchall()
        found = dict(rows)
        return {"positive": found.get(0, 0), "neutral": found.get(1, 0),
                "negative": found.get(2, 0)}

    def damage_counts(self, brands: Sequence[str], since: datetime, until: datetime,
                      bucket: timedelta) -> list[DamageCountRow]:
        return [DamageCountRow(*row) for row in self._bucketed(
            "g.category", "JOIN damage g ON g.doc=m.doc", brands, since, until, bucket)]


    @staticmethod
    def _mentioned(brands: Sequence[str], since: datetime, until: datetime,
                   newest: int | None = None) -> tuple[str, list[Any]]:
        """Rowids of non-duplicate documents mentioning `brands` in [since, until), optionally
        only the `newest`: the subquery both facets count over."""
        marks = ",".join("?" * len(brands))
        tail = " ORDER BY published_at DESC LIMIT ?" if newest else ""
        sql = (f"SELECT DISTINCT doc FROM mentions WHERE brand IN ({marks})"  # noqa: S608
               f" AND published_at >= ? AND published_at < ? AND duplicate=0{tail}")
        return sql, [*brands, _epoch(since), _epoch(until), *([newest] if newest else [])]

    def top_sources(self, brands: Sequence[str], since: datetime, until: datetime,
                    limit: int = 10) -> list[tuple[str, int]]:
        docs, params = self._mentioned(brands, since, until)
        rows = self.db.execute(  # the facets index covers it: no visit to the wide rows
            f"SELECT d.source, count(*) AS n FROM documents d INDEXED BY documents_facets"  # noqa: S608
            f" WHERE d.rowid IN ({docs}) AND d.source IS NOT NULL GROUP BY d.source"
            f" ORDER BY n DESC, d.source LIMIT ?", [*params, limit]).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def repost_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        marks = ",".join("?" * len(brands))
        return int(self.db.execute(
            f"SELECT count(DISTINCT doc) FROM mentions WHERE brand IN ({marks})"  # noqa: S608
            " AND published_at >= ? AND published_at < ? AND duplicate=1",
            [*brands, _epoch(since), _epoch(until)]).fetchone()[0])

    def source_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        marks = ",".join("?" * len(brands))
        return int(self.db.execute(
            f"SELECT count(DISTINCT source) FROM mentions WHERE brand IN ({marks})"  # noqa: S608
            " AND published_at >= ? AND published_at < ? AND duplicate=0",
            [*brands, _epoch(since), _epoch(until)]).fetchone()[0])

    def kind_counts(self, brands: Sequence[str], since: datetime,
                    until: datetime) -> list[tuple[str, int]]:
        docs, params = self._mentioned(brands, since, until)
        rows = self.db.execute(
            f"SELECT coalesce(d.kind, ''), count(*) AS n FROM documents d"  # noqa: S608
            f" WHERE d.rowid IN ({docs}) GROUP BY 1 ORDER BY n DESC, 1", params).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def top_keywords(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 30) -> list[tuple[str, int]]:
        docs, params = self._mentioned(brands, since, until, KEYWORD_SAMPLE)
        rows = self.db.execute(
            f"SELECT k.value, count(*) AS n FROM documents d,"  # noqa: S608
            f" json_each(d.analysis, '$.keywords') k WHERE d.rowid IN ({docs})"
            f" GROUP BY k.value ORDER BY n DESC, k.value LIMIT ?", [*params, limit]).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    # -- the yearly evaluation's log ---------------------------------------------------------
    def append_evaluation(self, entry: EvaluationEntry) -> EvaluationEntry:
        with self._transaction():
            cursor = self.db.execute(
                "INSERT INTO evaluation_log (organization, brand, year, body) VALUES (?,?,?,?)",
                (entry.organization, entry.brand, entry.year,
                 json.dumps(entry.to_json(), ensure_ascii=False)))
        return entry.stored_as(int(cursor.lastrowid or 0))

    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]:
        wanted = {"organization": organization, "brand": brand, "year": year}
        clauses = [f"{column}=?" for column, value in wanted.items() if value is not None]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(f"SELECT seq, body FROM evaluation_log{where} ORDER BY seq",  # noqa: S608
                               [v for v in wanted.values() if v is not None]).fetchall()
        return [EvaluationEntry.from_json(json.loads(body)).stored_as(seq)
                for seq, body in rows]

    # -- access ----------------------------------------------------------------------------
    def save_credential(self, credential: Credential) -> None:
        body = json.dumps(credential.to_json(), ensure_ascii=False)
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO credentials (id, hash, kind, organization, expires_at,"
                " body) VALUES (?,?,?,?,?,?)",
                (credential.id, credential.hash, credential.kind, credential.organization,
                 _epoch(credential.expires_at) if credential.expires_at else None, body))

    def credential_by_hash(self, secret_hash: str) -> Credential | None:
        row = self.db.execute("SELECT body FROM credentials WHERE hash=?",
                              (secret_hash,)).fetchone()
        return Credential.from_json(json.loads(row[0])) if row else None

    def credentials(self, kind: CredentialKind, organization: str | None = None,
                    ) -> list[Credential]:
        where, params = "kind=?", [str(kind)]
        if organization is not None:
            where += " AND organization=?"
            params.append(organization)
        rows = self.db.execute(f"SELECT body FROM credentials WHERE {where}"  # noqa: S608
                               " ORDER BY rowid", params)
        return [Credential.from_json(json.loads(r[0])) for r in rows]

    def delete_credentials_before(self, kind: CredentialKind, expired_before: datetime) -> int:
        with self._transaction():
            cursor = self.db.execute("DELETE FROM credentials WHERE kind=? AND expires_at < ?",
                                     (kind, _epoch(expired_before)))
        return cursor.rowcount

    def save_user(self, user: User) -> None:
        body = json.dumps(user.to_json(), ensure_ascii=False)
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO users (name, organization, body)"
                            " VALUES (?,?,?)", (user.name, user.organization, body))

    def get_user(self, name: str) -> User | None:
        row = self.db.execute("SELECT body FROM users WHERE name=?", (name,)).fetchone()
        return User.from_json(json.loads(row[0])) if row else None

    def users(self, organization: str | None = None) -> list[User]:
        where, params = ("WHERE organization=?", [organization]) if organization else ("", [])
        rows = self.db.execute(f"SELECT body FROM users {where} ORDER BY name",  # noqa: S608
                               params)
        return [User.from_json(json.loads(r[0])) for r in rows]
