"""Which local calendar days a report covers, and the period it is compared with.

A named period is the last *full* one before today — `week` is Monday to Sunday — and is
compared with the calendar period before it (November with October: 环比 as an association
reads it, though the two months differ in length). An explicit `--from/--to` range (both
ends inclusive) is compared with the same number of days immediately before it. Days are
local to the configured zone; a period's instants run from the first day's midnight to the
midnight after the last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

PeriodName = Literal["day", "week", "month", "quarter", "year"]
NAMES: tuple[PeriodName, ...] = ("day", "week", "month", "quarter", "year")


class PeriodError(ValueError):
    """The requested period is unusable; the message says why."""


@dataclass(frozen=True, slots=True)
class Period:
    first: date  # inclusive
    last: date  # inclusive
    name: PeriodName | None = None  # None: an explicit range

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def since(self, tz: tzinfo) -> datetime:
        return datetime.combine(self.first, time(), tz)

    def until(self, tz: tzinfo) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last + timedelta(days=1), time(), tz)

    def previous(self) -> Period:
        if self.name is None or self.name in ("day", "week"):
            gap = timedelta(days=self.days)
            return Period(self.first - gap, self.last - gap, self.name)
        return containing(self.name, self.first - timedelta(days=1))

    def label(self) -> str:
        """How the report names it: 2026年11月, 2026年第4季度, 2026-11-16 至 2026-11-22."""
        if self.name == "month":
            return f"{self.first.year}年{self.first.month}月"
        if self.name == "quarter":
            return f"{self.first.year}年第{(self.first.month - 1) // 3 + 1}季度"
        if self.name == "year":
            return f"{self.first.year}年"
        if self.days == 1:
            return f"{self.first:%Y-%m-%d}"
        return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"


def containing(name: PeriodName, day: date) -> Period:
    """The calendar period of kind `name` that holds `day`."""
    if name == "day":
        return Period(day, day, name)
    if name == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6), name)
    if name == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), name)
    months = 3 if name == "quarter" else 1
    first_month = (day.month - 1) // months * months + 1
    first = date(day.year, first_month, 1)
    return Period(first, _add_months(first, months) - timedelta(days=1), name)


def last_full(name: PeriodName, today: date) -> Period:
    """The last complete period of kind `name` before `today` (today is never complete)."""
    return containing(name, containing(name, today).first - timedelta(days=1))


def explicit(first: date, last: date) -> Period:
    return Period(first, last)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)
