"""Replace a feed entry's summary with its linked article's main text (`fetch_article`).

Many Chinese feeds carry only a headline and forty characters; the trust-damage words are
in the article. The fetch goes through the same SSRF-checked client as the feed, the page
is decoded at the edge (`brandguard.crawlers.charset`: a declaration is believed only if it fits the
bytes) and its main text found
as the news spider finds it. A failed fetch keeps the summary and says why.
"""

from __future__ import annotations

import http.client
from dataclasses import replace
from typing import TYPE_CHECKING

from parsel import Selector

from brandguard.crawlers.charset import decode
from brandguard.crawlers.extract import article
from brandguard.document_json import in_window, parse_time
from brandguard.errors import InputError
from brandguard.net.http import TooLarge, get
from brandguard.net.targets import BlockedTarget

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import tzinfo

    from brandguard.configuration.sources import Feed, Selectors
    from brandguard.document import Document
    from brandguard.net.targets import Network, Resolver


def with_article(doc: Document, feed: Feed, allow: Sequence[Network], resolver: Resolver,
                 tz: tzinfo, selectors: Selectors) -> tuple[Document, str | None]:
    """The document with the article's text, or unchanged plus the reason it could not be."""
    if not doc.url:
        return doc, None
    try:
        response = get(doc.url, allow, dict(feed.headers), max_bytes=feed.max_bytes,
                       resolver=resolver)
    except (BlockedTarget, TooLarge, OSError, http.client.HTTPException) as exc:
        return doc, f"{doc.url}: article not fetched: {type(exc).__name__}: {exc}"
    if response.status != 200:
        return doc, f"{doc.url}: article not fetched: HTTP {response.status}"
    page = decode(response.body, response.headers.get("content-type")).text
    found = article(Selector(text=page), page, selectors)
    if not found.text:
        return doc, f"{doc.url}: no main text found in the article"
    published = doc.published_at
    if published is None and found.published_at:
        try:
            published = in_window(parse_time(found.published_at, tz), found.published_at)
        except InputError:
            published = None
    return replace(doc, text=found.text, title=doc.title or found.title or None,
                   published_at=published), None
