"""Scoring rules: linear, thresholds, lower-is-better, a missing value; and the rules the
indicator model refuses (Hypothesis: every score is within 0-100 and monotone)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from brandguard.evaluation.model import Indicator
from brandguard.evaluation.scoring import met, score


def indicator(**fields: object) -> Indicator:
    base: dict[str, object] = {"id": "x", "name": "指标", "group": "品牌保护",
                               "source": "manual", "weight": 10, "target": 10, "floor": 0}
    return Indicator.model_validate(base | fields)


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (5, 50.0), (10, 100.0),
                                                 (12, 100.0), (-3, 0.0), (2.5, 25.0)])
def test_linear_between_floor_and_target(value: float, expected: float) -> None:
    assert score(indicator(), value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0, 100.0), (1, 66.67), (3, 0.0), (9, 0.0)])
def test_lower_is_better(value: float, expected: float) -> None:
    incidents = indicator(better="lower", target=0, floor=3, source="monitoring",
                          metric="incidents_major")
    assert score(incidents, value) == expected
    assert met(incidents, 0)
    assert not met(incidents, 1)


def test_thresholds_take_the_best_step_reached() -> None:
    rate = indicator(rule="thresholds", target=0.99, floor=None, thresholds=[
        {"at": 0.99, "score": 100}, {"at": 0.97, "score": 80}, {"at": 0.9, "score": 30}])
    assert [score(rate, v) for v in (0.995, 0.99, 0.98, 0.95, 0.9, 0.5)] == [
        100, 100, 80, 30, 30, 0]
    hours = indicator(rule="thresholds", better="lower", target=24, floor=None,
                      thresholds=[{"at": 24, "score": 100}, {"at": 72, "score": 50}])
    assert [score(hours, v) for v in (10, 24, 48, 72, 100)] == [100, 100, 50, 50, 0]


def test_a_missing_value_scores_zero_and_is_not_met() -> None:
    assert score(indicator(), None) == 0.0
    assert not met(indicator(), None)


@pytest.mark.parametrize(("fields", "message"), [
    ({"floor": None}, "a linear rule needs a `floor`"),
    ({"floor": 20}, "floor 20.0 must be below the target"),
    ({"better": "lower", "floor": 0, "target": 10}, "must be above the target"),
    ({"rule": "thresholds", "floor": None}, "a thresholds rule needs"),
    ({"source": "monitoring", "metric": "nope"}, "unknown metric 'nope'"),
    ({"metric": "net_sentiment"}, "a manual indicator has no `metric`"),
])
def test_rules_that_cannot_score_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace("`", ".")):
        indicator(**fields)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e3, 1e3),
       st.floats(-1e3, 1e3), st.booleans())
def test_scores_stay_in_range_and_are_monotone(a: float, b: float, floor: float,
                                               target: float, lower: bool) -> None:
    if abs(target - floor) < 1e-6 or (floor < target) == lower:
        return
    rule = indicator(floor=floor, target=target, better="lower" if lower else "higher")
    low, high = sorted((a, b))
    s_low, s_high = score(rule, low), score(rule, high)
    assert 0 <= s_low <= 100
    assert 0 <= s_high <= 100
    assert (s_low >= s_high) if lower else (s_low <= s_high)
