"""One entry point for every kind of source: `collect(source)` runs it once.

A kind of source is a config model plus the collector that runs it, registered in
`Collector.__init__`; `brandguard run`, `crawl` and the demo all go through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.config.sources import Feed, Site
from brandguard.crawlers.poller import PollResult, RssPoller
from brandguard.crawlers.site_crawler import SiteCrawler

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from brandguard.config.loader import Config
    from brandguard.pipeline import Pipeline
    from brandguard.store.base import Store

Source = Feed | Site


class Collector:
    def __init__(self, config: Config, store: Store, pipeline: Pipeline,
                 store_url: str | None = None) -> None:
        self.config = config
        self.poller = RssPoller(config, store, pipeline)
        self.crawler = SiteCrawler(config, store, pipeline, store_url)
        self.runs: dict[type, Callable[[Source], PollResult]] = {
            Feed: lambda s: self.poller.poll(s),  # type: ignore[arg-type]
            Site: lambda s: self.crawler.crawl(s),  # type: ignore[arg-type]
        }

    def sources(self) -> list[Source]:
        return [*self.config.feeds, *self.config.sites]

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources() if s.id == source_id), None)

    def collect(self, source: Source) -> PollResult:
        return self.runs[type(source)](source)

    def collect_all(self, sources: Iterable[Source]) -> list[PollResult]:
        return [self.collect(s) for s in sources if s.enabled]
