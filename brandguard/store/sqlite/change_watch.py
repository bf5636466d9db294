"""Whether a store file changed: one idle connection per file, shared by all its handles.

`PRAGMA data_version` tells a connection whether *another* connection committed since it
last asked, but its values mean nothing across connections. The web server's figure cache
is shared by its threads, each with its own handle, so the mark must come from one place:
a connection that only ever asks this pragma, so that every commit (a serving thread's, the
ingest process's) is another connection's and moves it. It holds no read transaction, so it
never stands in the way of a checkpoint.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from typing import TYPE_CHECKING

from brandguard.store.sqlite.text_index import file_uri

if TYPE_CHECKING:
    from pathlib import Path


class ChangeWatch:
    """The mark of one store file: it differs after any commit to it, from any process."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(file_uri(path, read_only=True), uri=True,
                                   isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()  # one statement at a time on the shared connection

    def mark(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])


_watches: weakref.WeakValueDictionary[Path, ChangeWatch] = weakref.WeakValueDictionary()
_lock = threading.Lock()


def watch(path: Path) -> ChangeWatch:
    """The file's watch, shared while any handle holds it (then closed with the last)."""
    key = path.resolve()
    with _lock:
        found = _watches.get(key)
        if found is None:
            found = _watches[key] = ChangeWatch(key)
        return found
