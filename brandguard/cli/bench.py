"""`brandguard bench analyze|ingest`: throughput and memory against ARCHITECTURE §6 targets.

Each prints the measured median, the baseline measured in the same run
(`SnowNLP(text).sentiments` on the same documents) and the ratio, so a noisy machine still
gives a meaningful comparison. Pin to one core with `taskset -c 0` for the "one core" figure.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from brandguard.analyzing import ANALYSIS_BATCH, Workers
from brandguard.batching import batches
from brandguard.bench import alert_latency, feed_corpus, grown
from brandguard.bench import crawl as crawl_bench
from brandguard.bench import discover as discover_bench
from brandguard.bench import extract as extract_bench
from brandguard.bench import flood as flood_bench
from brandguard.bench import poll as poll_bench
from brandguard.bench import risk as risk_bench
from brandguard.bench.corpus import bench_config, documents, last_published, source_texts
from brandguard.bench.runner import Measure, parallel_ceiling, peak_rss_mb, rate
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.risk.engine import RiskEngine
from brandguard.store.sqlite import SqliteStore
from brandguard.stories.tracker import StoryTracker

if TYPE_CHECKING:
    from brandguard.bench.api import Latency
    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document

BENCH_DB = Path("brandguard-data") / "bench-api.db"  # 1 M documents, filled once, reused
COMMON = [
    click.option("--brands", default=500, show_default=True, help="Configured brands."),
    click.option("--docs", default=2000, show_default=True, help="Documents per run."),
    click.option("--repeat", default=5, show_default=True, help="Runs; the median is reported."),
    click.option("--baseline-docs", default=60, show_default=True,
                 help="Documents scored by SnowNLP for the baseline."),
    click.option("--corpus", type=click.Path(path_type=Path, dir_okay=False),
                 help="CSV with a text column (default: ../shared/data news if present)."),
]


F = TypeVar("F", bound=Callable[..., None])


def common(func: F) -> F:
    for option in reversed(COMMON):
        func = option(func)
    return func


def _setup(brands: int, docs: int, corpus: Path | None) -> tuple[Config, Analyzer, list[Document]]:
    config = bench_config(Path(tempfile.mkdtemp(prefix="bg-bench-")), brands)
    texts, origin = source_texts(corpus)
    sample = list(documents(config, texts, docs))
    mean = sum(len(d.text) for d in sample) / len(sample)
    click.echo(f"corpus: {origin}; {len(sample)} documents, mean {mean:.0f} characters; "
               f"{len(config.brands)} brands; CPU affinity {sorted(os.sched_getaffinity(0))}")
    return config, Analyzer.from_config(config), sample


def _baseline(sample: list[Document], count: int) -> Measure:
    from snownlp import SnowNLP

    subset = sample[:count]
    return rate("baseline SnowNLP(text).sentiments", len(subset),
                lambda: [SnowNLP(d.text).sentiments for d in subset], 3)


def _report(measure: Measure, sample: list[Document], baseline_docs: int,
            target: float) -> None:
    worker_rss = peak_rss_mb()  # before SnowNLP loads its own models for the baseline
    baseline = _baseline(sample, baseline_docs)
    click.echo(baseline.line())
    click.echo(measure.line())
    verdict = "meets" if measure.value >= target else "MISSES"
    click.echo(f"ratio to baseline: {measure.value / baseline.value:,.1f}x; target "
               f"{target:,.0f} docs/s: {verdict}; peak RSS without the baseline "
               f"{worker_rss:,.0f} MB (target 400 MB)")


@click.group()
def bench() -> None:
    """Measure throughput and memory (ARCHITECTURE §6 targets)."""


@bench.command("analyze")
@common
def bench_analyze(brands: int, docs: int, repeat: int, baseline_docs: int,
                  corpus: Path | None) -> None:
    """analyze throughput: target >= 3,000 docs/s on one core."""
    _, analyzer, sample = _setup(brands, docs, corpus)
    analyzer.analyze_batch(sample[:1])  # the model's arrays are built once per process
    one = rate("  one document at a time (Analyzer.analyze)", len(sample),
               lambda: [analyzer.analyze(d) for d in sample], repeat)
    measure = rate(f"brandguard analyze (batches of {ANALYSIS_BATCH})", len(sample),
                   lambda: _analyze_all(analyzer, sample), repeat)
    _report(measure, sample, baseline_docs, 3000)
    click.echo(one.line())


def _analyze_all(analyzer: Analyzer, sample: list[Document]) -> list[Analysis]:
    """As the pipeline analyses: batches of ANALYSIS_BATCH documents."""
    return [a for batch in batches(sample, ANALYSIS_BATCH) for a in analyzer.analyze_batch(batch)]


@bench.command("ingest")
@common
@click.option("--store", "store_url", default=None, metavar="URL",
              help="Also measure an Elasticsearch node (http(s)://…): bulk ingest and search.")
@click.option("--search-docs", default=1_000_000, show_default=True,
              help="Documents in the search-latency stores (0: skip search).")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              default=BENCH_DB, show_default=True,
              help="SQLite store for the search comparison (shared with `bench api`).")
@click.option("--workers", default=0, show_default=True,
              help="Also ingest through N analysis worker processes (`ingest --workers N`), "
                   "beside one process pinned to one core, same run (run it unpinned).")
@click.option("--held", default=18_000, show_default=True,
              help="Also store the sample into a store already holding N more documents of "
                   "its week, as a running deployment does (0: skip).")
@click.option("--flood", default=4_000, show_default=True,
              help="Also store N copies of one long text, a story reposted N times (0: skip).")
def bench_ingest(brands: int, docs: int, repeat: int, baseline_docs: int,
                 corpus: Path | None, store_url: str | None, search_docs: int,
                 db: Path, workers: int, held: int, flood: int) -> None:
    """ingest into SQLite (analysis + store): target >= 2,000 docs/s on one core; with
    --store http://…, into Elasticsearch too (target >= 3,000 docs/s bulk) and search p95 on
    a 1 M-document index beside SQLite's (target <= 50 ms)."""
    config, analyzer, sample = _setup(brands, docs, corpus)
    folder = Path(tempfile.mkdtemp(prefix="bg-bench-store-"))
    runs = itertools.count()

    def ingest_once(pre: list[tuple[Document, Analysis]] | None = None,
                    stories: bool = True) -> None:
        """As the pipeline stores a batch: the write, then its story grouping."""
        items = pre or list(zip(sample, _analyze_all(analyzer, sample), strict=True))
        grown.store_batches(folder / f"run{next(runs)}.db", config, items, stories)

    measure = rate("brandguard ingest into SQLite (end to end)", len(sample), ingest_once, repeat)
    analyzed = list(zip(sample, _analyze_all(analyzer, sample), strict=True))
    store_only = rate("  of which store writes and story grouping", len(sample),
                      lambda: ingest_once(analyzed), repeat)
    writes_only = rate("  of which store writes alone", len(sample),
                       lambda: ingest_once(analyzed, stories=False), repeat)
    _report(measure, sample, baseline_docs, 2000)
    click.echo(store_only.line())
    click.echo(writes_only.line())
    if held:
        _bench_held(config, analyzer, corpus, analyzed, held, repeat, folder)
    if flood:
        _bench_flood(config, analyzed, flood, repeat, folder, store_only)
    _bench_judging(config, analyzer, sample, repeat, folder)
    if workers:
        _bench_workers(config, analyzer, sample, repeat, workers, folder)
    if store_url:
        _bench_es(store_url, config, analyzer, sample, repeat, analyzed, store_only)
        if search_docs:
            _bench_search(store_url, config, analyzer, corpus, search_docs, db)


def _bench_held(config: Config, analyzer: Analyzer, corpus: Path | None,
                analyzed: list[tuple[Document, Analysis]], held: int, repeat: int,
                folder: Path) -> None:
    """The two store lines above again, into a store already holding `held` documents of
    the same week (`brandguard.bench.grown`)."""
    texts, _ = source_texts(corpus)
    base = grown.held_store(folder, config, analyzer, texts, [d for d, _ in analyzed], held)
    both = grown.into_held(f"  store writes and story grouping, {held:,} held", base, folder,
                           config, analyzed, repeat)
    writes = grown.into_held(f"  store writes alone, {held:,} held", base, folder, config,
                             analyzed, repeat, stories=False)
    click.echo(both.line())
    click.echo(writes.line())


def _bench_flood(config: Config, analyzed: list[tuple[Document, Analysis]], count: int,
                 repeat: int, folder: Path, sample: Measure) -> None:
    """Store writes and story grouping of `count` copies of one text (bench/flood.py),
    beside the sample's line above: their ratio stays near 1 while the repost probe is
    bounded, and falls as the flood grows if it is not."""
    items = flood_bench.copies(analyzed, count)
    runs = itertools.count()
    reposted = rate(f"  store writes and story grouping, {count:,} reposts", len(items),
                    lambda: grown.store_batches(folder / f"flood{next(runs)}.db", config,
                                                items), repeat)
    click.echo(reposted.line())
    ratio = reposted.value / sample.value
    click.echo(f"  a story reposted {count:,} times is stored at x{ratio:.2f} the rate of the "
               "sample's different texts")


def _lines(sample: list[Document]) -> list[tuple[int, bytes]]:
    return [(number, json.dumps(doc.to_json(), ensure_ascii=False).encode())
            for number, doc in enumerate(sample, start=1)]


def _through(config: Config, analyzer: Analyzer, lines: list[tuple[int, bytes]], db: Path,
             analyzing: Workers | None = None, judge: bool = False) -> None:
    """JSONL lines through the pipeline into a fresh store, as `ingest` runs them; with
    `judge`, the risk engine judges each stored batch too (the clock a day after the
    sample's last document)."""
    store = SqliteStore(db, config.settings.tz)
    stories = StoryTracker(store, config.settings.stories, config.settings.tz)
    hooks = []
    if judge:
        now = last_published(config) + timedelta(days=1)
        hooks.append(RiskEngine(store, config, clock=lambda: now))
    Pipeline(analyzer, store, config.settings, hooks=hooks, stories=stories,
             analyzing=analyzing).ingest(lines)
    store.close()


def _bench_judging(config: Config, analyzer: Analyzer, sample: list[Document], repeat: int,
                   folder: Path) -> None:
    """What `brandguard ingest` does beyond the figures above: the risk engine judges every
    stored report at its own time. Same lines, same run, with and without it."""
    lines = _lines(sample)
    runs = itertools.count()
    plain = rate("ingest of JSONL lines, no judging", len(lines),
                 lambda: _through(config, analyzer, lines, folder / f"j{next(runs)}.db"), repeat)
    judged = rate("ingest of JSONL lines with judging (as `ingest`)", len(lines),
                  lambda: _through(config, analyzer, lines, folder / f"j{next(runs)}.db",
                                   judge=True), repeat)
    click.echo(plain.line())
    click.echo(judged.line())
    share = 1 - judged.value / plain.value
    click.echo(f"judging takes {share:.0%} of ingest time (one week of reports, "
               f"{len(config.brands)} brands)")


def _bench_workers(config: Config, analyzer: Analyzer, sample: list[Document], repeat: int,
                   workers: int, folder: Path) -> None:
    """`ingest` of JSONL lines (parse, analysis, store writes, story grouping; no judging, as
    above) in one process pinned to one core, then through `workers` analysis processes on
    every core this process may use: the ratio is what `--workers` buys."""
    lines = _lines(sample)
    runs = itertools.count()

    def through(analyzing: Workers | None) -> None:
        _through(config, analyzer, lines, folder / f"lines{next(runs)}.db", analyzing)

    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, cores[:1])
    try:
        one = rate("ingest, one process on one core", len(lines), lambda: through(None), repeat)
    finally:
        os.sched_setaffinity(0, cores)
    pool = Workers(workers, analyzer, config)
    shares: list[tuple[float, float]] = []  # per run: waited, alone after the last batch

    def through_pool() -> None:
        pool.waited, pool.last_back, started = 0.0, None, time.perf_counter()
        through(pool)
        took = time.perf_counter() - started
        shares.append((pool.waited / took, (time.perf_counter() - (pool.last_back or started))
                       / took))

    try:
        list(pool.lines(lines[:ANALYSIS_BATCH * workers], "auto"))  # the workers are up
        many = rate(f"ingest --workers {workers} on {len(cores)} cores", len(lines),
                    through_pool, repeat)
    finally:
        pool.close()
    ceiling = parallel_ceiling(len(cores))
    click.echo(one.line())
    click.echo(many.line())
    click.echo(f"  the writer waited on the workers {statistics.median(w for w, _ in shares):.0%}"
               f" of a run; after the last batch came back it stored and closed alone for "
               f"{statistics.median(t for _, t in shares):.0%} (medians)")
    ratio = many.value / one.value
    verdict = "meets" if ratio >= 1.8 else "MISSES"
    click.echo(f"--workers {workers}: x{ratio:.2f} the one-core rate; target x1.8 on 2 cores: "
               f"{verdict}; this machine's own ceiling, same run: {len(cores)} pure-Python "
               f"processes at once do x{ceiling:.2f} the work of one")


def _bench_es(url: str, config: Config, analyzer: Analyzer, sample: list[Document],
              repeat: int, analyzed: list[tuple[Document, Analysis]], sqlite: Measure,
              ) -> None:
    from brandguard.bench import es as es_bench

    end_to_end = es_bench.ingest_rate("brandguard ingest into Elasticsearch (end to end)",
                                      url, config, analyzer, sample, repeat)
    bulk = es_bench.ingest_rate("  of which bulk store writes alone", url, config, analyzer,
                                sample, repeat, analyzed)
    now = last_published(config) + timedelta(days=1)
    judged = es_bench.ingest_rate(
        "  end to end with judging (as `ingest`)", url, config, analyzer, sample, repeat,
        hook=lambda store: RiskEngine(store, config, clock=lambda: now).on_batch_stored)
    click.echo(end_to_end.line())
    click.echo(bulk.line())
    click.echo(judged.line())
    click.echo(f"judging takes {1 - judged.value / end_to_end.value:.0%} of Elasticsearch "
               "ingest time (each report judged at its own time, as `ingest` does)")
    verdict = "meets" if bulk.value >= 3000 else "MISSES"
    click.echo(f"Elasticsearch bulk writes: target 3,000 docs/s: {verdict}; ratio to SQLite "
               f"store writes in this run: {bulk.value / sqlite.value:.2f}x")


def _bench_search(url: str, config: Config, analyzer: Analyzer, corpus: Path | None,
                  total: int, db: Path) -> None:
    from brandguard.bench import api as api_bench
    from brandguard.bench import es as es_bench
    from brandguard.cli.context import progress

    texts, _ = source_texts(corpus)
    end = datetime(2026, 11, 1, tzinfo=config.settings.tz)
    db.parent.mkdir(parents=True, exist_ok=True)
    with progress(total, "docs", "filling Elasticsearch") as bar:
        had, speed = es_bench.fill_es(url, config, analyzer, texts, total, end,
                                          lambda n: bar.update(n))
    if had < total:
        click.echo(f"filled index {es_bench.SEARCH_PREFIX}-docs with {total - had:,} documents"
                   f" at {speed:,.0f} docs/s (bulk, synthetic analyses)")
    with progress(total, "docs", "filling SQLite") as bar:
        api_bench.fill(db, config, analyzer, texts, total, end, lambda n: bar.update(n))
    elastic = es_bench.open_es(url, config, es_bench.SEARCH_PREFIX)
    sqlite = SqliteStore(db, config.settings.tz)
    try:
        es_search, es_series = es_bench.search_latency(
            elastic, "Elasticsearch", api_bench.Queries(config, end), 300)
        sq_search, sq_series = es_bench.search_latency(
            sqlite, "SQLite", api_bench.Queries(config, end), 300)
    finally:
        elastic.close()
        sqlite.close()
    click.echo(f"search on {total:,} documents over a year, {len(config.brands)} brands, "
               f"one query at a time:")
    for line in (es_search.line(50.0), sq_search.line(50.0), es_series.line(),
                 sq_series.line()):
        click.echo("  " + line)
    click.echo(f"  Elasticsearch / SQLite p95: search {es_bench.ratio(es_search, sq_search)}, "
               f"counts {es_bench.ratio(es_series, sq_series)}")


@bench.command("risk")
@click.option("--brands", default=20, show_default=True, help="Brands simulated.")
@click.option("--days", default=35, show_default=True, help="Simulated days.")
@click.option("--per-day", default=24.0, show_default=True,
              help="Mean background mentions per brand per day (a tenth are complaints).")
@click.option("--crises-per-size", default=4, show_default=True)
def bench_risk(brands: int, days: int, per_day: float, crises_per_size: int) -> None:
    """Detection delay, misses and false incidents on a replayed synthetic month."""
    started = time.perf_counter()
    outcome = risk_bench.run(brands, days, per_day, [5, 8, 15], crises_per_size)
    for line in risk_bench.summary(outcome, brands, days):
        click.echo(line)
    click.echo(f"  (replay took {time.perf_counter() - started:.0f} s)")


@bench.command("alert-latency")
@click.option("--incidents", default=100, show_default=True, help="Incidents measured.")
def bench_alert_latency(incidents: int) -> None:
    """Ingest of the tipping document -> alert at a loopback webhook and SMTP server."""
    started = time.perf_counter()
    result = alert_latency.run(incidents)
    click.echo(f"{incidents} incidents through the real pipeline (analysis, store, risk, "
               f"alerts):")
    for line in alert_latency.summary(result, incidents):
        click.echo(line)
    click.echo(f"  (took {time.perf_counter() - started:.0f} s)")


@bench.command("poll")
@click.option("--feeds", default=500, show_default=True, help="Loopback feeds polled.")
def bench_poll(feeds: int) -> None:
    """RSS polling rate against loopback feeds; the second pass must be 304s."""
    result = poll_bench.run(feeds)
    verdict = "meets" if result.second_per_min >= 1000 else "MISSES"
    click.echo(f"{result.feeds} loopback feeds, 5 entries each, real poller + pipeline:")
    click.echo(f"  first pass (200, parse, analyse, store): {result.first_per_min:,.0f} "
               f"feeds/min")
    click.echo(f"  second pass (conditional GET):           {result.second_per_min:,.0f} "
               f"feeds/min, {result.not_modified}/{result.feeds} answered 304")
    click.echo(f"  target >= 1,000 feeds/min with conditional GET honoured: {verdict}")


@bench.command("feeds")
@click.option("--feeds", default=3000, show_default=True, help="Feeds in the corpus.")
@click.option("--seed", default=20261201, show_default=True, help="Corpus seed.")
def bench_feeds(feeds: int, seed: int) -> None:
    """`brandguard crawl` over good and broken loopback feeds: every good item stored?"""
    result = feed_corpus.run(feeds, seed)
    click.echo(f"{result.feeds} loopback feeds ({result.good} good in 12 real-world variants, "
               f"{result.broken} broken in 11 ways), one `brandguard crawl` process:")
    click.echo(f"  exit status {result.exit_code} (0 expected: no feed may end the crawl)")
    click.echo(f"  good feeds with every item stored: {result.good - len(result.missing)}/"
               f"{result.good}" + (f"; missing: {', '.join(result.missing[:10])}"
                                   if result.missing else ""))
    click.echo(f"  {result.seconds:.1f} s, {result.feeds_per_min:,.0f} feeds/min")
    if result.exit_code != 0 or result.missing:
        click.echo(result.stderr, err=True)
        raise SystemExit(1)


@bench.command("extract")
@click.option("--pages", "folder", type=click.Path(path_type=Path, file_okay=False,
                                                    exists=True), default=None,
              help="Folder of pages with an expected.yaml (default: the shipped portal pages).")
@click.option("--repeat", default=5, show_default=True, help="Timing runs; medians reported.")
def bench_extract(folder: Path | None, repeat: int) -> None:
    """Title, body, boilerplate and time on portal pages, beside plain trafilatura."""
    folder = folder or extract_bench.pages_dir()
    scores = extract_bench.evaluate(folder)
    timing = extract_bench.timing(folder, repeat)
    click.echo(f"{len(scores['brandguard'])} pages from {folder} "
               "(T = title right; body = expected sentences found; time to the minute):")
    click.echo(f"  {'page':30} {'plain trafilatura':38} brandguard")
    for page, ours in scores["brandguard"].items():
        click.echo(f"  {page:30} {scores['trafilatura'][page].label:38} {ours.label}")
    for name, per_page in scores.items():
        click.echo(f"  {name:12} {extract_bench.summary(per_page)}; median "
                   f"{timing[name]:.1f} ms/page")
    click.echo(f"  time cost: {timing['brandguard'] / timing['trafilatura']:.2f}x plain "
               "trafilatura")


@bench.command("crawl")
@click.option("--pages", default=600, show_default=True, help="Articles on the portal.")
@click.option("--repeat", default=3, show_default=True, help="Runs; medians are reported.")
@click.option("--corpus", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="CSV with a text column (default: ../shared/data news, else the demo).")
def bench_crawl(pages: int, repeat: int, corpus: Path | None) -> None:
    """The news spider against a generated loopback portal: pages/s and docs/s stored."""
    result = crawl_bench.run(pages, repeat, corpus)
    crawl = statistics.median(result.pages_s)
    docs = statistics.median(result.docs_s)
    click.echo(f"corpus: {result.corpus}; {result.pages} articles + "
               f"{-(-result.pages // crawl_bench.PER_LIST)} list pages on a loopback portal, "
               f"{crawl_bench.CONCURRENCY} concurrent requests, medians of {repeat} runs:")
    click.echo(f"  baseline, plain http.client fetch (no parsing): "
               f"{result.baseline_pages_s:,.0f} pages/s")
    click.echo(f"  news spider (Scrapy + main-text extraction):    {crawl:,.0f} pages/s "
               f"({crawl / result.baseline_pages_s:.2f}x baseline)")
    click.echo(f"  end to end into the store (analysed, stored):   {docs:,.0f} docs/s "
               f"({result.stored} stored per run)")
    click.echo(f"  runs: pages/s {', '.join(f'{x:.0f}' for x in result.pages_s)}")


@bench.command("discover")
@click.option("--brands", default=500, show_default=True, help="Brands searched for.")
@click.option("--delay-ms", default=10, show_default=True, type=click.IntRange(10),
              help="The search's per-engine delay.")
@click.option("--repeat", default=3, show_default=True, help="Runs; medians are reported.")
@click.option("--corpus", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="CSV with a text column (default: ../shared/data news, else the demo).")
def bench_discover(brands: int, delay_ms: int, repeat: int, corpus: Path | None) -> None:
    """A search source (brands × 4 terms) against a loopback engine, beside `bench crawl`."""
    result = discover_bench.run(brands, delay_ms, repeat, corpus)
    med = discover_bench.median
    allowed = 1 / result.delay_s
    respected = (max(result.peak_per_s) <= allowed + 1
                 and min(result.min_gap_s) >= result.delay_s * 0.99)
    click.echo(f"corpus: {result.corpus}; {result.brands} brands, {result.queries} queries "
               f"(name and alias, alone and with {len(discover_bench.TERMS)} terms), "
               f"{discover_bench.PER_BRAND} articles per brand, medians of {repeat} runs:")
    click.echo(f"  queries:  {med(result.queries_s):,.1f} queries/s "
               f"(configured delay {delay_ms} ms: at most {allowed:,.0f}/s)")
    click.echo(f"  engine saw at most {med(result.peak_per_s):,.0f} queries in any second; "
               f"shortest gap {med(result.min_gap_s) * 1000:.1f} ms "
               f"({'respects' if respected else 'EXCEEDS'} the delay)")
    click.echo(f"  articles: {med(result.articles_s):,.1f} articles/s fetched, "
               f"{med(result.fetched):,.0f} fetched per run for "
               f"{result.brands * discover_bench.PER_BRAND} distinct articles "
               f"({med(result.stored):,.0f} stored)")
    plain = crawl_bench.run(300, repeat, corpus)
    pages = statistics.median(plain.pages_s)
    click.echo(f"  baseline, `bench crawl` news spider on a plain portal (same run): "
               f"{pages:,.0f} pages/s; discovery fetches articles at "
               f"{med(result.articles_s) / pages:.2f}x that rate, paced by the engine")
    click.echo(f"  runs: queries/s {', '.join(f'{x:.1f}' for x in result.queries_s)}; "
               f"peak/s {', '.join(str(x) for x in result.peak_per_s)}")


@bench.command("api")
@click.option("--docs", default=1_000_000, show_default=True, help="Documents in the store.")
@click.option("--brands", default=500, show_default=True, help="Configured brands.")
@click.option("--clients", default="1,20,50", show_default=True,
              help="Concurrent clients, comma-separated: one load per count and endpoint.")
@click.option("--seconds", default=15.0, show_default=True, help="Load per endpoint and count.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              default=BENCH_DB, show_default=True,
              help="Store to fill once and reuse.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, help="`serve --workers` for the run.")
@click.option("--corpus", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="CSV with a text column (default: ../shared/data news, else the demo).")
def bench_api(docs: int, brands: int, clients: str, seconds: float, db: Path, port: int,
              workers: int, corpus: Path | None) -> None:
    """REST latency (mentions search, time series) on a large SQLite store, N clients."""
    from brandguard.bench import api as api_bench

    counts = _client_counts(clients)
    root = Path(tempfile.mkdtemp(prefix="bg-bench-api-"))
    config = bench_config(root, brands)
    end = datetime(2026, 11, 1, tzinfo=config.settings.tz)
    _fill_api_store(config, db, docs, end, corpus)
    size, took = api_bench.warm_page_cache(db)
    click.echo(f"store {db}: {docs:,} documents over a year, {brands} brands "
               f"({size / 1e9:.1f} GB, read once in {took:.0f} s to warm the page cache); "
               f"{seconds:.0f} s per endpoint and client count; serve --workers {workers}")
    queries = api_bench.Queries(config, end)
    base_search, base_series = api_bench.store_baseline(db, config, queries, 300)
    click.echo("  " + base_search.line())
    click.echo("  " + base_series.line())
    token = api_bench.bench_token(db, config)
    server = api_bench.start_server(root, db, port, workers)
    try:
        for name, make, base in (("GET /api/v1/mentions (brand + 7 days)", queries.search,
                                  base_search),
                                 ("GET /api/v1/brands/{id}/timeseries (90 d)", queries.series,
                                  base_series)):
            for count in counts:
                _api_load(f"http://127.0.0.1:{port}", token, server.pid,
                          f"{name}, {count}", make, count, seconds, base)
    finally:
        server.terminate()
        server.wait(30)
    _dashboard_loads(root, db, port, workers, token, config, end, counts, seconds)


def _dashboard_loads(root: Path, db: Path, port: int, workers: int, token: str,
                     config: Config, end: datetime, counts: list[int],
                     seconds: float) -> None:
    """The overview's figures reloaded, by a server without the figure cache (the
    baseline) and then by one with it, alternating per client count."""
    from brandguard.bench import api as api_bench

    uncached = api_bench.without_figure_cache(root, root.parent / f"{root.name}-uncached")
    click.echo("  the overview's figures (series 90 d, hot words and sources 30 d) of 10 "
               "brands, windows ending at a running clock, nothing written meanwhile:")
    for count in counts:
        measured: dict[str, Latency] = {}
        for label, config_dir in (("figure_cache: 0", uncached), ("figure cache", root)):
            server = api_bench.start_server(config_dir, db, port, workers)
            try:
                measured[label] = _api_load(
                    f"http://127.0.0.1:{port}", token, server.pid,
                    f"dashboard, {label}, {count}", api_bench.Dashboard(config, end).request,
                    count, seconds, None)
            finally:
                server.terminate()
                server.wait(30)
        off, on = measured["figure_cache: 0"], measured["figure cache"]
        click.echo(f"      with the cache: p95 {on.p95 / off.p95:.2f}x, "
                   f"{on.rate / off.rate:.2f}x the requests per second of the same run "
                   "without it")


def _client_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise click.BadParameter(f"expected counts such as 1,20,50, got {text!r}",
                                 param_hint="--clients")
    return counts


def _fill_api_store(config: Config, db: Path, docs: int, end: datetime,
                    corpus: Path | None) -> None:
    from brandguard.bench import api as api_bench
    from brandguard.cli.context import progress

    texts, origin = source_texts(corpus)
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with progress(docs, "docs", "filling the store") as bar:
        def advance(n: int) -> None:
            bar.update(n)

        had = api_bench.fill(db, config, Analyzer.from_config(config), texts, docs, end,
                             advance)
    if had < docs:
        took = time.perf_counter() - started
        click.echo(f"filled {db} with {docs - had:,} documents in {took:,.0f} s "
                   f"({(docs - had) / took:,.0f} docs/s; texts from {origin})")


def _api_load(url: str, token: str, pid: int, name: str,
              make: Callable[[], tuple[str, dict[str, str]]], clients: int, seconds: float,
              base: Latency | None) -> Latency:
    """One closed-loop load; prints latency, rate, the server's CPU per request and the
    p95's ratio to the store alone (the 20-client search carries the issue's target)."""
    import asyncio

    from brandguard.bench import api as api_bench

    cpu, own = api_bench.process_seconds(pid), time.process_time()
    result, errors = asyncio.run(api_bench.load(url, token, name, make, clients, seconds))
    cpu, own = api_bench.process_seconds(pid) - cpu, time.process_time() - own
    target = 50.0 if clients == 20 and "mentions" in name else None
    click.echo("  " + result.line(target))
    count = len(result.samples) or 1
    click.echo(f"      server CPU {cpu / count * 1000:.2f} ms/request"
               + (f"; p95 {result.p95 / base.p95:.1f}x the store alone" if base else "")
               + (f"; ≥ 500 req/s: {'met' if result.rate >= 500 else 'NOT met'}"
                  if target else ""))
    # the load generator runs on the same cores: what it takes is not the server's
    click.echo(f"      load generator CPU {own / count * 1000:.2f} ms/request; server and "
               f"generator together {(cpu + own) / result.elapsed:.2f} of "
               f"{os.cpu_count() or 1} cores")
    if errors:
        click.echo(f"      {len(errors)} non-200 answers, e.g. {errors[0]}")
    return result


@bench.command("report")
@click.option("--docs", default=1_000_000, show_default=True, help="Documents in the store.")
@click.option("--brands", default=500, show_default=True, help="Configured brands.")
@click.option("--repeat", default=3, show_default=True, help="Runs per format; medians.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              default=BENCH_DB, show_default=True,
              help="Store to fill once and reuse (shared with `bench api`).")
@click.option("--corpus", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="CSV with a text column (default: ../shared/data news, else the demo).")
def bench_report(docs: int, brands: int, repeat: int, db: Path, corpus: Path | None) -> None:
    """A yearly report (PDF) over a 1 M-document SQLite store: time and peak memory."""
    from brandguard.bench import api as api_bench
    from brandguard.bench import report as report_bench
    from brandguard.cli.context import progress

    root = Path(tempfile.mkdtemp(prefix="bg-bench-report-"))
    fill_config = bench_config(root / "fill", brands)
    texts, origin = source_texts(corpus)
    end = datetime(2026, 11, 1, tzinfo=fill_config.settings.tz)
    db.parent.mkdir(parents=True, exist_ok=True)
    with progress(docs, "docs", "filling the store") as bar:
        had = api_bench.fill(db, fill_config, Analyzer.from_config(fill_config), texts, docs,
                             end, bar.update)
    if had < docs:
        click.echo(f"filled {db} with {docs - had:,} documents (texts from {origin})")
    config = report_bench.report_config(root / "report", brands)
    year = end.date().replace(month=1, day=1)  # the year the store's documents fall in
    click.echo(f"store {db}: {docs:,} documents over the year before {end:%Y-%m-%d}; "
               f"report for b0 (regional, {brands - 1 - report_bench.PEERS} members, "
               f"{report_bench.PEERS} peers), {year.year}-01-01 to {year.year}-12-31; "
               f"medians of {repeat}")
    queries = [report_bench.store_queries(config, db, year) for _ in range(repeat)]
    runs = {fmt: [report_bench.run_cli(root / "report", db, year, fmt, root / f"r.{fmt}")
                  for _ in range(repeat)] for fmt in ("json", "pdf")}
    query_s = report_bench.median(queries)
    click.echo(f"  store queries alone (figures, in-process)  {query_s:6.2f} s")
    for fmt, measured in runs.items():
        took = report_bench.median([r.seconds for r in measured])
        peak = report_bench.median([r.peak_mb for r in measured])
        verdict = ""
        if fmt == "pdf":
            ok = took <= 10 and peak <= 400
            verdict = f"  target <= 10 s, <= 400 MB: {'met' if ok else 'NOT met'}"
        click.echo(f"  brandguard report --format {fmt:<4} (process) {took:6.2f} s  "
                   f"peak RSS {peak:5.0f} MB  {measured[0].size:,} bytes  "
                   f"{took / query_s:4.1f}x the store queries{verdict}")
