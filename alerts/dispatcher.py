"""Deliver outbox events at least once, per channel, with retries — the alerting promise.

`plan` turns new outbox events into delivery records (or suppressions, with reasons) in one
transaction with the cursor, so a crash can neither lose nor double-plan a decision.
`deliver` attempts every due record: messages are built here, then each channel's sends run
in its own worker thread, so one hanging receiver never delays the others; outcomes are
written back on this thread (one SQLite connection, never shared across threads) as each
channel finishes. Retryable failures back off exponentially with jitter up to
`MAX_ATTEMPTS`; the idempotency key (the event key) is the same on every attempt, so a send
repeated after a crash can be dropped by the receiver. As a pipeline hook it plans and
delivers right after the risk engine has judged a batch.
"""

from __future__ import annotations

import logging
import random
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from brandguard import events
from brandguard.alerts.channels.base import DeliveryError
from brandguard.alerts.channels.registry import make_channel
from brandguard.alerts.message import AlertMessage, build
from brandguard.alerts.router import decide, measure_routes
from brandguard.delivery import Delivery, Status
from brandguard.incident import Incident
from brandguard.store.ports import DeliveryLog, DocumentReader, IncidentLog

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from brandguard.alerts.channels.base import Channel
    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.incident import Event

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """30 s, 1 min, 2 min … capped at 1 h, each scaled by a jitter in [0.5, 1.5)."""
    step: timedelta = min(MAX_BACKOFF, BASE_BACKOFF * (2 ** max(0, attempts - 1)))
    return step * (0.5 + rng.random())


class DispatchStore(IncidentLog, DeliveryLog, DocumentReader, Protocol):
    """The outbox to read, the deliveries to plan and record, and evidence to quote."""


class AlertDispatcher:
    def __init__(self, store: DispatchStore, config: Config,
                 clock: Callable[[], datetime] | None = None,
                 channels: dict[str, Channel] | None = None) -> None:
        self.store = store
        self.config = config
        self.clock = clock or (lambda: datetime.now(config.settings.tz))
        self.channels = channels if channels is not None else {
            c.id: make_channel(c, config.settings) for c in config.channels}
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography

    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None:
        self.run_once()

    def run_once(self) -> list[Delivery]:
        now = self.clock()
        self.plan(now)
        return self.deliver(now)

    def plan(self, now: datetime) -> int:
        after = self.store.planned_through()
        rows: list[Delivery] = []
        last = after
        planned: dict[tuple[str, str, str], datetime] = {}

        def last_sent(channel: str, incident: str, kind: str) -> datetime | None:
            """Sent or planned: repeats within one pass count as much as earlier sends."""
            return planned.get((channel, incident, kind)) or self.store.last_sent(
                channel, incident, kind)

        for event in self.store.events(after=after, limit=1000):
            last = event.seq
            if event.type in (events.REPORT_DIGEST, events.MEASURE_OVERDUE):
                rows += [Delivery(event.seq, event.key, event.type, event.incident, channel,
                                  "pending", now, now) for channel in self._targets(event)]
                continue
            incident = Incident.from_json(event.payload["incident"])
            for d in decide(self.config.routes, event.type, incident, last_sent, now):
                status: Status = "suppressed" if d.suppressed else "pending"
                if not d.suppressed:
                    planned[(d.channel, incident.id, event.type)] = now
                rows.append(Delivery(event.seq, event.key, event.type, incident.id, d.channel,
                                     status, d.send_at, now, reason=d.suppressed or d.note))
        if last != after:
            self.store.plan_deliveries(rows, last)
        return len(rows)

    def _targets(self, event: Event) -> list[str]:
        """A digest goes to its route's channels (decided with it); an overdue measure to
        the routes that take its organisation's and brand's level-IV alerts."""
        if event.type == events.REPORT_DIGEST:
            return list(event.payload["channels"])
        return measure_routes(self.config.routes, event.payload["organization"],
                              event.payload["brand"])

    def deliver(self, now: datetime) -> list[Delivery]:
        due = [d for d in self.store.due_deliveries(now) if d.channel in self.channels]
        by_channel: dict[str, list[tuple[Delivery, AlertMessage]]] = {}
        messages: dict[int, AlertMessage | None] = {}  # one build per event, not per channel
        for delivery in due:
            if delivery.event_seq not in messages:
                messages[delivery.event_seq] = self._message(delivery)
            message = messages[delivery.event_seq]
            if message is not None:
                by_channel.setdefault(delivery.channel, []).append((delivery, message))
        if not by_channel:
            return []
        done: list[Delivery] = []
        with ThreadPoolExecutor(max_workers=len(by_channel)) as pool:
            futures = [pool.submit(self._send_all, self.channels[c], work)
                       for c, work in by_channel.items()]
            for future in as_completed(futures):
                for delivery, error in future.result():
                    done.append(self._record(delivery, error, self.clock()))
        return done

    def _message(self, delivery: Delivery) -> AlertMessage | None:
        events = self.store.events(after=delivery.event_seq - 1, limit=1)
        if not events or events[0].seq != delivery.event_seq:
            log.error("outbox event %s vanished; delivery skipped", delivery.event_seq)
            return None
        return build(events[0], self.config, self.store)

    @staticmethod
    def _send_all(channel: Channel, work: list[tuple[Delivery, AlertMessage]],
                  ) -> list[tuple[Delivery, DeliveryError | None]]:
        outcomes: list[tuple[Delivery, DeliveryError | None]] = []
        for delivery, message in work:
            try:
                channel.send(message)
                outcomes.append((delivery, None))
            except DeliveryError as exc:
                outcomes.append((delivery, exc))
            except Exception as exc:  # a channel bug must not stop the others
                outcomes.append((delivery, DeliveryError(f"{type(exc).__name__}: {exc}",
                                                         retryable=True)))
        return outcomes

    def _record(self, delivery: Delivery, error: DeliveryError | None, now: datetime) -> Delivery:
        attempts = delivery.attempts + 1
        if error is None:
            updated = replace(delivery, status="sent", attempts=attempts, updated_at=now,
                              last_error="")
        elif error.retryable and attempts < MAX_ATTEMPTS:
            updated = replace(delivery, attempts=attempts, updated_at=now,
                              last_error=str(error),
                              next_attempt_at=now + backoff(attempts, self.rng))
        else:
            updated = replace(delivery, status="failed", attempts=attempts, updated_at=now,
                              last_error=str(error))
        self.store.record_attempt(updated)
        log.info("delivery %s -> %s: %s", delivery.event_key, delivery.channel, updated.status)
        return updated
