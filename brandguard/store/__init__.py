"""Index: one store interface, two backends (SQLite by default, Elasticsearch to scale out)."""

from brandguard.store.base import (
    CountRow,
    DamageCountRow,
    SearchQuery,
    SearchResult,
    Store,
    StoredDocument,
    UpsertResult,
)
from brandguard.store.registry import open_store

__all__ = ["CountRow", "DamageCountRow", "SearchQuery", "SearchResult", "Store",
           "StoredDocument", "UpsertResult", "open_store"]
