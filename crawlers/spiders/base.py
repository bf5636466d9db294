"""What every config-driven spider shares: start URLs or search queries, link following,
pagination, canonical request URLs and failure reporting.

A search crawl (`searches:` in sources.yaml) starts from the engine's result pages instead of
start URLs: every (query, page) URL the parent expanded is requested in the engine's own
download slot — one request at a time, `delay` apart — and the result links on it are
followed exactly as a site's article links are, by the same `parse_article`. Scrapy's
duplicate filter fetches an article once however many queries return it; `SkipStored` keeps
articles stored by earlier runs from being fetched again. Each result page reports how many
result links it held (`ResultPage`), so the parent can tell an engine whose markup changed.

A spider yields plain dicts in the document input contract (ARCHITECTURE §4.2); the crawl
process hands them to the analysis pipeline in batches. A failed page (refused target,
timeout, DNS error, HTTP 404/500 after retries, oversized body) becomes a `failure` record
for its source and never stops the others.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeout

from brandguard.crawlers.extract import select
from brandguard.crawlers.guard import Refused
from brandguard.document_json import canonical_url
from brandguard.errors import InputError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure

    from brandguard.configuration.sources import Crawl


class Failed(dict[str, Any]):
    """A page that could not be collected, with the reason (yielded like an item)."""


class ResultPage(dict[str, Any]):
    """A search result page read: its query's key, page number and result links found."""


ENGINE_SLOT = "search-engine"
"""The download slot every request to a search engine shares (its delay, one at a time)."""


class SiteSpider(scrapy.Spider):
    kind: ClassVar[str] = "news"
    incremental: ClassVar[bool] = True
    """Followed pages are one document each, so those already stored are not re-fetched."""

    def __init__(self, site: Crawl, queries: list[dict[str, Any]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=site.id, **kwargs)
        self.site = site
        self.queries = queries
        self.articles = LinkExtractor(allow=site.follow) if site.follow else None
        self.pages = LinkExtractor(allow=site.paginate) if site.paginate else None
        self.failures: list[Failed] = []

    async def start(self) -> AsyncIterator[Any]:
        if self.queries is not None:
            for query in self.queries:
                for number, url in enumerate(query["urls"], start=1):
                    yield scrapy.Request(
                        url, callback=self.parse_results, errback=self.failed,
                        headers=self.site.headers or None,
                        meta={"download_slot": ENGINE_SLOT, "query": query["key"],
                              "page": number})
            return
        for url in getattr(self.site, "start_urls", ()):
            yield self.request(url, self.parse_list)

    def parse_results(self, response: Response) -> Iterator[Any]:
        """A result page: follow each result link as an article; say how many there were."""
        links: list[str] = []
        if isinstance(response, TextResponse):
            links = self.result_links(response)
            for url in links:
                yield self.request(url, self.parse_article, article=self.incremental)
        yield ResultPage(query=response.meta["query"], page=response.meta["page"],
                         links=len(links), url=response.url)

    def result_links(self, response: TextResponse) -> list[str]:
        chosen = self.site.selectors.result
        if chosen:
            found = []
            for node in select(response.selector, chosen):  # links, or ::attr(href) values
                value = node.root.strip() if isinstance(node.root, str) else (
                    node.attrib.get("href") or node.xpath(".//a/@href").get())
                if value:
                    found.append(response.urljoin(value))
            return list(dict.fromkeys(found))
        assert self.articles is not None  # noqa: S101 - the config requires one of the two
        return list(dict.fromkeys(link.url for link in self.articles.extract_links(response)))

    def request(self, url: str, callback: Any, *, article: bool = False) -> scrapy.Request:
        with contextlib.suppress(InputError):  # not http(s): the guard refuses it, saying why
            url = canonical_url(url)
        return scrapy.Request(url, callback=callback, errback=self.failed,
                              headers=self.site.headers or None,
                              meta={"article": article and not self.site.refetch})

    def follow_links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        if self.articles is not None:
            for link in self.articles.extract_links(response):
                yield self.request(link.url, self.parse_article, article=self.incremental)
        if self.pages is not None:
            for link in self.pages.extract_links(response):
                yield self.request(link.url, self.parse_list)

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield Failed(url=response.url, reason="not a text page")
            return
        yield from self.follow_links(response)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from ()

    def failed(self, failure: Failure) -> Iterator[Failed]:
        request = failure.request  # type: ignore[attr-defined]
        reason = describe(failure)
        if reason is None:
            return
        self.logger.warning("%s: %s", request.url, reason)
        yield Failed(url=request.url, reason=reason)

    def document(self, **fields: Any) -> dict[str, Any]:
        if not fields.get("source"):
            fields["source"] = self.site.source or self.default_source(fields.get("url"))
        fields.setdefault("kind", self.kind)
        fields["site"] = self.site.id
        fields["authority"] = self.site.authority
        return {k: v for k, v in fields.items() if v not in (None, "")}

    def default_source(self, url: str | None) -> str:
        """A site's pages come from the site; a search's results from wherever they are."""
        if self.queries is not None and url:
            return urlsplit(url).hostname or self.site.id
        return self.site.id


def describe(failure: Failure) -> str | None:
    """A reason a person can act on; None for requests skipped on purpose."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, Refused):
        return str(exc).split(": ", 1)[-1]
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message.lower() or "already stored" in message:
            return None
        return message or "ignored"
    if isinstance(exc, TwistedTimeout) or "Timeout" in type(exc).__name__:
        return f"timed out: {exc}"
    text = str(exc)
    if "maxsize" in text.lower() or re.search(r"larger than|exceeds", text):
        return f"response too large: {text}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
