"""`bench api`: REST latency on a large SQLite store under concurrent clients.

The store is filled once (and reused: `--db`) with synthetic documents: a pool of real
analyses (corpus.py texts through the real analyzer) stamped with new ids and spread over a
year, 1-3 of 500 brands each. Repost fingerprints are left out so the fill is not a
million-way near-duplicate probe; search, counts and series don't use them.

The web server runs as a separate `brandguard serve` process (as in production), so the
load generator does not share its interpreter. Clients are asyncio tasks on one aiohttp
session, each on its own keep-alive connection, sending its next request as soon as the last
one answers (closed loop). The store file is read once first, so the baseline and the server
meet the same warm page cache. The baseline, measured in the same run, is the same queries
made directly on the store in this process, one at a time: the difference is what HTTP, auth,
scoping and JSON cost.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp

from brandguard.access import Credential, new_secret, secret_hash
from brandguard.bench.corpus import documents
from brandguard.store.base import SearchQuery
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store

POOL = 2000
BATCH = 5000
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Latency:
    name: str
    samples: list[float]  # seconds
    elapsed: float

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20)[18] * 1000

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.samples, n=100)[98] * 1000

    @property
    def rate(self) -> float:
        return len(self.samples) / self.elapsed if self.elapsed else 0.0

    def line(self, target_ms: float | None = None) -> str:
        verdict = (f"  target p95 ≤ {target_ms:.0f} ms: "
                   f"{'met' if self.p95 <= target_ms else 'NOT met'}") if target_ms else ""
        return (f"{self.name:<44} p50 {self.p50:6.1f} ms  p95 {self.p95:6.1f} ms  "
                f"p99 {self.p99:6.1f} ms  {self.rate:6.0f} req/s  ({len(self.samples)} "
                f"requests){verdict}")


def synthetic(config: Config, analyzer: Analyzer, texts: list[str], total: int, end: datetime,
              seed: int = 5) -> Iterator[tuple[Document, Analysis]]:
    """`total` (document, analysis) pairs over the year before `end`."""
    rng = random.Random(seed)
    pool = [(d, analyzer.analyze(d)) for d in documents(config, texts, POOL)]
    span = int(YEAR.total_seconds())
    for i in range(total):
        doc, analysis = pool[i % POOL]
        when = end - timedelta(seconds=rng.randrange(span))
        doc_id = f"api-{i}"
        yield (replace(doc, id=doc_id, url=f"http://bench.example/a/{i}", published_at=when,
                       source=f"site{rng.randrange(200)}.example"),
               replace(analysis, id=doc_id, fingerprint=b"", dedup_keys=()))


def top_up(store: Store, have: int, items: Iterator[tuple[Document, Analysis]],
           progress: Callable[[int], object]) -> None:
    """Store `items` after the first `have` (already there), in batches of `BATCH`."""
    batch: list[tuple[Document, Analysis]] = []
    for n, item in enumerate(items):
        if n < have:
            continue
        batch.append(item)
        if len(batch) == BATCH:
            store.upsert(batch)
            progress(len(batch))
            batch = []
    if batch:
        store.upsert(batch)
        progress(len(batch))


def fill(path: Path, config: Config, analyzer: Analyzer, texts: list[str], total: int,
         end: datetime, progress: Callable[[int], object]) -> int:
    """Fill the store at `path` up to `total` documents; returns how many it already had."""
    store = SqliteStore(path, config.settings.tz)
    try:
        have = int(store.db.execute("SELECT count(*) FROM documents").fetchone()[0])
        if have >= total:
            return have
        top_up(store, have, synthetic(config, analyzer, texts, total, end), progress)
        return have
    finally:
        store.close()


def bench_token(path: Path, config: Config) -> str:
    secret = new_secret()
    with SqliteStore(path, config.settings.tz) as store:
        store.save_credential(Credential(f"bench-{int(time.time())}", "token", "bench",
                                         "bench api", secret_hash(secret),
                                         datetime.now(config.settings.tz),
                                         datetime.now(config.settings.tz) + timedelta(hours=2)))
    return secret


class Queries:
    """The measured requests: a brand + 7-day search, and a brand's 90-day daily series."""

    def __init__(self, config: Config, end: datetime, seed: int = 9) -> None:
        self.rng = random.Random(seed)
        self.brands = [b.id for b in config.brands]
        self.end = end

    def window(self, days: int) -> tuple[str, datetime, datetime]:
        start = self.end - YEAR + timedelta(days=self.rng.randrange(365 - days))
        return self.rng.choice(self.brands), start, start + timedelta(days=days)

    def search(self) -> tuple[str, dict[str, str]]:
        brand, since, until = self.window(7)
        return "/api/v1/mentions", {"brand": brand, "since": since.isoformat(),
                                    "until": until.isoformat(), "limit": "20"}

    def series(self) -> tuple[str, dict[str, str]]:
        brand, since, until = self.window(90)
        return (f"/api/v1/brands/{brand}/timeseries",
                {"since": since.isoformat(), "until": until.isoformat(), "bucket": "1d"})


class Dashboard:
    """The overview's figures as an organisation's staff reload them: one of its ten brands,
    its 90-day daily series, 30-day hot words or top sources, each window ending at a clock
    that runs from the store's last day, as "now" does. Nothing is written meanwhile, as
    between two ingest polls: what the figure cache (`settings.figure_cache`) can keep."""

    ENDPOINTS = (("timeseries", 90, {"bucket": "1d"}), ("keywords", 30, {"limit": "40"}),
                 ("sources", 30, {"limit": "10"}))

    def __init__(self, config: Config, end: datetime, brands: int = 10, seed: int = 13) -> None:
        self.rng = random.Random(seed)
        self.brands = [b.id for b in config.brands][:brands]
        self.end = end
        self.started = time.perf_counter()

    def request(self) -> tuple[str, dict[str, str]]:
        now = self.end + timedelta(seconds=time.perf_counter() - self.started)
        name, days, extra = self.rng.choice(self.ENDPOINTS)
        return (f"/api/v1/brands/{self.rng.choice(self.brands)}/{name}",
                {"since": (now - timedelta(days=days)).isoformat(), "until": now.isoformat(),
                 **extra})


def without_figure_cache(config_dir: Path, into: Path) -> Path:
    """A copy of the bench configuration with `figure_cache: 0`: the same run's baseline."""
    into.mkdir(parents=True, exist_ok=True)
    for name in ("brands.yaml", "lexicon.yaml"):
        (into / name).write_bytes((config_dir / name).read_bytes())
    (into / "settings.yaml").write_text("figure_cache: 0\n", encoding="utf-8")
    return into


def store_baseline(path: Path, config: Config, queries: Queries, requests: int,
                   ) -> tuple[Latency, Latency]:
    """The same queries on the store directly, one at a time."""
    samples: dict[str, list[float]] = {"search": [], "series": []}
    with SqliteStore(path, config.settings.tz) as store:
        for _ in range(requests):
            brand, since, until = queries.window(7)
            t0 = time.perf_counter()
            store.search(SearchQuery(brands=(brand,), since=since, until=until, limit=20))
            samples["search"].append(time.perf_counter() - t0)
            brand, since, until = queries.window(90)
            t0 = time.perf_counter()
            store.counts([brand], since, until, timedelta(days=1))
            samples["series"].append(time.perf_counter() - t0)
    return (Latency("store.search (baseline, 1 client)", samples["search"],
                    sum(samples["search"])),
            Latency("store.counts (baseline, 1 client)", samples["series"],
                    sum(samples["series"])))


def start_server(config_dir: Path, db: Path, port: int, workers: int,
                 ) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "brandguard", "--config", str(config_dir), "--store",
         f"sqlite:///{db}", "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout or ():  # the socket listens before this line is printed
        if "dashboard and API on" in line:
            return process
    raise RuntimeError(f"brandguard serve exited with {process.wait()}")


async def _client(session: aiohttp.ClientSession,
                  make: Callable[[], tuple[str, dict[str, str]]], deadline: float,
                  samples: list[float], errors: list[str]) -> None:
    while time.perf_counter() < deadline:
        path, params = make()
        t0 = time.perf_counter()
        async with session.get(path, params=params) as response:
            body = await response.read()
        samples.append(time.perf_counter() - t0)
        if response.status != 200:
            errors.append(f"{response.status} {body[:200].decode(errors='replace')}")


async def load(url: str, token: str, name: str, make: Callable[[], tuple[str, dict[str, str]]],
               clients: int, seconds: float) -> tuple[Latency, list[str]]:
    """`clients` closed-loop clients for `seconds`, each on its own keep-alive connection.

    aiohttp, not httpx: the load generator shares the machine's two cores with the server,
    and httpx's async client spent 5.5 ms of CPU per request here against aiohttp's 0.8,
    so it measured itself as much as the server."""
    samples: list[float] = []
    errors: list[str] = []
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"},
                                     connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=60)) as session:
        async with session.get("/healthz") as response:
            await response.read()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_client(session, make, deadline, samples, errors)
                               for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return Latency(name, samples, elapsed), errors


def warm_page_cache(path: Path, chunk: int = 1 << 24) -> tuple[int, float]:
    """Read the store file once, so the baseline and the server see the same (warm) cache:
    a server that has answered for a while holds its hot pages, and a cold first pass
    measures the disk. Returns (bytes read, seconds)."""
    started, total = time.perf_counter(), 0
    with path.open("rb", buffering=0) as handle:
        while block := handle.read(chunk):
            total += len(block)
    return total, time.perf_counter() - started


def process_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process and its children have used so far (Linux
    /proc; 0 elsewhere): what the server spends per request, beside its latency."""
    return sum(_cpu(p) for p in (pid, *_children(pid)))


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]
