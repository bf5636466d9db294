"""`brandguard bench crawl`: the news spider against a generated loopback portal.

The portal (list pages of 20 links, articles of real news text with a brand named, nav
and footer boilerplate, a 来源 credit and a time stamp) is served from its own process,
so the server does not share a GIL with the spider's parent, which analyses and stores
what the crawl streams back. Measured per run: pages/s of the crawl and documents/s
into the store, end to end; the baseline is the same article pages fetched by a plain
`http.client` loop at the same concurrency, no parsing, in the same run.
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard import wiring
from brandguard.bench.corpus import bench_config, source_texts
from brandguard.configuration.sources import Site
from brandguard.net.local_server import QuietHandler
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

PER_LIST = 20
CONCURRENCY = 8


@dataclass(frozen=True)
class CrawlBench:
    pages: int
    corpus: str
    baseline_pages_s: float
    pages_s: list[float]
    docs_s: list[float]
    stored: int


def _site(texts: list[str], names: list[str], count: int) -> dict[str, bytes]:
    rng = random.Random(11)
    pages: dict[str, bytes] = {}
    lists = -(-count // PER_LIST)
    for n in range(count):
        text = rng.choice(texts)
        cut = rng.randrange(len(text) // 2)
        body = text[:cut] + rng.choice(names) + text[cut:]
        paragraphs = "".join(f"<p>{p}。</p>" for p in body.split("。") if p)
        pages[f"/a/{n}.html"] = (
            f"<html><head><meta charset='utf-8'><title>新闻{n}</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> 新闻 财经 科技 体育 娱乐</div>"
            f"<h1>第{n}号新闻 {body[:18]}</h1><div class='info'>2026-11-{1 + n % 28:02d} "
            f"{n % 24:02d}:{n % 60:02d} 来源：新闻门户</div><div class='content'>"
            f"{paragraphs}</div><div class='foot'>版权所有 联系我们 广告服务</div>"
            "</body></html>").encode()
    for page in range(1, lists + 1):
        links = "".join(f"<li><a href='/a/{n}.html'>新闻{n}</a></li>"
                        for n in range((page - 1) * PER_LIST, min(page * PER_LIST, count)))
        more = f"<a href='/list_{page + 1}.html'>下一页</a>" if page < lists else ""
        pages[f"/list_{page}.html"] = (f"<html><head><meta charset='utf-8'></head><body><ul>"
                                       f"{links}</ul>{more}</body></html>").encode()
    pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    return pages


def _serve(pages: dict[str, bytes], port: Queue[int]) -> None:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port.put(server.server_address[1])
    server.serve_forever()


def _baseline(base: str, count: int) -> float:
    port = int(base.rsplit(":", 1)[1])

    def fetch(n: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", f"/a/{n}.html")
            return len(connection.getresponse().read())
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(fetch, range(count)))
    return count / (time.perf_counter() - started)


def run(count: int, repeat: int, corpus: Path | None) -> CrawlBench:
    texts, origin = source_texts(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(Path(tmp) / "config", 50)
        config = replace(config, settings=config.settings.model_copy(
            update={"allow_private_targets": ["127.0.0.0/8"]}))
        names = [b.name for b in config.brands]
        ctx = multiprocessing.get_context("spawn")
        port: Queue[int] = ctx.Queue()
        server = ctx.Process(target=_serve, args=(_site(texts, names, count), port),
                             daemon=True)
        server.start()
        try:
            base = f"http://127.0.0.1:{port.get(timeout=60)}"
            baseline = statistics.median(_baseline(base, count) for _ in range(repeat))
            pages_s, docs_s, stored = [], [], 0
            site = Site.model_validate({
                "id": "bench-portal", "spider": "news", "start_urls": [f"{base}/list_1.html"],
                "follow": r"/a/\d+\.html", "paginate": r"/list_\d+\.html",
                "autothrottle": False, "concurrency": CONCURRENCY,
                "max_pages": count * 2})
            for attempt in range(repeat):
                path = Path(tmp) / f"bench-{attempt}.db"
                store = SqliteStore(path, config.settings.tz)
                collection = wiring.build(config, store, judge=False).collection
                started = time.perf_counter()
                result = collection.collect(site)
                took = time.perf_counter() - started
                store.close()
                pages_s.append(result.pages / took)
                docs_s.append(result.new / took)
                stored = result.new
        finally:
            server.kill()
    return CrawlBench(count, origin, baseline, pages_s, docs_s, stored)
