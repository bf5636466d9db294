"""The config-driven e-commerce review spider.

`format: json` reads review endpoints (JMESPath `json_fields` name the list, each field and
the next page's URL); `format: html` reads review elements (`selectors.item`, with the
other selectors relative to each) on the start pages, on product pages matched by `follow`
and on pages matched by `paginate`. A review's id is its own id field when it has one,
else derived from page, author, time and text, so re-crawling a page stores nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, ClassVar

import jmespath
from jmespath.exceptions import JMESPathError
from scrapy.http import TextResponse

from brandguard.crawlers.extract import select, select_text, stamp_to_iso
from brandguard.crawlers.spiders.base import Failed, SiteSpider

if TYPE_CHECKING:
    from collections.abc import Iterator

    from parsel import Selector
    from scrapy.http import Response


def _rating(value: Any) -> float | None:
    try:
        rating = float(str(value).strip().split("/")[0]) if value not in (None, "") else None
    except ValueError:
        return None
    return rating if rating is not None and 1 <= rating <= 5 else None


def review_id(site: str, page: str, author: str, time: str, text: str) -> str:
    key = "\x1f".join((page, author, time, text)).encode()
    return f"{site}:" + hashlib.blake2b(key, digest_size=12).hexdigest()


class ReviewSpider(SiteSpider):
    kind: ClassVar[str] = "review"
    incremental: ClassVar[bool] = False  # product pages gain new reviews

    def parse_list(self, response: Response) -> Iterator[Any]:
        if self.site.format == "json":
            yield from self.parse_json(response)
            return
        if not isinstance(response, TextResponse):
            yield Failed(url=response.url, reason="not a text page")
            return
        yield from self.reviews_on(response)
        yield from self.follow_links(response)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield Failed(url=response.url, reason="not a text page")
            return
        yield from self.reviews_on(response)
        if self.pages is not None:
            for link in self.pages.extract_links(response):
                yield self.request(link.url, self.parse_article)

    def reviews_on(self, response: TextResponse) -> Iterator[Any]:
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

    def parse_json(self, response: Response) -> Iterator[Any]:
        fields = self.site.json_fields
        try:
            data = json.loads(response.body)
            items = jmespath.search(fields.items, data)
        except (ValueError, JMESPathError) as exc:
            yield Failed(url=response.url, reason=f"not a JSON review response: {exc}")
            return
        if not isinstance(items, list):
            yield Failed(url=response.url, reason=f"json_fields.items {fields.items!r} is not "
                                                  "a list in the response")
            return
        for item in items:
            yield from self._json_review(response.url, item)
        following = jmespath.search(fields.next, data) if fields.next else None
        if isinstance(following, str) and following:
            yield self.request(response.urljoin(following), self.parse_list)

    def _json_review(self, page: str, item: Any) -> Iterator[Any]:
        fields = self.site.json_fields

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
