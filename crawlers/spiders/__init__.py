"""Site spiders: `spider:` in sources.yaml names one. A new kind of site is a `SiteSpider`
subclass and one entry point in the group `brandguard.spiders` (pyproject.toml); the crawl
process loads it by name (`brandguard.configuration.plugins`)."""
