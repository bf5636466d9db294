"""An indicator's score, 0–100, from its value and rule (`brandguard.evaluation.model`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brandguard.evaluation.model import Indicator


def score(indicator: Indicator, value: float | None) -> float:
    """0 without a value; linear between floor and target, or the best threshold reached.
    Either way turned around when lower is better."""
    if value is None:
        return 0.0
    if indicator.rule == "thresholds":
        return _stepped(indicator, value)
    floor = indicator.floor if indicator.floor is not None else 0.0
    span = indicator.target - floor
    share = (value - floor) / span  # the sign of span carries `better`
    return round(100 * min(1.0, max(0.0, share)), 2)


def _stepped(indicator: Indicator, value: float) -> float:
    if indicator.better == "higher":
        reached = [s.score for s in indicator.thresholds if value >= s.at]
    else:
        reached = [s.score for s in indicator.thresholds if value <= s.at]
    return max(reached, default=0.0)


def met(indicator: Indicator, value: float | None) -> bool:
    """Whether the value reaches the target (what needs no improvement measure)."""
    if value is None:
        return False
    return value >= indicator.target if indicator.better == "higher" \
        else value <= indicator.target
