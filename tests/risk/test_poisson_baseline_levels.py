"""Spike statistics and levels: known answers."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from brandguard.configuration.rules import Level, Rules
from brandguard.risk.baseline import expected, hourly_profile
from brandguard.risk.levels import level_for, raise_to, triggered
from brandguard.risk.poisson import tail

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("k", "mu", "want"), [
    (0, 2.0, 1.0),
    (1, 2.0, 1 - math.exp(-2)),
    (3, 0.5, 1 - math.exp(-0.5) * (1 + 0.5 + 0.125)),
    (5, 0.02, 0.02**5 / 120 * math.exp(-0.02)),  # upper tail summed directly
    (2, 0.0, 0.0),
])
def test_poisson_tail_known_answers(k: int, mu: float, want: float) -> None:
    assert tail(k, mu) == pytest.approx(want, rel=1e-3)


def test_tail_of_tiny_probabilities_keeps_precision() -> None:
    assert 0 < tail(12, 0.01) < 1e-30


def test_profile_respects_time_of_day_and_the_floor() -> None:
    day = datetime(2026, 11, 1, tzinfo=TZ)
    history = [(day + timedelta(days=d, hours=9), 2) for d in range(28)]  # 2 reports at 9:00
    profile = hourly_profile(history, days=28, floor_per_day=0.5)
    assert profile[9] == pytest.approx(0.5 * 2 + 0.5 * 2 / 24)
    assert profile[3] == pytest.approx(max(0.5 / 24, 0.5 * 2 / 24))
    start = datetime(2026, 11, 29, 9, 30, tzinfo=TZ)
    assert expected(profile, start, start + timedelta(hours=1)) == pytest.approx(
        0.5 * profile[9] + 0.5 * profile[10])
    assert hourly_profile([], 28, 0.5) == [0.5 / 24] * 24


def test_levels_from_thresholds_and_triggers() -> None:
    rules = Rules.model_validate({"hard_triggers": [
        {"name": "recall", "terms": ["召回"], "min_level": "II"},
        {"name": "state media", "sources": ["新华社"], "min_level": "III"}]})
    assert level_for(1.0, rules) is None
    assert level_for(2.0, rules) is Level.IV
    assert level_for(20.0, rules) is Level.I
    fired = triggered(rules, ["产品已被召回"], ["某网站"])
    assert [t.name for t in fired] == ["recall"]
    assert raise_to(Level.IV, fired) is Level.II
    assert raise_to(Level.I, fired) is Level.I
    assert raise_to(None, triggered(rules, ["x"], ["新华社"])) is Level.III
