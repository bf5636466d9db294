"""Store writes and story grouping into a store that already holds a week of documents.

A fresh store flatters the write: its indexes are small, and a batch meets few stories to
compare with. What a running deployment pays is the cost once the week it ingests into is
full, so `bench ingest --held N` stores N further documents of the sample's week first (not
timed), then times the sample going into a copy of that store, as the pipeline stores a
batch: the write, then its story grouping.
"""

from __future__ import annotations

import shutil
import statistics
import time
from typing import TYPE_CHECKING

from brandguard.batching import batches
from brandguard.bench.corpus import documents
from brandguard.bench.runner import Measure
from brandguard.gc_paused import gc_paused
from brandguard.store.sqlite import SqliteStore
from brandguard.store.sqlite.text_index import store_files
from brandguard.stories.tracker import StoryTracker

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer

BATCH = 500  # what the pipeline stores at once


def store_batches(path: Path, config: Config, items: Sequence[tuple[Document, Analysis]],
                  stories: bool = True) -> None:
    """Store `items` batch by batch, grouping each stored batch into stories, with cyclic
    collection held off as the pipeline holds it (`brandguard.gc_paused`): without the
    hold, the figures counted collections that `ingest` never runs (the writes and story
    grouping of the default sample: 1,189 docs/s against 1,315 held, same run)."""
    store = SqliteStore(path, config.settings.tz)
    tracker = StoryTracker(store, config.settings.stories, config.settings.tz)
    for batch in batches(list(items), BATCH):
        with gc_paused():
            result = store.upsert(batch)
            if stories:
                tracker.group(batch, dict(result.reposts))
    store.close()


def held_store(folder: Path, config: Config, analyzer: Analyzer, texts: list[str],
               sample: Sequence[Document], held: int) -> Path:
    """A store holding `held` documents of the sample's week that are not the sample's
    (the same generator, continued), closed: its files (`store_files`) are the store."""
    more = list(documents(config, texts, len(sample) + held))[len(sample):]
    analysed = [a for batch in batches(more, BATCH) for a in analyzer.analyze_batch(batch)]
    path = folder / "held.db"
    store_batches(path, config, list(zip(more, analysed, strict=True)))
    return path


def into_held(name: str, base: Path, folder: Path, config: Config,
              items: Sequence[tuple[Document, Analysis]], repeat: int,
              stories: bool = True) -> Measure:
    """Documents per second stored (and grouped) into a fresh copy of `base` each run."""
    runs = []
    for n in range(repeat):
        copy = folder / f"held-run{n}.db"
        for part, into in zip(store_files(base), store_files(copy), strict=True):
            if part.exists():
                shutil.copyfile(part, into)
        started = time.perf_counter()
        store_batches(copy, config, items, stories)
        runs.append(len(items) / (time.perf_counter() - started))
        for part in store_files(copy):
            part.unlink(missing_ok=True)
    return Measure(name, statistics.median(runs), "docs/s", runs)
