"""Pick a store backend from its URL: `sqlite:///path` (default) or `http(s)://` (Elasticsearch).

A backend is a `Store` subclass with an `open(url, settings)` classmethod plus one entry point
per URL scheme in the group `brandguard.stores` (pyproject.toml), so another distribution can
add one. A backend's module is imported only when a store of its scheme is opened, so the
embedded default never pays for the Elasticsearch client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from brandguard.configuration.plugins import STORES, load, names
from brandguard.errors import NotConfigured

if TYPE_CHECKING:
    from brandguard.configuration.models import Settings
    from brandguard.store.base import Store


def open_store(url: str, settings: Settings) -> Store:
    scheme = urlsplit(url).scheme
    if scheme not in names(STORES):
        raise NotConfigured(f"store URL {url!r}: unknown scheme {scheme!r} "
                            f"(expected one of {names(STORES)})")
    return cast("Store", load(STORES, scheme).open(url, settings))
