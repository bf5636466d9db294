"""`brandguard bench poll`: feeds per minute against loopback feeds, twice.

The first pass fetches and ingests every feed (200s); the second must be answered by
conditional GET (304s), which is what steady-state polling mostly is. One feed server
on loopback serves N distinct feeds with ETags; the poller, store and pipeline are real.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard import wiring
from brandguard.bench.corpus import bench_config
from brandguard.configuration.sources import Feed
from brandguard.net.local_server import QuietHandler, serving
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Iterator

ITEM = ("<item><title>{brand}动态{i}</title><link>http://feeds.example/{n}/{i}</link>"
        "<description>{brand}第{i}条新闻，市场反响良好。</description></item>")


@dataclass(frozen=True)
class PollBench:
    feeds: int
    first_per_min: float
    second_per_min: float
    not_modified: int


@contextmanager
def _server(bodies: dict[str, bytes]) -> Iterator[tuple[str, list[int]]]:
    statuses: list[int] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path, b"")
            etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            statuses.append(status)
            self.send_response(status)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

    with serving(Handler) as base:
        yield base, statuses


def run(count: int) -> PollBench:
    folder = Path(tempfile.mkdtemp(prefix="bg-bench-poll-"))
    config = bench_config(folder / "config", 50)
    names = [b.name for b in config.brands]
    bodies = {f"/f{n}.xml": ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                             "<channel><title>t</title>"
                             + "".join(ITEM.format(brand=names[(n + i) % len(names)], i=i, n=n)
                                       for i in range(5))
                             + "</channel></rss>").encode() for n in range(count)}
    with _server(bodies) as (base, statuses):
        feeds = [Feed(id=f"f{n}", url=f"{base}/f{n}.xml") for n in range(count)]
        settings = config.settings.model_copy(update={"allow_private_targets": ["127.0.0.0/8"]})
        config = replace(config, settings=settings, feeds=tuple(feeds))
        store = SqliteStore(folder / "poll.db", settings.tz)
        collection = wiring.build(config, store, judge=False).collection
        rates = []
        for _ in range(2):
            started = time.perf_counter()
            collection.collect_all(feeds)
            rates.append(count / (time.perf_counter() - started) * 60)
        store.close()
    return PollBench(count, rates[0], rates[1], statuses.count(304))
