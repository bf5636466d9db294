"""The incident, outbox and delivery half of the store contract, for every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from brandguard.configuration.rules import Level
from brandguard.delivery import Delivery
from brandguard.incident import ChecklistStep, ConcurrentUpdate, Event, Incident, TimelineEntry

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.store.base import Store

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)


def incident(brand: str = "bama", category: str = "quality_safety", **kw: object) -> Incident:
    base = Incident(f"{brand}-{category}", "anxi-tea", brand, category, Level.III, "open", T0,
                    T0, {"count": 3}, ("d1", "d2"),
                    (TimelineEntry(T0, "brandguard", "opened", "III"),),
                    checklist=(ChecklistStep("verify", "核实", "秘书处", T0 + timedelta(hours=1),
                                             Level.IV),))
    return replace(base, **kw)  # type: ignore[arg-type]


def test_incident_round_trips_and_versions_guard_concurrent_saves(
        make_store: Callable[[], Store]) -> None:
    store = make_store()
    saved = store.save_incident(incident())
    assert saved.version == 1
    loaded = store.get_incident(saved.id)
    assert loaded == saved
    store.save_incident(replace(loaded, level=Level.II))
    with pytest.raises(ConcurrentUpdate):
        store.save_incident(replace(loaded, status="resolved"))  # stale version 1
    assert store.get_incident("absent") is None


def test_one_open_incident_per_pair_and_queries(make_store: Callable[[], Store]) -> None:
    store = make_store()
    first = store.save_incident(incident())
    store.save_incident(incident("anxi", last_evidence_at=T0 - timedelta(days=5)))
    assert store.open_incident_for("bama", "quality_safety") == first
    assert store.open_incident_for("bama", "environment") is None
    assert {i.brand for i in store.list_incidents()} == {"bama", "anxi"}
    assert [i.brand for i in store.list_incidents(["anxi"])] == ["anxi"]
    assert [i.brand for i in store.stale_incidents(T0 - timedelta(days=1))] == ["anxi"]
    store.save_incident(replace(first, status="resolved", resolved_at=T0))
    assert store.open_incident_for("bama", "quality_safety") is None
    assert [i.status for i in store.list_incidents(status="resolved")] == ["resolved"]


def test_a_second_open_incident_for_a_pair_is_refused_and_the_first_kept(
        make_store: Callable[[], Store]) -> None:
    """Two processes judging the same burst may each decide to open (their ids differ by
    the report's time): the second save is refused, never a silent replacement."""
    store = make_store()
    first = store.save_incident(incident())
    opened_later = incident(id="bama-quality_safety-later", opened_at=T0 + timedelta(minutes=5))
    with pytest.raises(ConcurrentUpdate, match="already open"):
        store.save_incident(opened_later)
    assert store.get_incident(first.id) == first
    assert store.get_incident(opened_later.id) is None
    assert store.open_incident_for("bama", "quality_safety") == first
    store.save_incident(replace(first, status="resolved", resolved_at=T0))
    reopened = store.save_incident(opened_later)  # once the first is resolved, it may open
    assert store.open_incident_for("bama", "quality_safety") == reopened


def test_events_are_appended_once_in_order(make_store: Callable[[], Store]) -> None:
    store = make_store()
    item = incident()
    opened = Event("k1", "incident.opened", item.id, T0, {"n": 1})
    saved = store.save_incident(item, [opened])
    store.save_incident(saved, [opened, Event("k2", "incident.escalated", item.id, T0)])
    events = store.events()
    assert [e.key for e in events] == ["k1", "k2"]
    assert events[0].payload == {"n": 1}
    assert [e.key for e in store.events(after=events[0].seq)] == ["k2"]


def test_deliveries_plan_once_come_due_and_record(make_store: Callable[[], Store]) -> None:
    store = make_store()
    assert store.planned_through() == 0
    row = Delivery(1, "k1", "incident.opened", "inc", "hook", "pending", T0, T0)
    later = replace(row, channel="mail", next_attempt_at=T0 + timedelta(hours=1))
    store.plan_deliveries([row, later], through=1)
    store.plan_deliveries([replace(row, status="failed")], through=1)  # kept as planned
    assert store.planned_through() == 1
    assert [d.channel for d in store.due_deliveries(T0)] == ["hook"]
    store.record_attempt(replace(row, status="sent", attempts=1, updated_at=T0))
    assert store.due_deliveries(T0 + timedelta(hours=2))[0].channel == "mail"
    assert store.last_sent("hook", "inc", "incident.opened") == T0
    assert store.last_sent("hook", "inc", "incident.resolved") is None
    log = {d.channel: d for d in store.list_deliveries("inc")}
    assert (log["hook"].status, log["hook"].attempts) == ("sent", 1)


def test_source_state_round_trips(make_store: Callable[[], Store]) -> None:
    from brandguard.source_state import SourceState

    store = make_store()
    assert store.source_state("news") is None
    state = SourceState("news", '"v1"', "Fri, 20 Nov 2026 01:00:00 GMT", T0, T0, "", 0, 12,
                        T0 + timedelta(minutes=10))
    store.save_source_state(state)
    store.save_source_state(SourceState("feed-b", failures=2, last_error="HTTP 500"))
    assert store.source_state("news") == state
    assert [s.id for s in store.source_states()] == ["feed-b", "news"]
