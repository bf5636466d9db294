"""The embedded default store: a SQLite file (WAL), and its FTS5 index in a second file.

Tables: `documents` (the document and its analysis as JSON, plus the columns queries filter
on), `mentions` (one row per brand mentioned, keyed for brand + time queries), `damage`
(trust-damage categories), `stories` and `story_members` (brandguard.story), `fts_queue`,
the terms waiting for `fts`, a contentless FTS5 index over bigram terms
(`brandguard.store.fts`) in the file `<store>-fts` (`text_index`), and `dedup`, the MinHash
band keys of each text (nlp/fingerprint.py): finding the first copy of a repost is sixteen
index probes within a time window, confirmed
by `brandguard.neardup.first_copy`, never a scan.

One module per concern (documents, figures, incidents, deliveries, records), each a mixin
over the shared connection; `SqliteStore` puts them together as the one object whose
transactions can span them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from brandguard.errors import NotConfigured
from brandguard.store.base import Store
from brandguard.store.sqlite.deliveries import DeliveriesMixin
from brandguard.store.sqlite.documents import DocumentsMixin
from brandguard.store.sqlite.figures import FiguresMixin
from brandguard.store.sqlite.incidents import IncidentsMixin
from brandguard.store.sqlite.records import RecordsMixin
from brandguard.store.sqlite.schema import SCHEMA_VERSION
from brandguard.store.sqlite.stories import StoriesMixin

if TYPE_CHECKING:
    from brandguard.configuration.models import Settings

__all__ = ["SCHEMA_VERSION", "SqliteStore"]


class SqliteStore(DocumentsMixin, FiguresMixin, IncidentsMixin, DeliveriesMixin, RecordsMixin,
                  StoriesMixin, Store):
    """Every port of `brandguard.store.ports` over one SQLite file."""

    @classmethod
    def open(cls, url: str, settings: Settings) -> SqliteStore:
        """`sqlite:///path/to/file.db` (or `sqlite:///:memory:`)."""
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not path:
            raise NotConfigured(f"store URL {url!r}: expected sqlite:///path/to/file.db")
        return cls(Path(path) if path != ":memory:" else ":memory:", settings.tz,
                   settings.analysis.near_duplicate_similarity)
