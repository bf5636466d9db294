"""An alert says what each number counts: the signal without reposts, the evidence with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard import events
from brandguard.alerts.message import build
from brandguard.configuration.loader import load_config
from brandguard.incident import Event
from brandguard.store.sqlite import SqliteStore
from tests.alerts.test_dispatcher import T0, TZ, incident
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path


def summary(tmp_path: Path, **changes: object) -> str:
    config = load_config(write_config(tmp_path / "cfg"))
    store = SqliteStore(tmp_path / "s.db", TZ)
    item = incident(**changes)
    event = Event("k", events.INCIDENT_OPENED, item.id, T0, {"incident": item.to_json()})
    return build(event, config, store).summary


def test_a_spike_alert_counts_reports_without_and_evidence_with_reposts(tmp_path: Path) -> None:
    text = summary(tmp_path, evidence=tuple(f"d{n}" for n in range(8)),
                   signal={"count": 6, "window_s": 21600, "expected": 0.12, "spread": 6})
    assert "6 小时内 6 条报道（不含转载，预期 0.12），来自 6 个来源" in text
    assert "证据共 8 条（含转载）" in text


def test_a_sentiment_shift_alert_counts_negative_mentions_and_their_share(
        tmp_path: Path) -> None:
    text = summary(tmp_path, category="sentiment", evidence=("a", "b", "c"),
                   signal={"count": 8, "window_s": 86400, "expected": 0.75, "spread": 5,
                           "mentions": 12, "negative_share": 0.667})
    assert "负面情绪上升" in text
    assert "1 天内负面提及 8 条，占全部 12 条提及的 67%" in text
    assert "证据共 3 条（含转载）" in text
