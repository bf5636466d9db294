"""Delivery records: one per (outbox event, channel), the durable half of at-least-once.

A delivery is planned (`pending`, or `suppressed` with the reason) in the same transaction
that advances the planning cursor, then attempted until `sent`, or `failed` after a
non-retryable error or too many attempts. Each attempt updates the record: attempts,
last error, next attempt time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from datetime import datetime

Status = Literal["pending", "sent", "failed", "suppressed"]


@dataclass(frozen=True, slots=True)
class Delivery:
    event_seq: int
    event_key: str
    event_type: str
    incident: str
    channel: str
    status: Status
    next_attempt_at: datetime
    updated_at: datetime
    attempts: int = 0
    last_error: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"event_seq": self.event_seq, "event_key": self.event_key,
                "event_type": self.event_type, "incident": self.incident,
                "channel": self.channel, "status": self.status, "attempts": self.attempts,
                "next_attempt_at": self.next_attempt_at.isoformat(),
                "updated_at": self.updated_at.isoformat(), "last_error": self.last_error,
                "reason": self.reason}
