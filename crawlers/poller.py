"""Poll RSS/Atom feeds: conditional GET, safe parsing, back-off, state kept in the store.

A 304 costs nothing (ETag / Last-Modified from the stored state are sent back). Every
fault — refused or unreachable target, timeout, HTTP error, oversized or gzip-bomb body,
unsafe XML — is recorded against its feed with the reason, its next poll backs off
exponentially (capped at six hours), and the other feeds carry on. A malformed feed still
yields the entries feedparser salvaged, and says so. Settings: `sources.yaml` (feeds) and
`allow_private_targets`.
"""

from __future__ import annotations

import http.client
import logging
import random
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from brandguard.config.sources import Selectors
from brandguard.crawlers.article_fetch import with_article
from brandguard.crawlers.feeds import UnsafeXml, parse
from brandguard.errors import StoreUnavailable
from brandguard.net.http import TooLarge, get
from brandguard.net.targets import BlockedTarget, Resolver, networks, system_resolver
from brandguard.source_state import SourceState

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from brandguard.config.loader import Config
    from brandguard.config.sources import Feed
    from brandguard.models import Document
    from brandguard.pipeline import Pipeline
    from brandguard.store.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollResult:
    source: str
    status: str  # ok | not_modified | error
    new: int = 0
    seen: int = 0
    error: str = ""
    pages: int = 0


class RssPoller:
    def __init__(self, config: Config, store: Store, pipeline: Pipeline,
                 clock: Callable[[], datetime] | None = None,
                 resolver: Resolver = system_resolver) -> None:
        self.config, self.store, self.pipeline = config, store, pipeline
        self.clock = clock or (lambda: datetime.now(config.settings.tz))
        self.allow = networks(config.settings.allow_private_targets)
        self.resolver = resolver
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography

    def poll_all(self, feeds: Iterable[Feed]) -> list[PollResult]:
        return [self.poll(feed) for feed in feeds if feed.enabled]

    def poll(self, feed: Feed) -> PollResult:
        now = self.clock()
        state = self.store.source_state(feed.id) or SourceState(feed.id)
        state = replace(state, last_attempt=now)
        try:
            result, state = self._fetch_and_store(feed, state)
        except (BlockedTarget, TooLarge, UnsafeXml, OSError, http.client.HTTPException) as exc:
            result = PollResult(feed.id, "error", error=f"{type(exc).__name__}: {exc}")
        except StoreUnavailable:
            raise  # not this feed's fault: the run decides (spool, retry)
        except Exception as exc:  # one feed must never stop the others, whatever it holds
            log.exception("feed %s: unexpected failure", feed.id)
            result = PollResult(feed.id, "error",
                                error=f"unexpected {type(exc).__name__}: {str(exc)[:300]}")
        state = state.after_run(now, feed.interval,
                                result.error if result.status == "error" else None,
                                0.9 + 0.2 * self.rng.random())
        self.store.save_source_state(state)
        return result

    def _article(self, doc: Document, feed: Feed, problems: list[str]) -> Document:
        full, problem = with_article(doc, feed, self.allow, self.resolver,
                                     self.config.settings.tz, Selectors())
        if problem:
            problems.append(problem)
        return full

    def _fetch_and_store(self, feed: Feed, state: SourceState,
                         ) -> tuple[PollResult, SourceState]:
        headers = dict(feed.headers)
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        response = get(feed.url, self.allow, headers, max_bytes=feed.max_bytes,
                       resolver=self.resolver)
        if response.status == 304:
            return PollResult(feed.id, "not_modified"), state
        if response.status != 200:
            return PollResult(feed.id, "error", error=f"HTTP {response.status}"), state
        parsed = parse(response.body, {"content-type": response.headers.get("content-type", ""),
                                       "content-location": response.url},
                       feed, self.config.settings.tz)
        if feed.fetch_article:
            parsed.documents = [self._article(doc, feed, parsed.skipped)
                                for doc in parsed.documents]
        report = self.pipeline.ingest_documents(parsed.documents)
        state = replace(state, etag=response.headers.get("etag", ""),
                        last_modified=response.headers.get("last-modified", ""),
                        items=state.items + report.stored.inserted, last_error="")
        problems = list(parsed.notes
                        + ([f"malformed feed, salvaged {len(parsed.documents)} entries: "
                            f"{parsed.malformed}"] if parsed.malformed else [])
                        + parsed.skipped)
        status = "ok"
        if problems:
            state = replace(state, last_error="; ".join(problems)[:500])
        return PollResult(feed.id, status, report.stored.inserted, len(parsed.documents),
                          "; ".join(problems)), state
