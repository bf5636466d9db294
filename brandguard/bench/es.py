"""`bench ingest --store http://…`: bulk ingest into Elasticsearch, and search latency on a
1 M-document index, each beside the SQLite figure measured in the same run.

Ingest runs write into a fresh index prefix each (`bench-<random>`, deleted afterwards):
end to end (analysis + store) and store writes alone (pre-analysed documents: the bulk
path the ARCHITECTURE §6 target is about). The search index (`bench-search-docs`) and the
SQLite file are filled once with the synthetic year of `bench api` and reused; the queries
are the dashboard's: one brand over 7 days (20 newest), and one brand's 90-day daily counts.
"""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from brandguard.bench.api import Latency, Queries, synthetic, top_up
from brandguard.bench.runner import Measure
from brandguard.store.base import SearchQuery
from brandguard.store.es.mappings import drop
from brandguard.store.es.store import ElasticsearchStore

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store

    Batch = Sequence[tuple[Document, Analysis]]

SEARCH_PREFIX = "bench-search"


def open_es(url: str, config: Config, prefix: str) -> ElasticsearchStore:
    es = config.settings.elasticsearch.model_copy(update={"index_prefix": prefix})
    return ElasticsearchStore(url, config.settings.model_copy(update={"elasticsearch": es}))


def ingest_rate(name: str, url: str, config: Config, analyzer: Analyzer,
                sample: list[Document], repeat: int,
                analysed: list[tuple[Document, Analysis]] | None = None,
                hook: Callable[[ElasticsearchStore], Callable[[Batch], object]] | None = None,
                ) -> Measure:
    """Documents/s into a fresh prefix, median of `repeat` runs. Creating the indices is
    left out of the timing (it happens once per deployment); the final refresh that makes
    the documents searchable is in. `hook(store)`, if given, is called with every stored
    batch, as the pipeline calls its hooks (the risk engine's judging)."""
    runs = []
    for _ in range(repeat):
        store = open_es(url, config, f"bench-{uuid.uuid4().hex[:8]}")
        try:
            after = hook(store) if hook else None
            started = time.perf_counter()
            items = analysed or list(zip(sample, analyzer.analyze_batch(sample), strict=True))
            for i in range(0, len(items), 500):
                store.upsert(items[i:i + 500])
                if after is not None:
                    after(items[i:i + 500])
            store.client.indices.refresh(index=store.alias)
            runs.append(len(sample) / (time.perf_counter() - started))
        finally:
            drop(store.client, store.prefix)
            store.close()
    return Measure(name, statistics.median(runs), "docs/s", runs)


def es_count(store: ElasticsearchStore) -> int:
    store.client.indices.refresh(index=store.alias)
    return int(store.client.count(index=store.alias)["count"])


def fill_es(url: str, config: Config, analyzer: Analyzer, texts: list[str], total: int,
            end: datetime, progress: Callable[[int], object]) -> tuple[int, float]:
    """Fill the search index up to `total`; returns (documents it had, docs/s of the fill)."""
    store = open_es(url, config, SEARCH_PREFIX)
    try:
        have = es_count(store)
        if have >= total:
            return have, 0.0
        started = time.perf_counter()
        top_up(store, have, synthetic(config, analyzer, texts, total, end), progress)
        return have, (total - have) / (time.perf_counter() - started)
    finally:
        store.close()


def search_latency(store: Store, name: str, queries: Queries, requests: int,
                   ) -> tuple[Latency, Latency]:
    """The dashboard's two queries on `store`, one at a time; first 20 are warm-up."""
    samples: dict[str, list[float]] = {"search": [], "series": []}
    for n in range(requests + 20):
        brand, since, until = queries.window(7)
        t0 = time.perf_counter()
        store.search(SearchQuery(brands=(brand,), since=since, until=until, limit=20))
        search = time.perf_counter() - t0
        brand, since, until = queries.window(90)
        t0 = time.perf_counter()
        store.counts([brand], since, until, timedelta(days=1))
        if n >= 20:
            samples["search"].append(search)
            samples["series"].append(time.perf_counter() - t0)
    return (Latency(f"{name} search, brand + 7 days", samples["search"],
                    sum(samples["search"])),
            Latency(f"{name} counts, brand, 90 daily buckets", samples["series"],
                    sum(samples["series"])))


def ratio(a: Latency, b: Latency) -> str:
    return f"{a.p95 / b.p95:.1f}x"
