"""Politeness toward a search engine: never two requests closer than its `delay`.

Scrapy paces a download slot by dispatch: the next request leaves `delay` after the last one
left. A request that is slow to reach the engine (a new connection, a busy machine) then
arrives only just before the next one, and the engine sees two requests milliseconds apart.
`EnginePace` restarts the engine slot's clock when each answer arrives (Scrapy's
`response_downloaded` signal fires before the slot picks its next request), and the slot
allows one request at a time, so consecutive requests reach the engine at least `delay`
apart.

`EngineFloorThrottle` is AutoThrottle that never paces the engine faster than that delay:
AutoThrottle adapts each slot's delay to the server's latency, bounded below only by the
global `DOWNLOAD_DELAY`, and would undercut the engine's own floor as soon as it answers fast.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.extensions.throttle import AutoThrottle

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Response


def _engine_slot() -> str:
    from brandguard.crawlers.spiders.base import ENGINE_SLOT

    return ENGINE_SLOT


class EnginePace:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.answered, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EnginePace:
        return cls(crawler)

    def answered(self, response: Response, request: Request, **_: Any) -> None:
        if request.meta.get("download_slot") != _engine_slot():
            return
        engine = self.crawler.engine
        slot = engine.downloader.slots.get(_engine_slot()) if engine is not None else None
        if slot is not None:
            slot.lastseen = monotonic()


class EngineFloorThrottle(AutoThrottle):
    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        if response.meta.get("download_slot") == _engine_slot():
            floor = self.crawler.settings.getfloat("BRANDGUARD_ENGINE_DELAY")
            slot.delay = max(slot.delay, floor)
