"""SQLite keeps the stories a handle wrote as written (its next batch reads no body back),
its candidate and member lookups stay index probes as the store grows, and a schema-8 store
gains story versions (reading them again across handles: test_store_story_cache_contract)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from brandguard.store.sqlite import SCHEMA_VERSION, SqliteStore
from brandguard.story import StoryMember
from tests.store.story_fixtures import AT, TZ, one_story

if TYPE_CHECKING:
    from pathlib import Path


def test_what_this_handle_wrote_is_its_candidate_without_reading_it_back(
        tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db", TZ) as store:
        saved = one_story()
        store.save_stories([saved], [])
        assert store.story_candidates(["bama"], AT, AT)[0] is saved
        joined = replace(saved, documents=2)
        store.save_stories([joined], [])
        assert store.story_candidates(["bama"], AT, AT)[0] is joined


def _plan(store: SqliteStore, sql: str, *args: object) -> str:
    return " | ".join(row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", args))


def test_candidates_come_from_one_index_and_members_from_primary_key_probes(
        tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db", TZ) as store:
        traced: list[str] = []
        store.db.set_trace_callback(traced.append)
        store.story_members([("bama", "d1"), ("bama", "d2")])
        store.story_candidates(["bama", "xiyuan"], AT, AT)
        store.db.set_trace_callback(None)
        members, candidates = (next(t for t in traced if t.startswith("SELECT") and word in t)
                               for word in ("story_members", "FROM stories"))
        assert "SEARCH m USING PRIMARY KEY" in _plan(store, members)
        assert "COVERING INDEX stories_window" in _plan(store, candidates)


def test_a_schema_8_store_gains_story_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SqliteStore(path, TZ) as store:
        store.save_stories([one_story()], [StoryMember("bama", "d1", "s1")])
    db = sqlite3.connect(path)  # make it what schema 8 wrote: no version, the old index
    db.executescript("DROP INDEX stories_window; ALTER TABLE stories DROP COLUMN version;"
                     " CREATE INDEX stories_brand ON stories(brand, last_at);"
                     " PRAGMA user_version=8;")
    db.close()
    with SqliteStore(path, TZ) as reopened:
        assert reopened.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [s.id for s in reopened.story_candidates(["bama"], AT, AT)] == ["s1"]
        indexes = {r[1] for r in reopened.db.execute("PRAGMA index_list(stories)")}
        assert "stories_window" in indexes
        assert "stories_brand" not in indexes
        later = replace(one_story(), documents=2, last_at=AT + timedelta(hours=1))
        reopened.save_stories([later], [])
    with SqliteStore(path, TZ) as other:
        assert other.story_candidates(["bama"], AT, AT)[0].documents == 2
