"""The crawl process's item pipeline: documents and failures out as JSON lines.

Its own module because the crawl process runs as `__main__`, and Scrapy imports pipelines
by dotted path: a class defined in `__main__` would be loaded a second time, apart from the
stream the process set up.
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING, Any, ClassVar

from brandguard.crawlers.spiders.base import Failed, ResultPage

if TYPE_CHECKING:
    from scrapy import Spider


class JsonLinesOut:
    """Item pipeline: every item and failure leaves as one line for the parent."""

    out: ClassVar[IO[str]] = sys.stdout

    def process_item(self, item: Any, spider: Spider) -> Any:
        key = ("failure" if isinstance(item, Failed) else
               "results" if isinstance(item, ResultPage) else "item")
        self.out.write(json.dumps({key: dict(item)}, ensure_ascii=False) + "\n")
        self.out.flush()
        return item
