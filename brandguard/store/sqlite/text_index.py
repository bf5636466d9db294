"""The SQLite store's full-text index: a file of its own, filled from a queue by a thread.

Why: putting a document's terms (one per character, `brandguard.store.fts`) into FTS5 is
about half of what the one store writer does per document, and it grows with the index.
So the writer only appends each document's terms to `fts_queue`, an ordinary table in the
store's file, in the same transaction as the document (nothing is lost in a crash). An
indexer thread moves the queue into FTS5 in a second file beside the store
(`<store>-fts`), one `INSERT … SELECT` per step. SQLite runs that statement without
holding Python's GIL, so on two cores the index is built beside the writer, not in its
way (`ingest --workers`, `run`). A second file because a SQLite file has one writer at a
time: in the store's own file the indexer would only take turns with the writer. Each
connection attaches the other file read-only, so neither transaction locks both files.

Search stays exact and sees every committed write: a text search first applies whatever
the queue holds beyond what the index has applied (waiting for the indexer if it is in a
step), so a document is found as soon as it is committed, by any handle or process. A
step is one transaction on the index file that also records the last queue entry applied
(`fts_applied`), so two processes never apply an entry twice; the writer drops entries
already applied. A store opened after a process died applies what it left. The index file
is derived: when it is missing, it is rebuilt from the documents.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.request import pathname2url

from brandguard.store.sqlite import wal_bound

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

log = logging.getLogger(__name__)

ATTACHED = "textindex"  # the index file's name on every connection (the queue is `main`)
INSERT, DELETE = 1, 0  # fts_queue.op
STEP_ENTRIES = 1000  # queue entries per indexing transaction (a fifth of a second or so)
QUEUE = """
CREATE TABLE IF NOT EXISTS fts_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER NOT NULL, op INTEGER NOT NULL,
  terms TEXT NOT NULL
);
"""
_INDEX = """
CREATE VIRTUAL TABLE IF NOT EXISTS textindex.fts USING fts5(body, content='', columnsize=0,
                                                           tokenize='ascii');
CREATE TABLE IF NOT EXISTS textindex.fts_applied (
  one INTEGER PRIMARY KEY CHECK (one = 0), seq INTEGER NOT NULL, store INTEGER NOT NULL
);
INSERT OR IGNORE INTO textindex.fts_applied VALUES (0, 0, 0);
"""
_APPLY = ("INSERT INTO textindex.fts (fts, rowid, body)"  # op DELETE (0): FTS5's delete
          " SELECT CASE op WHEN 0 THEN 'delete' END, doc, terms FROM main.fts_queue"
          " WHERE seq > ? AND seq <= ? ORDER BY seq")
_PENDING = ("SELECT (SELECT max(seq) FROM main.fts_queue)"
            " > (SELECT seq FROM textindex.fts_applied)")
_ADOPT = [  # the shadow tables are all an FTS5 table with columnsize=0 is
    (f"DELETE FROM textindex.{t}", f"INSERT INTO textindex.{t} SELECT * FROM main.{t}")  # noqa: S608 - fixed names
    for t in ("fts_data", "fts_idx", "fts_config")]


def index_path(store: Path) -> Path:
    return store.with_name(store.name + "-fts")


def store_files(store: Path) -> list[Path]:
    """Every file a SQLite store at `store` consists of (each with SQLite's WAL files)."""
    return [path.with_name(path.name + suffix) for path in (store, index_path(store))
            for suffix in ("", "-wal", "-shm")]


def file_uri(path: Path, read_only: bool = False) -> str:
    """`path` as an SQLite URI (every connection of a store opens with `uri=True`, so an
    ATTACH of a read-only URI works whatever the SQLite build's default)."""
    return "file:" + pathname2url(str(path.resolve())) + ("?mode=ro" if read_only else "")


class TextIndex:
    """The index of one store handle: its connection for applying (the store's file
    read-only as `main`, the index file as `textindex`), the lock every step holds, and
    the indexer thread (started by the first write)."""

    def __init__(self, store_db: sqlite3.Connection, store_path: Path | None) -> None:
        self.lock = threading.Lock()
        self._store_db = store_db
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        if store_path is None:  # in memory: the store's connection does it all, in line
            store_db.execute("ATTACH ':memory:' AS textindex")
            store_db.executescript(_INDEX)
            self._db = store_db
            return
        path = index_path(store_path)
        self._db = sqlite3.connect(file_uri(store_path, read_only=True), uri=True,
                                   isolation_level=None, check_same_thread=False)
        self._db.execute("ATTACH ? AS textindex", (file_uri(path),))
        self._db.execute("PRAGMA textindex.journal_mode=WAL")
        self._db.execute("PRAGMA textindex.synchronous=NORMAL")
        self._wal = wal_bound.WalBound(self._db, ATTACHED, path)
        if self._db.execute("SELECT 1 FROM textindex.sqlite_master"
                            " WHERE name='fts_applied'").fetchone() is None:
            self._db.executescript(_INDEX)  # a write: only for a new index file
        store_db.execute("ATTACH ? AS textindex", (file_uri(path, read_only=True),))

    @property
    def inline(self) -> bool:
        """In memory there is no second connection: steps run on the store's own."""
        return self._db is self._store_db

    def apply(self) -> None:
        """Move every queue entry the index has not applied into it, in queue order (a
        document's delete before its new terms), `STEP_ENTRIES` per transaction: a step
        reads the store's file while it lasts, and the writer can start the store's log
        over only between two (`wal_bound`)."""
        while self._apply_step():
            pass

    def _apply_step(self) -> bool:
        """The next `STEP_ENTRIES` entries at most; whether more are queued."""
        db = self._db
        with self._step():  # a write first: appliers of other processes wait here
            db.execute("UPDATE textindex.fts_applied SET seq = seq")
            applied: int = db.execute("SELECT seq FROM textindex.fts_applied").fetchone()[0]
            top: int | None = db.execute("SELECT max(seq) FROM main.fts_queue").fetchone()[0]
            if top is None or top <= applied:
                return False
            end = min(top, applied + STEP_ENTRIES)
            db.execute(_APPLY, (applied, end))
            db.execute("UPDATE textindex.fts_applied SET seq = ?", (end,))
            return end < top

    def current(self) -> None:
        """Before a text search: apply what is queued, if anything is (a read, with no
        lock taken, when nothing is)."""
        if self._store_db.execute(_PENDING).fetchone()[0]:
            self.apply()

    def prune(self) -> None:
        """Inside a store write: drop the queue entries the index has applied."""
        self._store_db.execute("DELETE FROM main.fts_queue"
                               " WHERE seq <= (SELECT seq FROM textindex.fts_applied)")

    def wake(self) -> None:
        """After a store write that queued terms: the indexer applies them (in line, in
        memory)."""
        if self.inline:
            self.apply()
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="brandguard-fts",
                                            daemon=True)
            self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            try:
                self.apply()
                # the writer reads our progress in each transaction: start the log over
                self._wal.after_commit()
            except Exception:  # the queue keeps it; the next step or search applies it
                log.exception("full-text indexing failed; it is retried on the next write "
                              "or search")

    def belongs_to(self, store: int) -> bool:
        """Whether this index was built for the store identified by `store` (a store file
        replaced or deleted beside its index file must not inherit it)."""
        row = self._db.execute("SELECT store FROM textindex.fts_applied").fetchone()
        return bool(row[0] == store)

    def adopt(self, applied: int, store: int) -> None:
        """Upgrade (schema 10): the index that lived in the store's file, copied into the
        index file whole, as of queue entry `applied`. Repeating it after a crash copies
        it again."""
        with self._step():
            for clear, copy in _ADOPT:
                self._db.execute(clear)
                self._db.execute(copy)
            self._db.execute("UPDATE textindex.fts_applied SET seq = ?, store = ?",
                             (applied, store))

    def rebuild(self, rows: Iterable[tuple[int, str]], applied: int, store: int) -> None:
        """Index `rows` (rowid, terms) from nothing, as of queue entry `applied`: a new or
        missing index file, one not built for this store, or terms of an older schema."""
        with self._step():
            self._db.execute("INSERT INTO textindex.fts (fts) VALUES ('delete-all')")
            self._db.executemany("INSERT INTO textindex.fts (rowid, body) VALUES (?, ?)", rows)
            self._db.execute("UPDATE textindex.fts_applied SET seq = ?, store = ?",
                             (applied, store))

    @contextmanager
    def _step(self) -> Iterator[None]:
        """One transaction on the index under the lock; in memory, inside the store's
        transaction when one is open (one connection holds both)."""
        with self.lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Stop the indexer and apply what is left; what cannot be applied stays queued
        for the next open."""
        if self._thread is not None:
            self._stopping = True
            self._wake.set()
            self._thread.join()
            self._thread = None
        try:
            with self.lock:
                pending = self._db.execute(_PENDING).fetchone()[0]
            if pending:  # a handle that only read writes nothing
                self.apply()
        except sqlite3.Error:
            log.exception("full-text indexing failed at close; it is applied when the "
                          "store is next opened")
        if not self.inline:
            self._db.close()
