"""Pick a store backend from its URL: `sqlite:///path` (default) or `http(s)://` (Elasticsearch).

A backend is a factory plus an entry in `BACKENDS`, keyed by URL scheme. The Elasticsearch
client is imported only when an `http(s)://` store is opened, so the embedded default never
pays for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from brandguard.errors import NotConfigured
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.models import Settings
    from brandguard.store.base import Store


def _sqlite(url: str, settings: Settings) -> Store:
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
    if not path:
        raise NotConfigured(f"store URL {url!r}: expected sqlite:///path/to/file.db")
    return SqliteStore(Path(path) if path != ":memory:" else ":memory:", settings.tz,
                       settings.analysis.near_duplicate_similarity)


def _elasticsearch(url: str, settings: Settings) -> Store:
    from brandguard.store.es.store import ElasticsearchStore

    return ElasticsearchStore(url, settings)


BACKENDS: dict[str, Callable[[str, Settings], Store]] = {
    "sqlite": _sqlite,
    "http": _elasticsearch,
    "https": _elasticsearch,
}


def open_store(url: str, settings: Settings) -> Store:
    scheme = urlsplit(url).scheme
    factory = BACKENDS.get(scheme)
    if factory is None:
        raise NotConfigured(f"store URL {url!r}: unknown scheme {scheme!r} "
                            f"(expected one of {sorted(BACKENDS)})")
    return factory(url, settings)
