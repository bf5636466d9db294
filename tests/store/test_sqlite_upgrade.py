"""A store written before schema 7 opens with its mentions' sources filled in once, so the
reports' distinct-source counts are right on old data too."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from brandguard.store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.conftest import make_doc
from tests.reports.story import TZ

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer


def test_sources_are_copied_onto_mentions_of_an_older_store(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    path = tmp_path / "old.db"
    store = SqliteStore(path, TZ)
    for n, source in enumerate(["a.example", "b.example", "a.example"]):
        doc = make_doc(f"八马茶业第{n}条新闻，茶叶品质优良，销量稳定增长。" * 3, config=config,
                       url=f"http://{source}/{n}", source=source,
                       published_at=f"2026-11-0{n + 1}T10:00:00")
        store.upsert([(doc, analyzer.analyze(doc))])
    store.close()
    db = sqlite3.connect(path)  # make it what schema 6 wrote: mentions without a source
    db.executescript("ALTER TABLE mentions DROP COLUMN source; PRAGMA user_version=6;")
    db.close()
    reopened = SqliteStore(path, TZ)
    november = (datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ))
    assert reopened.source_count(["bama"], *november) == 2
    version = reopened.db.execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION
    assert reopened.db.execute("SELECT count(*) FROM mentions WHERE source IS NULL"
                               ).fetchone()[0] == 0
