"""What the association records for a yearly evaluation: one append-only log per store.

Every entry is who did what when, for one organisation, brand and year: a manual indicator
value (`value`), an improvement measure accepted (`measure`), done (`measure_done`) or a
proposal dropped (`measure_dropped`), a member-review decision (`decision`). Nothing is
overwritten: the latest value counts and the history stays, as the guide's evaluation
records must.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

EntryKind = Literal["value", "measure", "measure_done", "measure_dropped", "decision"]
KINDS: tuple[EntryKind, ...] = ("value", "measure", "measure_done", "measure_dropped",
                                "decision")


@dataclass(frozen=True, slots=True)
class EvaluationEntry:
    organization: str
    brand: str
    year: int
    kind: EntryKind
    at: datetime
    by: str
    body: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # the store's order; 0 before it is stored

    def to_json(self) -> dict[str, Any]:
        return {"organization": self.organization, "brand": self.brand, "year": self.year,
                "kind": self.kind, "at": self.at.isoformat(), "by": self.by,
                "body": self.body, "seq": self.seq}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvaluationEntry:
        return cls(data["organization"], data["brand"], int(data["year"]), data["kind"],
                   datetime.fromisoformat(data["at"]), data["by"], data.get("body", {}),
                   int(data.get("seq", 0)))

    def stored_as(self, seq: int) -> EvaluationEntry:
        return replace(self, seq=seq)
