"""Spider registry: `spider:` in sources.yaml names one of these. A new kind of site is a
`SiteSpider` subclass and one entry here."""

from __future__ import annotations

from brandguard.crawlers.spiders.base import SiteSpider  # noqa: TC001 - the registry's type
from brandguard.crawlers.spiders.news import NewsSpider
from brandguard.crawlers.spiders.reviews import ReviewSpider

SPIDERS: dict[str, type[SiteSpider]] = {"news": NewsSpider, "reviews": ReviewSpider}
