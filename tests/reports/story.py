"""A hand-counted month for the report tests: every figure below is counted by hand.

November 2026 (the period) and October (the previous one), for 安溪铁观音 (regional), its
members 八马茶业 and 安溪铁观音集团, and its peer 武夷岩茶. Mentions carry the polarity
written here (the analyzer's fingerprints are kept, so reposts fold as in production).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.configuration.loader import load_config
from brandguard.configuration.rules import Level
from brandguard.document import Mention
from brandguard.incident import ChecklistStep, Incident, TimelineEntry
from tests.conftest import BRANDS_YAML, make_doc, write_config

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store

TZ = ZoneInfo("Asia/Shanghai")
REGIONAL, MEMBER, GROUP, PEER = "anxi-tieguanyin", "bama", "anxi-group", "wuyi"
LONG = ("八马茶业一批次茶叶被检出农药残留超标，县市场监督管理局已责令企业召回问题产品并立案调查，"
        "消费者对产品质量表示担忧，协会表示将配合监管部门开展自查并公布检测结果。")
FAKES = ("网络上出现大量假冒安溪铁观音的礼盒，价格低廉包装粗糙，茶叶产地不明，多名消费者在电商平台"
         "投诉上当受骗，执法部门已对涉事网店立案，提醒市民认准集体商标和溯源二维码购买。")


@dataclass(frozen=True)
class Item:
    key: str
    day: str  # 2026-MM-DD
    mentions: tuple[tuple[str, str], ...]  # (brand, polarity)
    source: str
    text: str
    repost_of: str | None = None


ITEMS = [
    Item("d1", "2026-11-02", ((REGIONAL, "positive"),), "s1", "安溪铁观音荣获金奖，第一条。"),
    Item("d2", "2026-11-03", ((REGIONAL, "positive"), (MEMBER, "negative")), "s2",
         "安溪铁观音品牌价值上升，八马茶业却被投诉，第二条。"),
    Item("d3", "2026-11-04", ((REGIONAL, "neutral"),), "s1", "安溪铁观音秋茶开采，第三条。"),
    Item("d4", "2026-11-05", ((MEMBER, "negative"),), "s4", LONG),
    Item("d5", "2026-11-06", ((MEMBER, "negative"),), "s6", LONG, "d4"),
    Item("d6", "2026-11-07", ((GROUP, "positive"),), "s5", "安溪铁观音集团新厂投产，第六条。"),
    Item("d7", "2026-11-08", ((PEER, "negative"),), "s7", "武夷岩茶被曝以次充好，第七条。"),
    Item("d8", "2026-11-09", ((PEER, "positive"),), "s7", "武夷岩茶获评优秀品牌，第八条。"),
    Item("d9", "2026-11-20", ((REGIONAL, "negative"),), "s3", FAKES),
    Item("d10", "2026-11-21", ((REGIONAL, "negative"),), "s8", FAKES, "d9"),
    Item("o1", "2026-10-10", ((REGIONAL, "positive"),), "s1", "安溪铁观音十月新闻，好评。"),
    Item("o2", "2026-10-20", ((REGIONAL, "negative"),), "s2", "安溪铁观音十月新闻，差评。"),
]


def story_config(tmp_path: Path) -> Config:
    brands = BRANDS_YAML.replace("    exclude: [铁观音茶具]\n",
                                 "    exclude: [铁观音茶具]\n    peers: [wuyi]\n") + \
        "  - {id: wuyi, name: 武夷岩茶, kind: peer, organization: anxi-tea}\n"
    return load_config(write_config(tmp_path / "story-cfg", brands))


def fill(store: Store, analyzer: Analyzer, config: Config) -> dict[str, str]:
    """Store the story; returns item key -> document id."""
    ids: dict[str, str] = {}
    for item in ITEMS:
        doc = make_doc(item.text, config=config, url=f"http://{item.source}.example/{item.key}",
                       source=item.source, published_at=f"{item.day}T10:00:00")
        analysis = analyzer.analyze(doc)
        mentions = tuple(Mention(brand, polarity, 0.5 if polarity == "positive" else -0.5,  # type: ignore[arg-type]
                                 ((0, 2),)) for brand, polarity in item.mentions)
        store.upsert([(doc, replace(analysis, mentions=mentions))])
        ids[item.key] = doc.id
    for item in ITEMS:
        hit = store.get(ids[item.key])
        assert hit is not None
        expected = ids[item.repost_of] if item.repost_of else None
        assert hit.duplicate_of == expected, f"{item.key} folds as written"
    store.save_incident(member_incident([ids["d4"], ids["d5"]]))
    store.save_incident(october_incident())
    return ids


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=TZ)


def member_incident(evidence: list[str]) -> Incident:
    """八马茶业, opened 11-05 12:00, acknowledged 3 h later, resolved 2 days later; one step
    done on time, one late, one never."""
    opened = at("2026-11-05", 12)
    steps = (ChecklistStep("verify", "核实", "秘书处", opened + timedelta(hours=1), Level.IV,
                           done_at=opened + timedelta(minutes=30), done_by="王"),
             ChecklistStep("statement", "声明", "宣传组", opened + timedelta(hours=2), Level.IV,
                           done_at=opened + timedelta(hours=5), done_by="李"),
             ChecklistStep("report", "报告", "会长", opened + timedelta(hours=3), Level.IV))
    return Incident("20261105-1200-bama-quality_safety", "anxi-tea", MEMBER, "quality_safety",
                    Level.III, "resolved", opened, opened, {"count": 2, "window_s": 3600,
                                                            "expected": 0.1, "spread": 2},
                    evidence=tuple(evidence), checklist=steps,
                    timeline=(TimelineEntry(opened, "brandguard", "opened"),
                              TimelineEntry(opened + timedelta(hours=3), "王", "acknowledged"),
                              TimelineEntry(opened + timedelta(days=2), "王", "resolved")),
                    resolved_at=opened + timedelta(days=2))


def october_incident() -> Incident:
    opened = at("2026-10-20", 11)
    return Incident("20261020-1100-anxi-tieguanyin-credibility", "anxi-tea", REGIONAL,
                    "credibility", Level.IV, "resolved", opened, opened,
                    {"count": 3, "window_s": 3600, "expected": 0.1, "spread": 3},
                    resolved_at=opened + timedelta(days=1))
