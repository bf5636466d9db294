"""The SQLite store's connection: WAL, one transaction at a time, and the schema upgrades."""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard.document_json import document_from_json
from brandguard.store.fts import index_terms
from brandguard.store.sqlite.schema import SCHEMA, SCHEMA_VERSION

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import tzinfo


log = logging.getLogger(__name__)


class Connection:
    """The connection: WAL, one transaction at a time, and the schema upgrades."""

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
        self._add_story_versions()
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

    def _add_story_versions(self) -> None:
        """Stores from schema 8: story rows gain their version (0 until next written) and
        the candidate lookup's covering index replaces the (brand, last_at) one."""
        columns = [r[1] for r in self.db.execute("PRAGMA table_info(stories)")]
        if not columns or "version" in columns:
            return
        with self._transaction() as db:
            db.execute("ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
            db.execute("DROP INDEX IF EXISTS stories_brand")

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

