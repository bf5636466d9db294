"""Run a source once: its collector yields documents, the pipeline stores them, the state is kept.

This is the caller the collectors' contract (`brandguard.crawlers.collector`) asks for: the only
place that puts collection, storage and source state together, so a collector can be run
anywhere (a child process, a benchmark, a worker) without carrying a store. `brandguard crawl`,
`run` and the demo reach it through `brandguard.wiring`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from brandguard.crawlers.collector import collectors
from brandguard.errors import StoreUnavailable
from brandguard.source_state import SourceState
from brandguard.store.ports import DocumentReader, SourceStates

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.crawlers.collector import CollectResult, Source, SourceCollector
    from brandguard.pipeline import Pipeline

    Progress = Callable[[int], object]

log = logging.getLogger(__name__)


class Bar(Protocol):
    """What a progress bar (tqdm's) offers a collection run."""

    def set_description_str(self, desc: str) -> None: ...

    def update(self, n: int = 1) -> object: ...


class CollectionStore(SourceStates, DocumentReader, Protocol):
    """A source's state between runs, and whether an article is already stored."""


class Collection:
    def __init__(self, config: Config, store: CollectionStore, pipeline: Pipeline,
                 clock: Callable[[], datetime] | None = None, *, spread: bool = False) -> None:
        """`spread`: runs are scheduled (`brandguard run`), so a search may pace its queries
        over its interval instead of asking the engine as fast as its `delay` allows."""
        self.config, self.store, self.pipeline = config, store, pipeline
        self.collectors: dict[type, SourceCollector] = {
            kind: collector(config, clock, spread=spread)
            for kind, collector in collectors().items()}

    def sources(self) -> list[Source]:
        """Feeds, then searches (discovery), then sites: an article a search found first is
        not fetched again by the site that also lists it."""
        return [*self.config.feeds, *self.config.searches, *self.config.sites]

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources() if s.id == source_id), None)

    def collect(self, source: Source, progress: Progress | None = None) -> CollectResult:
        """`progress` is told each stored batch's size (a terminal's bar)."""
        state = self.store.source_state(source.id) or SourceState(source.id)
        run = self.collectors[type(source)].start(source, state, self._known)
        inserted, rejected = 0, []
        try:
            report = self.pipeline.ingest_documents(run.documents(), progress)
            inserted = report.stored.inserted
            rejected = [f"item {r.line}: {r.reason}" for r in report.rejected]
        except StoreUnavailable:
            raise  # not this source's fault: the run decides (spool, retry)
        except Exception as exc:  # one source must never stop the others, whatever it holds
            log.exception("source %s: unexpected failure", source.id)
            run.fail(f"unexpected {type(exc).__name__}: {str(exc)[:300]}")
        result, state = run.finish(inserted, rejected)
        self.store.save_source_state(state)
        return result

    def collect_all(self, sources: Iterable[Source],
                    bar: Bar | None = None) -> list[CollectResult]:
        """Every enabled source in turn; `bar` shows which one and the documents stored."""
        results = []
        for source in (s for s in sources if s.enabled):
            if bar is not None:
                bar.set_description_str(source.id)
            results.append(self.collect(source, bar.update if bar is not None else None))
        return results

    def stop(self) -> None:
        """Ask every running collection to end early (shutdown)."""
        for collector in self.collectors.values():
            collector.stop()

    def _known(self, doc_id: str) -> bool:
        return self.store.get(doc_id) is not None
