"""Durations as a person writes them in Chinese: "3 天", "6 小时", "1 小时 30 分钟".

Python's `str(timedelta)` ("3 days, 0:00:00") leaks into sentences otherwise. The two
largest non-zero units are kept: a reader wants the scale, not the seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta

_UNITS = (("天", 86_400), ("小时", 3_600), ("分钟", 60), ("秒", 1))


def duration_zh(value: timedelta) -> str:
    seconds = int(abs(value.total_seconds()))
    parts = []
    for name, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}")
    return " ".join(parts[:2]) if parts else "0 秒"
