"""The composition root: the one place that assembles analysis, storage, judging and dispatch.

`ingest`, `crawl`, `run`, the demo and the benchmarks all build their stages here, so the
wiring cannot drift between them (it had: five hand-built copies, one with a rule the others
lacked). What differs is said in arguments: whether batches are judged and alerted, and the
one rule that is the scheduler's own (only the leader shard delivers alerts). No stage imports
this module; import-linter's contracts (`.importlinter`) keep it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from brandguard.alerts.dispatcher import AlertDispatcher
from brandguard.analyzing import Workers
from brandguard.collection import Collection
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import BatchHook, Pipeline
from brandguard.risk.engine import RiskEngine
from brandguard.store.serial import SerialStore
from brandguard.stories.tracker import StoryTracker

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.base import Store


@dataclass
class Wiring:
    """The assembled stages for one store."""

    config: Config
    store: Store
    analyzer: Analyzer
    engine: RiskEngine  # judging hook when `judge`; always there for ticks and replays
    dispatcher: AlertDispatcher | None
    pipeline: Pipeline
    collection: Collection

    def close(self) -> None:
        """Stop the analysis workers, if any (the store is the caller's)."""
        self.pipeline.analyzing.close()


def build(config: Config, store: Store, *, model: Path | None = None, judge: bool = True,
          alerts: bool = True, engine: RiskEngine | None = None,
          clock: Callable[[], datetime] | None = None, spread: bool = False,
          writer: threading.RLock | None = None, workers: int = 0) -> Wiring:
    """Sources -> analysis -> store, with the risk engine and then alert dispatch watching each
    stored batch.

    `judge=False` stores without judging (the collection benchmarks measure collection alone;
    the engine is still built, for callers that tick it);
    `alerts=False` judges without delivering (a follower shard: the leader delivers). Alerts are
    dispatched only when channels are configured. `engine` replaces the risk engine (a benchmark
    times it). `spread=True` is the scheduler's: a search paces its queries over its interval.
    `writer`: threads share the store (the scheduler's collection threads), so every store
    call and every stored batch with its judging holds this lock (`brandguard.store.serial`).
    `workers`: analysis worker processes (`brandguard.analyzing.Workers`; 0: analyse in this
    process); close the wiring to stop them.
    """
    if writer is not None:
        store = cast("Store", SerialStore(store, writer))
    analyzer = Analyzer.from_config(config, model)
    risk = engine or RiskEngine(store, config, clock=clock)
    dispatcher = (AlertDispatcher(store, config, clock=clock)
                  if judge and alerts and config.channels else None)
    hooks: list[BatchHook] = ([risk] if judge else []) + ([dispatcher] if dispatcher else [])
    stories = StoryTracker(store, config.settings.stories, config.settings.tz)
    analyzing = Workers(workers, analyzer, config, model) if workers else None
    pipeline = Pipeline(analyzer, store, config.settings, hooks=hooks, writer=writer,
                        stories=stories, analyzing=analyzing)
    return Wiring(config, store, analyzer, risk, dispatcher, pipeline,
                  Collection(config, store, pipeline, clock, spread=spread))
