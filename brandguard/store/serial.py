"""One writer for a store shared by threads: every call holds one lock.

`brandguard run` collects from several sources at once (a 20-minute search crawl must not
delay a 10-minute feed poll), but the embedded store is one SQLite connection, and a
transaction is per connection, not per thread: two threads' statements would land in each
other's transactions. So the scheduler wraps its store in `SerialStore`: fetching, parsing and
analysing run concurrently in the collection threads, and each store call — and each stored
batch with its judging, which the pipeline runs under the same re-entrant lock — runs alone.
Elasticsearch needs no such care, but one rule for both backends keeps their behaviour alike.
"""

from __future__ import annotations

import functools
import threading
from typing import Any


class SerialStore:
    def __init__(self, inner: object, lock: threading.RLock | None = None) -> None:
        self._inner = inner
        self.lock = lock or threading.RLock()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        @functools.wraps(value)
        def serialised(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                return value(*args, **kwargs)

        return serialised
