"""SQLite parses a stored story once per version of its body: a story another process
changed is read again, never served stale from the cache."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.store.sqlite import SqliteStore
from brandguard.story import Story, StoryArticle

if TYPE_CHECKING:
    from pathlib import Path

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 9, tzinfo=TZ)


def _story() -> Story:
    return Story("s1", "bama", AT, AT, (StoryArticle("d1", AT, "news.example", "八马茶业抽检",
                                                      None, "news"),), terms={"抽检": 1.0})


def test_a_story_changed_by_another_handle_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SqliteStore(path, TZ) as reader, SqliteStore(path, TZ) as writer:
        writer.save_stories([_story()], [])
        first = reader.story_candidates(["bama"], AT, AT)
        assert reader.story_candidates(["bama"], AT, AT)[0] is first[0]  # parsed once
        writer.save_stories([replace(_story(), documents=2, terms={"抽检": 1.0, "召回": 0.7})],
                            [])
        again = reader.story_candidates(["bama"], AT, AT)
    assert [(s.documents, s.terms) for s in again] == [(2, {"抽检": 1.0, "召回": 0.7})]
