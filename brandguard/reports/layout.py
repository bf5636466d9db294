"""From the JSON figures (`figures.ReportBuilder`) to the template model every format renders.

Only this module decides what a 舆情报告 says and in which order; the renderers decide how
it looks. It reads nothing but the JSON object, so a saved report renders the same later.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from brandguard.durations import duration_zh
from brandguard.labels import STATUS
from brandguard.reports.document import (
    Chart,
    DayPoint,
    Inline,
    Link,
    Paragraph,
    ReportDocument,
    Section,
    Table,
)

INDICATORS = (("mentions", "信息量（条）"), ("positive", "正面"), ("neutral", "中性"),
              ("negative", "负面"), ("net_sentiment", "净情感值"), ("health_index", "健康指数"),
              ("share_of_voice", "声量份额"), ("sources", "来源数"),
              ("reposts_folded", "折叠转载"), ("incidents_opened", "新增风险事件"))
RATIOS = frozenset({"net_sentiment", "health_index", "share_of_voice"})
KINDS = {"news": "新闻", "review": "电商评价", "social": "社交媒体", "rss": "订阅源（RSS）",
         "": "未标注"}
PERIOD_WORD = {"day": "当日", "week": "本周", "month": "本月", "quarter": "本季度",
               "year": "本年度"}
LEVELS = ("I", "II", "III", "IV")


def compose(report: dict[str, Any], tz: tzinfo, generated: datetime) -> ReportDocument:
    """The whole report, Chinese throughout."""
    name = report["name"]
    previous = report["previous"]
    sections = [
        Section("概述", (summary(report),)),
        Section("指标", (_indicators(report), *_member_note(report))),
        Section("声量与情感走势", (Chart(f"{name}每日声量与情感指数", tuple(
            DayPoint(d["date"], d["positive"], d["neutral"], d["negative"], d["index"])
            for d in report["daily"])),)),
        Section("风险类别", (_categories(report),)),
        Section("风险事件", (_incidents(report, tz),)),
        Section("重点负面信息", (_negatives(report, tz),)),
        Section("来源分布", _sources(report)),
        Section("热词", (_keywords(report),)),
    ]
    if report.get("top_authors", {}).get("authors"):
        sections.insert(-1, Section("重点账号（KOL）", _authors(report["top_authors"])))
    if report.get("stories"):
        sections.insert(5, Section("事件聚类", _stories(report, tz)))
    if report["members"]:
        sections.append(Section("成员企业", (_members(report),)))
    if report["peers"]:
        sections.append(Section("同类品牌对比", _peers(report)))
    period_name = _period_name(report)
    return ReportDocument(
        title=f"{name}舆情报告", period=report["label"],
        organization=report["organization"]["name"],
        facts=(f"统计区间：{report['from']} 至 {report['to']}",
               f"对比区间：{previous['from']} 至 {previous['to']}",
               f"生成时间：{generated.astimezone(tz):%Y-%m-%d %H:%M}"),
        sections=tuple(sections), toc=period_name in ("month", "quarter", "year")
        or _days(report) >= 28,
        meta={"author": report["organization"]["name"], "subject": f"{name} {report['label']}"})


def _period_name(report: dict[str, Any]) -> str | None:
    name = report.get("period")
    return name if isinstance(name, str) else None


def _days(report: dict[str, Any]) -> int:
    return len(report["daily"])


# -- 概述 -----------------------------------------------------------------------------------
def summary(report: dict[str, Any]) -> Paragraph:
    """The generated paragraph: headline figures and their change, the worst incident, the
    member that needs attention."""
    now, before = report["indicators"], report["previous"]
    word = PERIOD_WORD.get(_period_name(report) or "", "本期")
    text = (f"{word}共监测到{report['name']}相关信息 {now['mentions']} 条，环比"
            f"{change(now['mentions'], before['mentions'])}，其中负面 {now['negative']} 条"
            f"（上期 {before['negative']} 条），正面 {now['positive']} 条，"
            f"净情感值 {now['net_sentiment']:+.2f}。")
    if now["share_of_voice"] is not None:
        text += f"在同类品牌中的声量份额为 {now['share_of_voice']:.0%}。"
    incidents = report["incidents"]
    if incidents:
        worst = min(incidents, key=lambda i: (LEVELS.index(i["level"]), i["opened_at"]))
        text += (f"期间涉及风险事件 {len(incidents)} 起，最严重的是{worst['brand_name']}"
                 f"{worst['category_label']}事件（{worst['level_label']}，"
                 f"{STATUS.get(worst['status'], worst['status'])}）。")
    else:
        text += "期间无风险事件。"
    attention = [m for m in report["members"] if m["negative"]]
    if attention:
        m = attention[0]
        text += (f"需重点关注的成员企业：{m['name']}（负面 {m['negative']} 条，"
                 f"占其信息 {m['negative_share']:.0%}）。")
    return Paragraph.of(text)


def change(now: float, before: float) -> str:
    """环比 as a person writes it: +25%, -10%, 持平, or 新增 when there was nothing before."""
    if before == now:
        return "持平"
    if before == 0:
        return "新增"
    return f"{(now - before) / abs(before):+.0%}"


# -- 指标 -----------------------------------------------------------------------------------
def _indicators(report: dict[str, Any]) -> Table:
    rows = []
    for key, label in INDICATORS:
        now, before = report["indicators"][key], report["previous"][key]
        if key == "net_sentiment":
            moved = "持平" if abs(now - before) < 0.005 else f"{now - before:+.2f}"
        elif key in RATIOS:
            moved = "—" if now is None or before is None else _points(now - before)
        else:
            moved = change(now, before)
        rows.append((label, _value(key, now), _value(key, before), moved))
    return Table(("指标", "本期", "上期", "环比"), tuple(rows), (4, 2, 2, 2),
                 frozenset({1, 2, 3}))


def _points(delta: float) -> str:
    """A ratio's change in percentage points: +3.5 个百分点."""
    return "持平" if abs(delta) < 0.0005 else f"{delta * 100:+.1f} 个百分点"


def _value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "net_sentiment":
        return f"{value:+.2f}"
    if key in RATIOS:
        return f"{value:.1%}"
    return str(value)


def _member_note(report: dict[str, Any]) -> tuple[Paragraph, ...]:
    if not report["members"]:
        return ()
    merged = report["indicators_with_members"]
    return (Paragraph.of(
        "含成员企业合计（同一信息只计一次，按其中最负面的提及计）："
        f"信息量 {merged['mentions']} 条，负面 {merged['negative']} 条，"
        f"净情感值 {merged['net_sentiment']:+.2f}。"),)


# -- sections -------------------------------------------------------------------------------
def _categories(report: dict[str, Any]) -> Table | Paragraph:
    if not report["categories"]:
        return Paragraph.of("（本期无涉及风险类别的信息）", muted=True)
    labels = report.get("category_labels", {})
    total = report["indicators"]["mentions"]
    rows = tuple((labels.get(k, k), str(n), f"{n / total:.0%}" if total else "—")
                 for k, n in report["categories"].items())
    return Table(("风险类别", "信息量", "占比"), rows, (4, 2, 2), frozenset({1, 2}))


def _incidents(report: dict[str, Any], tz: tzinfo) -> Table | Paragraph:
    if not report["incidents"]:
        return Paragraph.of("（本期无风险事件）", muted=True)
    rows = []
    for i in report["incidents"]:
        first = i["first_source"]
        steps = i["steps"]
        rows.append((
            f"{i['brand_name']} · {i['category_label']}", i["level_label"],
            STATUS.get(i["status"], i["status"]), _time(i["opened_at"], tz),
            _hours(i["hours_to_acknowledge"]), _hours(i["hours_to_resolve"]),
            f"{steps['on_time']} / {steps['late']} / {steps['open']}",
            Link.to(f"{first['title']}（{first['source'] or '未知来源'}）", first["url"])
            if first else "—",
            f"{i['spread']['sources']} 个来源，转载 {i['spread']['reposts']} 条"))
    return Table(("事件", "级别", "状态", "开启时间", "确认用时", "处置用时",
                  "预案步骤 按时/逾期/未完成", "首发", "扩散"), tuple(rows),
                 (4, 3, 2, 3, 2, 2, 3, 5, 3))


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return duration_zh(timedelta(minutes=round(value * 60))) if value else "0 分钟"


def _time(iso: str, tz: tzinfo) -> str:
    return f"{datetime.fromisoformat(iso).astimezone(tz):%Y-%m-%d %H:%M}"


def _negatives(report: dict[str, Any], tz: tzinfo) -> Table | Paragraph:
    if not report["top_negative"]:
        return Paragraph.of("（本期无负面信息）", muted=True)
    rows: list[tuple[Inline, ...]] = [
        (str(n), Link.to(d["title"], d["url"]), d["source"] or "未知来源",
         _time(d["published_at"], tz), str(d["reposts"]))
        for n, d in enumerate(report["top_negative"], 1)]
    return Table(("序号", "标题", "来源", "发布时间", "转载"), tuple(rows), (1, 9, 3, 3, 1),
                 frozenset({0, 4}))


def _sources(report: dict[str, Any]) -> tuple[Table | Paragraph, ...]:
    if not report["sources"] and not report["kinds"]:
        return (Paragraph.of("（本期无信息）", muted=True),)
    total = report["indicators"]["mentions"]

    def share(n: int) -> str:
        return f"{n / total:.0%}" if total else "—"
    kinds = Table(("信息类型", "信息量", "占比"), tuple(
        (KINDS.get(k["kind"], k["kind"]), str(k["documents"]), share(k["documents"]))
        for k in report["kinds"]), (4, 2, 2), frozenset({1, 2}))
    sources = Table(("来源（前十）", "信息量", "占比"), tuple(
        (s["source"], str(s["documents"]), share(s["documents"])) for s in report["sources"]),
        (4, 2, 2), frozenset({1, 2}))
    return kinds, sources


def count_zh(n: int) -> str:
    """1200000 → 120万, 23000 → 2.3万, 950 → 950: counts as Chinese readers write them."""
    for size, unit in ((100_000_000, "亿"), (10_000, "万")):
        if n >= size:
            return f"{n / size:.1f}".removesuffix(".0") + unit
    return str(n)


def _authors(top: dict[str, Any]) -> tuple[Table | Paragraph, ...]:
    rows: list[tuple[Inline, ...]] = [
        (str(n), a["author"], a["source"] or "未知来源", count_zh(a["followers"]),
         str(a["posts"]), str(a["negative"]), count_zh(a["reach"]),
         Link.to(a["example"].get("title") or "—", a["example"].get("url")))
        for n, a in enumerate(top["authors"], 1)]
    table = Table(("序号", "账号", "平台/来源", "粉丝", "发帖", "负面", "传播力", "代表帖"),
                  tuple(rows), (1, 3, 3, 2, 1, 1, 2, 5), frozenset({0, 3, 4, 5, 6}))
    note = Paragraph.of("传播力 = 粉丝数 + 每帖（10 × 转发与评论 + 点赞）之和。"
                        + (f"本期带互动数据的信息共 {top['total']} 条，按最近的 {top['scanned']} "
                           "条统计。" if top["total"] > top["scanned"] else ""), muted=True)
    return table, note


def _stories(report: dict[str, Any], tz: tzinfo) -> tuple[Table | Paragraph, ...]:
    rows: list[tuple[Inline, ...]] = [
        (str(n), Link.to(s["title"], s["first"].get("url")), s["brand_name"],
         f"{s['first']['source'] or '未知来源'}（{_time(s['first_at'], tz)}）",
         str(s["documents"]), str(s["reposts"]), str(s["source_count"]),
         f"{s['peak']['day'][5:]}（{s['peak']['documents']}）")
        for n, s in enumerate(report["stories"], 1)]
    table = Table(("序号", "事件（首发标题）", "品牌", "首发", "报道", "转载", "来源数", "峰值"),
                  tuple(rows), (1, 6, 2, 4, 1, 1, 1, 2), frozenset({0, 4, 5, 6}))
    note = Paragraph.of("同一事件的报道（各来源自行撰写的报道与转载）归为一个事件；"
                        "仅列出两篇及以上报道的事件。", muted=True)
    return table, note


def _keywords(report: dict[str, Any]) -> Paragraph:
    words = [f"{k['word']}（{k['count']}）" for k in report["keywords"]]
    return Paragraph.of("、".join(words)) if words else Paragraph.of("（无）", muted=True)


def _members(report: dict[str, Any]) -> Table:
    rows = tuple((m["name"], str(m["mentions"]), str(m["negative"]),
                  f"{m['negative_share']:.0%}", str(m["incidents_opened"]))
                 for m in report["members"])
    return Table(("成员企业", "信息量", "负面", "负面占比", "新增风险事件"), rows,
                 (4, 2, 2, 2, 2), frozenset({1, 2, 3, 4}))


def _peers(report: dict[str, Any]) -> tuple[Table | Paragraph, ...]:
    own = report["indicators"]
    everyone = own["mentions"] + sum(p["mentions"] for p in report["peers"])

    def row(name: str, mentions: int, negative: int) -> tuple[str, ...]:
        return (name, str(mentions), str(negative),
                f"{negative / mentions:.0%}" if mentions else "—",
                f"{mentions / everyone:.0%}" if everyone else "—")
    rows = [row(f"{report['name']}（本品牌）", own["mentions"], own["negative"])]
    rows += [row(p["name"], p["mentions"], p["negative"]) for p in report["peers"]]
    table = Table(("品牌", "信息量", "负面", "负面占比", "声量份额"), tuple(rows),
                  (4, 2, 2, 2, 2), frozenset({1, 2, 3, 4}))
    share = own["share_of_voice"]
    note = Paragraph.of("声量份额 = 本品牌信息量 ÷（本品牌与全部同类品牌信息量之和）"
                        + (f"；本期为 {share:.1%}。" if share is not None else "。"))
    return table, note
