"""What a report says: the template model composed from the hand-counted month."""

from __future__ import annotations

from typing import Any

import pytest

from brandguard.reports.document import Chart, Link, Paragraph, Table
from brandguard.reports.layout import change, compose
from tests.reports.conftest import GENERATED
from tests.reports.story import TZ


def _section(doc: Any, title: str) -> Any:
    return next(s for s in doc.sections if s.title == title)


def test_sections_in_order_with_members_and_peers(month: dict[str, Any]) -> None:
    doc = compose(month, TZ, GENERATED)
    assert [s.title for s in doc.sections] == [
        "概述", "指标", "声量与情感走势", "风险类别", "风险事件", "重点负面信息", "来源分布", "热词",
        "成员企业", "同类品牌对比"]
    assert (doc.title, doc.period, doc.organization) == ("安溪铁观音舆情报告", "2026年11月",
                                                         "安溪县茶业协会")
    assert doc.toc  # monthly: a table of contents
    assert doc.facts[0] == "统计区间：2026-11-01 至 2026-11-30"


def test_the_overview_paragraph_states_the_counted_figures(month: dict[str, Any]) -> None:
    [paragraph] = _section(compose(month, TZ, GENERATED), "概述").blocks
    assert isinstance(paragraph, Paragraph)
    # 4 mentions now, 2 in October; 1 negative now, 1 before; net +0.25; share 2/3
    assert paragraph.text.startswith("本月共监测到安溪铁观音相关信息 4 条，环比+100%，其中负面 1 条"
                                     "（上期 1 条），正面 2 条，净情感值 +0.25。")
    assert "声量份额为 67%" in paragraph.text
    assert "八马茶业质量安全事件" in paragraph.text  # the worst (only) incident of the month
    assert "需重点关注的成员企业：八马茶业（负面 2 条，占其信息 100%）" in paragraph.text


def test_indicator_rows_compare_with_the_previous_period(month: dict[str, Any]) -> None:
    table = _section(compose(month, TZ, GENERATED), "指标").blocks[0]
    assert isinstance(table, Table)
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["信息量（条）"] == ("4", "2", "+100%")
    assert rows["负面"] == ("1", "1", "持平")
    assert rows["净情感值"] == ("+0.25", "+0.00", "+0.25")
    assert rows["声量份额"] == ("66.7%", "100.0%", "-33.3 个百分点")


def test_incident_row_with_durations_steps_and_first_source(month: dict[str, Any]) -> None:
    table = _section(compose(month, TZ, GENERATED), "风险事件").blocks[0]
    assert isinstance(table, Table)
    [row] = table.rows
    assert row[3:7] == ("2026-11-05 12:00", "3 小时", "2 天", "1 / 1 / 1")
    first = row[7]
    assert isinstance(first, Link)
    assert first.url == "http://s4.example/d4"


def test_chart_has_every_day_of_the_period(month: dict[str, Any]) -> None:
    chart = _section(compose(month, TZ, GENERATED), "声量与情感走势").blocks[0]
    assert isinstance(chart, Chart)
    assert len(chart.days) == 30
    by_day = {p.day: p for p in chart.days}
    assert (by_day["2026-11-20"].negative, by_day["2026-11-21"].negative) == (1, 0)  # repost
    assert by_day["2026-11-02"].index == 1.0
    assert by_day["2026-11-10"].index is None


def test_a_week_has_no_table_of_contents(month: dict[str, Any]) -> None:
    week = month | {"period": "week", "daily": month["daily"][:7]}
    assert not compose(week, TZ, GENERATED).toc


def test_script_urls_never_become_links(hostile: dict[str, Any]) -> None:
    table = _section(compose(hostile, TZ, GENERATED), "重点负面信息").blocks[0]
    assert isinstance(table, Table)
    title = table.rows[0][1]
    assert isinstance(title, Link)
    assert title.url is None


@pytest.mark.parametrize(("now", "before", "expected"), [
    (4, 2, "+100%"), (1, 4, "-75%"), (3, 3, "持平"), (0, 0, "持平"), (5, 0, "新增"),
    (0, 5, "-100%")])
def test_change_as_a_person_writes_it(now: int, before: int, expected: str) -> None:
    assert change(now, before) == expected
