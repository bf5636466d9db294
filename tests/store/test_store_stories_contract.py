"""Stories on every backend: grouped as batches are stored, counted once however often a
document comes again, listed for reports and the incident page, and copied whole."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.cli.store import copy_stories, group_stories
from brandguard.pipeline import Pipeline
from brandguard.stories.tracker import StoryTracker
from tests.conftest import make_doc

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pytest

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store

TZ = ZoneInfo("Asia/Shanghai")
SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ)
REPORT = ("市场监管总局发布食品安全监督抽检信息，八马茶业生产的一批次乌龙茶检出农药残留超标，抽检不"
          "合格。监管部门已责令企业召回问题产品，并立案调查。八马茶业回应称已下架全部同批次产品，"
          "并将配合调查，向消费者致歉。")


def documents(config: Config) -> list[Document]:
    def doc(url: str, source: str, when: str, text: str, title: str) -> Document:
        return make_doc(text, config=config, url=url, source=source, kind="news", title=title,
                        published_at=f"2026-11-{when}+08:00")
    return [
        doc("http://portal.example/1", "新闻门户", "20T09:00:00", REPORT, "八马茶业乌龙茶农残超标"),
        doc("http://tea.example/1", "茶产业网", "20T10:00:00", "转载：" + REPORT,
            "八马茶业乌龙茶农残超标（转载）"),
        doc("http://paper.example/1", "经济观察", "20T15:00:00",
            "八马茶业乌龙茶被检出农药残留超标后，当地监管部门连夜开展排查，问题批次产品已全部召回"
            "下架，抽检不合格的原因正在调查。", "八马茶业召回农残超标乌龙茶"),
        doc("http://bbs.example/9", "论坛", "24T09:00:00",
            "有网店销售假冒八马茶业产品，包装上的防伪码查不到，消费者正在维权。", "网店卖假冒八马茶"),
    ]


def ingest(store: Store, analyzer: Analyzer, config: Config) -> None:
    tracker = StoryTracker(store, config.settings.stories, config.settings.tz)
    Pipeline(analyzer, store, config.settings, stories=tracker).ingest_documents(
        documents(config))


def test_coverage_by_three_outlets_is_one_story_with_its_repost(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    ingest(store, analyzer, config)
    stories = store.list_stories(["bama"], SINCE, UNTIL)
    assert [s.documents for s in stories] == [3, 1]
    story = stories[0]
    assert story.reposts == 1
    assert story.sources == {"新闻门户": 1, "茶产业网": 1, "经济观察": 1}
    assert story.first.source == "新闻门户"
    assert story.first.url == "http://portal.example/1"
    assert story.timeline == {"2026-11-20": 3}
    assert story.peak == ("2026-11-20", 3)
    assert "quality_safety" in story.categories
    assert store.get_story(story.id) == story
    assert store.list_stories(["bama"], SINCE, UNTIL, min_documents=2) == [story]
    assert store.list_stories(["yixing"], SINCE, UNTIL) == []


def test_a_document_ingested_again_is_not_counted_again(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    ingest(store, analyzer, config)
    before = store.list_stories(["bama"], SINCE, UNTIL)
    ingest(store, analyzer, config)
    assert store.list_stories(["bama"], SINCE, UNTIL) == before


def test_members_and_candidates_are_read_back(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    ingest(store, analyzer, config)
    ids = [d.id for d in documents(config)]
    members = store.story_members([("bama", i) for i in ids] + [("yixing", ids[0])])
    assert set(members) == {("bama", i) for i in ids}
    assert members[("bama", ids[0])] == members[("bama", ids[2])] != members[("bama", ids[3])]
    near = store.story_candidates(["bama"], datetime(2026, 11, 23, tzinfo=TZ),
                                  datetime(2026, 11, 25, tzinfo=TZ))
    assert [s.documents for s in near] == [1]  # the 20th's story ended before the 23rd


def test_stories_are_copied_with_their_members(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    source, target = make_store(), make_store()
    ingest(source, analyzer, config)
    assert copy_stories(source, target) == len(list(source.scan_stories()))
    assert target.list_stories(["bama"], SINCE, UNTIL) == source.list_stories(
        ["bama"], SINCE, UNTIL)
    ids = [("bama", d.id) for d in documents(config)]
    assert target.story_members(ids) == source.story_members(ids)


class Judged:
    """A batch hook that records what reached judgement."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None:
        self.seen += [doc.id for doc, _ in items]


def test_a_failed_story_write_is_logged_and_judging_goes_on(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Fault injection: a cluster refusing the story write cannot be provoked on demand from a
    # healthy node, so the real store's save_stories is made to raise once.
    store, judged = make_store(), Judged()
    tracker = StoryTracker(store, config.settings.stories, config.settings.tz)
    pipeline = Pipeline(analyzer, store, config.settings, hooks=[judged], stories=tracker)
    with monkeypatch.context() as patch:
        patch.setattr(store, "save_stories", refuse)
        report = pipeline.ingest_documents(documents(config))
    ids = [d.id for d in documents(config)]
    assert report.accepted == len(ids)
    assert report.ungrouped == len(ids)
    assert judged.seen == ids  # judged although grouping failed
    assert "story grouping failed for 4 stored document(s)" in caplog.text
    assert store.list_stories(["bama"], SINCE, UNTIL) == []
    again = pipeline.ingest_documents(documents(config))  # grouped when they come again
    assert again.ungrouped == 0
    assert [s.documents for s in store.list_stories(["bama"], SINCE, UNTIL)] == [3, 1]


def refuse(*_: object) -> None:
    raise RuntimeError("story index refused the write")


def test_documents_stored_before_stories_are_grouped_by_store_group_stories(
        make_store: Callable[[], Store], analyzer: Analyzer, config: Config) -> None:
    grouped, old = make_store(), make_store()
    ingest(grouped, analyzer, config)
    Pipeline(analyzer, old, config.settings).ingest_documents(documents(config))  # no stories
    assert old.list_stories(["bama"], SINCE, UNTIL) == []
    tracker = StoryTracker(old, config.settings.stories, config.settings.tz)
    assert group_stories(old, tracker) == (4, 2)
    assert old.list_stories(["bama"], SINCE, UNTIL) == grouped.list_stories(
        ["bama"], SINCE, UNTIL)
    assert group_stories(old, tracker) == (4, 0)  # members are skipped: nothing twice
