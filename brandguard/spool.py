"""A durable queue of analysed documents waiting for an unreachable store.

When the store goes away mid-run (an Elasticsearch node restarting, a network split) the
pipeline writes the batch here instead of losing it, and drains the queue, oldest first,
as soon as the store answers again: before its next batch, and from `run`'s periodic
drain job. One SQLite file (`settings.spool`), committed per batch, so a crash while the
store is away loses nothing either. The analysis is kept whole, including the internal
near-duplicate fingerprint, so a drained document is stored exactly as it would have been.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from brandguard.document import Analysis, Document
from brandguard.document_json import document_from_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import tzinfo
    from pathlib import Path

Item = tuple[Document, Analysis]


def _analysis_json(analysis: Analysis) -> dict[str, Any]:
    return dict(analysis.to_json(), fingerprint=base64.b64encode(analysis.fingerprint).decode(),
                dedup_keys=list(analysis.dedup_keys), tokens=list(analysis.tokens))


def _analysis(data: dict[str, Any]) -> Analysis:
    return replace(Analysis.from_json(data), fingerprint=base64.b64decode(data["fingerprint"]),
                   dedup_keys=tuple(data["dedup_keys"]), tokens=tuple(data["tokens"]))


class Spool:
    def __init__(self, path: Path, tz: tzinfo) -> None:
        self.path, self.tz = path, tz
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        """Opened on first use: a run whose store never fails never creates the file."""
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY"
                             " AUTOINCREMENT, doc TEXT NOT NULL, analysis TEXT NOT NULL)")
        return self._db

    def __len__(self) -> int:
        if self._db is None and not self.path.exists():
            return 0
        return int(self._conn().execute("SELECT count(*) FROM queue").fetchone()[0])

    def put(self, items: Sequence[Item]) -> None:
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO queue (doc, analysis) VALUES (?, ?)",
                       [(json.dumps(d.to_json(), ensure_ascii=False),
                         json.dumps(_analysis_json(a), ensure_ascii=False)) for d, a in items])
        db.execute("COMMIT")

    def peek(self, limit: int) -> tuple[int, list[Item]]:
        """The oldest `limit` items and the last sequence number among them."""
        rows = self._conn().execute("SELECT seq, doc, analysis FROM queue ORDER BY seq"
                                    " LIMIT ?", (limit,)).fetchall()
        items = [(document_from_json(json.loads(d), self.tz, stored=True), _analysis(json.loads(a)))
                 for _, d, a in rows]
        return (rows[-1][0] if rows else 0), items

    def drop_through(self, seq: int) -> None:
        self._conn().execute("DELETE FROM queue WHERE seq <= ?", (seq,))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
