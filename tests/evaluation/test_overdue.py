"""An improvement measure past its deadline: one `measure.overdue` event through the
outbox, delivered to the untargeted level-IV route's loopback receiver (not to a route
filtered by category or by a higher level), and never again on later ticks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from brandguard.alerts.dispatcher import AlertDispatcher
from brandguard.configuration.loader import load_config
from brandguard.evaluation.actions import Actions
from brandguard.evaluation.overdue import MeasureTick
from brandguard.store.sqlite import SqliteStore
from tests.conftest import write_config
from tests.reports.story import REGIONAL, TZ
from tests.servers import http_sink

if TYPE_CHECKING:
    from pathlib import Path

ADDED = datetime(2027, 1, 5, 10, 0, tzinfo=TZ)


def test_an_overdue_measure_is_sent_once_to_the_routes_that_take_it(tmp_path: Path) -> None:
    with http_sink() as everything, http_sink() as quality, http_sink() as director:
        root = write_config(tmp_path / "cfg",
                            settings="allow_private_targets: ['127.0.0.0/8']\n")
        (root / "channels.yaml").write_text(f"""\
channels:
  - {{id: all, type: webhook, url: "{everything.url}/all"}}
  - {{id: quality, type: webhook, url: "{quality.url}/q"}}
  - {{id: director, type: webhook, url: "{director.url}/d"}}
routes:
  - {{organization: anxi-tea, channels: [all]}}
  - {{organization: anxi-tea, categories: [quality_safety], channels: [quality]}}
  - {{organization: anxi-tea, min_level: II, channels: [director]}}
""", encoding="utf-8")
        config = load_config(root)
        store = SqliteStore(tmp_path / "s.db", TZ)
        brand = config.brand(REGIONAL)
        assert brand is not None
        added = Actions(store, config, ADDED).add_measure(
            brand, 2026, "开展农残专项整改", "质量部", "2027-03-31", "王秘书", "incidents_major")
        clock = [datetime(2027, 3, 31, 23, 0, tzinfo=TZ)]  # the last day: not overdue yet
        tick = MeasureTick(store, lambda: clock[0])
        assert tick.run_once() == 0
        clock[0] += timedelta(hours=2)  # 1 April
        assert tick.run_once() == 1
        assert tick.run_once() == 0  # the same event is never decided twice
        done = AlertDispatcher(store, config, clock=lambda: clock[0]).run_once()
        assert [(d.channel, d.status) for d in done] == [("all", "sent")]
        [sent] = everything.requests
        body = json.loads(sent.body)
        assert body["type"] == "measure.overdue"
        assert sent.headers["Idempotency-Key"] == f"measure:M{added.seq}:overdue"
        assert "改进措施逾期 安溪铁观音：开展农残专项整改" in body["subject"]
        assert body["event"]["payload"]["measure"]["status"] == "overdue"
        assert quality.requests == []
        assert director.requests == []
        clock[0] += timedelta(days=3)
        assert tick.run_once() == 0
        assert AlertDispatcher(store, config, clock=lambda: clock[0]).run_once() == []
        Actions(store, config, clock[0]).finish_measure(f"M{added.seq}", "王秘书")
        assert tick.run_once() == 0
