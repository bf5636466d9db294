"""Durations in what the risk engine writes for people (incident timelines) read as a
person writes them, never Python's "3 days, 0:00:00"."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from brandguard.risk.engine import RiskEngine
from brandguard.store.sqlite import SqliteStore
from tests.reports.story import TZ

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config

PYTHON_DURATION = re.compile(r"\d+ days?, \d+:\d\d:\d\d|\b\d+:\d\d:\d\d\b")


def test_timeline_details_have_no_python_durations(demo_store: tuple[Config, SqliteStore],
                                                    tmp_path: Path) -> None:
    config, store = demo_store
    found = store.list_incidents()
    assert found
    later = max(i.last_evidence_at for i in found) + config.rules.quiet_period
    copy = SqliteStore(tmp_path / "copy.db", TZ)
    for incident in found:
        copy.save_incident(replace(incident, version=0))  # as `store copy` does
    resolved = RiskEngine(copy, config).tick(later + config.rules.quiet_period)
    details = [t.detail for i in [*found, *resolved] for t in i.timeline if t.detail]
    assert any("条报道" in d for d in details)
    assert any("无新证据，自动解除" in d for d in details)
    assert not [d for d in details if PYTHON_DURATION.search(d)]
