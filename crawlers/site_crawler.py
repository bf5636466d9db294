"""Crawl a configured site once: run its spider in a child process, analyse and store what
it yields as it streams in, and record the site's health.

Documents flow straight into `Pipeline.ingest_documents`, which stores them in batches, so
a crawl killed halfway keeps every batch already written. Pages that failed are summed up
in the source's `last_error`; the crawl as a whole counts as failed (and backs off) only when
no page could be fetched or the crawl process itself died.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from brandguard.crawlers.poller import PollResult
from brandguard.documents import document_from_json
from brandguard.errors import InputError
from brandguard.source_state import SourceState

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from brandguard.config.loader import Config
    from brandguard.config.sources import Site
    from brandguard.models import Document
    from brandguard.pipeline import IngestReport, Pipeline
    from brandguard.store.base import Store

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


class SiteCrawler:
    def __init__(self, config: Config, store: Store, pipeline: Pipeline,
                 store_url: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        """`store_url` lets the crawl process skip articles already stored (read-only)."""
        self.config, self.store, self.pipeline = config, store, pipeline
        self.store_url = store_url if store_url and ":memory:" not in store_url else None
        self.clock = clock or (lambda: datetime.now(config.settings.tz))
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._child: subprocess.Popen[str] | None = None
        self._stopped: subprocess.Popen[str] | None = None

    def stop(self) -> None:
        """End a running crawl: SIGTERM lets Scrapy close the spider, and a crawl still
        waiting on slow pages after `STOP_GRACE` is killed. What it already streamed back
        is stored as usual."""
        child = self._child
        if child is not None and child.poll() is None:
            self._stopped = child
            child.terminate()
            threading.Timer(STOP_GRACE.total_seconds(), _kill_if_running, [child]).start()

    def crawl_all(self, sites: Iterable[Site]) -> list[PollResult]:
        return [self.crawl(site) for site in sites if site.enabled]

    def crawl(self, site: Site) -> PollResult:
        now = self.clock()
        state = replace(self.store.source_state(site.id) or SourceState(site.id),
                        last_attempt=now)
        stream = _Stream()
        returncode, stderr, report = self._run(site, stream)
        inserted = report.stored.inserted if report else 0
        pages = (int(stream.stats.get("response_received_count", 0))
                 - int(stream.stats.get("robotstxt/response_count", 0)))
        stopped = self._stopped is not None
        self._stopped = None
        error = None if stopped else _fatal(returncode, stderr, pages, stream)
        # sorted and each cut short, so a summary reads the same however the fetches raced
        problems = sorted(f"{f.get('url')}: {_short(str(f.get('reason')))}"
                          for f in stream.failures)
        problems += sorted(stream.skipped)
        ended = stream.stats.get("finish_reason", "finished")
        if stopped:
            problems.append("stopped by shutdown before the crawl finished")
        elif ended != "finished":
            problems.append(f"crawl ended early: {ended}")  # max_pages reached …
        summary = (f"{len(problems)} problem(s): " + "; ".join(problems))[:1000] if problems else ""
        state = replace(state, items=state.items + inserted, last_error=summary)
        state = state.after_run(now, site.interval, error, 0.9 + 0.2 * self.rng.random())
        self.store.save_source_state(state)
        return PollResult(site.id, "error" if error else "ok", inserted, stream.items,
                          error or summary, pages=pages)

    def _run(self, site: Site, stream: _Stream) -> tuple[int, str, IngestReport | None]:
        spec = {"site": site.model_dump(mode="json"),
                "allow": list(self.config.settings.allow_private_targets),
                "store": None if site.refetch else self.store_url}
        report = None
        with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
            child = subprocess.Popen(
                [sys.executable, "-m", "brandguard.crawlers.crawl_process"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=err, text=True, encoding="utf-8")
            self._child = child
            watchdog = threading.Timer(MAX_RUNTIME.total_seconds(), child.kill)
            watchdog.start()
            try:
                assert child.stdin is not None  # noqa: S101 - PIPE was asked for
                assert child.stdout is not None  # noqa: S101
                child.stdin.write(json.dumps(spec))
                child.stdin.close()
                report = self.pipeline.ingest_documents(self._documents(child.stdout, stream))
                returncode = child.wait()
            finally:
                self._child = None
                watchdog.cancel()
                if child.poll() is None:
                    child.kill()
                    child.wait()
            stream.skipped += [f"item {r.line}: {r.reason}" for r in report.rejected]
            err.seek(0)
            return returncode, err.read()[-2000:], report

    def _documents(self, lines: Iterable[str], stream: _Stream) -> Iterator[Document]:
        tz = self.config.settings.tz
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                stream.skipped.append(f"unreadable line from the crawler: {line[:80]!r}")
                continue
            if "item" in message:
                stream.items += 1
                try:
                    yield document_from_json(message["item"], tz)
                except InputError as exc:
                    url = message["item"].get("url", "?")
                    stream.skipped.append(f"{url}: {exc}")
            elif "failure" in message:
                stream.failures.append(message["failure"])
            elif "stats" in message:
                stream.stats = message["stats"]


def _fatal(returncode: int, stderr: str, pages: int, stream: _Stream) -> str | None:
    if returncode == -9:
        return "crawl process killed: over the one-hour limit"
    if returncode != 0:
        last = stderr.strip().splitlines()[-1:] or ["no output"]
        return f"crawl process failed (exit {returncode}): {last[0][:300]}"
    if pages == 0 and stream.failures:
        first = stream.failures[0]
        return f"no page could be fetched; {first.get('url')}: {first.get('reason')}"
    return None


def _short(reason: str, limit: int = 120) -> str:
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"
