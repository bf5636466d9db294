"""The config-driven e-commerce review spider.

`format: json` reads review endpoints (JMESPath `json_fields` name the list, each field and
the next page's URL); `format: html` reads review elements (`selectors.item`, with the
other selectors relative to each) on the start pages, on product pages matched by `follow`
and on pages matched by `paginate`. A review's id is its own id field when it has one,
else derived from page, author, time and text, so re-crawling a page stores nothing twice.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

import jmespath

from brandguard.crawlers.extract import select, select_text, stamp_to_iso
from brandguard.crawlers.spiders.base import Failed
from brandguard.crawlers.spiders.listing import ListingSpider

if TYPE_CHECKING:
    from collections.abc import Iterator

    from parsel import Selector
    from scrapy.http import Response, TextResponse


def _rating(value: Any) -> float | None:
    try:
        rating = float(str(value).strip().split("/")[0]) if value not in (None, "") else None
    except ValueError:
        return None
    return rating if rating is not None and 1 <= rating <= 5 else None


def review_id(site: str, page: str, author: str, time: str, text: str) -> str:
    key = "\x1f".join((page, author, time, text)).encode()
    return f"{site}:" + hashlib.blake2b(key, digest_size=12).hexdigest()


class ReviewSpider(ListingSpider):
    kind: ClassVar[str] = "review"
    noun: ClassVar[str] = "review"

    def items_on(self, response: TextResponse) -> Iterator[Any]:
        chosen = self.site.selectors
        if not chosen.item:
            return
        for node in select(response.selector, chosen.item):
            yield from self._html_review(response.url, node)

    def _html_review(self, page: str, node: Selector) -> Iterator[Any]:
        chosen = self.site.selectors
        text = select_text(node, chosen.text)
        if not text:
            return
        author = select_text(node, chosen.author)
        when = select_text(node, chosen.time)
        yield self.document(
            id=review_id(self.site.id, page, author, when, text), url=page, text=text,
            rating=_rating(select_text(node, chosen.rating)),
            seller=select_text(node, chosen.seller),
            product=select_text(node, chosen.product), author=author,
            published_at=stamp_to_iso(when) if when else None)

    def json_item(self, response: Response, item: Any) -> Iterator[Any]:
        fields, page = self.site.json_fields, response.url

        def get(expression: str | None) -> str:
            value = jmespath.search(expression, item) if expression else None
            return "" if value is None else str(value).strip()

        text = get(fields.text)
        if not text:
            yield Failed(url=page, reason=f"a review without {fields.text!r} was skipped")
            return
        author, when = get(fields.author), get(fields.time)
        own_id = item.get("id") if isinstance(item, dict) else None
        yield self.document(
            id=f"{self.site.id}:{own_id}" if own_id not in (None, "") else
            review_id(self.site.id, page, author, when, text),
            url=get(fields.url) or page, text=text, rating=_rating(get(fields.rating)),
            seller=get(fields.seller), product=get(fields.product), author=author,
            published_at=stamp_to_iso(when) if when else None)
