"""Pull title, main text and publication time out of an article page.

Configured selectors win (CSS, or XPath when prefixed `xpath:`); whatever they leave unset
is found automatically: the main text and title by `brandguard.crawlers.main_text` (known layouts,
then trafilatura with fallbacks; boilerplate such as navigation, footers and "related"
blocks removed), the time from the page's own `article:published_time`-style metadata, the
first `2026-11-20 12:10`-style stamp in the page, or a time only its scripts hold (WeChat's
`var ct`), the first of them with an hour; else the day, from them or htmldate. The hour
matters: the risk engine counts reports per hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import htmldate

from brandguard.crawlers.feeds import html_to_text
from brandguard.crawlers.main_text import find_main_text

if TYPE_CHECKING:
    from parsel import Selector, SelectorList

    from brandguard.configuration.sources import Selectors

_STAMP = re.compile(
    r"(20\d\d)\s*[-/.年\s]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*"
    r"(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?")
_EPOCH = re.compile(r"""\bvar\s+ct\s*=\s*["'](\d{9,10})["']""")
_SCRIPT_TIME = re.compile(r"""["']?(?:pubtime|pubTime|publish_time|publishTime|pubDate|"""
                          r"""datePublished)["']?\s*[:=]\s*["']([^"']{8,40})["']""")
_CHINA = timezone(timedelta(hours=8))  # WeChat's epoch shown as the local time it means
_META_TIME = ("article:published_time", "og:published_time", "pubdate", "publishdate",
              "publish_date", "datePublished", "date")


_CREDIT = re.compile(r"(?:来源|来自|稿源|出处)\s*[:：]\s*([^\s|<>()（）]{1,30})")


@dataclass(frozen=True)
class Article:
    title: str
    text: str
    published_at: str | None
    source: str | None = None


def select(node: Selector, query: str) -> SelectorList[Selector]:
    return node.xpath(query[6:]) if query.startswith("xpath:") else node.css(query)


def select_text(node: Selector, query: str | None) -> str:
    """The text of every match, markup removed (a selector may pick elements or ::text)."""
    if not query:
        return ""
    parts = [html_to_text(value) for value in select(node, query).getall()]
    return "\n".join(p for p in parts if p)


def stamp_to_iso(value: str) -> str | None:
    """`2026-11-20 12:10`, `2026年11月20日 12:10`, ISO 8601 … → ISO 8601 (naive = local)."""
    match = _STAMP.search(value)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else None for g in match.groups())
    try:
        when = datetime(year or 0, month or 0, day or 0, hour or 0, minute or 0, second or 0)
    except ValueError:
        return None  # 2月30日 and the like: not a date
    if hour is None:
        return when.date().isoformat()
    offset = re.search(r"[+-]\d\d:?\d\d$|Z$", value.strip())
    return when.isoformat() + (offset.group(0) if offset else "")


def _meta_time(page: Selector) -> str | None:
    for name in _META_TIME:
        for query in (f'meta[property="{name}"]::attr(content)', f'meta[name="{name}"]'
                      "::attr(content)", f'meta[itemprop="{name}"]::attr(content)'):
            value = page.css(query).get()
            if value and (found := stamp_to_iso(value)):
                return found
    return None


def visible_text(page: Selector, nodes: int = 400) -> list[str]:
    """The first text nodes a reader sees (no script or style): where stamps and credits are."""
    return page.css("body *:not(script):not(style)::text").getall()[:nodes]


def find_time(page: Selector, html: str, query: str | None = None,
              visible: list[str] | None = None) -> str | None:
    if query:
        return stamp_to_iso(select_text(page, query) or " ".join(select(page, query).getall()))
    meta = _meta_time(page)
    seen = stamp_to_iso(" ".join(visible if visible is not None else visible_text(page)))
    day = meta or seen
    for candidate in (meta, seen, script_time(html)):
        # the first with an hour wins, if it agrees on the day: a day-only meta tag or
        # a "2026年11月21日" signature must not hide the hour another source gives
        if candidate and "T" in candidate and (day is None or candidate[:10] == day[:10]):
            return candidate
    if day:
        return day
    found = htmldate.find_date(html, extensive_search=False, original_date=True)
    return str(found) if found else None


def script_time(html: str) -> str | None:
    """A time that only scripts hold: WeChat's `var ct = "<epoch>"`, or a `pubtime`-style
    field in a page's data object (Tencent, Toutiao)."""
    epoch = _EPOCH.search(html)
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch.group(1)), _CHINA).isoformat()
        except (OverflowError, OSError, ValueError):
            pass
    field = _SCRIPT_TIME.search(html)
    return stamp_to_iso(field.group(1)) if field else None


def find_credit(page: Selector, query: str | None = None,
                visible: list[str] | None = None) -> str | None:
    """The publisher a portal credits (来源：云岭日报): a repost counts for its origin too."""
    if query:
        return select_text(page, query) or None
    head = (visible if visible is not None else visible_text(page))[:200]
    match = _CREDIT.search(" ".join(head))
    return match.group(1) if match else None


_INFO_LABEL = re.compile(r"(?:发布时间|发布日期|时间|日期|来源|来自|稿源|出处|作者|编辑|责任编辑|"
                         r"浏览|阅读)\s*[:：]")
_SENTENCE = re.compile(r"[，。！？；,!?;]")


def is_info_line(line: str) -> bool:
    """A line holding only the article's time stamp, with at most its credit or author
    beside it (2026年11月15日 08:30 / 2026-11-20 09:58 来源：茶产业网): page furniture that
    main-text extraction carries into the body, not text a reader needs twice."""
    stripped = line.strip()
    if len(stripped) > 60 or _SENTENCE.search(stripped) or not _STAMP.search(stripped):
        return False
    rest = _INFO_LABEL.sub(" ", _STAMP.sub(" ", stripped))
    names = [part for part in re.split(r"[\s|｜/]+", rest) if part]
    return sum(len(part) for part in names) <= 20 and len(names) <= 3


def without_info_lines(text: str) -> str:
    """The body without its leading or trailing time-stamp lines (never lines inside it)."""
    lines = text.split("\n")
    while lines and is_info_line(lines[0]):
        lines.pop(0)
    while lines and is_info_line(lines[-1]):
        lines.pop()
    return "\n".join(lines) if lines else text


def article(page: Selector, html: str, selectors: Selectors) -> Article:
    title = select_text(page, selectors.title)
    text = select_text(page, selectors.text)
    if not text or not title:
        auto = find_main_text(page, html)
        text = text or without_info_lines(auto.text)
        title = title or auto.title
    if not title:
        title = html_to_text(page.css("title::text").get() or "")
    visible = visible_text(page)  # walked once for both the time and the credit
    return Article(title.strip(), text.strip(), find_time(page, html, selectors.time, visible),
                   find_credit(page, selectors.source, visible))
