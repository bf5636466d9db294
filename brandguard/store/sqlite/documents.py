"""The SQLite store's documents: idempotent upserts, the repost probe, search, copying."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from brandguard.document import Analysis, Document
from brandguard.document_json import document_from_json
from brandguard.neardup import PROBE_PER_KEY, Candidate, first_copy, foldable
from brandguard.store.base import (
    SearchQuery,
    SearchResult,
    StoredDocument,
    UpsertResult,
    WriteForm,
    hit_json,
    in_time_order,
    write_forms,
)
from brandguard.store.fts import index_terms
from brandguard.store.query import (
    Condition,
    TextRuns,
    conditions,
    published,
)
from brandguard.store.sqlite.connection import Connection
from brandguard.store.sqlite.schema import (
    REPOST_WINDOW,
    _epoch,
    _signed,
)
from brandguard.store.sqlite.text_index import DELETE, INSERT
from brandguard.store.sqlite.where import _sql, mentions_only

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator, Sequence


@functools.lru_cache(maxsize=8)
def _probe(keys: int) -> str:
    """The repost probe for a text with `keys` band keys (?1, ?2: the window; ?3: the
    per-key limit; ?4…: the keys). Each key's rows are walked in primary-key order
    (key, published_at) and stop at the limit: no sort, however many texts share a key."""
    per_key = ("SELECT doc FROM (SELECT doc FROM dedup WHERE key=?{} AND published_at"
               " BETWEEN ?1 AND ?2 ORDER BY published_at LIMIT ?3)")
    union = " UNION ALL ".join(per_key.format(i + 4) for i in range(keys))
    return ("SELECT d.id, d.published_at, d.minhash, d.duplicate_of, d.rowid FROM documents d"  # noqa: S608
            f" WHERE d.rowid IN ({union})")  # only placeholders are formatted in


@dataclass(slots=True)
class _IndexRows:
    """A batch's mention, damage and full-text queue rows, written in one statement per
    table once its documents are in, not three per document: nothing in the batch reads
    them back meanwhile (the repost probe reads `dedup`, written at once). A document the
    batch replaces has them written first, so that its delete finds them."""

    mentions: list[tuple[Any, ...]] = field(default_factory=list)
    damage: list[tuple[Any, ...]] = field(default_factory=list)
    terms: list[tuple[int | None, int, str]] = field(default_factory=list)


class DocumentsMixin(Connection):
    """Documents in and out: idempotent upserts, the repost probe, search, copying."""

    def upsert(self, items: Sequence[tuple[Document, Analysis]],
               forms: Sequence[WriteForm] | None = None) -> UpsertResult:
        forms = write_forms(items) if forms is None else forms
        total = UpsertResult()
        rows = _IndexRows()
        with self._transaction():
            self.text.prune()
            for doc, analysis, form in in_time_order(
                    [(d, a, f) for (d, a), f in zip(items, forms, strict=True)],
                    datetime.now(UTC)):
                total = total + self._upsert_one(doc, analysis, form, rows)
            self._write_rows(rows)
        return total

    def _upsert_one(self, doc: Document, analysis: Analysis, form: WriteForm,
                    rows: _IndexRows) -> UpsertResult:
        row = self.db.execute("SELECT rowid, content_hash, doc FROM documents WHERE id=?",
                              (doc.id,)).fetchone()
        if row is not None and row[1] == form.digest:
            return UpsertResult(unchanged=1)
        if row is not None:
            self._delete(row[0], json.loads(row[2]), rows)
        now = datetime.now(UTC)
        published = doc.published_at or now
        duplicate_of = self._first_copy(doc, analysis, _epoch(published))
        self._insert(doc, analysis, published, now, duplicate_of, form, rows)
        near = int(duplicate_of is not None)
        reposts = ((doc.id, duplicate_of),) if duplicate_of else ()
        if row:
            return UpsertResult(updated=1, near_duplicates=near, changed=(doc.id,),
                                reposts=reposts)
        return UpsertResult(inserted=1, near_duplicates=near, changed=(doc.id,),
                            reposts=reposts)

    def _insert(self, doc: Document, analysis: Analysis, published: datetime,
                ingested: datetime, duplicate_of: str | None, form: WriteForm,
                rows: _IndexRows) -> None:
        cursor = self.db.execute(
            "INSERT INTO documents (id, published_at, ingested_at, source, kind, polarity,"
            " sentiment, simhash, minhash, duplicate_of, content_hash, doc, analysis)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, _epoch(published), _epoch(ingested), doc.source, doc.kind, analysis.polarity,
             analysis.sentiment, _signed(analysis.simhash), analysis.fingerprint, duplicate_of,
             form.digest, form.doc_json, form.analysis_json))
        self._index(cursor.lastrowid, doc, analysis, _epoch(published), duplicate_of is not None,
                    form.terms, rows)

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
        forms = write_forms([(item.document, item.analysis) for item in items])
        rows = _IndexRows()
        with self._transaction():
            self.text.prune()
            for item, form in zip(items, forms, strict=True):
                doc, analysis = item.document, item.analysis
                row = self.db.execute("SELECT rowid, doc FROM documents WHERE id=?",
                                      (doc.id,)).fetchone()
                if row is not None:
                    self._delete(row[0], json.loads(row[1]), rows)
                self._insert(doc, analysis, doc.published_at or item.ingested_at,
                             item.ingested_at, item.duplicate_of, form, rows)
            self._write_rows(rows)

    def _index(self, rowid: int | None, doc: Document, analysis: Analysis, published: int,
               duplicate: bool, terms: str, rows: _IndexRows) -> None:
        """The band keys at once (the next document's repost probe reads them); its
        mention, damage and full-text queue rows into `rows`."""
        rows.mentions += [(m.brand, published, rowid, m.polarity, int(duplicate), doc.source)
                          for m in analysis.mentions]
        rows.damage += [(rowid, d.category, d.score) for d in analysis.damage]
        rows.terms.append((rowid, INSERT, terms))
        if foldable(doc.full_text, analysis.dedup_keys):
            self.db.executemany("INSERT OR IGNORE INTO dedup (key, published_at, doc)"
                                " VALUES (?,?,?)",
                                [(k, published, rowid) for k in analysis.dedup_keys])

    def _write_rows(self, rows: _IndexRows) -> None:
        """`rows` in one statement per table, then forgotten."""
        if rows.mentions:
            self.db.executemany(
                "INSERT OR REPLACE INTO mentions (brand, published_at, doc, polarity,"
                " duplicate, source) VALUES (?,?,?,?,?,?)", rows.mentions)
        if rows.damage:
            self.db.executemany("INSERT OR REPLACE INTO damage (doc, category, score)"
                                " VALUES (?,?,?)", rows.damage)
        if rows.terms:
            self._queue_many(rows.terms)
        rows.mentions, rows.damage, rows.terms = [], [], []

    def _delete(self, rowid: int, old_doc: dict[str, Any], rows: _IndexRows) -> None:
        """Document `rowid` and its rows out; the batch's pending `rows` go in first, since
        the document may be one this batch wrote."""
        self._write_rows(rows)
        old = document_from_json(old_doc, self.tz, stored=True)
        # A contentless FTS5 table forgets a row only when given the exact terms it indexed.
        self._queue_terms(rowid, DELETE, index_terms(old.full_text))
        self.db.execute("DELETE FROM mentions WHERE doc=?", (rowid,))
        self.db.execute("DELETE FROM damage WHERE doc=?", (rowid,))
        self.db.execute("DELETE FROM dedup WHERE doc=?", (rowid,))
        self.db.execute("DELETE FROM documents WHERE rowid=?", (rowid,))

    def _first_copy(self, doc: Document, analysis: Analysis, published: int) -> str | None:
        """The candidates: per band key, the `PROBE_PER_KEY` earliest stored texts in the
        window sharing it (brandguard.neardup), each found by a bounded walk of the
        `dedup` key's index, all in one statement."""
        if not foldable(doc.full_text, analysis.dedup_keys):
            return None
        rows = self.db.execute(
            _probe(len(analysis.dedup_keys)),
            [published - REPOST_WINDOW, published + REPOST_WINDOW, PROBE_PER_KEY,
             *analysis.dedup_keys])
        found = (Candidate(other_id, datetime.fromtimestamp(at, UTC), bytes(sig or b""), dup,
                           rowid) for other_id, at, sig, dup, rowid in rows)
        return first_copy(doc.id, analysis.fingerprint, datetime.fromtimestamp(published, UTC),
                          found, self.similarity)

    def _hydrate(self, row: sqlite3.Row | tuple[Any, ...]) -> StoredDocument:
        doc_json, analysis_json, ingested, duplicate_of = row  # orjson: searches decode 20+
        doc = document_from_json(orjson.loads(doc_json), self.tz, stored=True)
        if doc.published_at is not None:
            doc = replace(doc, published_at=doc.published_at.astimezone(self.tz))
        return StoredDocument(doc, Analysis.from_json(orjson.loads(analysis_json)),
                              datetime.fromtimestamp(ingested, self.tz), duplicate_of)

    def get(self, doc_id: str) -> StoredDocument | None:
        row = self.db.execute("SELECT doc, analysis, ingested_at, duplicate_of FROM documents"
                              " WHERE id=?", (doc_id,)).fetchone()
        return self._hydrate(row) if row else None

    def search(self, query: SearchQuery) -> SearchResult:
        total, rows = self._search_rows(query)
        return SearchResult(total, [self._hydrate(r) for r in rows])

    def search_json(self, query: SearchQuery) -> tuple[int, list[dict[str, Any]]]:
        total, rows = self._search_rows(query)
        return total, [hit_json(orjson.loads(doc), orjson.loads(analysis),
                                datetime.fromtimestamp(ingested, self.tz), duplicate_of, self.tz)
                       for doc, analysis, ingested, duplicate_of in rows]

    def _search_rows(self, query: SearchQuery) -> tuple[int, list[Any]]:
        found = conditions(query)
        if found is None:
            return 0, []
        plan = mentions_only(found)
        if plan is not None:
            return self._search_mentions(*plan, query.limit, query.offset)
        return self._search_documents(found, query.limit, query.offset)

    def _search_documents(self, found: list[Condition], limit: int, offset: int,
                          ) -> tuple[int, list[Any]]:
        """Any query: the conditions over `documents d`, sorted there."""
        if any(isinstance(c, TextRuns) for c in found):
            self.text.current()  # every committed document is found
        where, params = self._where(found)
        clause = " AND ".join(where) or "1"
        total = self.db.execute(f"SELECT count(*) FROM documents d WHERE {clause}",  # noqa: S608
                                params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT d.doc, d.analysis, d.ingested_at, d.duplicate_of FROM documents d"  # noqa: S608
            f" WHERE {clause} ORDER BY d.published_at DESC, d.rowid DESC LIMIT ? OFFSET ?",
            [*params, limit, offset]).fetchall()
        return total, rows

    def _search_mentions(self, where: str, params: list[Any], several: bool, limit: int,
                         offset: int) -> tuple[int, list[Any]]:
        """`mentions_only`'s plan: the same total and page, in the same order (published_at
        then rowid, newest first), as the general query."""
        counted = "count(DISTINCT m.doc)" if several else "count(*)"
        total = self.db.execute(f"SELECT {counted} FROM mentions m WHERE {where}",  # noqa: S608
                                params).fetchone()[0]
        rows = self.db.execute(
            "SELECT d.doc, d.analysis, d.ingested_at, d.duplicate_of FROM"  # noqa: S608
            " (SELECT DISTINCT m.published_at AS at, m.doc AS doc FROM mentions m"
            f" WHERE {where} ORDER BY at DESC, doc DESC LIMIT ? OFFSET ?) AS page"
            " JOIN documents d ON d.rowid = page.doc ORDER BY page.at DESC, page.doc DESC",
            [*params, limit, offset]).fetchall()
        return total, rows

    @staticmethod
    def _where(found: list[Condition]) -> tuple[list[str], list[Any]]:
        """The query model's conditions (brandguard.store.query) as SQL."""
        bounds = published(found)
        where: list[str] = []
        params: list[Any] = []
        for condition in found:
            sql, args = _sql(condition, bounds)
            where.append(sql)
            params.extend(args)
        return where, params

