"""The hand-counted story (tests/reports/story.py) in a real SQLite store, as report JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pytest

from brandguard.reports.figures import ReportBuilder
from brandguard.reports.period import last_full
from brandguard.store.sqlite import SqliteStore
from tests.reports.story import REGIONAL, TZ, fill, story_config

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

GENERATED = datetime(2026, 12, 1, 8, 0, tzinfo=TZ)
HOSTILE_TITLE = ('<script>window.__x=1</script>[登录](javascript:alert(1)) ![x](http://t.example/p.png)'
                 ' **假冒** | 单元格 |\x0b\x00')


@pytest.fixture
def story(tmp_path: Path, analyzer: Analyzer) -> tuple[Config, SqliteStore]:
    config = story_config(tmp_path)
    store = SqliteStore(tmp_path / "story.db", TZ)
    fill(store, analyzer, config)
    return config, store


@pytest.fixture
def month(story: tuple[Config, SqliteStore]) -> dict[str, Any]:
    config, store = story
    brand = config.brand(REGIONAL)
    assert brand is not None
    return ReportBuilder(store, config).build(brand, last_full("month", date(2026, 12, 1)))


@pytest.fixture
def hostile(month: dict[str, Any]) -> dict[str, Any]:
    """The month's report with crawled fields replaced by markup and a script URL."""
    top = month["top_negative"][0] | {"title": HOSTILE_TITLE, "url": "javascript:alert(1)",
                                      "source": "<b>源</b>"}
    first = month["incidents"][0]["first_source"] | {"title": HOSTILE_TITLE,
                                                     "url": "https://ok.example/a)(b"}
    incident = month["incidents"][0] | {"first_source": first}
    return month | {"top_negative": [top], "incidents": [incident],
                    "keywords": [{"word": "<i>词</i>", "count": 3}],
                    "sources": [{"source": "](http://evil.example)", "documents": 1}],
                    "top_authors": {"authors": [KOL], "scanned": 4, "total": 9}}


KOL = {"author": "<script>alert(3)</script>茶界观察", "source": "**微博**", "posts": 2,
       "negative": 1, "followers": 1_200_000, "reach": 1_226_650,
       "example": {"id": "x", "title": "[点我](javascript:alert(4))", "url": "javascript:alert(5)",
                   "engaged": 26_400}}
