"""The collectors' contract: a collector starts a run of one source, and the run yields documents.

A collector never stores anything and never sees the pipeline. The caller
(`brandguard.collection.Collection`) feeds what a run yields through the pipeline, then asks the
run for its result and for the source's next state, and saves that. So collection, analysis and
storage can be arranged however the caller needs (a worker process, a batch, a benchmark) without
the collectors knowing. A kind of source is a config model plus its collector class: one entry in
`COLLECTORS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from brandguard.configuration.sources import Feed, Search, Site

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.document import Document
    from brandguard.source_state import SourceState

Source = Feed | Site | Search


@dataclass(frozen=True)
class CollectResult:
    """One run of one source, as `crawl`, `run` and the demo report it."""

    source: str
    status: str  # ok | not_modified | error
    new: int = 0
    seen: int = 0
    error: str = ""
    pages: int = 0


class SourceRun(Protocol):
    """One run: iterate `documents()` to the end, then call `finish` with what was stored."""

    def documents(self) -> Iterator[Document]: ...

    def fail(self, error: str) -> None:
        """The caller could not take the documents (not the source's fault is re-raised)."""

    def finish(self, inserted: int, rejected: Sequence[str]) -> tuple[CollectResult, SourceState]:
        """The run's result and the source's state after it (back-off, validators, health)."""


class SourceCollector(Protocol):
    def __init__(self, config: Config, clock: Callable[[], datetime] | None = None, *,
                 spread: bool = False) -> None:
        """`spread`: a scheduled run may take its whole interval (a search paces its queries
        across it); a one-off run goes as fast as politeness allows."""

    def start(self, source: Any, state: SourceState,
              known: Callable[[str], bool] | None) -> SourceRun: ...

    def stop(self) -> None:
        """End a running collection early; what it yielded so far is kept by the caller."""


def collectors() -> dict[type, type[SourceCollector]]:
    """Kind of source -> its collector class (imported here, so this module stays light)."""
    from brandguard.crawlers.poller import RssPoller
    from brandguard.crawlers.search_crawler import SearchCrawler
    from brandguard.crawlers.site_crawler import SiteCrawler

    return {Feed: RssPoller, Site: SiteCrawler, Search: SearchCrawler}
