"""Typed model of `sources.yaml`: what to collect and how often.

`feeds` are RSS/Atom feeds polled with conditional GET; `sites` are crawled by the
config-driven Scrapy spiders (`news`: list pages → article pages; `reviews`: product
review pages or JSON review endpoints). Every key is documented in README.md.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from brandguard.configuration.models import Id, NonEmpty, Strict
from brandguard.configuration.plugins import SPIDERS, check_name
from brandguard.configuration.rules import Duration
from brandguard.configuration.urls import HttpUrl


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


class Site(_Source):
    spider: Annotated[NonEmpty, AfterValidator(
        lambda name: check_name(SPIDERS, "spider", name))]
    """A name in the entry-point group `brandguard.spiders`: news and reviews ship."""
    start_urls: Annotated[list[HttpUrl], Field(min_length=1)]
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

    @model_validator(mode="after")
    def _fits_spider(self) -> Site:
        if self.spider == "news" and self.format == "json":
            raise ValueError("format: json is for the reviews spider; news pages are HTML")
        if self.spider == "news" and not self.follow:
            raise ValueError("a news site needs `follow`: a regex matching article links")
        if self.spider == "reviews" and self.format == "html" and not (
                self.selectors.item and self.selectors.text):
            raise ValueError("an HTML reviews site needs selectors.item (one review) and "
                             "selectors.text (its text, relative to the item)")
        return self


class SourcesFile(Strict):
    feeds: list[Feed] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
