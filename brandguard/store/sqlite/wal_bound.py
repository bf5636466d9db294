"""A write-ahead log kept within a bound although its readers never pause.

SQLite starts a WAL over from its beginning only when a writer finds no reader using it.
The store's two files always have one while documents stream in: the indexer thread reads
the store's queue as the writer writes, and each of the writer's transactions reads how far
the index has got. So during a long ingest both logs grew without end: filling `bench api`'s
1 M-document store grew its WAL past 16.8 GB beside a 4.9 GB store (100,000 documents: 872 MB
beside 555 MB). After a commit that leaves its log above `LIMIT`, the committer checkpoints
it in RESTART mode: SQLite copies every frame into the file and waits, at most `WAIT_MS`,
for the readers of that moment to finish (new ones read the file, not the log), so the next
write starts the log over and `journal_size_limit` cuts the file back to `LIMIT`. A reader
that outlasts the wait is not waited for again before another `LIMIT` of log is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

LIMIT = 64 * 1024 * 1024  # bytes of log kept between checkpoints
WAIT_MS = 1000  # how long a checkpoint waits for readers; writers elsewhere wait on it


class WalBound:
    """The log of `schema` on `db` (the file at `path`), kept near `LIMIT` by its writer."""

    def __init__(self, db: sqlite3.Connection, schema: str, path: Path) -> None:
        self.db, self.schema, self.log = db, schema, Path(f"{path}-wal")
        self.next_try = LIMIT  # log size at which to checkpoint next
        db.execute(f"PRAGMA {schema}.journal_size_limit={LIMIT}")  # cut back on restart

    def after_commit(self) -> bool:
        """Checkpoint a log grown past the next threshold so that it starts over; whether
        it did. A reader that outlasts the wait (a long report, `store copy`) makes the
        next try wait for another `LIMIT` of log: one wait per 64 MB written, not one per
        commit, however long that reader stays."""
        try:
            size = self.log.stat().st_size
        except OSError:
            return False
        if size <= self.next_try:
            return False
        timeout = self.db.execute("PRAGMA busy_timeout").fetchone()[0]
        self.db.execute(f"PRAGMA busy_timeout={WAIT_MS}")
        try:
            busy, _, _ = self.db.execute(
                f"PRAGMA {self.schema}.wal_checkpoint(RESTART)").fetchone()
        finally:
            self.db.execute(f"PRAGMA busy_timeout={timeout}")
        self.next_try = size + LIMIT if busy else LIMIT
        return not busy
