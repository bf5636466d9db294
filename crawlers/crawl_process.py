"""One site crawl in its own process: `python -m brandguard.crawlers.crawl_process < spec.json`.

Scrapy runs on Twisted's reactor, which cannot be restarted inside one process, while
`brandguard run` crawls every site again and again on a schedule. So each crawl is a short
child process: it reads a JSON spec (the site, the allowed private networks, the store URL
for skipping stored articles) on stdin and writes one JSON object per line on stdout —
`{"item": …}` documents, `{"failure": …}` pages it could not collect, and a closing
`{"stats": …}`. The parent owns the store's writes and the analysis pipeline.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from scrapy.crawler import CrawlerProcess

from brandguard import __version__
from brandguard.config.sources import Site
from brandguard.crawlers.crawl_output import JsonLinesOut
from brandguard.crawlers.spiders import SPIDERS

if TYPE_CHECKING:
    from collections.abc import Callable


USER_AGENT = f"brandguard/{__version__} (brand reputation monitor; obeys robots.txt)"


def scrapy_settings(site: Site, allow: list[str],
                    stored: Callable[[str], bool] | None) -> dict[str, Any]:
    return {
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


def _stored(store_url: str | None) -> Callable[[str], bool] | None:
    if not store_url:
        return None
    from brandguard.config.models import Settings
    from brandguard.store.registry import open_store

    store = open_store(store_url, Settings())
    return lambda doc_id: store.get(doc_id) is not None


def main() -> int:
    out = JsonLinesOut.out = sys.stdout  # the protocol; anything else printed goes to stderr
    sys.stdout = sys.stderr
    spec = json.load(sys.stdin)
    site = Site.model_validate(spec["site"])
    process = CrawlerProcess(scrapy_settings(site, spec.get("allow", []),
                                             _stored(spec.get("store"))),
                             install_root_handler=True)
    crawler = process.create_crawler(SPIDERS[site.spider])
    process.crawl(crawler, site=site)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    out.write(json.dumps({"stats": {k: v for k, v in stats.items()
                                     if isinstance(v, int | float | str)}}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
