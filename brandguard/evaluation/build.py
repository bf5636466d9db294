"""The yearly evaluation of one brand: the JSON contract (ARCHITECTURE §4.6).

Monitoring values come from the year's report figures (`brandguard.reports.figures`, the
same definitions as every report), manual ones from the evaluation log. Each indicator is
scored 0–100; the total is the weight-averaged score of the applicable indicators (a
monitoring metric that does not apply, such as share of voice without peers, is left out
rather than scored 0; a manual value not yet entered scores 0 and is listed in `missing`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from brandguard.evaluation import ledger
from brandguard.evaluation.metrics import METRICS
from brandguard.evaluation.scoring import met, score
from brandguard.reports.figures import ReportBuilder, ReportStore
from brandguard.reports.period import Period

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.evaluation.model import Indicator, MemberRules
    from brandguard.evaluation.records import EvaluationEntry

PROPOSAL_DUE_DAYS = 180  # a proposed measure's suggested deadline after the evaluation


class EvaluationStore(ReportStore, Protocol):
    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]: ...


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), "year")


class EvaluationBuilder:
    def __init__(self, store: EvaluationStore, config: Config) -> None:
        self.store, self.config = store, config
        self.system = config.evaluation
        self.reports = ReportBuilder(store, config)

    def build(self, brand: Brand, year: int, now: datetime) -> dict[str, Any]:
        report = self.reports.build(brand, year_period(year))
        entries = self.store.evaluation_entries(brand.organization, brand.id, year)
        rows = self.indicators(report, ledger.latest_values(entries))
        previous, before = self.previous(brand, year)
        for row in rows:
            last = before.get(row["id"])
            row["previous_value"] = last["value"] if last else None
            row["previous_score"] = last["score"] if last else None
        organization = self.config.organization(brand.organization)
        return {
            "brand": brand.id, "name": brand.name, "year": year,
            "organization": {"id": brand.organization,
                             "name": organization.name if organization else brand.organization},
            "total": total(rows), "previous_total": previous,
            "groups": groups(rows),
            "indicators": rows,
            "missing": [r["id"] for r in rows if r["source"] == "manual" and r["value"] is None],
            "not_applicable": [r["id"] for r in rows if not r["applicable"]],
            "measures": self.measures(rows, entries, now, year),
            "members_review": self.members_review(brand, report, year),
            "report": report,
        }

    # -- indicators ---------------------------------------------------------------------
    def indicators(self, report: dict[str, Any],
                   manual: dict[str, ledger.ManualValue]) -> list[dict[str, Any]]:
        return [self._row(i, report, manual) for i in self.system.indicators]

    def _row(self, indicator: Indicator, report: dict[str, Any],
             manual: dict[str, ledger.ManualValue]) -> dict[str, Any]:
        entered = manual.get(indicator.id)
        if indicator.source == "manual":
            value = entered.value if entered else None
            applicable = True
        else:
            value = METRICS[indicator.reads](report)
            applicable = value is not None
        return {"id": indicator.id, "name": indicator.name, "group": indicator.group,
                "source": indicator.source, "value": value, "target": indicator.target,
                "weight": indicator.weight, "unit": indicator.unit,
                "format": indicator.format,
                "better": indicator.better, "applicable": applicable,
                "score": score(indicator, value) if applicable else None,
                "met": met(indicator, value),
                "entered": {"by": entered.by, "at": entered.at.isoformat(),
                            "note": entered.note} if entered else None}

    def previous(self, brand: Brand, year: int) -> tuple[float | None,
                                                          dict[str, dict[str, Any]]]:
        """Last year's total and rows by id; (None, {}) only when last year has no data
        at all (no document, no incident, no value entered)."""
        report = self.reports.build(brand, year_period(year - 1))
        entries = self.store.evaluation_entries(brand.organization, brand.id, year - 1)
        values = ledger.latest_values(entries)
        if not (report["indicators"]["mentions"] or report["incidents"] or values):
            return None, {}
        rows = self.indicators(report, values)
        return total(rows), {r["id"]: r for r in rows}

    # -- measures -----------------------------------------------------------------------
    def measures(self, rows: list[dict[str, Any]], entries: Sequence[EvaluationEntry],
                 now: datetime, year: int) -> list[dict[str, Any]]:
        """The measures recorded for the year, then one proposal for every applicable
        indicator below its target that has neither a measure nor a dropped proposal."""
        recorded = ledger.measures(entries)
        covered = {m.indicator for m in recorded} | ledger.dropped(entries)
        out = [m.to_json(now) for m in recorded]
        by_id = {i.id: i for i in self.system.indicators}
        due = max(now.date(), date(year + 1, 1, 1)) + timedelta(days=PROPOSAL_DUE_DAYS)
        for row in rows:
            if row["met"] or row["value"] is None or row["id"] in covered:
                continue
            indicator = by_id[row["id"]]
            out.append({"id": None, "indicator": row["id"], "status": "proposed",
                        "status_label": "建议", "text": indicator.suggestion
                        or f"针对“{indicator.name}”未达目标制定并落实改进措施",
                        "owner": "协会秘书处", "due": due.isoformat()})
        return out

    # -- member review (准入/退出) ------------------------------------------------------
    def members_review(self, brand: Brand, report: dict[str, Any],
                       year: int) -> list[dict[str, Any]]:
        if not report["members"]:
            return []
        rules = self.system.members
        decided = ledger.decisions(self.store.evaluation_entries(brand.organization, brand.id,
                                                                 year))
        period = year_period(year)
        since, until = period.since(self.config.settings.tz), period.until(
            self.config.settings.tz)
        out = []
        for member in report["members"]:
            incidents = [i for i in report["incidents"] if i["brand"] == member["brand"]]
            categories: Counter[str] = Counter()
            for row in self.store.damage_counts([member["brand"]], since, until,
                                                until - since):
                if row.category in rules.categories:
                    categories[row.category] += row.count
            open_steps = sum(i["steps"]["open"] for i in incidents)
            reasons = _reasons(rules, member, incidents, categories, open_steps)
            out.append({"brand": member["brand"], "name": member["name"],
                        "mentions": member["mentions"], "negative": member["negative"],
                        "negative_share": member["negative_share"],
                        "incidents": [{"id": i["id"], "level": i["level"],
                                       "level_label": i["level_label"],
                                       "category_label": i["category_label"],
                                       "status": i["status"]} for i in incidents],
                        "categories": dict(categories), "open_steps": open_steps,
                        "flag": bool(reasons), "reasons": reasons,
                        "decision": decided.get(member["brand"])})
        return sorted(out, key=lambda m: (not m["flag"], -len(m["reasons"]), m["brand"]))


def _reasons(rules: MemberRules, member: dict[str, Any], incidents: list[dict[str, Any]],
             categories: Counter[str], open_steps: int) -> list[str]:
    """Why a member is flagged (advice to the association, never an act)."""
    reasons = []
    severe = [i for i in incidents if ("I", "II", "III", "IV").index(i["level"]) + 1
              <= int(rules.flag_level)]
    if severe:
        reasons.append(f"发生{severe[0]['level_label']}风险事件 {len(severe)} 起")
    if member["mentions"] >= rules.min_mentions and \
            member["negative_share"] >= rules.negative_share:
        reasons.append(f"负面占比 {member['negative_share']:.0%}（阈值 "
                       f"{rules.negative_share:.0%}）")
    flagged = sum(categories.values())
    if flagged >= rules.category_documents:
        reasons.append(f"涉及假冒或质量安全的信息 {flagged} 条")
    if open_steps >= rules.open_steps:
        reasons.append(f"风险控制预案步骤未完成 {open_steps} 项")
    return reasons


def total(rows: list[dict[str, Any]]) -> float:
    scored = [r for r in rows if r["applicable"]]
    weight = sum(r["weight"] for r in scored)
    return round(sum(r["score"] * r["weight"] for r in scored) / weight, 2) if weight else 0.0


def groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Score per group (weight-averaged over its applicable indicators), in system order."""
    order = list(dict.fromkeys(r["group"] for r in rows))
    return [{"group": g, "score": total([r for r in rows if r["group"] == g]),
             "weight": sum(r["weight"] for r in rows if r["group"] == g and r["applicable"])}
            for g in order]
