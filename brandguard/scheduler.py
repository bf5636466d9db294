"""`brandguard run`: one process that collects, judges and alerts on a schedule.

APScheduler runs one job per enabled source — feed or site — (its interval, never two runs
of the same source at once, missed runs coalesced into one, the first run at the source's
stored `next_due` so a restart resumes instead of re-fetching everything), a risk tick
(overdue checklist steps, quiet incidents resolved), an alert-delivery pass (retries
that come due) and, with digest routes, a check each minute for digests now due
(`brandguard.reports.digest`). Collection jobs run on their own pool of threads
(`COLLECT_THREADS`), so a 20-minute search crawl does not delay a feed due meanwhile; the
other jobs share one thread. Every store call and every stored batch with its judging holds
one lock (`brandguard.store.serial`): the embedded store is one SQLite connection, so writes
stay serialised through one writer while fetching, parsing and analysis run concurrently.
SIGINT/SIGTERM stop the scheduler after the running job finishes; a running site crawl is
told to stop at once, and what it collected so far is kept. A spool-drain job stores what
was queued while the store was unreachable (`brandguard.spool`).

Scale-out: `Shard(k, n)` makes this worker one of n sharing one (Elasticsearch) store. A
source belongs to exactly one shard, by a stable hash of its id, so no source is fetched by
two workers and every source by one, whatever the other sources are. Shard 1 also runs the
risk tick and alert delivery, so an alert is not attempted by two workers at once; every
shard judges its own batches as they are stored.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from brandguard import wiring
from brandguard.configuration.sources import source_kind
from brandguard.errors import StoreUnavailable
from brandguard.evaluation.overdue import MeasureTick
from brandguard.reports.digest import DigestPlanner

if TYPE_CHECKING:
    from types import FrameType

    from brandguard.configuration.loader import Config
    from brandguard.crawlers.collector import Source
    from brandguard.store.base import Store

log = logging.getLogger(__name__)
TICK_EVERY = timedelta(minutes=5)
DELIVER_EVERY = timedelta(seconds=30)
DRAIN_EVERY = timedelta(seconds=30)
DIGEST_EVERY = timedelta(minutes=1)
COLLECT = "collect"
COLLECT_THREADS = 4
"""Sources collected at once: each job fetches in its own thread (a crawl in its child
process), so a long crawl never holds back a feed that falls due meanwhile."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`K/N` with 1 <= K <= N."""
        try:
            k, n = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(f"shard {text!r}: expected K/N such as 1/2") from None
        if not 1 <= k <= n:
            raise ValueError(f"shard {text!r}: K must be between 1 and N")
        return cls(k, n)

    def owns(self, source_id: str) -> bool:
        digest = hashlib.blake2b(source_id.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index - 1

    @property
    def leader(self) -> bool:
        return self.index == 1


class Runner:
    def __init__(self, config: Config, store: Store, shard: Shard | None = None,
                 collect_threads: int = COLLECT_THREADS, workers: int = 0) -> None:
        """`workers`: analysis worker processes the collection threads share
        (`brandguard.analyzing.Workers`), forked here, before any thread starts."""
        self.config, self.store = config, store
        self.shard = shard or Shard(1, 1)
        self.writer = threading.RLock()
        stages = wiring.build(config, store, alerts=self.shard.leader, spread=True,
                              writer=self.writer, workers=workers)
        self.stages = stages
        self.store = stages.store  # every call serialised: jobs run on several threads
        self.engine = stages.engine
        self.dispatcher, self.pipeline = stages.dispatcher, stages.pipeline
        self.collection = stages.collection
        self.digests = DigestPlanner(self.store, config,
                                     lambda: datetime.now(config.settings.tz))
        self.scheduler = BlockingScheduler(
            executors={"default": ThreadPoolExecutor(1),
                       COLLECT: ThreadPoolExecutor(collect_threads)},
            timezone=config.settings.tz, job_defaults={"coalesce": True, "max_instances": 1})

    def sources(self) -> list[Source]:
        """The enabled sources this worker's shard owns."""
        return [s for s in self.collection.sources() if s.enabled and self.shard.owns(s.id)]

    def plan(self, now: datetime) -> list[tuple[str, datetime]]:
        """Add every job; returns (job id, first run time), for `--print-schedule`."""
        planned = []
        for source in self.sources():
            state = self.store.source_state(source.id)
            first = max(now, state.next_due) if state and state.next_due else now
            job = f"{source_kind(source)}:{source.id}"
            every = int(source.interval.total_seconds())
            self.scheduler.add_job(self._collect, IntervalTrigger(
                seconds=every, start_date=first, timezone=self.config.settings.tz),
                args=[source.id], id=job, next_run_time=first, misfire_grace_time=every,
                executor=COLLECT)
            planned.append((job, first))
        self.scheduler.add_job(self._drain, IntervalTrigger(
            seconds=int(DRAIN_EVERY.total_seconds())), id="store:drain", next_run_time=now)
        planned.append(("store:drain", now))
        if self.shard.leader:
            self.scheduler.add_job(self._tick, IntervalTrigger(
                seconds=int(TICK_EVERY.total_seconds())), id="risk:tick", next_run_time=now)
            planned.append(("risk:tick", now))
        if self.dispatcher is not None:
            self.scheduler.add_job(self.dispatcher.run_once, IntervalTrigger(
                seconds=int(DELIVER_EVERY.total_seconds())), id="alerts:deliver",
                next_run_time=now)
            planned.append(("alerts:deliver", now))
        if self.dispatcher is not None and self.digests.routes():
            self.scheduler.add_job(self._digest, IntervalTrigger(
                seconds=int(DIGEST_EVERY.total_seconds())), id="reports:digest",
                next_run_time=now)
            planned.append(("reports:digest", now))
        return planned

    def _tick(self) -> None:
        """The risk engine's time-based transitions, and improvement measures gone overdue."""
        with self.writer:  # one transaction's worth of transitions, not interleaved
            self.engine.tick()
            MeasureTick(self.store, lambda: datetime.now(self.config.settings.tz)).run_once()

    def _digest(self) -> None:
        """Decide the digests now due, then deliver at once rather than at the next pass."""
        if self.digests.run_once() and self.dispatcher is not None:
            self.dispatcher.run_once()

    def _collect(self, source_id: str) -> None:
        source = self.collection.source(source_id)
        if source is None:
            return
        result = self.collection.collect(source)
        log.warning("collected %s: %s, %d new%s", source_id, result.status, result.new,
                    f" ({result.error[:300]})" if result.error else "")

    def _drain(self) -> None:
        try:
            with self.writer:
                self.pipeline.drain()
        except StoreUnavailable as exc:
            log.warning("spool not drained yet: %s", exc)

    def run(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            log.warning("signal %s: stopping after the running job", signum)
            self.collection.stop()
            self.scheduler.shutdown(wait=True)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.plan(datetime.now(self.config.settings.tz))
        log.warning("running %d job(s); stop with Ctrl-C or SIGTERM",
                    len(self.scheduler.get_jobs()))
        self.scheduler.start()

    def close(self) -> None:
        """Stop the analysis workers, if any (the store is the caller's)."""
        self.stages.close()
