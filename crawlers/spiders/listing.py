"""What the review and post spiders share: pages that each hold many items.

An item listing is read from the start pages, from pages matched by `follow` and from pages
matched by `paginate` (HTML: `selectors.item`, the other selectors relative to each item), or
from a JSON endpoint (`json_fields.items` names the list, `json_fields.next` the next page).
A subclass says how one item becomes a document: `items_on` for an HTML page, `json_item`
for one entry of a JSON list; `noun` names the item in what a failed page reports.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

import jmespath
from jmespath.exceptions import JMESPathError
from scrapy.http import TextResponse

from brandguard.crawlers.spiders.base import Failed, SiteSpider

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response


class ListingSpider(SiteSpider):
    noun: ClassVar[str] = "item"
    incremental: ClassVar[bool] = False  # a listed page gains items

    def parse_list(self, response: Response) -> Iterator[Any]:
        if self.site.format == "json":
            yield from self.parse_json(response)
            return
        if not isinstance(response, TextResponse):
            yield Failed(url=response.url, reason="not a text page")
            return
        yield from self.items_on(response)
        yield from self.follow_links(response)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield Failed(url=response.url, reason="not a text page")
            return
        yield from self.items_on(response)
        if self.pages is not None:
            for link in self.pages.extract_links(response):
                yield self.request(link.url, self.parse_article)

    def parse_json(self, response: Response) -> Iterator[Any]:
        fields = self.site.json_fields
        try:
            data = json.loads(response.body)
            items = jmespath.search(fields.items, data)
        except (ValueError, JMESPathError) as exc:
            yield Failed(url=response.url, reason=f"not a JSON {self.noun} response: {exc}")
            return
        if not isinstance(items, list):
            yield Failed(url=response.url, reason=f"json_fields.items {fields.items!r} is not "
                                                  "a list in the response")
            return
        for item in items:
            yield from self.json_item(response, item)
        following = jmespath.search(fields.next, data) if fields.next else None
        if isinstance(following, str) and following:
            yield self.request(response.urljoin(following), self.parse_list)

    def items_on(self, response: TextResponse) -> Iterator[Any]:
        yield from ()

    def json_item(self, response: Response, item: Any) -> Iterator[Any]:
        yield from ()
