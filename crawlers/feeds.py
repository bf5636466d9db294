"""Parse a fetched feed safely and turn its entries into documents.

Order matters: the bytes are decoded at the edge first (`brandguard.crawlers.charset`: BOM, valid
UTF-8, then a declaration only if it fits the bytes), so UTF-16/32 feeds parse, an unknown
declared encoding falls back instead of raising, and a GBK-declared bomb cannot slip past a
parser that gives up on GBK. The UTF-8 result, its declaration rewritten to say so, is
screened with defusedxml (entity definitions, the billion-laughs and XXE vectors, are
refused), and only then does feedparser, which salvages malformed feeds (bozo), see it —
told it is UTF-8, so RFC 3023's us-ascii default for `text/xml` never reports a fault that
isn't one. A date written without a zone (`2018-09-18 14:38:10`, as many Chinese feeds
write it) is in the configured zone, not UTC as feedparser assumes.
Entry HTML becomes plain text with nh3: crawled text is untrusted everywhere it is shown.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError

import feedparser
import nh3
from dateutil import parser as dateutil_parser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from brandguard.crawlers.charset import decode
from brandguard.document_json import document_from_json
from brandguard.errors import InputError

if TYPE_CHECKING:
    from datetime import tzinfo

    from brandguard.configuration.sources import Feed
    from brandguard.document import Document

_TEXT_DECLARATION = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])[^\"']*([\"'])")
# A time of day that ends the string with no zone after it: "2018-09-18 14:38:10".
_NAIVE_TIME = re.compile(r"(?<![+\-\d])\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*$")
_NAIVE_DATE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")
_SPACE = re.compile(r"\s+")


class UnsafeXml(ValueError):
    """The feed defines entities or references external ones; it is refused whole."""


@dataclass
class ParsedFeed:
    documents: list[Document] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    malformed: str = ""
    notes: list[str] = field(default_factory=list)  # how the bytes were read, when unusual


def as_utf8(body: bytes, content_type: str | None = None) -> tuple[bytes, str]:
    """The feed as UTF-8 bytes whose declaration says UTF-8, and a note on the decoding."""
    decoded = decode(body, content_type)
    text = _TEXT_DECLARATION.sub(r"\1utf-8\2", decoded.text, count=1)
    return text.encode("utf-8", errors="replace"), decoded.note


def screen(body: bytes) -> None:
    """Refuse entity definitions; `body` must already be UTF-8 (see `as_utf8`)."""
    try:
        fromstring(body)
    except DefusedXmlException as exc:
        raise UnsafeXml(f"refused: the feed {type(exc).__name__} "
                        "(entity definitions or external references)") from exc
    except ParseError:
        pass  # malformed, not dangerous: feedparser salvages what it can


def html_to_text(value: str) -> str:
    return _SPACE.sub(" ", html.unescape(nh3.clean(value, tags=set()))).strip()


def zoneless(raw: str) -> bool:
    """Whether a feed's date string carries no zone (then feedparser read it as UTC)."""
    return bool(_NAIVE_TIME.search(raw) or _NAIVE_DATE.match(raw))


def _published(entry: Any, tz: tzinfo) -> str | None:
    for key in ("published", "updated"):
        raw = str(entry.get(key) or "")
        parsed = entry.get(f"{key}_parsed")
        try:
            if parsed and zoneless(raw):
                return datetime(*parsed[:6]).replace(tzinfo=tz).isoformat()
            if parsed:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()
        except (ValueError, OverflowError, OSError):
            return raw  # year 10000 and the like: the window check names it and skips the entry
        if raw:
            return _lenient(raw, tz)
    return None


def _lenient(raw: str, tz: tzinfo) -> str | None:
    """A date feedparser could not read ("Tue, 18 Sep 2018 14:38:10": RFC 822 without its
    zone), by dateutil; without a zone it is local time. None when nothing fits."""
    try:
        parsed = dateutil_parser.parse(raw)
    except (ValueError, OverflowError):
        return None
    return (parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed).isoformat()


def _document(entry: Any, feed: Feed, tz: tzinfo, source: str) -> Document:
    content = entry.get("content") or []
    body = html_to_text(content[0].get("value", "") if content else entry.get("summary", ""))
    title = html_to_text(entry.get("title", ""))
    data: dict[str, Any] = {"text": body or title, "title": title or None, "kind": "rss",
                            "source": source, "published_at": _published(entry, tz),
                            "feed": feed.id, "authority": feed.authority}
    if entry.get("link"):
        data["url"] = entry["link"]
    elif entry.get("id"):
        data["id"] = f"{feed.id}:{entry['id']}"
    return document_from_json({k: v for k, v in data.items() if v is not None}, tz)


def parse(body: bytes, headers: dict[str, str], feed: Feed, tz: tzinfo) -> ParsedFeed:
    utf8, note = as_utf8(body, headers.get("content-type"))
    screen(utf8)
    parsed = feedparser.parse(utf8, response_headers={
        **headers, "content-type": "application/xml; charset=utf-8"})
    out = ParsedFeed(malformed=str(parsed.get("bozo_exception", "")) if parsed.bozo else "",
                     notes=[note] if note else [])
    channel = html_to_text(str(parsed.feed.get("title", "")))[:100] \
        if isinstance(parsed.get("feed"), dict) else ""
    source = feed.source or channel or feed.id  # what readers see, not the config's id
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            out.documents.append(_document(entry, feed, tz, source))
        except InputError as exc:
            out.skipped.append(f"entry {number}: {exc}")
    return out
