"""`brandguard store copy`: SQLite -> a real Elasticsearch node -> SQLite loses nothing."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from brandguard.access import Credential, User, secret_hash
from brandguard.configuration.loader import load_config
from brandguard.delivery import Delivery
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.risk.engine import RiskEngine
from brandguard.source_state import SourceState
from brandguard.store.registry import open_store
from brandguard.store.sqlite import SqliteStore
from tests.conftest import EXAMPLE_CONFIG, drop_indices, jsonl, run_cli, write_config

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.base import Store
    from tests.es_node import EsNode

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=TZ)
REPORT = ("八马茶业一批次产品被检出质量问题，抽检不合格，农药残留超标，消费者担忧产品质量。"
          "第{n}条报道来自站点{n}。")
STORY = ("市场监管部门通报，八马茶业生产的一批次铁观音检出农药残留超标，抽检不合格。"
         "监管部门已责令企业召回问题产品，并立案调查，消费者对产品质量表示担忧。")


def _docs() -> list[dict[str, object]]:
    history = [{"url": f"http://h.example/{d}", "source": "history.example",
                "text": f"八马茶业新品上市，第{d}批茶叶受到好评。",
                "published_at": (NOW - timedelta(days=8 - d)).isoformat()} for d in range(7)]
    burst = [{"url": f"http://s{n}.example/{n}", "source": f"s{n}.example",
              "title": f"八马茶业产品抽检不合格（{n}）", "text": REPORT.format(n=n),
              "published_at": (NOW - timedelta(hours=3) + timedelta(minutes=10 * n)).isoformat()}
             for n in range(6)]
    story = [{"url": f"http://r{n}.example/story", "text": prefix + STORY,
              "title": "八马茶业抽检不合格，农药残留超标",
              "published_at": (NOW - timedelta(hours=2 - n)).isoformat()}
             for n, prefix in enumerate(("", "转自新闻门户："))]
    return history + burst + story


def _fill(config: Config, path: Path) -> None:
    store = SqliteStore(path, TZ)
    pipeline = Pipeline(Analyzer.from_config(config), store, config.settings,
                        hooks=[RiskEngine(store, config, clock=lambda: NOW)])
    report = pipeline.ingest(list(enumerate(jsonl(*_docs()).encode().splitlines(), start=1)))
    assert report.stored.near_duplicates > 0
    events = store.events()
    assert events, "the burst should have opened an incident"
    store.plan_deliveries([Delivery(e.seq, e.key, e.type, e.incident, "hook", "sent", NOW, NOW,
                                    attempts=1) for e in events], events[-1].seq)
    store.save_source_state(SourceState("news", '"v1"', "", NOW, NOW, "", 0, 3, NOW))
    store.save_credential(Credential("tok", "token", "anxi-tea", "ci", secret_hash("bg_x"), NOW))
    store.save_user(User("王秘书", "anxi-tea", "argon2-hash", NOW))
    store.close()


def snapshot(store: Store) -> dict[str, Any]:
    seq_keys = {e.seq: e.key for e in store.events(limit=1000)}
    return {
        "documents": sorted((d.document.id, d.document.to_json()["text"],
                             d.analysis.to_json(), d.duplicate_of, d.ingested_at)
                            for d in store.scan()),
        "incidents": [replace(i, version=0) for i in store.list_incidents()],
        "events": [(e.key, e.type, e.incident, e.at, e.payload) for e in store.events(limit=1000)],
        "deliveries": [(seq_keys[d.event_seq], d.event_key, d.channel, d.status, d.attempts)
                       for d in store.list_deliveries(limit=1000)],
        "planned": seq_keys.get(store.planned_through()),
        "sources": store.source_states(),
        "tokens": store.credentials("token"),
        "users": store.users(),
    }


def test_copy_to_elasticsearch_and_back_keeps_everything(es_node: EsNode,
                                                         tmp_path: Path) -> None:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    root = write_config(tmp_path / "cfg", settings=f"elasticsearch: {{index_prefix: {prefix}}}\n")
    shutil.copytree(EXAMPLE_CONFIG / "plans", root / "plans")
    config = load_config(root)
    _fill(config, tmp_path / "a.db")
    there = run_cli("--config", str(root), "store", "copy", f"sqlite:///{tmp_path / 'a.db'}",
                    es_node.url)
    assert there.returncode == 0, there.stderr
    assert "copied 15 documents" in there.stdout
    back = run_cli("--config", str(root), "store", "copy", es_node.url,
                   f"sqlite:///{tmp_path / 'b.db'}")
    assert back.returncode == 0, back.stderr
    original, returned = SqliteStore(tmp_path / "a.db", TZ), SqliteStore(tmp_path / "b.db", TZ)
    elastic = open_store(es_node.url, config.settings)
    try:
        expected = snapshot(original)
        assert any(d[3] for d in expected["documents"])  # near-duplicate links are copied
        assert snapshot(elastic) == expected
        assert snapshot(returned) == expected
        again = run_cli("--config", str(root), "store", "copy",
                        f"sqlite:///{tmp_path / 'a.db'}", es_node.url)
        assert again.returncode == 0, again.stderr
        assert snapshot(elastic) == expected  # copying twice duplicates nothing
    finally:
        drop_indices(elastic)
        for store in (original, returned, elastic):
            store.close()


def test_copy_refuses_the_same_store(tmp_path: Path) -> None:
    root = write_config(tmp_path / "cfg")
    url = f"sqlite:///{tmp_path / 'a.db'}"
    result = run_cli("--config", str(root), "store", "copy", url, url)
    assert result.returncode == 2
    assert "same store" in result.stderr
