"""The risk engine on a real store: open, escalate, resolve, refuse — one event each."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from brandguard import events
from brandguard.configuration.loader import Config, load_config
from brandguard.errors import InputError
from brandguard.incident import ConcurrentUpdate
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.risk.actions import IncidentActions
from brandguard.risk.engine import RiskEngine
from tests.conftest import BRANDS_YAML, EXAMPLE_CONFIG, jsonl, make_doc, write_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from brandguard.store.base import Store

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "八马茶业一批次茶叶被检出农药残留超标，抽检不合格，消费者担忧产品质量。第{n}条报道来自{s}。"


@pytest.fixture
def staffed_config(tmp_path: Path) -> Config:
    brands = BRANDS_YAML.replace("{id: anxi-tea, name: 安溪县茶业协会}",
                                 "{id: anxi-tea, name: 安溪县茶业协会, staff: [王秘书, 李主任]}")
    root = write_config(tmp_path / "cfg", brands)
    shutil.copytree(EXAMPLE_CONFIG / "plans", root / "plans")
    return load_config(root)


def feed(pipeline: Pipeline, docs: list[dict[str, object]]) -> None:
    lines = [(i + 1, line.encode()) for i, line in enumerate(jsonl(*docs).splitlines())]
    report = pipeline.ingest(lines)
    assert not report.rejected, report.rejected


def reports(start: datetime, count: int, minutes: int = 10) -> list[dict[str, object]]:
    return [{"url": f"http://s{n}.example/{start:%d%H%M}/{n}", "source": f"s{n}.example",
             "text": REPORT.format(n=n, s=f"站点{n}"),
             "published_at": (start + timedelta(minutes=minutes * n)).isoformat()}
            for n in range(count)]


def setup(make_store: Callable[[], Store], config: Config, analyzer: Analyzer,
          ) -> tuple[Store, RiskEngine, Pipeline]:
    """A store where 八马茶业 has a week of ordinary history (the baseline's minimum)."""
    store = make_store()
    engine = RiskEngine(store, config, clock=lambda: datetime(2026, 12, 1, tzinfo=TZ))
    analyzer = Analyzer.from_config(config, model=analyzer.model)
    pipeline = Pipeline(analyzer, store, config.settings, hooks=[engine])
    week_before = datetime(2026, 11, 13, 10, 0, tzinfo=TZ)
    feed(pipeline, [{"url": f"http://h.example/{d}", "text": f"八马茶业新品上市，第{d}批。",
                     "published_at": (week_before + timedelta(days=d)).isoformat()}
                    for d in range(6)])
    return store, engine, pipeline


def test_burst_opens_one_incident_with_one_event(make_store: Callable[[], Store],
                                                 staffed_config: Config,
                                                 analyzer: Analyzer) -> None:
    store, _, pipeline = setup(make_store, staffed_config, analyzer)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    feed(pipeline, reports(start, 2))
    assert store.list_incidents() == []
    feed(pipeline, reports(start + timedelta(minutes=25), 3))
    [incident] = store.list_incidents(["bama"])
    assert (incident.brand, incident.category, incident.status) == ("bama", "quality_safety",
                                                                     "open")
    assert incident.opened_at == start + timedelta(minutes=25)  # the third report's time
    assert incident.signal["count"] >= 3
    assert incident.signal["p_value"] < 0.001
    assert len(incident.evidence) >= 3
    types = [e.type for e in store.events() if e.incident == incident.id]
    assert types[0] == events.INCIDENT_OPENED
    assert types.count(events.INCIDENT_OPENED) == 1
    assert set(types[1:]) <= {events.INCIDENT_ESCALATED}


def test_more_evidence_escalates_once_and_quiet_resolves(make_store: Callable[[], Store],
                                                         staffed_config: Config,
                                                         analyzer: Analyzer) -> None:
    store, engine, pipeline = setup(make_store, staffed_config, analyzer)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    feed(pipeline, reports(start, 3, minutes=5))
    opened = store.list_incidents(["bama"])[0]
    feed(pipeline, reports(start + timedelta(minutes=16), 8, minutes=5))
    current = store.get_incident(opened.id)
    assert current is not None
    assert current.level < opened.level
    types = [e.type for e in store.events() if e.incident == opened.id]
    assert types.count(events.INCIDENT_OPENED) == 1
    assert types.count(events.INCIDENT_ESCALATED) >= 1
    assert len({e.key for e in store.events()}) == len(store.events())
    assert engine.tick(start + timedelta(hours=2)) == []  # both incidents still active
    resolved = {i.brand: i for i in engine.tick(start + timedelta(days=4))}
    assert set(resolved) == {"bama", "anxi-tieguanyin"}
    assert resolved["bama"].status == "resolved"
    assert resolved["bama"].timeline[-1].actor == "brandguard"
    assert store.events()[-1].type == events.INCIDENT_RESOLVED


def test_people_transitions_are_checked_and_say_why(make_store: Callable[[], Store],
                                                    staffed_config: Config,
                                                    analyzer: Analyzer) -> None:
    store, engine, pipeline = setup(make_store, staffed_config, analyzer)
    people = IncidentActions(store, staffed_config, clock=engine.clock)
    feed(pipeline, reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 4))
    incident_id = store.list_incidents(["bama"])[0].id
    with pytest.raises(InputError, match="not on the staff list"):
        people.acknowledge(incident_id, "陌生人")
    people.acknowledge(incident_id, "王秘书")
    with pytest.raises(InputError, match="already acknowledged by 王秘书"):
        people.acknowledge(incident_id, "李主任")
    done = people.resolve(incident_id, "李主任", "已核实并发布声明")
    assert [t.action for t in done.timeline] == ["opened", "acknowledged", "resolved"]
    with pytest.raises(InputError, match="already resolved"):
        people.resolve(incident_id, "李主任")
    with pytest.raises(InputError, match="no incident"):
        people.acknowledge("nope", "王秘书")


def test_stale_version_is_refused(make_store: Callable[[], Store], staffed_config: Config,
                                  analyzer: Analyzer) -> None:
    store, _, pipeline = setup(make_store, staffed_config, analyzer)
    feed(pipeline, reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 4))
    incident = store.list_incidents(["bama"])[0]
    store.save_incident(incident)
    with pytest.raises(ConcurrentUpdate):
        store.save_incident(incident)


def test_praise_and_denials_open_nothing(make_store: Callable[[], Store],
                                         staffed_config: Config, analyzer: Analyzer) -> None:
    store, _, pipeline = setup(make_store, staffed_config, analyzer)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    docs = [{"url": f"http://d.example/{n}", "source": f"d{n}",
             "text": f"经检测，八马茶业产品未发现农药残留超标，网传抽检不合格系谣言。第{n}条",
             "published_at": (start + timedelta(minutes=5 * n)).isoformat()} for n in range(6)]
    feed(pipeline, docs)
    assert store.list_incidents() == []
    assert make_doc("x", config=staffed_config).text == "x"


def test_reingest_and_replay_do_not_reopen_or_duplicate(make_store: Callable[[], Store],
                                                        staffed_config: Config,
                                                        analyzer: Analyzer) -> None:
    store, engine, pipeline = setup(make_store, staffed_config, analyzer)
    people = IncidentActions(store, staffed_config, clock=engine.clock)
    batch = reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 4)
    feed(pipeline, batch)
    incident_id = store.list_incidents(["bama"])[0].id
    people.resolve(incident_id, "王秘书")
    events_before = len([e for e in store.events() if e.incident == incident_id])
    feed(pipeline, batch)  # the same documents again: nothing new to judge
    assert [i.status for i in store.list_incidents(["bama"])] == ["resolved"]
    assert len([e for e in store.events() if e.incident == incident_id]) == events_before
    # a crash between storing and the hand-off: the engine re-evaluates the same moment
    engine.evaluate("bama", "quality_safety", datetime(2026, 11, 20, 9, 20, tzinfo=TZ))
    assert len(store.list_incidents(["bama"])) == 1
    assert len([e for e in store.events() if e.incident == incident_id]) == events_before


def test_checklist_attached_upgraded_overdue_once_and_checked(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    store, engine, pipeline = setup(make_store, staffed_config, analyzer)
    people = IncidentActions(store, staffed_config, clock=engine.clock)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    feed(pipeline, reports(start, 3, minutes=5))
    opened = store.list_incidents(["bama"])[0]
    first_ids = [s.id for s in opened.checklist]
    assert first_ids[:2] == ["verify", "contact"]
    assert all(s.due_at > opened.opened_at for s in opened.checklist)
    feed(pipeline, reports(start + timedelta(minutes=16), 8, minutes=5))
    escalated = store.get_incident(opened.id)
    assert escalated is not None
    added = [s for s in escalated.checklist if s.id not in first_ids]
    assert {"suspend", "report"} <= {s.id for s in added}
    assert all(s.due_at > opened.opened_at + timedelta(minutes=16) for s in added)
    people.check_step(opened.id, "verify", "王秘书", "来源为市场监管总局通报")
    late = start + timedelta(days=2)
    engine.tick(late)
    engine.tick(late + timedelta(hours=1))
    overdue = [e for e in store.events()
               if e.type == events.CHECKLIST_OVERDUE and e.incident == opened.id]
    current = store.get_incident(opened.id)
    assert current is not None
    expected = {s.id for s in current.checklist if s.id != "verify"}
    assert {e.payload["step"]["id"] for e in overdue} == expected
    assert len(overdue) == len(expected)  # once per step, not once per tick
    with pytest.raises(InputError, match="already checked by 王秘书"):
        people.check_step(opened.id, "verify", "李主任")
    with pytest.raises(InputError, match="has no step 'nope'"):
        people.check_step(opened.id, "nope", "李主任")


def test_silence_is_recorded_and_refused_when_pointless(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    store, engine, pipeline = setup(make_store, staffed_config, analyzer)
    people = IncidentActions(store, staffed_config, clock=engine.clock)
    feed(pipeline, reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 4))
    incident_id = store.list_incidents(["bama"])[0].id
    now = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
    with pytest.raises(InputError, match="must end in the future"):
        people.silence(incident_id, "王秘书", now - timedelta(hours=1), now=now)
    silenced = people.silence(incident_id, "王秘书", now + timedelta(hours=12), now=now)
    assert silenced.silenced_until == now + timedelta(hours=12)
    assert silenced.timeline[-1].action == "silenced"
    people.resolve(incident_id, "李主任")
    with pytest.raises(InputError, match="nothing to silence"):
        people.silence(incident_id, "王秘书", now + timedelta(hours=1), now=now)


def test_a_brand_without_history_needs_twice_the_evidence(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    store = make_store()
    engine = RiskEngine(store, staffed_config, clock=lambda: datetime(2026, 12, 1, tzinfo=TZ))
    pipeline = Pipeline(Analyzer.from_config(staffed_config, model=analyzer.model), store,
                        staffed_config.settings, hooks=[engine])
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    feed(pipeline, reports(start, 5, minutes=5))
    assert store.list_incidents() == []
    feed(pipeline, reports(start + timedelta(minutes=26), 1))
    [incident] = store.list_incidents(["bama"])
    assert incident.signal["count"] >= 6
    assert incident.signal["history_days"] < 3


def test_a_members_scandal_rolls_up_to_its_regional_brand(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    store, _, pipeline = setup(make_store, staffed_config, analyzer)
    feed(pipeline, reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 6, minutes=5))
    [member] = store.list_incidents(["bama"])
    [regional] = store.list_incidents(["anxi-tieguanyin"])
    assert regional.linked == (member.id,)
    assert regional.level >= member.level  # the shared trademark's signal is weighted
    assert regional.signal["members"] == {"bama": regional.signal["count"]}


def test_a_peer_brand_is_counted_but_never_opens_an_incident(
        make_store: Callable[[], Store], tmp_path: Path, analyzer: Analyzer) -> None:
    brands = BRANDS_YAML.replace("    kind: enterprise\n    parent: anxi-tieguanyin\n"
                                 "    organization: anxi-tea\n    aliases: [八马, BAMA]",
                                 "    kind: peer\n    organization: anxi-tea\n"
                                 "    aliases: [八马, BAMA]")
    assert "kind: peer" in brands
    config = load_config(write_config(tmp_path / "peer-cfg", brands))
    store, engine, pipeline = setup(make_store, config, analyzer)
    feed(pipeline, reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 8, minutes=5))
    assert store.list_incidents() == []
    assert engine.evaluate("bama", "quality_safety", datetime(2026, 11, 20, 10, tzinfo=TZ)) is None
    assert store.events() == []
    counted = store.counts(["bama"], datetime(2026, 11, 1, tzinfo=TZ),
                           datetime(2026, 12, 1, tzinfo=TZ), timedelta(days=30))
    assert sum(r.count for r in counted if r.polarity == "negative") >= 8


def test_a_regional_roll_up_works_its_own_plan_and_links_the_member_incident(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    store, _, pipeline = setup(make_store, staffed_config, analyzer)
    feed(pipeline, reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 4))
    [member] = store.list_incidents(["bama"])
    [regional] = store.list_incidents(["anxi-tieguanyin"])
    plan = staffed_config.plans["quality_safety"]
    assert {s.id for s in member.checklist} <= {s.id for s in plan.steps}
    assert "contact" in {s.id for s in member.checklist}  # the member's own plan
    rollup = {s.id for s in plan.rollup_steps}
    assert {s.id for s in regional.checklist} <= rollup  # the association's plan, not a copy
    assert "notify" in {s.id for s in regional.checklist}
    assert regional.linked == (member.id,)
