"""Typed model of `sources.yaml`: what to collect and how often.

`feeds` are RSS/Atom feeds polled with conditional GET; `sites` are crawled by the
config-driven Scrapy spiders (`news`: list pages → article pages; `reviews`: product
review pages or JSON review endpoints; `posts`: forum or microblog listings with engagement);
`searches` ask a search engine for every brand name and alias (alone and with risk terms)
and hand the result links to the same spiders. Every key is documented in README.md.
"""

from __future__ import annotations

import re
import string
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from brandguard.configuration.models import Duration, Id, NonEmpty, Strict
from brandguard.configuration.plugins import SPIDERS, check_name
from brandguard.configuration.urls import HttpUrl, url_problem


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc
    return value


Regex = Annotated[str, Field(min_length=1)]


class _Source(Strict):
    id: Id
    interval: Duration = timedelta(minutes=10)
    enabled: bool = True
    headers: dict[NonEmpty, str] = Field(default_factory=dict)
    authority: Annotated[float, Field(gt=0, le=10)] = 1.0
    max_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 10_000_000


class Feed(_Source):
    url: HttpUrl
    source: NonEmpty | None = None
    """What readers see as the entries' source; default: the feed's own title, else its id."""
    fetch_article: bool = False
    """Fetch each entry's link and keep the article's main text instead of the summary."""


class Selectors(Strict):
    """CSS (or `xpath:`-prefixed XPath) selectors; unset fields are found automatically."""

    item: NonEmpty | None = None
    title: NonEmpty | None = None
    text: NonEmpty | None = None
    time: NonEmpty | None = None
    rating: NonEmpty | None = None
    seller: NonEmpty | None = None
    product: NonEmpty | None = None
    author: NonEmpty | None = None
    source: NonEmpty | None = None
    result: NonEmpty | None = None
    """On a search engine's result page: the result links (elements or their `href`s)."""
    url: NonEmpty | None = None
    followers: NonEmpty | None = None
    reposts: NonEmpty | None = None
    comments: NonEmpty | None = None
    likes: NonEmpty | None = None


class JsonFields(Strict):
    """JMESPath expressions into a JSON review endpoint's response."""

    items: NonEmpty = "reviews"
    text: NonEmpty = "content"
    rating: NonEmpty | None = "rating"
    seller: NonEmpty | None = "seller"
    product: NonEmpty | None = "product"
    time: NonEmpty | None = "time"
    author: NonEmpty | None = None
    url: NonEmpty | None = None
    next: NonEmpty | None = "next"
    id: NonEmpty | None = "id"
    followers: NonEmpty | None = None
    reposts: NonEmpty | None = None
    comments: NonEmpty | None = None
    likes: NonEmpty | None = None


Spider = Annotated[NonEmpty, AfterValidator(lambda name: check_name(SPIDERS, "spider", name))]
"""A name in the entry-point group `brandguard.spiders`: news, reviews and posts ship."""


class Crawl(_Source):
    """What a Scrapy crawl of pages needs, whether it starts from fixed URLs or a search."""

    spider: Spider = "news"
    follow: Regex | None = None
    paginate: Regex | None = None
    format: Literal["html", "json"] = "html"
    selectors: Selectors = Field(default_factory=Selectors)
    json_fields: JsonFields = Field(default_factory=JsonFields)
    source: NonEmpty | None = None
    interval: Duration = timedelta(minutes=30)
    obey_robots: bool = True
    max_pages: Annotated[int, Field(ge=1, le=1_000_000)] = 500
    concurrency: Annotated[int, Field(ge=1, le=64)] = 4
    timeout: Duration = timedelta(seconds=30)
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    autothrottle: bool = True
    refetch: bool = False
    """Fetch article pages already stored again (default: only list pages are re-read)."""

    _check_follow = field_validator("follow", "paginate")(
        lambda v: _regex(v) if v is not None else v)

    def _check_items(self) -> None:
        if self.spider in ("reviews", "posts") and self.format == "html" and not (
                self.selectors.item and self.selectors.text):
            raise ValueError(f"an HTML {self.spider} source needs selectors.item (one "
                             f"{self.spider[:-1]}) and selectors.text (its text, relative to "
                             "the item)")


class Site(Crawl):
    spider: Spider
    start_urls: Annotated[list[HttpUrl], Field(min_length=1)]

    @model_validator(mode="after")
    def _fits_spider(self) -> Site:
        if self.spider == "news" and self.format == "json":
            raise ValueError("format: json is for the reviews and posts spiders; news pages "
                             "are HTML")
        if self.spider == "news" and not self.follow:
            raise ValueError("a news site needs `follow`: a regex matching article links")
        self._check_items()
        return self


def _template(url: str) -> str:
    """A search URL: `{query}` once or more, `{page}` optional, no other placeholder, and a
    usable http(s) URL once they are filled in."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(url) if name is not None}
    except ValueError as exc:
        raise ValueError(f"not a URL template: {exc} (write a literal brace as {{{{ or }}}})"
                         ) from exc
    if "query" not in names:
        raise ValueError("the URL has no {query}: where should the search words go? "
                         "(e.g. https://search.example.cn/news?wd={query}&pn={page})")
    unknown = sorted(names - {"query", "page"})
    if unknown:
        raise ValueError(f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}:"
                         " only {query} and {page} are filled in")
    problem = url_problem(url.format(query="q", page=1))
    if problem:
        raise ValueError(f"not an http(s) URL: {problem}")
    return url


class Search(Crawl):
    """A search engine asked for every brand name and alias, alone and with each term; its
    result links are followed as `spider` reads articles (news) or review pages (reviews)."""

    url: Annotated[NonEmpty, AfterValidator(_template)]
    encoding: Literal["utf-8", "gbk", "gb18030"] = "utf-8"
    brands: Literal["all"] | Annotated[list[Id], Field(min_length=1)] = "all"
    terms: list[NonEmpty] = Field(default_factory=list)
    pages: Annotated[int, Field(ge=1, le=50)] = 1
    page_start: Annotated[int, Field(ge=0)] = 1
    page_step: Annotated[int, Field(ge=1)] = 1
    delay: Duration = timedelta(seconds=2)
    """The least time between two requests to the engine (articles are paced apart)."""
    interval: Duration = timedelta(hours=1)
    max_pages: Annotated[int, Field(ge=1, le=1_000_000)] = 20_000

    @model_validator(mode="after")
    def _fits_spider(self) -> Search:
        if self.spider not in ("news", "reviews"):
            raise ValueError("a search leads to articles (spider: news) or review pages "
                             "(spider: reviews)")
        if self.format == "json":
            raise ValueError("result pages and what they link to are HTML: format: json is "
                             "for sites with a JSON endpoint")
        if not (self.follow or self.selectors.result):
            raise ValueError("a search needs `follow` (a regex matching result links) or "
                             "selectors.result (the result links on the page)")
        if self.pages > 1 and "{page}" not in self.url:
            raise ValueError(f"pages: {self.pages} needs {{page}} in the URL, where the result "
                             "page number goes")
        if self.delay < timedelta(milliseconds=10):
            raise ValueError("delay: at least 10ms between requests to one engine")
        self._check_items()
        return self

    def page_numbers(self) -> list[int]:
        return [self.page_start + i * self.page_step for i in range(self.pages)]


class SourcesFile(Strict):
    feeds: list[Feed] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    searches: list[Search] = Field(default_factory=list)


def source_kind(source: Feed | Site | Search) -> str:
    """How `sources`, `run`'s job ids and the dashboard name a kind of source."""
    return "search" if isinstance(source, Search) else "site" if isinstance(source, Site) \
        else "feed"
