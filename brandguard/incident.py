"""Incidents: one per (brand, trust-damage category) while open, with evidence, the signal
snapshot that triggered it, and a timeline of every transition and who made it.

Records are frozen; a transition returns a new record with `version` unchanged, and the
store bumps the version when it saves, refusing a save whose version is stale (optimistic
concurrency, so two workers never overwrite each other's transition).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from brandguard.configuration.rules import Level

Status = Literal["open", "acknowledged", "resolved"]
OPEN_STATUSES: tuple[Status, ...] = ("open", "acknowledged")


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "detail": self.detail}


@dataclass(frozen=True, slots=True)
class ChecklistStep:
    """One contingency-plan step attached to an incident (风险控制预案 checklist)."""

    id: str
    title: str
    owner: str
    due_at: datetime
    min_level: Level
    done_at: datetime | None = None
    done_by: str = ""
    note: str = ""
    overdue: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "owner": self.owner,
                "due_at": self.due_at.isoformat(), "min_level": self.min_level.name,
                "done_at": self.done_at.isoformat() if self.done_at else None,
                "done_by": self.done_by, "note": self.note, "overdue": self.overdue}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChecklistStep:
        return cls(data["id"], data["title"], data["owner"],
                   datetime.fromisoformat(data["due_at"]), Level[data["min_level"]],
                   datetime.fromisoformat(data["done_at"]) if data.get("done_at") else None,
                   data.get("done_by", ""), data.get("note", ""), bool(data.get("overdue")))


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    organization: str
    brand: str
    category: str
    level: Level
    status: Status
    opened_at: datetime
    last_evidence_at: datetime
    signal: dict[str, Any]
    evidence: tuple[str, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    resolved_at: datetime | None = None
    checklist: tuple[ChecklistStep, ...] = ()
    silenced_until: datetime | None = None
    linked: tuple[str, ...] = ()  # a regional incident's member incidents
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def with_entry(self, entry: TimelineEntry, **changes: Any) -> Incident:
        return replace(self, timeline=(*self.timeline, entry), **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "organization": self.organization, "brand": self.brand,
            "category": self.category, "level": self.level.name, "level_label": self.level.label,
            "status": self.status, "opened_at": self.opened_at.isoformat(),
            "last_evidence_at": self.last_evidence_at.isoformat(),
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "signal": self.signal, "evidence": list(self.evidence),
            "timeline": [t.to_json() for t in self.timeline],
            "checklist": [c.to_json() for c in self.checklist],
            "silenced_until": self.silenced_until.isoformat() if self.silenced_until else None,
            "linked": list(self.linked), "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incident:
        return cls(
            id=data["id"], organization=data["organization"], brand=data["brand"],
            category=data["category"], level=Level[data["level"]], status=data["status"],
            opened_at=datetime.fromisoformat(data["opened_at"]),
            last_evidence_at=datetime.fromisoformat(data["last_evidence_at"]),
            resolved_at=(datetime.fromisoformat(data["resolved_at"])
                         if data.get("resolved_at") else None),
            signal=data["signal"], evidence=tuple(data["evidence"]),
            timeline=tuple(TimelineEntry(datetime.fromisoformat(t["at"]), t["actor"],
                                         t["action"], t.get("detail", ""))
                           for t in data["timeline"]),
            checklist=tuple(ChecklistStep.from_json(c) for c in data.get("checklist", [])),
            silenced_until=(datetime.fromisoformat(data["silenced_until"])
                            if data.get("silenced_until") else None),
            linked=tuple(data.get("linked", [])), version=int(data.get("version", 0)),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """An outbox entry. `key` is the idempotency key: stable across retries and restarts."""

    key: str
    type: str
    incident: str
    at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    seq: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "type": self.type, "incident": self.incident,
                "at": self.at.isoformat(), "payload": self.payload, "seq": self.seq}


class ConcurrentUpdate(Exception):
    """The incident changed since it was read; re-read and re-apply the transition."""
