"""Find an article's title and main text when no selector says where they are.

One extractor is not enough for Chinese sites, so each step runs only when the one before
found nothing usable:
1. layouts a general extractor cannot know: a WeChat article (`#js_content`, hidden by CSS
   until scripts run, beside a QR-code box that reads "微信扫一扫 关注该公众号") and a
   Discuz! forum thread (posts are layout-table cells; the first post is the thread);
2. trafilatura favouring precision. Government CMS pages (TRS, the common one) lay the whole
   page out in tables, which trafilatura renders cell by cell — navigation included — so on a
   page whose text sits mostly inside layout tables it first runs with tables off;
3. the same with tables the other way round, then trafilatura favouring recall;
4. a density pass (readability's scoring, as trafilatura ships it: the block with the most
   text and fewest links).
Page-wide boilerplate (footers, copyright blocks) is pruned before trafilatura looks. A
`<title>` used as the title loses its site suffix ("…_通知公告_云岭县人民政府") when a
segment of it is a visible heading.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import trafilatura
from trafilatura.readability_lxml import Document as Readability
from trafilatura.utils import load_html

from brandguard.crawlers.feeds import html_to_text

if TYPE_CHECKING:
    from parsel import Selector

log = logging.getLogger(__name__)
MIN_TEXT = 30  # characters: less is a caption or a share box, not an article
LAYOUT_SHARE = 0.6  # of the body's text inside outermost tables: a table-laid-out page
_PRUNE = ("//*[contains(@class,'footer') or contains(@id,'footer') or @class='foot'"
          " or @id='foot' or contains(@class,'copyright') or contains(@id,'copyright')]")
_VISIBLE = "body *:not(script):not(style)::text"
_TITLE_SEPARATORS = re.compile(r"\s*[_|｜]\s*|\s+[-–—]\s+")
_BLOCK = "self::p or self::section or self::h2 or self::h3 or self::h4 or self::li"
_LEAF_BLOCKS = f".//*[{_BLOCK}][not(.//*[{_BLOCK}])]"


@dataclass(frozen=True)
class MainText:
    title: str
    text: str
    method: str  # which step found it: wechat, discuz, precision, recall, density, none


def find_main_text(page: Selector, html: str) -> MainText:
    """Title and main text by the steps in the module docstring."""
    known = _known_layout(page)
    if known is not None:
        return known
    visible = [html_to_text(t) for t in page.css(_VISIBLE).getall()]  # walked once
    title = ""
    for attempt in _attempts(page, visible):
        found = _trafilatura(html, attempt)
        title = title or found[0]
        if len(found[1]) >= MIN_TEXT:
            return MainText(_clean_title(title, visible), found[1], attempt.method)
    dense = _density(html)
    method = "density" if len(dense) >= MIN_TEXT else "none"
    return MainText(_clean_title(title, visible), dense if method == "density" else "", method)


@dataclass(frozen=True)
class _Attempt:
    method: str
    precision: bool
    tables: bool


def _attempts(page: Selector, visible: list[str]) -> list[_Attempt]:
    tables_first = not _laid_out_in_tables(page, visible)
    return [_Attempt("precision", True, tables_first),
            _Attempt("precision", True, not tables_first), _Attempt("recall", False, True)]


def _trafilatura(html: str, attempt: _Attempt) -> tuple[str, str]:
    try:
        found = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, prune_xpath=_PRUNE,
            favor_precision=attempt.precision, favor_recall=not attempt.precision,
            include_tables=attempt.tables)
    except Exception:  # a page must never stop a crawl; the next step may still find it
        log.debug("trafilatura failed on a page", exc_info=True)
        return "", ""
    if found is None:
        return "", ""
    return (getattr(found, "title", None) or "").strip(), (getattr(found, "text", None)
                                                           or "").strip()


def _laid_out_in_tables(page: Selector, visible: list[str]) -> bool:
    body = sum(len(t) for t in visible)
    tables = page.xpath("//body//table[not(ancestor::table)]")
    inside = sum(len(html_to_text(t)) for table in tables
                 for t in table.css("*:not(script):not(style)::text").getall())
    return body > 0 and inside / body >= LAYOUT_SHARE


def _density(html: str) -> str:
    """readability's scoring (the port trafilatura ships and maintains as its own fallback:
    the separate readability-lxml package's `lxml[html_clean]` extra trips pip 23's
    resolver beside trafilatura's)."""
    tree = load_html(html)
    if tree is None:
        return ""
    try:
        summary = Readability(tree).summary()
    except Exception:  # readability raises on pages it cannot parse at all
        log.debug("readability failed on a page", exc_info=True)
        return ""
    return html_to_text(summary)


def _known_layout(page: Selector) -> MainText | None:
    """WeChat articles and Discuz! threads (the forum engine of most Chinese local BBSes,
    whose posts are table cells): the first post is the thread's text."""
    for method, content, heading in (("wechat", "#js_content", "#activity-name"),
                                     ("discuz", "td.t_f", "#thread_subject")):
        found = page.css(content)
        if not found:
            continue
        text = block_text(found[0])
        title = html_to_text(page.css(heading).xpath("string()").get() or "") or \
            (page.css('meta[property="og:title"]::attr(content)').get() or "").strip()
        if len(text) >= MIN_TEXT:
            return MainText(title, text, method)
    return None


def block_text(node: Selector) -> str:
    """A container's text with one line per innermost paragraph-like block (WeChat nests
    sections in sections); the container's whole text when it has no such blocks."""
    lines = [html_to_text(b) for b in node.xpath(_LEAF_BLOCKS).xpath("string()").getall()]
    kept = [line for line in lines if line]
    if kept:
        return "\n".join(kept)
    parts = [html_to_text(t) for t in node.xpath(".//text()").getall()]  # <br>-separated
    return "\n".join(p for p in parts if p)


def _clean_title(title: str, visible: list[str]) -> str:
    """Drop a site suffix from a `<title>`-style title when one segment is a heading."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    if len(parts) < 2:
        return title
    seen = set(visible)
    return next((p for p in parts if p in seen), title)
