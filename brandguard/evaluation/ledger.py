"""The evaluation log folded into what it says now: the latest manual values, the
improvement measures and their state, the member-review decisions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.evaluation.records import EvaluationEntry

STATUS = {"open": "进行中", "overdue": "已逾期", "done": "按时完成", "done_late": "逾期完成"}
DECISIONS = {"keep": "保留", "warn": "警示", "suspend": "暂停使用"}


@dataclass(frozen=True, slots=True)
class ManualValue:
    indicator: str
    value: float
    by: str
    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class Measure:
    id: str  # M<seq>: the store's sequence number of the entry that added it
    organization: str
    brand: str
    year: int
    text: str
    owner: str
    due: date
    indicator: str | None
    by: str
    at: datetime
    done_at: datetime | None = None
    done_by: str = ""
    note: str = ""

    def status(self, now: datetime) -> str:
        if self.done_at is not None:
            return "done" if self.done_at.date() <= self.due else "done_late"
        return "overdue" if now.date() > self.due else "open"

    def to_json(self, now: datetime) -> dict[str, Any]:
        status = self.status(now)
        return {"id": self.id, "text": self.text, "owner": self.owner,
                "due": self.due.isoformat(), "indicator": self.indicator, "status": status,
                "status_label": STATUS[status], "created_by": self.by,
                "created_at": self.at.isoformat(), "done_by": self.done_by or None,
                "done_at": self.done_at.isoformat() if self.done_at else None,
                "note": self.note}


def measure_id(entry: EvaluationEntry) -> str:
    return f"M{entry.seq}"


def latest_values(entries: Sequence[EvaluationEntry]) -> dict[str, ManualValue]:
    values: dict[str, ManualValue] = {}
    for e in entries:
        if e.kind == "value":
            values[e.body["indicator"]] = ManualValue(e.body["indicator"],
                                                      float(e.body["value"]), e.by, e.at,
                                                      e.body.get("note", ""))
    return values


def measures(entries: Sequence[EvaluationEntry]) -> list[Measure]:
    found: dict[str, Measure] = {}
    for e in entries:
        if e.kind == "measure":
            found[measure_id(e)] = Measure(
                measure_id(e), e.organization, e.brand, e.year, e.body["text"], e.body["owner"],
                date.fromisoformat(e.body["due"]), e.body.get("indicator"), e.by, e.at)
        elif e.kind == "measure_done" and e.body["id"] in found:
            found[e.body["id"]] = replace(found[e.body["id"]], done_at=e.at, done_by=e.by,
                                          note=e.body.get("note", ""))
    return list(found.values())


def dropped(entries: Sequence[EvaluationEntry]) -> set[str]:
    """Indicators whose proposed measure the association dropped for that year."""
    return {e.body["indicator"] for e in entries if e.kind == "measure_dropped"}


def decisions(entries: Sequence[EvaluationEntry]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e.kind == "decision":
            latest[e.body["member"]] = {
                "decision": e.body["decision"], "label": DECISIONS[e.body["decision"]],
                "by": e.by, "at": e.at.isoformat(), "note": e.body.get("note", "")}
    return latest
