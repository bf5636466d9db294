"""The yearly evaluation report (年度区域品牌建设评价报告) as the template model the periodic
reports use, so it renders in PDF, DOCX, HTML and Markdown with the same rules (fonts
embedded, crawled text escaped or set literally)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, tzinfo
from typing import Any

from brandguard.labels import STATUS
from brandguard.reports.document import (
    Bars,
    Chart,
    DayPoint,
    Paragraph,
    ReportDocument,
    Section,
    Table,
)

SOURCE = {"monitoring": "舆情监测", "manual": "协会填报"}


def compose(evaluation: dict[str, Any], tz: tzinfo, generated: datetime) -> ReportDocument:
    year, name = evaluation["year"], evaluation["name"]
    organization = evaluation["organization"]["name"]
    sections = [
        Section("评价概述", (overview(evaluation),)),
        Section("指标评分", (_indicators(evaluation), *_missing(evaluation))),
        Section("分领域得分", (Bars(f"{name}{year}年度各工作领域得分（满分 100）",
                                tuple(g["group"] for g in evaluation["groups"]),
                                tuple(g["score"] for g in evaluation["groups"])),)),
        Section("全年声量与情感", (Chart(f"{name}{year}年每月声量与情感指数",
                                    _months(evaluation["report"]["daily"])),)),
        Section("风险事件及处置", (_incidents(evaluation, tz),)),
    ]
    if evaluation["members_review"]:
        sections.append(Section("成员企业评议（准入与退出）", _members(evaluation)))
    sections.append(Section("改进措施", (_measures(evaluation),)))
    sections.append(Section("审核意见", _sign(organization)))
    return ReportDocument(
        title=f"{name}{year}年度区域品牌建设评价报告", period=f"{year}年度",
        organization=organization,
        facts=(f"评价对象：{name}", f"评价期间：{year}-01-01 至 {year}-12-31",
               f"综合得分：{evaluation['total']:.1f} 分",
               f"生成时间：{generated.astimezone(tz):%Y-%m-%d %H:%M}"),
        sections=tuple(sections), toc=True,
        meta={"author": organization, "subject": f"{name} {year}年度评价"})


def overview(evaluation: dict[str, Any]) -> Paragraph:
    total, previous = evaluation["total"], evaluation["previous_total"]
    text = (f"{evaluation['organization']['name']}对{evaluation['name']}{evaluation['year']}"
            f"年度区域品牌建设情况进行评价，综合得分 {total:.1f} 分")
    if previous is None:
        text += "（上年无数据）。"
    else:
        text += f"，上年 {previous:.1f} 分，{_delta(total - previous)}。"
    scored = [g for g in evaluation["groups"] if g["weight"]]
    if scored:
        best = max(scored, key=lambda g: g["score"])
        worst = min(scored, key=lambda g: g["score"])
        text += (f"各工作领域中，{best['group']}得分最高（{best['score']:.1f} 分），"
                 f"{worst['group']}得分最低（{worst['score']:.1f} 分）。")
    below = [r for r in evaluation["indicators"] if r["value"] is not None and not r["met"]]
    text += f"{len(below)} 项指标未达目标"
    if evaluation["missing"]:
        text += f"，{len(evaluation['missing'])} 项协会填报指标尚未填报（按 0 分计）"
    text += "。"
    report = evaluation["report"]
    major = [i for i in report["incidents"] if i["level"] in ("I", "II")]
    text += f"年内涉及风险事件 {len(report['incidents'])} 起，其中重大及以上 {len(major)} 起。"
    flagged = [m for m in evaluation["members_review"] if m["flag"]]
    if evaluation["members_review"]:
        text += f"成员企业中 {len(flagged)} 家被提示关注。"
    return Paragraph.of(text)


def _delta(points: float) -> str:
    if abs(points) < 0.05:
        return "与上年持平"
    return f"{'提高' if points > 0 else '下降'} {abs(points):.1f} 分"


def value_text(row: dict[str, Any], value: float | None) -> str:
    if value is None:
        return "—"
    if row["format"] == "percent":
        return f"{value:.1%}"
    if row["format"] == "signed":
        return f"{value:+.2f}"
    return f"{value:g}{row['unit']}"


def _indicators(evaluation: dict[str, Any]) -> Table:
    rows = []
    for r in sorted(evaluation["indicators"], key=lambda r: _group_order(evaluation, r)):
        score = "不适用" if not r["applicable"] else f"{r['score']:.1f}"
        last = "—" if r["previous_score"] is None else f"{r['previous_score']:.1f}"
        target = ("≤ " if r["better"] == "lower" else "≥ ") + value_text(r, r["target"])
        rows.append((r["group"], r["name"], SOURCE[r["source"]],
                     value_text(r, r["value"]) if r["value"] is not None
                     else ("待填报" if r["source"] == "manual" else "—"),
                     target, f"{r['weight']:g}", score, last))
    return Table(("工作领域", "指标", "来源", "本年值", "目标", "权重", "得分", "上年得分"),
                 tuple(rows), (2, 5, 2, 2, 2, 1, 1, 2), frozenset({3, 5, 6, 7}))


def _group_order(evaluation: dict[str, Any], row: dict[str, Any]) -> int:
    return [g["group"] for g in evaluation["groups"]].index(row["group"])


def _missing(evaluation: dict[str, Any]) -> tuple[Paragraph, ...]:
    if not evaluation["missing"]:
        return ()
    names = {r["id"]: r["name"] for r in evaluation["indicators"]}
    listed = "、".join(f"{names[i]}（{i}）" for i in evaluation["missing"])
    return (Paragraph.of(f"待填报：{listed}。填报命令：brandguard evaluation set --brand "
                         f"{evaluation['brand']} --year {evaluation['year']} 指标 数值 --by 姓名",
                         muted=True),)


def _months(daily: list[dict[str, Any]]) -> tuple[DayPoint, ...]:
    months: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day in daily:
        month = months[day["date"][:7] + "-01"]
        for key in ("positive", "neutral", "negative"):
            month[key] += day[key]
    points = []
    for first, c in sorted(months.items()):
        total = c["positive"] + c["neutral"] + c["negative"]
        points.append(DayPoint(first, c["positive"], c["neutral"], c["negative"],
                               round((c["positive"] - c["negative"]) / total, 4)
                               if total else None))
    return tuple(points)


def _incidents(evaluation: dict[str, Any], tz: tzinfo) -> Table | Paragraph:
    incidents = evaluation["report"]["incidents"]
    if not incidents:
        return Paragraph.of("（年内无风险事件）", muted=True)
    rows = []
    for i in incidents:
        steps = i["steps"]
        opened = datetime.fromisoformat(i["opened_at"]).astimezone(tz)
        rows.append((f"{i['brand_name']} · {i['category_label']}", i["level_label"],
                     STATUS.get(i["status"], i["status"]), f"{opened:%Y-%m-%d}",
                     "—" if i["hours_to_resolve"] is None else f"{i['hours_to_resolve']:g} 小时",
                     f"{steps['on_time']} / {steps['late']} / {steps['open']}"))
    return Table(("事件", "级别", "状态", "开启日期", "处置用时", "预案步骤 按时/逾期/未完成"),
                 tuple(rows), (4, 3, 2, 2, 2, 3))


def _members(evaluation: dict[str, Any]) -> tuple[Table | Paragraph, ...]:
    rows = []
    for m in evaluation["members_review"]:
        decision = m["decision"]
        rows.append((m["name"], str(m["mentions"]), f"{m['negative_share']:.0%}",
                     str(len(m["incidents"])), str(sum(m["categories"].values())),
                     str(m["open_steps"]), "；".join(m["reasons"]) if m["flag"] else "—",
                     f"{decision['label']}（{decision['by']}）" if decision else "待决定"))
    note = Paragraph.of("提示仅供协会决策参考，不自动执行；保留、警示或暂停使用集体商标的"
                        "决定由协会作出并登记（brandguard evaluation decide）。", muted=True)
    return (Table(("成员企业", "信息量", "负面占比", "风险事件", "假冒/质量信息", "未完成步骤",
                   "提示原因", "协会决定"), tuple(rows), (3, 1, 1, 1, 2, 1, 5, 2),
                  frozenset({1, 2, 3, 4, 5})), note)


def _measures(evaluation: dict[str, Any]) -> Table | Paragraph:
    if not evaluation["measures"]:
        return Paragraph.of("（各项指标均达目标，无需改进措施）", muted=True)
    names = {r["id"]: r["name"] for r in evaluation["indicators"]}
    rows = tuple((m["id"] or "—", m["text"], names.get(m["indicator"] or "", "—"),
                  m["owner"], m["due"], m["status_label"]) for m in evaluation["measures"])
    return Table(("编号", "改进措施", "对应指标", "责任人", "完成期限", "状态"), rows,
                 (1, 7, 3, 2, 2, 2))


def _sign(organization: str) -> tuple[Paragraph, ...]:
    return (Paragraph.of(f"评价单位：{organization}（盖章）"),
            Paragraph.of("负责人（签字）：____________________    日期：______年____月____日"),
            Paragraph.of("审核意见：____________________________________________________"))
