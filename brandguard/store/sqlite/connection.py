"""The SQLite store's connection: WAL, one transaction at a time, the schema upgrades, and
the full-text index beside it (`text_index`)."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard.batching import batches
from brandguard.document_json import document_from_json
from brandguard.store.fts import index_terms_many
from brandguard.store.sqlite import wal_bound
from brandguard.store.sqlite.schema import SCHEMA, SCHEMA_VERSION
from brandguard.store.sqlite.text_index import TextIndex, file_uri, index_path

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import tzinfo

    from brandguard.store.sqlite.change_watch import ChangeWatch


log = logging.getLogger(__name__)


class Connection:
    """The connection: WAL, one transaction at a time, and the schema upgrades."""

    def __init__(self, path: Path | str, tz: tzinfo, near_duplicate_similarity: float = 0.7,
                 ) -> None:
        self.tz = tz
        self.similarity = near_duplicate_similarity
        self.path = None if str(path) == ":memory:" else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(":memory:" if self.path is None else file_uri(self.path),
                                  uri=True, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self._wal = wal_bound.WalBound(self.db, "main", self.path) if self.path else None
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._queued = False  # this transaction queued full-text terms
        self._watch: ChangeWatch | None = None  # opened by the first `change_mark`
        self._migrate()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"store schema {version} is newer than this brandguard "
                               f"({SCHEMA_VERSION}); upgrade brandguard")
        self._add_mention_sources()
        self._add_story_versions()
        self.db.executescript(SCHEMA)
        self.text = TextIndex(self.db, self.path)
        self._place_text_index(version)
        if version != SCHEMA_VERSION:  # writing it again would be a commit, and every
            # server thread's first handle would look like new data to the figure cache
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self.text.current()  # what a process that died left queued

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

    def _place_text_index(self, version: int) -> None:
        """Stores before schema 10 kept the index in their own file: moved whole into the
        index file, or rebuilt if its terms are older than schema 6 (a contentless index
        cannot be updated row by row once its terms have changed: deletes must repeat
        them). An index file that is new, or was not built for this store, is rebuilt
        from the documents."""
        ident = self._store_ident()
        inside = self.db.execute("SELECT 1 FROM main.sqlite_master WHERE type='table'"
                                 " AND name='fts'").fetchone() is not None
        if inside and version >= 6:
            log.warning("moving the full-text index into %s (schema 10), once",
                        index_path(self.path) if self.path else "memory")
            self.text.adopt(self._queue_top(), ident)
            with self._transaction() as db:
                db.execute("DROP TABLE main.fts")
        elif inside or not self.text.belongs_to(ident):
            if self.db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None:
                log.warning("rebuilding the full-text index for substring search")
            with self._transaction() as db:
                top = self._queue_top()
                db.execute("DELETE FROM fts_queue")  # every document is indexed below
                db.execute("DROP TABLE IF EXISTS main.fts")
                self.text.rebuild(self._all_terms(), top, ident)

    def _store_ident(self) -> int:
        """This store's random identity, made once: what its index file is built for
        (read first: opening a store while another process writes takes no write lock)."""
        def read() -> int | None:
            row = self.db.execute("SELECT value FROM cursors WHERE name='text index'"
                                  ).fetchone()
            return None if row is None else int(row[0])

        known = read()
        if known is not None:
            return known
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO cursors (name, value) VALUES"
                       " ('text index', random() & 9223372036854775807)")
        made = read()
        assert made is not None  # noqa: S101 - just written
        return made

    def _queue_top(self) -> int:
        """The last queue entry ever made (AUTOINCREMENT keeps it after entries go)."""
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name='fts_queue'"
                              ).fetchone()
        return int(row[0]) if row else 0

    def _all_terms(self) -> Iterator[tuple[int, str]]:
        """Every document's (rowid, terms), a batch at a time through `index_terms_many`
        (about a fifth of the per-text cost: a rebuild reads every document)."""
        rows = self.db.execute("SELECT rowid, doc FROM documents")
        for batch in batches(rows, 1000):
            texts = [document_from_json(json.loads(doc), self.tz, stored=True).full_text
                     for _, doc in batch]
            yield from zip((rowid for rowid, _ in batch), index_terms_many(texts),
                           strict=True)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            self._queued = False
            raise
        self.db.execute("COMMIT")
        if self._wal is not None:  # the indexer reads on: start the log over (wal_bound)
            self._wal.after_commit()
        if self._queued:
            self._queued = False
            self.text.wake()

    def _queue_terms(self, rowid: int | None, op: int, terms: str) -> None:
        """Inside a write: `terms` into (op INSERT) or out of (DELETE) the full-text index
        of document `rowid`, applied by the indexer once this transaction commits."""
        self._queue_many([(rowid, op, terms)])

    def _queue_many(self, entries: Sequence[tuple[int | None, int, str]]) -> None:
        """`_queue_terms` of each (rowid, op, terms), in order, in one statement."""
        self.db.executemany("INSERT INTO fts_queue (doc, op, terms) VALUES (?, ?, ?)", entries)
        self._queued = True

    def close(self) -> None:
        if self.path is not None:  # the indexer's connection is then the index file's last:
            with contextlib.suppress(sqlite3.OperationalError):  # (a statement still open)
                self.db.execute("DETACH textindex")  # closing it writes the WAL back
        self.text.close()
        self.db.close()
        self._watch = None  # the file's watch closes with its last handle

