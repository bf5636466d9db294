"""The config-driven social-post spider: forum threads and microblog-style timelines.

`format: json` reads post endpoints (JMESPath `json_fields`: the list, each field, the next
page); `format: html` reads post elements (`selectors.item`, the others relative to it) on the
start pages, on pages matched by `follow` and on pages matched by `paginate`. Each post is a
`kind: social` document with its author, the author's followers and its reposts, comments and
likes (`brandguard.engagement` reads counts such as `1.2万`). A post's id is its own id field
when it has one, else derived from page, author, time and text, so a re-crawl stores no
post twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import jmespath

from brandguard.crawlers.extract import select, select_text, stamp_to_iso
from brandguard.crawlers.spiders.base import Failed
from brandguard.crawlers.spiders.listing import ListingSpider
from brandguard.crawlers.spiders.reviews import review_id
from brandguard.engagement import FIELDS, counts

if TYPE_CHECKING:
    from collections.abc import Iterator

    from parsel import Selector
    from scrapy.http import Response, TextResponse


class PostSpider(ListingSpider):
    kind: ClassVar[str] = "social"
    noun: ClassVar[str] = "post"

    def items_on(self, response: TextResponse) -> Iterator[Any]:
        chosen = self.site.selectors
        for node in select(response.selector, chosen.item or "body"):
            yield from self._html_post(response, node)

    def _html_post(self, response: TextResponse, node: Selector) -> Iterator[Any]:
        chosen = self.site.selectors
        text = select_text(node, chosen.text)
        if not text:
            return
        author, when = select_text(node, chosen.author), select_text(node, chosen.time)
        link = select_text(node, chosen.url)
        url = response.urljoin(link) if link else response.url
        engagement = counts({name: select_text(node, getattr(chosen, name)) for name in FIELDS})
        yield self.post(review_id(self.site.id, url, author, when, text), url, text, author,
                        when, engagement, title=select_text(node, chosen.title))

    def json_item(self, response: Response, item: Any) -> Iterator[Any]:
        fields = self.site.json_fields

        def get(expression: str | None) -> Any:
            return jmespath.search(expression, item) if expression else None

        def text_of(expression: str | None) -> str:
            value = get(expression)
            return "" if value is None else str(value).strip()

        text = text_of(fields.text)
        if not text:
            yield Failed(url=response.url, reason=f"a post without {fields.text!r} was skipped")
            return
        author, when = text_of(fields.author), text_of(fields.time)
        link = text_of(fields.url)
        url = response.urljoin(link) if link else response.url
        own_id = text_of(fields.id)
        engagement = counts({name: get(getattr(fields, name)) for name in FIELDS})
        yield self.post(f"{self.site.id}:{own_id}" if own_id else
                        review_id(self.site.id, url, author, when, text),
                        url, text, author, when, engagement)

    def post(self, doc_id: str, url: str, text: str, author: str, when: str,
             engagement: dict[str, int], title: str = "") -> dict[str, Any]:
        return self.document(id=doc_id, url=url, text=text, title=title, author=author,
                             published_at=post_time(when), **engagement)


def post_time(value: str) -> str | None:
    """A printed time, or the epoch seconds (milliseconds) timeline APIs give."""
    if value.isdigit() and len(value) in (10, 13):
        seconds = int(value) // (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    return stamp_to_iso(value) if value else None
