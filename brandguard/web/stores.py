"""One store handle per worker thread.

The web server answers requests on a thread pool. A SQLite connection must not run two
statements at once, so each thread opens its own (WAL lets readers proceed alongside the
worker's writes); backends that are thread-safe anyway simply get one handle per thread too.
The pool also keeps the `FigureCache` its threads share: the dashboard's repeated aggregates.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from brandguard.store.figure_cache import FigureCache
from brandguard.store.registry import open_store

if TYPE_CHECKING:
    from brandguard.configuration.models import Settings
    from brandguard.store.base import Store


class StorePool:
    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self.settings = settings
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Store] = []
        self.figures = FigureCache(settings.figure_cache)  # shared by the threads

    @property
    def local(self) -> bool:
        """An embedded store (SQLite): its queries are the process's own CPU, not a wait."""
        return urlsplit(self.url).scheme == "sqlite"

    def get(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.url, self.settings)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
