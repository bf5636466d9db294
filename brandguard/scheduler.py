"""`brandguard run`: one process that collects, judges and alerts on a schedule.

APScheduler runs one job per enabled source — feed or site — (its interval, never two runs
of the same source at once, missed runs coalesced into one, the first run at the source's
stored `next_due` so a restart resumes instead of re-fetching everything), a risk tick
(overdue checklist steps, quiet incidents resolved) and an alert-delivery pass (retries
that come due). Jobs run one at a time on a single worker thread: the embedded store is
one SQLite connection (a site crawl runs Scrapy in a child process and streams its items
back to that thread).
SIGINT/SIGTERM stop the scheduler after the running job finishes; a running site crawl is
told to stop at once, and what it collected so far is kept.
"""

from __future__ import annotations

import logging
import signal
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from alerts.dispatcher import AlertDispatcher
from brandguard.config.sources import Feed
from brandguard.pipeline import BatchHook, Pipeline
from crawlers.collector import Collector
from nlp.analyzer import Analyzer
from risk.engine import RiskEngine

if TYPE_CHECKING:
    from types import FrameType

    from brandguard.config.loader import Config
    from brandguard.store.base import Store

log = logging.getLogger(__name__)
TICK_EVERY = timedelta(minutes=5)
DELIVER_EVERY = timedelta(seconds=30)


class Runner:
    def __init__(self, config: Config, store: Store, store_url: str | None = None) -> None:
        self.config, self.store = config, store
        self.engine = RiskEngine(store, config)
        hooks: list[BatchHook] = [self.engine]
        self.dispatcher = AlertDispatcher(store, config) if config.channels else None
        if self.dispatcher is not None:
            hooks.append(self.dispatcher)
        pipeline = Pipeline(Analyzer.from_config(config), store, config.settings, hooks=hooks)
        self.collector = Collector(config, store, pipeline, store_url)
        self.scheduler = BlockingScheduler(
            executors={"default": ThreadPoolExecutor(1)}, timezone=config.settings.tz,
            job_defaults={"coalesce": True, "max_instances": 1})

    def plan(self, now: datetime) -> list[tuple[str, datetime]]:
        """Add every job; returns (job id, first run time), for `--print-schedule`."""
        planned = []
        for source in (s for s in self.collector.sources() if s.enabled):
            state = self.store.source_state(source.id)
            first = max(now, state.next_due) if state and state.next_due else now
            job = f"{'feed' if isinstance(source, Feed) else 'site'}:{source.id}"
            every = int(source.interval.total_seconds())
            self.scheduler.add_job(self._collect, IntervalTrigger(
                seconds=every, start_date=first, timezone=self.config.settings.tz),
                args=[source.id], id=job, next_run_time=first, misfire_grace_time=every)
            planned.append((job, first))
        self.scheduler.add_job(self.engine.tick, IntervalTrigger(
            seconds=int(TICK_EVERY.total_seconds())), id="risk:tick", next_run_time=now)
        planned.append(("risk:tick", now))
        if self.dispatcher is not None:
            self.scheduler.add_job(self.dispatcher.run_once, IntervalTrigger(
                seconds=int(DELIVER_EVERY.total_seconds())), id="alerts:deliver",
                next_run_time=now)
            planned.append(("alerts:deliver", now))
        return planned

    def _collect(self, source_id: str) -> None:
        source = self.collector.source(source_id)
        if source is None:
            return
        result = self.collector.collect(source)
        log.warning("collected %s: %s, %d new%s", source_id, result.status, result.new,
                    f" ({result.error[:300]})" if result.error else "")

    def run(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            log.warning("signal %s: stopping after the running job", signum)
            self.collector.crawler.stop()
            self.scheduler.shutdown(wait=True)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.plan(datetime.now(self.config.settings.tz))
        log.warning("running %d job(s); stop with Ctrl-C or SIGTERM",
                    len(self.scheduler.get_jobs()))
        self.scheduler.start()
