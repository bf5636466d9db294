"""`brandguard bench discover`: a search source of many brands against a loopback engine.

The engine (its own process, so it shares no GIL with the crawl's parent) answers each query
with the articles that name the query's brand, two per brand, so a brand's ten queries (name
and alias, each alone and with four terms) all return the same two articles: the crawl must
fetch each article once. Measured per run: queries/s, articles/s fetched, documents stored,
and the engine's own record of when each query arrived — the peak number of queries in any
one-second window, and the shortest gap — against the configured per-engine `delay`. The
baseline is `bench crawl`'s news spider on a plain portal, in the same run.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from brandguard import wiring
from brandguard.bench.corpus import bench_config, source_texts
from brandguard.configuration.sources import Search
from brandguard.crawlers.search_queries import query_words
from brandguard.net.local_server import QuietHandler
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

TERMS = ["假冒", "投诉", "抽检不合格", "曝光"]
PER_BRAND = 2


@dataclass(frozen=True)
class DiscoverBench:
    brands: int
    queries: int
    delay_s: float
    corpus: str
    queries_s: list[float]
    articles_s: list[float]
    stored: list[int]
    fetched: list[int]
    peak_per_s: list[int]
    min_gap_s: list[float]


def _articles(texts: list[str], names: list[str]) -> dict[str, bytes]:
    rng = random.Random(13)
    pages = {}
    for b, name in enumerate(names):
        for k in range(PER_BRAND):
            text = rng.choice(texts)
            cut = rng.randrange(len(text) // 2)
            body = text[:cut] + name + text[cut:]
            paragraphs = "".join(f"<p>{p}。</p>" for p in body.split("。") if p)
            pages[f"/a/{b * PER_BRAND + k}.html"] = (
                f"<html><head><meta charset='utf-8'><title>{name}新闻{k}</title></head><body>"
                f"<h1>{name} {body[:16]}</h1><div class='info'>2026-11-{1 + b % 28:02d} "
                f"{b % 24:02d}:{k:02d} 来源：县域新闻</div><div class='content'>{paragraphs}"
                "</div></body></html>").encode()
    return pages


def _serve(names: list[str], pages: dict[str, bytes], port: Queue[int]) -> None:
    owner = {}
    for b, brand_names in enumerate(names):
        for name in brand_names.split("|"):
            owner[name] = b
    arrivals: list[float] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/s":
                arrivals.append(time.monotonic())
                words = parse_qs(parts.query).get("wd", [""])[0].split()
                b = owner.get(words[0] if words else "", -1)
                links = "".join(f"<div class='result'><a href='/a/{b * PER_BRAND + k}.html'>"
                                f"结果{k}</a></div>" for k in range(PER_BRAND)) if b >= 0 else ""
                body = f"<html><body>{links}</body></html>".encode()
            elif parts.path == "/_arrivals":
                body = json.dumps(arrivals).encode()
                arrivals.clear()
            else:
                body = pages.get(parts.path, b"")
            self.reply(200 if body else 404, {"Content-Type": "text/html; charset=utf-8"}, body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port.put(server.server_address[1])
    server.serve_forever()


def _arrivals(base: str) -> list[float]:
    import http.client

    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/_arrivals")
        return sorted(json.loads(connection.getresponse().read()))
    finally:
        connection.close()


def peak_per_second(at: list[float]) -> int:
    """The most requests that arrived within any one second."""
    best, start = 0, 0
    for end, t in enumerate(at):
        while t - at[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def run(brands: int, delay_ms: int, repeat: int, corpus: Path | None) -> DiscoverBench:
    texts, origin = source_texts(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(Path(tmp) / "config", brands)
        config = replace(config, settings=config.settings.model_copy(
            update={"allow_private_targets": ["127.0.0.0/8"]}))
        names = ["|".join(b.names) for b in config.brands]
        ctx = multiprocessing.get_context("spawn")
        port: Queue[int] = ctx.Queue()
        server = ctx.Process(target=_serve, daemon=True, args=(
            names, _articles(texts, [b.name for b in config.brands]), port))
        server.start()
        try:
            base = f"http://127.0.0.1:{port.get(timeout=60)}"
            search = Search.model_validate({
                "id": "bench-search", "url": f"{base}/s?wd={{query}}", "brands": "all",
                "terms": TERMS, "follow": r"/a/\d+\.html", "delay": f"{delay_ms}ms",
                "autothrottle": False, "concurrency": 8})
            queries = len(query_words(search, config.brands))
            out = DiscoverBench(brands, queries, delay_ms / 1000, origin, [], [], [], [], [],
                                [])
            for attempt in range(repeat):
                store = SqliteStore(Path(tmp) / f"bench-{attempt}.db", config.settings.tz)
                collection = wiring.build(config, store, judge=False).collection
                started = time.perf_counter()
                result = collection.collect(search)
                took = time.perf_counter() - started
                store.close()
                at = _arrivals(base)
                out.queries_s.append(len(at) / took)
                out.articles_s.append((result.pages - len(at)) / took)
                out.fetched.append(result.pages - len(at))
                out.stored.append(result.new)
                out.peak_per_s.append(peak_per_second(at))
                out.min_gap_s.append(min((b - a for a, b in itertools.pairwise(at)),
                                         default=0.0))
        finally:
            server.kill()
    return out


def median(values: list[float] | list[int]) -> float:
    return float(statistics.median(values))
