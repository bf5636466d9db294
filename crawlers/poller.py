"""Poll RSS/Atom feeds: conditional GET, safe parsing, back-off, the state to keep.

A 304 costs nothing (ETag / Last-Modified from the stored state are sent back). Every
fault — refused or unreachable target, timeout, HTTP error, oversized or gzip-bomb body,
unsafe XML — is recorded against its feed with the reason, its next poll backs off
exponentially (capped at six hours), and the other feeds carry on. A malformed feed still
yields the entries feedparser salvaged, and says so. Settings: `sources.yaml` (feeds) and
`allow_private_targets`. A poll yields documents; the caller stores them and the state
(`brandguard.crawlers.collector`).
"""

from __future__ import annotations

import http.client
import logging
import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from brandguard.configuration.sources import Selectors
from brandguard.crawlers.article_fetch import with_article
from brandguard.crawlers.collector import CollectResult
from brandguard.crawlers.feeds import UnsafeXml, parse
from brandguard.net.http import TooLarge, get
from brandguard.net.targets import BlockedTarget, Resolver, networks, system_resolver

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from brandguard.configuration.loader import Config
    from brandguard.configuration.sources import Feed
    from brandguard.document import Document
    from brandguard.source_state import SourceState

log = logging.getLogger(__name__)


class RssPoller:
    def __init__(self, config: Config, clock: Callable[[], datetime] | None = None,
                 resolver: Resolver = system_resolver, *, spread: bool = False) -> None:
        self.config = config  # a feed is one request: there is nothing to spread
        self.clock = clock or (lambda: datetime.now(config.settings.tz))
        self.allow = networks(config.settings.allow_private_targets)
        self.resolver = resolver
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography

    def start(self, feed: Feed, state: SourceState,
              known: Callable[[str], bool] | None = None) -> FeedRun:
        """`known` is not needed: a feed's entries are few and stored idempotently."""
        return FeedRun(self, feed, replace(state, last_attempt=self.clock()))

    def stop(self) -> None:
        """A poll is one short request: nothing to interrupt."""

    def article(self, doc: Document, feed: Feed, problems: list[str]) -> Document:
        full, problem = with_article(doc, feed, self.allow, self.resolver,
                                     self.config.settings.tz, Selectors())
        if problem:
            problems.append(problem)
        return full


@dataclass
class FeedRun:
    """One poll of one feed. Every fault of the feed is caught here and becomes its error;
    a fault of the caller (the store away) passes through untouched."""

    poller: RssPoller
    feed: Feed
    state: SourceState
    status: str = "ok"
    error: str = ""
    seen: int = 0
    problems: list[str] = field(default_factory=list)

    def documents(self) -> Iterator[Document]:
        try:
            yield from self._fetch()
        except (BlockedTarget, TooLarge, UnsafeXml, OSError, http.client.HTTPException) as exc:
            self.fail(f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # one feed must never stop the others, whatever it holds
            log.exception("feed %s: unexpected failure", self.feed.id)
            self.fail(f"unexpected {type(exc).__name__}: {str(exc)[:300]}")

    def fail(self, error: str) -> None:
        self.status, self.error = "error", error

    def finish(self, inserted: int, rejected: Sequence[str] = ()) -> tuple[CollectResult,
                                                                            SourceState]:
        state = self.state
        if self.status == "ok":
            state = replace(state, items=state.items + inserted,
                            last_error="; ".join(self.problems)[:500])
        result = CollectResult(self.feed.id, self.status, inserted if self.status == "ok" else 0,
                               self.seen, self.error or "; ".join(self.problems))
        state = state.after_run(state.last_attempt or self.poller.clock(), self.feed.interval,
                                self.error if self.status == "error" else None,
                                0.9 + 0.2 * self.poller.rng.random())
        return result, state

    def _fetch(self) -> Iterator[Document]:
        feed, state = self.feed, self.state
        headers = dict(feed.headers)
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        response = get(feed.url, self.poller.allow, headers, max_bytes=feed.max_bytes,
                       resolver=self.poller.resolver)
        if response.status == 304:
            self.status = "not_modified"
            return
        if response.status != 200:
            self.fail(f"HTTP {response.status}")
            return
        parsed = parse(response.body, {"content-type": response.headers.get("content-type", ""),
                                       "content-location": response.url},
                       feed, self.poller.config.settings.tz)
        if feed.fetch_article:
            parsed.documents = [self.poller.article(doc, feed, parsed.skipped)
                                for doc in parsed.documents]
        self.seen = len(parsed.documents)
        self.state = replace(state, etag=response.headers.get("etag", ""),
                             last_modified=response.headers.get("last-modified", ""))
        self.problems = list(parsed.notes
                             + ([f"malformed feed, salvaged {len(parsed.documents)} entries: "
                                 f"{parsed.malformed}"] if parsed.malformed else [])
                             + parsed.skipped)
        yield from parsed.documents
