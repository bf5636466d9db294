"""Crawl a configured site once: run its spider in a child process and yield the documents it
streams back, then say how the crawl went.

The caller stores what is yielded as it arrives (in batches), so a crawl killed halfway keeps
every batch already written. The child never opens a store: before it fetches an article it
asks this process, on its stdin, whether that document is already stored, and the caller's
`known` answers. Pages that failed are summed up in the source's `last_error`; the crawl as a
whole counts as failed (and backs off) only when no page could be fetched or the crawl process
itself died.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import threading
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any

from brandguard.crawlers.collector import CollectResult
from brandguard.document_json import document_from_json
from brandguard.durations import duration_zh
from brandguard.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from brandguard.configuration.loader import Config
    from brandguard.configuration.sources import Crawl, Site
    from brandguard.document import Document
    from brandguard.source_state import SourceState

MAX_RUNTIME = timedelta(hours=1)
STOP_GRACE = timedelta(seconds=3)


def _kill_if_running(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()


@dataclass
class _Stream:
    """What the child reported besides documents."""

    failures: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    items: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)
    """A search's result pages: query key, page number, result links found."""


class SiteCrawler:
    def __init__(self, config: Config, clock: Callable[[], datetime] | None = None, *,
                 spread: bool = False) -> None:
        self.config, self.spread = config, spread
        self.clock = clock or (lambda: datetime.now(config.settings.tz))
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography
        # `brandguard run` crawls several sites at once, each from its own thread
        self._lock = threading.Lock()
        self._children: set[subprocess.Popen[str]] = set()
        self._stopped: set[subprocess.Popen[str]] = set()

    def start(self, site: Site, state: SourceState,
              known: Callable[[str], bool] | None = None) -> SiteRun:
        """`known` lets the crawl skip articles already stored (unless the site `refetch`es)."""
        return SiteRun(self, site, replace(state, last_attempt=self.clock()),
                       None if site.refetch else known)

    def stop(self) -> None:
        """End every running crawl: SIGTERM lets Scrapy close the spider, and a crawl still
        waiting on slow pages after `STOP_GRACE` is killed. What it already streamed back
        is stored as usual."""
        with self._lock:
            running = [c for c in self._children if c.poll() is None]
            self._stopped.update(running)
        for child in running:
            child.terminate()
            threading.Timer(STOP_GRACE.total_seconds(), _kill_if_running, [child]).start()

    def spawn(self, site: Crawl, skip_stored: bool, err: IO[str],
              extra: dict[str, Any]) -> subprocess.Popen[str]:
        spec = {"site": site.model_dump(mode="json"),
                "allow": list(self.config.settings.allow_private_targets),
                "skip_stored": skip_stored, **extra}
        child = subprocess.Popen(
            [sys.executable, "-m", "brandguard.crawlers.crawl_process"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=err, text=True, encoding="utf-8")
        assert child.stdin is not None  # noqa: S101 - PIPE was asked for
        child.stdin.write(json.dumps(spec) + "\n")
        child.stdin.flush()
        with self._lock:
            self._children.add(child)
        return child

    def ended(self, child: subprocess.Popen[str]) -> bool:
        """Whether the crawl was stopped by `stop`."""
        with self._lock:
            self._children.discard(child)
            stopped = child in self._stopped
            self._stopped.discard(child)
        return stopped


@dataclass
class SiteRun:
    crawler: SiteCrawler
    site: Crawl
    state: SourceState
    known: Callable[[str], bool] | None
    stream: _Stream = field(default_factory=lambda: _Stream())
    returncode: int = 0
    stderr: str = ""
    stopped: bool = False
    failed: str = ""

    def documents(self) -> Iterator[Document]:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
            child = self.crawler.spawn(self.site, self.known is not None, err, self.spec())
            watchdog = threading.Timer(self.limit().total_seconds(), child.kill)
            watchdog.start()
            try:
                assert child.stdout is not None  # noqa: S101 - PIPE was asked for
                yield from self._documents(child, child.stdout)
                self.returncode = child.wait()
            finally:
                watchdog.cancel()
                if child.poll() is None:
                    child.kill()
                    self.returncode = child.wait()
                if child.stdin is not None:
                    with suppress(OSError):
                        child.stdin.close()
                self.stopped = self.crawler.ended(child)
                err.seek(0)
                self.stderr = err.read()[-2000:]

    def spec(self) -> dict[str, Any]:
        """What the crawl process needs beyond the site (a search adds its queries)."""
        return {}

    def limit(self) -> timedelta:
        return MAX_RUNTIME

    def fail(self, error: str) -> None:
        self.failed = error

    def finish(self, inserted: int, rejected: Sequence[str] = ()) -> tuple[CollectResult,
                                                                            SourceState]:
        stream, site = self.stream, self.site
        stream.skipped += rejected
        pages = (int(stream.stats.get("response_received_count", 0))
                 - int(stream.stats.get("robotstxt/response_count", 0)))
        error = self.failed or (None if self.stopped
                                else _fatal(self.returncode, self.stderr, pages, stream,
                                            self.limit()))
        # sorted and each cut short, so a summary reads the same however the fetches raced
        problems = self.more_problems()  # first: a summary is cut at 1000 characters
        problems += sorted(f"{f.get('url')}: {_short(str(f.get('reason')))}"
                           for f in stream.failures)
        problems += sorted(stream.skipped)
        ended = stream.stats.get("finish_reason", "finished")
        if self.stopped:
            problems.append("stopped by shutdown before the crawl finished")
        elif ended != "finished":
            problems.append(f"crawl ended early: {ended}")  # max_pages reached …
        summary = (f"{len(problems)} problem(s): " + "; ".join(problems))[:1000] if problems else ""
        error = error or (None if self.stopped else self.run_error())
        state = replace(self.next_state(), items=self.state.items + inserted,
                        last_error=summary)
        now = state.last_attempt or self.crawler.clock()
        state = state.after_run(now, site.interval, error, 0.9 + 0.2 * self.crawler.rng.random())
        return CollectResult(site.id, "error" if error else "ok", inserted, stream.items,
                             error or summary, pages=pages), state

    def more_problems(self) -> list[str]:
        return []

    def run_error(self) -> str | None:
        """A failure of the run as a whole that no single page shows."""
        return None

    def next_state(self) -> SourceState:
        return self.state

    def _documents(self, child: subprocess.Popen[str], lines: Iterable[str],
                   ) -> Iterator[Document]:
        tz, stream = self.crawler.config.settings.tz, self.stream
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                stream.skipped.append(f"unreadable line from the crawler: {line[:80]!r}")
                continue
            if "known" in message:
                self._answer(child, str(message["known"]))
            elif "item" in message:
                stream.items += 1
                try:
                    yield document_from_json(message["item"], tz)
                except InputError as exc:
                    url = message["item"].get("url", "?")
                    stream.skipped.append(f"{url}: {exc}")
            elif "failure" in message:
                stream.failures.append(message["failure"])
            elif "results" in message:
                stream.results.append(message["results"])
            elif "stats" in message:
                stream.stats = message["stats"]

    def _answer(self, child: subprocess.Popen[str], doc_id: str) -> None:
        """The child waits for this line before it fetches (or skips) the article."""
        known = self.known is not None and self.known(doc_id)
        assert child.stdin is not None  # noqa: S101 - PIPE was asked for
        with suppress(OSError):  # the child is gone: its exit code tells the story
            child.stdin.write("true\n" if known else "false\n")
            child.stdin.flush()


def _fatal(returncode: int, stderr: str, pages: int, stream: _Stream,
           limit: timedelta) -> str | None:
    if returncode == -9:
        return f"crawl process killed: over its time limit ({duration_zh(limit)})"
    if returncode != 0:
        last = stderr.strip().splitlines()[-1:] or ["no output"]
        return f"crawl process failed (exit {returncode}): {last[0][:300]}"
    if pages == 0 and stream.failures:
        first = stream.failures[0]
        return f"no page could be fetched; {first.get('url')}: {first.get('reason')}"
    return None


def _short(reason: str, limit: int = 120) -> str:
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"
