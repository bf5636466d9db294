"""Story grouping (brandguard.stories.grouping): which document joins which story."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from brandguard.configuration.models import StorySettings
from brandguard.stories.grouping import StoryBook
from brandguard.stories.items import StoryItem

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
RULE = StorySettings(window=timedelta(days=3), similarity=0.3, min_shared=2)
PESTICIDE = ["农药残留", "超标", "抽检", "召回", "绿茶", "批次"]
COUNTERFEIT = ["假冒", "防伪", "网店", "维权", "授权", "包装"]


def item(doc: str, words: list[str], hours: float = 0, *, brand: str = "xiyuan",
         source: str = "新闻门户", repost_of: str | None = None) -> StoryItem:
    terms = {w: 1 / (1 + i) ** 0.5 for i, w in enumerate(words)}
    return StoryItem(doc, brand, T0 + timedelta(hours=hours), source, f"标题{doc}", terms,
                     url=f"http://news.example/{doc}", repost_of=repost_of)


def test_two_outlets_in_their_own_words_make_one_story() -> None:
    book = StoryBook(RULE, TZ)
    first = book.place(item("a", PESTICIDE, source="新闻门户"))
    second = book.place(item("b", ["超标", "农药残留", "下架", "茶企", "召回"], 2,
                             source="经济观察"))
    story = book.stories[first]
    assert second == first
    assert story.documents == 2
    assert story.reposts == 0
    assert story.sources == {"新闻门户": 1, "经济观察": 1}
    assert story.first.id == "a"
    assert [a.id for a in story.articles] == ["a", "b"]


def test_another_event_of_the_same_brand_is_another_story() -> None:
    book = StoryBook(RULE, TZ)
    assert book.place(item("a", PESTICIDE)) != book.place(item("b", COUNTERFEIT, 1))


def test_one_shared_word_is_not_enough() -> None:
    book = StoryBook(RULE, TZ)
    a = book.place(item("a", ["超标", "甲醛", "家具"]))
    assert book.place(item("b", ["超标", "噪音", "工地"], 1)) != a


def test_the_same_terms_outside_the_window_start_a_new_story() -> None:
    book = StoryBook(RULE, TZ)
    a = book.place(item("a", PESTICIDE))
    assert book.place(item("b", PESTICIDE, 24 * 3 - 1)) == a  # within 3 days of the last
    assert book.place(item("c", PESTICIDE, 24 * 7)) != a


def test_stories_are_per_brand() -> None:
    book = StoryBook(RULE, TZ)
    assert book.place(item("a", PESTICIDE)) != book.place(item("a", PESTICIDE, brand="bama"))


def test_a_repost_joins_its_original_and_leaves_the_centroid_alone() -> None:
    book = StoryBook(RULE, TZ)
    a = book.place(item("a", PESTICIDE))
    before = dict(book.stories[a].terms)
    # a repost whose extracted words differ (a shorter excerpt) still joins, as a repost
    assert book.place(item("b", ["转载", "来源"], 1, source="茶产业网", repost_of="a")) == a
    story = book.stories[a]
    assert story.reposts == 1
    assert story.documents == 2
    assert story.terms == before


def test_a_member_placed_again_is_not_counted_twice() -> None:
    book = StoryBook(RULE, TZ)
    a = book.place(item("a", PESTICIDE))
    assert book.place(item("a", PESTICIDE)) == a
    assert book.stories[a].documents == 1
    assert len(book.joined) == 1


def test_a_late_arriving_earlier_article_becomes_the_first_report() -> None:
    book = StoryBook(RULE, TZ)
    a = book.place(item("a", PESTICIDE, 5, source="经济观察"))
    book.place(item("b", PESTICIDE, 0, source="新闻门户"))
    story = book.stories[a]
    assert story.first.id == "b"
    assert story.first_at == T0
    assert [x.source for x in story.articles] == ["新闻门户", "经济观察"]


def test_timeline_days_are_local_and_the_peak_is_the_busiest() -> None:
    book = StoryBook(RULE, TZ)
    # 23:30 and 00:30 Beijing time are two local days, whatever UTC says
    a = book.place(item("a", PESTICIDE, 14.5))
    for n, hours in enumerate((15.5, 16, 17)):
        book.place(item(f"b{n}", PESTICIDE, hours, source=f"s{n}"))
    story = book.stories[a]
    assert story.timeline == {"2026-11-20": 1, "2026-11-21": 3}
    assert story.peak == ("2026-11-21", 3)


WORDS = st.lists(st.sampled_from(PESTICIDE + COUNTERFEIT + ["茶园", "春茶"]), min_size=1,
                 max_size=6, unique=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(WORDS, st.floats(0, 200), st.sampled_from(["甲", "乙", "丙"]),
                          st.booleans()), min_size=1, max_size=25))
def test_every_document_is_counted_once_in_exactly_one_story(
        docs: list[tuple[list[str], float, str, bool]]) -> None:
    book = StoryBook(RULE, TZ)
    placed = {}
    for n, (words, hours, source, repost) in enumerate(docs):
        placed[f"d{n}"] = book.place(item(f"d{n}", words, hours, source=source,
                                          repost_of="d0" if repost and n else None))
    stories = book.stories.values()
    assert sum(s.documents for s in stories) == len(docs)
    for story in stories:
        members = [d for d, s in placed.items() if s == story.id]
        assert story.documents == len(members) == sum(story.sources.values())
        assert sum(story.timeline.values()) == story.documents
        assert story.first_at <= story.last_at
        assert story.first.published == story.first_at
        assert len({a.source for a in story.articles}) == len(story.articles)
