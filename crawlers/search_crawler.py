"""Run a search source: expand its queries, crawl the result pages and what they link to.

It is a site crawl (`SiteCrawler`'s child process, spiders and streaming) whose start pages
are the engine's result pages. What it adds:

- pacing: a one-off run (`brandguard crawl`) asks the engine one request per `delay`; a
  scheduled run (`brandguard run`, `spread=True`) spreads the queries over 80 % of the
  interval (never faster than `delay`), so 500 brands × 5 terms never hit an engine in one
  burst, and the crawl's time limit grows to fit;
- blindness: a query whose first result page once had result links and now has none means
  the engine changed its markup. Those queries are listed first in the source's problems,
  and when at least half of the queries that used to find results found none, the run
  counts as failed, so `brandguard sources` shows that discovery went blind.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from brandguard.crawlers.search_queries import Query, expand
from brandguard.crawlers.site_crawler import MAX_RUNTIME, SiteCrawler, SiteRun

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.sources import Search
    from brandguard.source_state import SourceState

SPREAD_SHARE = 0.8
"""Of a scheduled search's interval, the share its queries are spread over."""
EXAMPLES = 3


class SearchCrawler(SiteCrawler):
    def start(self, site: Any, state: SourceState,
              known: Callable[[str], bool] | None = None) -> SearchRun:
        search: Search = site
        queries, problems = expand(search, self.config.brands)
        requests = max(1, sum(len(q.urls) for q in queries))
        delay = search.delay.total_seconds()
        if self.spread:
            delay = max(delay, search.interval.total_seconds() * SPREAD_SHARE / requests)
        return SearchRun(self, search, replace(state, last_attempt=self.clock()),
                         None if search.refetch else known, queries=queries,
                         unwritable=problems, engine_delay=delay)


@dataclass
class SearchRun(SiteRun):
    queries: list[Query] = field(default_factory=list)
    unwritable: list[str] = field(default_factory=list)
    engine_delay: float = 2.0

    def spec(self) -> dict[str, Any]:
        return {"queries": [q.to_json() for q in self.queries],
                "engine_delay": self.engine_delay}

    def limit(self) -> timedelta:
        paced = timedelta(seconds=self.engine_delay * sum(len(q.urls) for q in self.queries))
        return max(MAX_RUNTIME, paced * 1.25)

    def first_pages(self) -> dict[str, int]:
        """Result links found on each query's first page, by query key."""
        return {r["query"]: int(r["links"]) for r in self.stream.results if r.get("page") == 1}

    def blind(self) -> list[Query]:
        found = self.first_pages()
        return [q for q in self.queries
                if q.key in self.state.answered and found.get(q.key, -1) == 0]

    def more_problems(self) -> list[str]:
        problems = []
        blind = self.blind()
        if blind:
            examples = _examples(blind)
            noun = "query" if len(blind) == 1 else "queries"
            problems.append(
                f"result pages no longer match: {len(blind)} {noun} that used to find "
                f"results found no result link on page 1 ({examples}); "
                "the engine may have changed its markup: check follow / selectors.result")
        found = self.first_pages()
        if self.queries and found and not any(found.values()) and not self.state.answered:
            problems.append("no result link on any result page: check follow / "
                            "selectors.result against a result page")
        return problems + self.unwritable

    def run_error(self) -> str | None:
        if self.queries and not self.stream.results:
            return "no result page could be read (see the problems: robots.txt, HTTP errors)"
        blind = self.blind()
        used = len(self.state.answered & {q.key for q in self.queries})
        if blind and len(blind) * 2 >= used:
            examples = _examples(blind)
            return (f"search went blind: {len(blind)} of {used} queries that used to find "
                    f"results found no result link on page 1 ({examples}); the engine's "
                    "result pages no longer match: check follow / selectors.result")
        return None

    def next_state(self) -> SourceState:
        """Remember the queries that found results; a blind one stays remembered (so the
        fault shows on every run until the engine answers again), one no longer asked is
        forgotten."""
        asked = {q.key for q in self.queries}
        found = {key for key, links in self.first_pages().items() if links}
        return replace(self.state, answered=frozenset((self.state.answered & asked) | found))


def _examples(queries: list[Query]) -> str:
    return "、".join(q.words for q in queries[:EXAMPLES])
