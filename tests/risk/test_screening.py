"""The signals' screen (`screen`): a batch's counts that spares the engine a signal's searches.

The screen may only say "no" where computing the signal would open nothing, so the engine's
incidents and events are the same with it as without it; and it must say "no" often enough
to be worth having.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.configuration.loader import Config, load_config
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.risk.engine import RiskEngine
from brandguard.risk.signals import configured
from brandguard.risk.signals.base import Ask, Screening, SignalStore
from brandguard.store.sqlite import SqliteStore
from tests.conftest import BRANDS_YAML, jsonl, write_config

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.signals import SignalOptions
    from brandguard.document import Analysis
    from brandguard.risk.signals.base import Signal, SignalType

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 10, 8, 0, tzinfo=TZ)
RULES = "signals:\n  - spike\n  - {type: sentiment_shift, min_mentions: 4}\n"
NAMES = {"bama": "八马茶业", "anxi-group": "安溪铁观音集团", "anxi-tieguanyin": "安溪铁观音"}
TEXTS = [
    "{b}一批次茶叶被检出农药残留超标，抽检不合格，消费者担忧产品质量。",
    "{b}被曝售卖假冒产品，包装上的商标是伪造的，多名消费者投诉。",
    "{b}新品上市，口感醇厚，深受好评，销量创新高。",
    "{b}举办品鉴会，邀请茶农座谈，介绍今年的春茶。",
    "{b}的茶叶真难喝，客服推诿，退款拖了半个月，太失望了。",
]


def config_at(root: Path) -> Config:
    folder = write_config(root, BRANDS_YAML)
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    return load_config(folder)


class Unscreened:
    """A signal with its screen taken away: the engine computes it every time."""

    Options: ClassVar[type[SignalOptions]]

    def __init__(self, inner: SignalType) -> None:
        self.inner = inner
        self.computed = 0

    def owns(self, category: str) -> bool:
        return self.inner.owns(category)

    def reports(self, analysis: Analysis) -> list[tuple[str, str]]:
        return self.inner.reports(analysis)

    def compute(self, store: SignalStore, brand: str, category: str, at: datetime,
                members: tuple[str, ...] = ()) -> Signal:
        self.computed += 1
        return self.inner.compute(store, brand, category, at, members)


class Counted(Unscreened):
    """The same signal, screen kept, counting what still gets computed."""

    def screen(self, store: SignalStore, asks: Sequence[Ask]) -> list[bool]:
        assert isinstance(self.inner, Screening)
        return self.inner.screen(store, asks)


def stream(picks: list[tuple[int, str, int, bool]]) -> list[dict[str, object]]:
    """(text, brand, minutes after START, also reposted) → JSONL records, a repost being the
    same text on another site a minute later."""
    records: list[dict[str, object]] = []
    for n, (text, brand, minutes, reposted) in enumerate(picks):
        at = START + timedelta(minutes=minutes)
        body = TEXTS[text].format(b=NAMES[brand]) + f"第{n}篇。"
        records.append({"url": f"http://s{n % 5}.example/{n}", "source": f"s{n % 5}.example",
                        "text": body, "published_at": at.isoformat()})
        if reposted:
            records.append({"url": f"http://r{n}.example/{n}", "source": f"r{n}.example",
                            "text": body, "published_at": (at + timedelta(minutes=1)).isoformat()})
    return records


def ingest(records: list[dict[str, object]], config: Config, analyzer: Analyzer, db: Path,
           signals: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    store = SqliteStore(db, config.settings.tz)
    try:
        engine = RiskEngine(store, config, clock=lambda: START + timedelta(days=30))
        engine.signals = signals
        lines = [(i + 1, line.encode()) for i, line in enumerate(jsonl(*records).splitlines())]
        Pipeline(analyzer, store, config.settings, hooks=[engine]).ingest(lines)
        incidents = [i.to_json() for i in store.list_incidents()]
        events = [e.to_json() for e in store.events(limit=10_000)]
        return incidents, events
    finally:
        store.close()


PICKS = st.lists(st.tuples(st.integers(0, len(TEXTS) - 1), st.sampled_from(sorted(NAMES)),
                           st.integers(0, 6 * 24 * 60), st.booleans()), min_size=1, max_size=40)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(picks=PICKS, bursts=st.lists(st.tuples(st.sampled_from([0, 1, 4]),
                                              st.sampled_from(sorted(NAMES)),
                                              st.integers(3 * 24 * 60, 6 * 24 * 60),
                                              st.integers(3, 9)), max_size=3))
def test_the_same_incidents_and_events_with_and_without_the_screen(
        picks: list[tuple[int, str, int, bool]], bursts: list[tuple[int, str, int, int]],
        analyzer: Analyzer) -> None:
    for text, brand, minutes, size in bursts:  # reports close together: some open, some not
        picks = picks + [(text, brand, minutes + 5 * n, n == 1) for n in range(size)]
    with tempfile.TemporaryDirectory() as tmp:
        config = config_at(Path(tmp) / "cfg")
        model = Analyzer.from_config(config, model=analyzer.model)
        records = stream(picks)
        plain = [Unscreened(s) for s in configured(config.rules)]
        screened = [Counted(s) for s in configured(config.rules)]
        expected = ingest(records, config, model, Path(tmp) / "plain.db", plain)
        got = ingest(records, config, model, Path(tmp) / "screened.db", screened)
    assert got == expected
    assert sum(s.computed for s in screened) <= sum(s.computed for s in plain)


def test_the_screen_spares_most_evaluations_of_a_quiet_brand(analyzer: Analyzer,
                                                             tmp_path: Path) -> None:
    """Scattered complaints over a week, never three in a day: nothing opens, and nothing is
    computed but the screens' counts."""
    config = config_at(tmp_path / "cfg")
    model = Analyzer.from_config(config, model=analyzer.model)
    picks = [(n % 2, "bama", n * 36 * 60, False) for n in range(5)]
    plain = [Unscreened(s) for s in configured(config.rules)]
    screened = [Counted(s) for s in configured(config.rules)]
    expected = ingest(stream(picks), config, model, tmp_path / "plain.db", plain)
    got = ingest(stream(picks), config, model, tmp_path / "screened.db", screened)
    assert got == expected
    assert expected[0] == []
    assert sum(s.computed for s in plain) >= 5  # every report asked for a judgement
    assert sum(s.computed for s in screened) == 0
