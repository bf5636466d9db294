"""The config-driven news spider: list pages → article pages → title, main text, time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.http import TextResponse

from brandguard.crawlers.extract import article
from brandguard.crawlers.spiders.base import Failed, SiteSpider

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response


class NewsSpider(SiteSpider):
    kind: ClassVar[str] = "news"

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield Failed(url=response.url, reason="not a text page")
            return
        found = article(response.selector, response.text, self.site.selectors)
        if not found.text:
            yield Failed(url=response.url, reason="no main text found (set selectors.text)")
            return
        yield self.document(url=response.url, title=found.title, text=found.text,
                            published_at=found.published_at, source=found.source)
