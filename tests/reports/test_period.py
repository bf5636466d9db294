"""Report periods: last full calendar periods, explicit ranges, what each is compared with."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandguard.reports.period import NAMES, Period, PeriodError, explicit, last_full

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(("name", "first", "last", "previous"), [
    ("day", date(2026, 11, 30), date(2026, 11, 30), (date(2026, 11, 29), date(2026, 11, 29))),
    ("week", date(2026, 11, 23), date(2026, 11, 29), (date(2026, 11, 16), date(2026, 11, 22))),
    ("month", date(2026, 11, 1), date(2026, 11, 30), (date(2026, 10, 1), date(2026, 10, 31))),
    ("quarter", date(2026, 7, 1), date(2026, 9, 30), (date(2026, 4, 1), date(2026, 6, 30))),
    ("year", date(2025, 1, 1), date(2025, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
])
def test_a_named_period_is_the_last_full_one(name: str, first: date, last: date,
                                             previous: tuple[date, date]) -> None:
    period = last_full(name, TODAY)  # type: ignore[arg-type]
    assert (period.first, period.last) == (first, last)
    before = period.previous()
    assert (before.first, before.last) == previous


def test_an_explicit_range_is_compared_with_as_many_days_before() -> None:
    period = explicit(date(2026, 11, 10), date(2026, 11, 20))
    assert period.days == 11
    before = period.previous()
    assert (before.first, before.last) == (date(2026, 10, 30), date(2026, 11, 9))
    with pytest.raises(PeriodError, match="ends"):
        explicit(date(2026, 11, 20), date(2026, 11, 10))


def test_instants_are_local_midnights_and_the_end_is_exclusive() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    period = last_full("month", TODAY)
    assert period.since(tz) == datetime(2026, 11, 1, tzinfo=tz)
    assert period.until(tz) == datetime(2026, 12, 1, tzinfo=tz)
    assert period.label() == "2026年11月"
    assert last_full("quarter", TODAY).label() == "2026年第3季度"


@given(st.sampled_from(NAMES), st.dates(min_value=date(1991, 1, 1), max_value=date(2100, 1, 1)))
def test_periods_tile_the_calendar(name: str, today: date) -> None:
    period = last_full(name, today)  # type: ignore[arg-type]
    before = period.previous()
    assert period.last < today
    assert before.last.toordinal() + 1 == period.first.toordinal()  # no gap, no overlap
    assert isinstance(before, Period)
    assert before.name == period.name
