"""Expected trust-damage reports in a window, from the brand's own history.

History is counted per hour; the rate for each hour of the day is the hour's own mean
shrunk halfway toward the brand's flat hourly mean (so a single odd hour cannot make a
whole hour-of-day "normal"), and never below `floor_per_day / 24`: a brand with no history
is not infinitely surprising, just very surprising.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def hourly_profile(history: Iterable[tuple[datetime, int]], days: float,
                   floor_per_day: float) -> list[float]:
    """Expected reports per hour, for each local hour of the day (0-23)."""
    per_hour = [0] * 24
    for bucket, count in history:
        per_hour[bucket.hour] += count
    days = max(days, 1.0)
    flat = sum(per_hour) / days / 24
    floor = floor_per_day / 24
    return [max(floor, 0.5 * (n / days) + 0.5 * flat) for n in per_hour]


def expected(profile: list[float], start: datetime, end: datetime) -> float:
    """Sum of the profile over [start, end), hour by hour (partial hours pro rata)."""
    total = 0.0
    cursor = start
    while cursor < end:
        next_hour = cursor.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        step = min(next_hour, end) - cursor
        total += profile[cursor.hour] * step.total_seconds() / 3600
        cursor = min(next_hour, end)
    return total
