"""Parse a fetched feed safely and turn its entries into documents.

Order matters: the body is screened with defusedxml first (entity definitions, the
billion-laughs and XXE vectors, are refused) — after transcoding to UTF-8 when the
declaration names another encoding, so a GBK-declared bomb cannot slip past a parser that
gives up on GBK. Only then does feedparser, which salvages malformed feeds (bozo), see it.
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
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from brandguard.documents import document_from_json
from brandguard.errors import InputError

if TYPE_CHECKING:
    from datetime import tzinfo

    from brandguard.config.sources import Feed
    from brandguard.models import Document

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_SPACE = re.compile(r"\s+")


class UnsafeXml(ValueError):
    """The feed defines entities or references external ones; it is refused whole."""


@dataclass
class ParsedFeed:
    documents: list[Document] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    malformed: str = ""


def _as_utf8(body: bytes) -> bytes:
    match = _DECLARATION.match(body)
    if not match or match.group(1).lower() in (b"utf-8", b"utf8"):
        return body
    try:
        text = body.decode(match.group(1).decode(), errors="replace")
    except LookupError:
        return body
    return _DECLARATION.sub(b'<?xml version="1.0" encoding="utf-8"',
                            text.encode("utf-8"), count=1)


def screen(body: bytes) -> None:
    try:
        fromstring(_as_utf8(body))
    except DefusedXmlException as exc:
        raise UnsafeXml(f"refused: the feed {type(exc).__name__} "
                        "(entity definitions or external references)") from exc
    except ParseError:
        pass  # malformed, not dangerous: feedparser salvages what it can


def html_to_text(value: str) -> str:
    return _SPACE.sub(" ", html.unescape(nh3.clean(value, tags=set()))).strip()


def _published(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat() if parsed else None


def _document(entry: Any, feed: Feed, tz: tzinfo) -> Document:
    content = entry.get("content") or []
    body = html_to_text(content[0].get("value", "") if content else entry.get("summary", ""))
    title = html_to_text(entry.get("title", ""))
    data: dict[str, Any] = {"text": body or title, "title": title or None, "kind": "rss",
                            "source": feed.id, "published_at": _published(entry),
                            "feed": feed.id, "authority": feed.authority}
    if entry.get("link"):
        data["url"] = entry["link"]
    elif entry.get("id"):
        data["id"] = f"{feed.id}:{entry['id']}"
    return document_from_json({k: v for k, v in data.items() if v is not None}, tz)


def parse(body: bytes, headers: dict[str, str], feed: Feed, tz: tzinfo) -> ParsedFeed:
    screen(body)
    parsed = feedparser.parse(body, response_headers=headers)
    out = ParsedFeed(malformed=str(parsed.get("bozo_exception", "")) if parsed.bozo else "")
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            out.documents.append(_document(entry, feed, tz))
        except InputError as exc:
            out.skipped.append(f"entry {number}: {exc}")
    return out
