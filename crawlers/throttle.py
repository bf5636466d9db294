"""AutoThrottle that never paces a search engine faster than its configured `delay`.

Scrapy's AutoThrottle adapts each download slot's delay to the server's latency, bounded
below by the global `DOWNLOAD_DELAY` only. A search engine's slot has its own floor (the
search's `delay`, or the slower pace `run` spreads its queries at), which AutoThrottle alone
would undercut as soon as the engine answers fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.extensions.throttle import AutoThrottle

if TYPE_CHECKING:
    from scrapy.core.downloader import Slot
    from scrapy.http import Response


class EngineFloorThrottle(AutoThrottle):
    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        from brandguard.crawlers.spiders.base import ENGINE_SLOT

        if response.meta.get("download_slot") == ENGINE_SLOT:
            floor = self.crawler.settings.getfloat("BRANDGUARD_ENGINE_DELAY")
            slot.delay = max(slot.delay, floor)
