"""One site crawl in its own process: `python -m brandguard.crawlers.crawl_process < spec.json`.

Scrapy runs on Twisted's reactor, which cannot be restarted inside one process, while
`brandguard run` crawls every site again and again on a schedule. So each crawl is a short
child process: it reads a one-line JSON spec (the site, the allowed private networks, whether
to skip stored articles) on stdin and writes one JSON object per line on stdout —
`{"item": …}` documents, `{"failure": …}` pages it could not collect, `{"results": …}` for
each search result page read, and a closing `{"stats": …}`. A search crawl's spec also holds
its expanded `queries` and `engine_delay`, the pace of requests to the engine. It never
opens a store: to skip an article already stored it writes `{"known": doc_id}` and reads the
parent's `true` or `false` on stdin. The parent owns the store and the analysis pipeline.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from scrapy.crawler import CrawlerProcess

from brandguard import __version__
from brandguard.configuration.plugins import SPIDERS, load
from brandguard.configuration.sources import Crawl, Search, Site
from brandguard.crawlers.crawl_output import JsonLinesOut
from brandguard.crawlers.spiders.base import ENGINE_SLOT

if TYPE_CHECKING:
    from collections.abc import Callable


USER_AGENT = f"brandguard/{__version__} (brand reputation monitor; obeys robots.txt)"


def scrapy_settings(site: Crawl, allow: list[str], stored: Callable[[str], bool] | None,
                    engine_delay: float | None = None) -> dict[str, Any]:
    """`engine_delay`: a search's requests to its engine go one at a time, each this long
    after the engine's last answer (`brandguard.crawlers.throttle`; AutoThrottle may slow
    them further, never below it); article pages are throttled as any site's, in their own
    hosts' slots."""
    engine = {} if engine_delay is None else {
        "DOWNLOAD_SLOTS": {ENGINE_SLOT: {"concurrency": 1, "delay": engine_delay, "jitter": 0}},
        "BRANDGUARD_ENGINE_DELAY": engine_delay,
        "EXTENSIONS": {"scrapy.extensions.throttle.AutoThrottle": None,
                       "brandguard.crawlers.throttle.EngineFloorThrottle": 0,
                       "brandguard.crawlers.throttle.EnginePace": 0}}
    return engine | {
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": site.obey_robots,
        "AUTOTHROTTLE_ENABLED": site.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(site.concurrency),
        "CONCURRENT_REQUESTS": max(16, site.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency,
        "DOWNLOAD_TIMEOUT": site.timeout.total_seconds(),
        "RETRY_TIMES": site.retries,
        "DOWNLOAD_MAXSIZE": site.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_PAGECOUNT": site.max_pages,
        "TWISTED_DNS_RESOLVER": "brandguard.crawlers.guard.GuardedResolver",
        "DOWNLOADER_MIDDLEWARES": {"brandguard.crawlers.guard.SsrfGuard": 50,
                                   "brandguard.crawlers.guard.SkipStored": 60,
                                   "brandguard.crawlers.guard.Decoder": 80},
        "ITEM_PIPELINES": {"brandguard.crawlers.crawl_output.JsonLinesOut": 100},
        "BRANDGUARD_ALLOW_PRIVATE_TARGETS": allow,
        "BRANDGUARD_STORED": stored,
        "LOG_LEVEL": os.environ.get("BRANDGUARD_SCRAPY_LOG", "ERROR"),
        "TELNETCONSOLE_ENABLED": False,
    }


def ask_parent(out: TextIO, answers: TextIO) -> Callable[[str], bool]:
    """Asked on the reactor thread, which also writes the items, so lines never interleave."""
    def known(doc_id: str) -> bool:
        out.write(json.dumps({"known": doc_id}) + "\n")
        out.flush()
        return answers.readline().strip() == "true"
    return known


def main() -> int:
    out = JsonLinesOut.out = sys.stdout  # the protocol; anything else printed goes to stderr
    sys.stdout = sys.stderr
    spec = json.loads(sys.stdin.readline())
    queries = spec.get("queries")
    site: Crawl = (Site if queries is None else Search).model_validate(spec["site"])
    stored = ask_parent(out, sys.stdin) if spec.get("skip_stored") else None
    process = CrawlerProcess(scrapy_settings(site, spec.get("allow", []), stored,
                                             spec.get("engine_delay")),
                             install_root_handler=True)
    crawler = process.create_crawler(load(SPIDERS, site.spider))
    process.crawl(crawler, site=site, queries=queries)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    out.write(json.dumps({"stats": {k: v for k, v in stats.items()
                                     if isinstance(v, int | float | str)}}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
