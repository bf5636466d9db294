"""The SQLite store's schema and the encodings its columns use (epoch seconds, signed
64-bit simhashes). `SCHEMA_VERSION` is kept in `PRAGMA user_version`; see `connection` for
the upgrades.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.neardup import REPOST_WINDOW as NEAR_DUP_WINDOW
from brandguard.store.sqlite.text_index import QUEUE

if TYPE_CHECKING:

    from datetime import datetime

    from brandguard.document import Polarity


SCHEMA_VERSION = 10  # 6: substring-exact FTS terms (brandguard.store.fts); 7: evaluation log,
# and each mention carries its document's source (a group's distinct sources from one index);
# 8: stories (brandguard.story) and their members; 9: each story row carries the version it
# was written at (cursor `stories`), in an index that answers the candidate lookup alone;
# 10: the full-text index in a file of its own, filled from `fts_queue` (text_index.py)
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  published_at INTEGER NOT NULL,
  ingested_at INTEGER NOT NULL,
  source TEXT, kind TEXT,
  polarity TEXT NOT NULL, sentiment REAL NOT NULL,
  simhash INTEGER NOT NULL, minhash BLOB NOT NULL,
  duplicate_of TEXT,
  content_hash TEXT NOT NULL,
  doc TEXT NOT NULL, analysis TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_time ON documents(published_at);
CREATE INDEX IF NOT EXISTS documents_facets ON documents(source, kind);
CREATE TABLE IF NOT EXISTS mentions (
  brand TEXT NOT NULL, published_at INTEGER NOT NULL, doc INTEGER NOT NULL,
  polarity TEXT NOT NULL, duplicate INTEGER NOT NULL, source TEXT,
  PRIMARY KEY (brand, published_at, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc);
CREATE TABLE IF NOT EXISTS dedup (
  key INTEGER NOT NULL, published_at INTEGER NOT NULL, doc INTEGER NOT NULL,
  PRIMARY KEY (key, published_at, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_doc ON dedup(doc);
CREATE TABLE IF NOT EXISTS damage (
  doc INTEGER NOT NULL, category TEXT NOT NULL, score REAL NOT NULL,
  PRIMARY KEY (doc, category)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS incidents (
  id TEXT PRIMARY KEY, brand TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
  opened_at INTEGER NOT NULL, last_evidence_at INTEGER NOT NULL, version INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_one_open ON incidents(brand, category)
  WHERE status != 'resolved';
CREATE INDEX IF NOT EXISTS incidents_brand ON incidents(brand, opened_at);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  incident TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  event_seq INTEGER NOT NULL, channel TEXT NOT NULL, event_key TEXT NOT NULL,
  event_type TEXT NOT NULL, incident TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  last_error TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (event_seq, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_sent ON deliveries(channel, incident, event_type, status);
CREATE TABLE IF NOT EXISTS sources (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, organization TEXT NOT NULL,
  expires_at INTEGER, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluation_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, organization TEXT NOT NULL, brand TEXT NOT NULL,
  year INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluation_brand ON evaluation_log(brand, year);
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, organization TEXT NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
  id TEXT PRIMARY KEY, brand TEXT NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
  documents INTEGER NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS stories_window ON stories(brand, last_at, first_at, version, id);
CREATE TABLE IF NOT EXISTS story_members (
  brand TEXT NOT NULL, doc TEXT NOT NULL, story TEXT NOT NULL,
  PRIMARY KEY (brand, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story);
""" + QUEUE


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


POLARITY_ORDER: tuple[Polarity, ...] = ("positive", "neutral", "negative")
REPOST_WINDOW = int(NEAR_DUP_WINDOW.total_seconds())


