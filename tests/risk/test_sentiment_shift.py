"""The sentiment-shift signal: same volume, far more of it negative, and no damage category.

Also the registry: a signal is a class plus one entry point, validated from its own options.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from brandguard import wiring
from brandguard.configuration.loader import Config, load_config
from brandguard.configuration.plugins import SIGNALS, load, names
from brandguard.risk.signals.sentiment_shift import SentimentShift, binomial_tail
from brandguard.risk.signals.spike import Spike
from brandguard.store.sqlite import SqliteStore
from tests.conftest import BRANDS_YAML, jsonl, write_config

if TYPE_CHECKING:
    from pathlib import Path

TZ = ZoneInfo("Asia/Shanghai")
SHIFT = "signals:\n  - spike\n  - {type: sentiment_shift, min_mentions: 10}\n"
PLACES = ["厦门", "泉州", "福州", "安溪", "漳州", "莆田", "龙岩", "宁德", "三明", "南平", "广州", "深圳"]
EVENTS = ["新店开业", "举办品鉴会", "推出秋季新品", "参加茶博会", "开展公益活动", "发布年度礼盒",
          "邀请茶农座谈", "上线直播间"]
GRIPES = ["茶叶真难喝，味道寡淡", "包装简陋，价格还贵", "客服推诿，太失望了", "口感发苦，再也不买了",
          "发货慢还漏气，失望透顶", "礼盒缺斤少两，很不满意", "退款拖了半个月，太差了"]


def ordinary(n: int, at: datetime) -> dict[str, object]:
    return {"url": f"http://n{n % 9}.example/{n}", "source": f"n{n % 9}.example",
            "text": f"八马茶业{PLACES[n % 12]}{EVENTS[n % 8]}，第{n}期活动吸引了{n * 7 % 90 + 10}位市民。",
            "published_at": at.isoformat()}


def complaint(n: int, at: datetime) -> dict[str, object]:
    return {"url": f"http://r{n % 5}.example/{n}", "source": f"r{n % 5}.example", "kind": "review",
            "text": f"在{PLACES[n % 12]}买的八马茶业，{GRIPES[n % 7]}，第{n}单。",
            "published_at": at.isoformat()}


def history(start: datetime, days: int, per_day: int) -> list[dict[str, object]]:
    """`per_day` mentions a day, one complaint every third day: a negative share near 5 %."""
    docs = []
    for day in range(days):
        for k in range(per_day):
            n, at = day * per_day + k, start + timedelta(days=day, hours=k)
            docs.append(complaint(n, at) if k == 0 and day % 3 == 0 else ordinary(n, at))
    return docs


def config_with(tmp_path: Path, rules: str) -> Config:
    root = write_config(tmp_path / "cfg", BRANDS_YAML)
    (root / "rules.yaml").write_text(rules, encoding="utf-8")
    return load_config(root)


def replay(config: Config, tmp_path: Path, shifted: bool) -> SqliteStore:
    store = SqliteStore(tmp_path / "s.db", TZ)
    start = datetime(2026, 10, 20, 8, 0, tzinfo=TZ)
    pipeline = wiring.build(config, store, clock=lambda: datetime(2026, 11, 30, tzinfo=TZ)).pipeline
    day = history(start, 28, 12)
    last = start + timedelta(days=28)
    # the same twelve mentions a day, but on the shifted day eight of them are complaints
    today = [complaint(10_000 + k, last + timedelta(hours=k)) if shifted and k % 3 != 0
             else ordinary(10_000 + k, last + timedelta(hours=k)) for k in range(12)]
    for batch in (day, today):
        lines = [(i + 1, line.encode()) for i, line in enumerate(jsonl(*batch).splitlines())]
        report = pipeline.ingest(lines)
        assert not report.rejected, report.rejected
    return store


def test_a_jump_in_the_negative_share_opens_a_sentiment_incident(tmp_path: Path) -> None:
    config = config_with(tmp_path, SHIFT)
    store = replay(config, tmp_path, shifted=True)
    [incident] = store.list_incidents(["bama"])
    assert incident.category == "sentiment"
    assert config.category_label(incident.category) == "负面情绪上升"
    # an elevenfold lift scores level III; a shift alone never reaches level II
    assert incident.level.name == "III"
    assert incident.signal["score"] < config.rules.thresholds.II
    assert incident.signal["negative_share"] >= 0.5
    assert incident.signal["p_value"] < config.rules.p_value
    # the volume did not rise: twelve mentions a day before and on the day itself
    assert incident.signal["mentions"] <= 24


def test_the_same_volume_with_the_usual_share_opens_nothing(tmp_path: Path) -> None:
    store = replay(config_with(tmp_path, SHIFT), tmp_path, shifted=False)
    assert store.list_incidents() == []


def test_the_signal_is_off_unless_rules_yaml_names_it(tmp_path: Path) -> None:
    config = config_with(tmp_path, "p_value: 0.001\n")
    assert [type(s).__name__ for s in config.rules.signals] == ["SpikeOptions"]
    store = replay(config, tmp_path, shifted=True)
    assert store.list_incidents() == []  # the spike signal alone sees no trust-damage report


def test_signal_types_come_from_the_entry_point_registry() -> None:
    assert names(SIGNALS) == ["sentiment_shift", "spike"]
    assert load(SIGNALS, "spike") is Spike
    assert load(SIGNALS, "sentiment_shift") is SentimentShift


def _exact_tail(k: int, n: int, p: Fraction) -> Fraction:
    return sum((Fraction(math.comb(n, i)) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)),
               Fraction(0))


@given(st.integers(0, 40), st.integers(0, 40), st.fractions(0, 1, max_denominator=50))
def test_binomial_tail_matches_the_exact_sum(k: int, n: int, p: Fraction) -> None:
    expected = float(_exact_tail(k, n, p)) if k <= n else 0.0
    assert math.isclose(binomial_tail(k, n, float(p)), expected, rel_tol=1e-9, abs_tol=1e-12)
