"""At-least-once delivery through the outbox, against real loopback receivers."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard import events
from brandguard.alerts.dispatcher import AlertDispatcher
from brandguard.configuration.loader import Config, load_config
from brandguard.configuration.rules import Level
from brandguard.incident import Event, Incident
from brandguard.store.sqlite import SqliteStore
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path

    from tests.servers import HttpSink

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 14, 0, tzinfo=TZ)


def configure(tmp_path: Path, a: HttpSink, b: HttpSink, route_extra: str = "") -> Config:
    root = write_config(tmp_path / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n")
    (root / "channels.yaml").write_text(f"""\
channels:
  - {{id: hook-a, type: webhook, url: "{a.url}/a", secret: s3cret}}
  - {{id: hook-b, type: webhook, url: "{b.url}/b"}}
routes:
  - {{organization: anxi-tea, channels: [hook-a, hook-b]{route_extra}}}
""", encoding="utf-8")
    return load_config(root)


def incident(level: Level = Level.III, **changes: object) -> Incident:
    base = Incident(id="inc-1", organization="anxi-tea", brand="bama",
                    category="quality_safety", level=level, status="open", opened_at=T0,
                    last_evidence_at=T0, signal={"count": 5, "window_s": 3600,
                                                 "expected": 0.1, "spread": 3})
    return replace(base, **changes)  # type: ignore[arg-type]


def decide(store: SqliteStore, item: Incident, kind: str = events.INCIDENT_OPENED,
           version: int = 1) -> None:
    stored = store.get_incident(item.id)
    current = item if stored is None else replace(item, version=stored.version)
    store.save_incident(current, [Event(f"{item.id}:{kind}:{version}", kind, item.id, T0,
                                        {"incident": item.to_json()})])


def dispatcher(store: SqliteStore, config: Config, at: list[datetime]) -> AlertDispatcher:
    return AlertDispatcher(store, config, clock=lambda: at[0])


def test_every_decision_reaches_each_routed_channel_once(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b)
    store = SqliteStore(tmp_path / "s.db", TZ)
    decide(store, incident())
    decide(store, incident(Level.II), events.INCIDENT_ESCALATED, 2)
    done = dispatcher(store, config, [T0]).run_once()
    assert sorted(d.status for d in done) == ["sent"] * 4
    for sink in (a, b):
        assert sorted(r.headers["Idempotency-Key"] for r in sink.requests) == [
            "inc-1:incident.escalated:2", "inc-1:incident.opened:1"]
    assert dispatcher(store, config, [T0 + timedelta(hours=1)]).run_once() == []


def test_failures_retry_with_backoff_and_the_same_key(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b)
    store = SqliteStore(tmp_path / "s.db", TZ)
    a.script += [(500, b"down"), (503, b"busy")]
    decide(store, incident())
    clock = [T0]
    worker = dispatcher(store, config, clock)
    first = {d.channel: d for d in worker.run_once()}
    assert first["hook-a"].status == "pending"
    assert first["hook-a"].next_attempt_at > T0
    assert first["hook-b"].status == "sent"
    assert worker.run_once() == []  # not due yet
    clock[0] = T0 + timedelta(hours=2)
    assert [d.status for d in worker.run_once()] == ["pending"]
    clock[0] = T0 + timedelta(hours=4)
    [final] = worker.run_once()
    assert (final.status, final.attempts) == ("sent", 3)
    assert {r.headers["Idempotency-Key"] for r in a.requests} == {"inc-1:incident.opened:1"}
    assert len(a.requests) == 3


def test_a_non_retryable_failure_is_final_and_logged(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b)
    store = SqliteStore(tmp_path / "s.db", TZ)
    a.script.append((400, b"bad request"))
    decide(store, incident())
    dispatcher(store, config, [T0]).run_once()
    failed = {d.channel: d for d in store.list_deliveries("inc-1")}["hook-a"]
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "HTTP 400" in failed.last_error


def test_a_crash_after_deciding_resends_on_restart(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b)
    store = SqliteStore(tmp_path / "s.db", TZ)
    decide(store, incident())
    dispatcher(store, config, [T0]).plan(T0)  # decided, then the process dies
    store.close()
    restarted = SqliteStore(tmp_path / "s.db", TZ)
    assert len(dispatcher(restarted, config, [T0]).run_once()) == 2
    assert len(a.requests) == len(b.requests) == 1


def test_a_crash_after_sending_repeats_with_the_same_key(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b)
    store = SqliteStore(tmp_path / "s.db", TZ)
    decide(store, incident())
    worker = dispatcher(store, config, [T0])
    worker.plan(T0)
    for delivery in store.due_deliveries(T0):  # sent, but the outcome never recorded
        worker.channels[delivery.channel].send(worker._message(delivery))  # type: ignore[arg-type]
    dispatcher(store, config, [T0]).run_once()
    keys = [r.headers["Idempotency-Key"] for r in a.requests]
    assert len(keys) == 2
    assert len(set(keys)) == 1  # at least once; the receiver drops the repeat by key


def test_silence_and_repeat_interval_suppress_and_say_why(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b, ", repeat_interval: 4h")
    store = SqliteStore(tmp_path / "s.db", TZ)
    decide(store, incident(Level.II), events.INCIDENT_ESCALATED, 1)
    dispatcher(store, config, [T0]).run_once()
    decide(store, incident(Level.I), events.INCIDENT_ESCALATED, 2)
    dispatcher(store, config, [T0 + timedelta(hours=1)]).run_once()
    rows = [d for d in store.list_deliveries("inc-1") if d.event_key.endswith(":2")]
    assert {d.status for d in rows} == {"suppressed"}
    assert all("重复间隔 4 小时 内已发送过同类消息（1 小时前）" in d.reason for d in rows)
    silenced = incident(silenced_until=T0 + timedelta(days=1))
    decide(store, silenced, events.INCIDENT_OPENED, 3)
    dispatcher(store, config, [T0 + timedelta(hours=2)]).run_once()
    rows = [d for d in store.list_deliveries("inc-1") if d.event_key.endswith(":3")]
    assert {d.status for d in rows} == {"suppressed"}
    assert all("silenced until" in d.reason for d in rows)


def test_quiet_hours_hold_low_levels_until_morning_but_not_high_ones(
        tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b,
                       ", quiet_hours: {start: '22:00', end: '07:00', max_level: III}")
    store = SqliteStore(tmp_path / "s.db", TZ)
    night = T0.replace(hour=23)
    decide(store, incident(Level.IV))
    dispatcher(store, config, [night]).run_once()
    held = store.list_deliveries("inc-1")
    assert {d.status for d in held} == {"pending"}
    assert {d.next_attempt_at for d in held} == {(night + timedelta(days=1)).replace(hour=7)}
    assert "quiet hours" in held[0].reason
    decide(store, incident(Level.II), events.INCIDENT_ESCALATED, 2)
    sent = dispatcher(store, config, [night]).run_once()
    assert {(d.event_type, d.status) for d in sent} == {("incident.escalated", "sent")}


def test_one_hanging_receiver_does_not_delay_the_others(tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    a.delay = 1.5
    config = configure(tmp_path, a, b)
    store = SqliteStore(tmp_path / "s.db", TZ)
    decide(store, incident())
    started = time.monotonic()
    done = dispatcher(store, config, [T0]).run_once()
    assert {d.status for d in done} == {"sent"}
    assert b.requests[0].at - started < 1.0  # the fast receiver was not kept waiting
    assert time.monotonic() - started >= 1.5
