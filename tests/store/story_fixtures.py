"""One stored story record, for the story-cache tests of both backends."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from brandguard.story import Story, StoryArticle

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 9, tzinfo=TZ)


def one_story() -> Story:
    """Story s1 of brand bama: one article at AT, one centroid term."""
    return Story("s1", "bama", AT, AT, (StoryArticle("d1", AT, "news.example", "八马茶业抽检",
                                                      None, "news"),), terms={"抽检": 1.0})
