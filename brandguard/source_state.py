"""What the store remembers about a source between runs, so a restart resumes instead of
re-fetching everything: HTTP validators, health, and when it is next due."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class SourceState:
    id: str
    etag: str = ""
    last_modified: str = ""
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str = ""
    failures: int = 0
    items: int = 0
    next_due: datetime | None = None
    answered: frozenset[str] = frozenset()
    """A search's queries (keys) whose first result page has had result links: one that
    comes back empty later means the engine changed its markup, not that news stopped."""

    def after_run(self, now: datetime, interval: timedelta, error: str | None,
                  jitter: float = 1.0) -> SourceState:
        """The state after a run: a failure backs off exponentially (capped at six hours),
        a success resets the count and schedules the next run at `interval` x `jitter`."""
        if error is not None:
            failures = self.failures + 1
            wait = min(MAX_BACKOFF, interval * (2 ** (failures - 1)))
            return replace(self, failures=failures, last_error=error, next_due=now + wait)
        return replace(self, failures=0, last_success=now, next_due=now + interval * jitter)

    def to_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {"id": self.id, "etag": self.etag, "last_modified": self.last_modified,
                "last_attempt": iso(self.last_attempt), "last_success": iso(self.last_success),
                "last_error": self.last_error, "failures": self.failures, "items": self.items,
                "next_due": iso(self.next_due), "answered": sorted(self.answered)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceState:
        def parse(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(data["id"], data.get("etag", ""), data.get("last_modified", ""),
                   parse(data.get("last_attempt")), parse(data.get("last_success")),
                   data.get("last_error", ""), int(data.get("failures", 0)),
                   int(data.get("items", 0)), parse(data.get("next_due")),
                   frozenset(data.get("answered", ())))
