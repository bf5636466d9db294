"""The time series route writes its JSON itself (brandguard/web/api.py); it must be the
documented `Series` model's JSON, whatever the zone (pydantic writes a zero offset as "Z")
and whatever the counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
from hypothesis import given
from hypothesis import strategies as st

from brandguard.web.api import SeriesRow, series_json
from brandguard.web.schemas import Series, SeriesPoint

ZONES = [ZoneInfo(name) for name in ("Asia/Shanghai", "Europe/London", "UTC",
                                      "America/St_Johns", "Asia/Kathmandu")] + [UTC]

counts = st.integers(min_value=0, max_value=10**9)


@st.composite
def rows(draw: st.DrawFn) -> list[SeriesRow]:
    zone = draw(st.sampled_from(ZONES))
    start = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))
    out: list[SeriesRow] = []
    for n in range(draw(st.integers(min_value=0, max_value=12))):
        pos, neu, neg = draw(counts), draw(counts), draw(counts)
        total = pos + neu + neg
        out.append(((start + timedelta(hours=n)).replace(tzinfo=zone), total, pos, neu, neg,
                    round((pos - neg) / total, 4) if total else None))
    return out


@given(st.text(min_size=1, max_size=20), st.integers(min_value=1, max_value=10**7), rows())
def test_written_json_is_the_models(brand: str, seconds: int, points: list[SeriesRow]) -> None:
    model = Series(brand=brand, bucket_seconds=seconds, points=[
        SeriesPoint(bucket=when, total=total, positive=pos, neutral=neu, negative=neg,
                    sentiment_index=index) for when, total, pos, neu, neg, index in points])
    assert orjson.loads(series_json(brand, seconds, points)) == orjson.loads(
        model.model_dump_json())
