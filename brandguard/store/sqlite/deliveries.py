"""The SQLite store's alert deliveries, planned from the outbox and attempted with back-off."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from brandguard.delivery import Delivery
from brandguard.store.sqlite.connection import Connection
from brandguard.store.sqlite.schema import (
    _epoch,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


class DeliveriesMixin(Connection):
    """Alert deliveries, planned from the outbox and attempted with back-off."""

    _DELIVERY_COLUMNS = ("event_seq, event_key, event_type, incident, channel, status,"
                         " next_attempt_at, updated_at, attempts, last_error, reason")

    def _delivery(self, row: tuple[Any, ...]) -> Delivery:
        seq, key, type_, incident, channel, status, next_at, updated, attempts, error, reason = row
        return Delivery(seq, key, type_, incident, channel, status,
                        datetime.fromtimestamp(next_at, self.tz),
                        datetime.fromtimestamp(updated, self.tz), attempts, error, reason)

    def planned_through(self) -> int:
        row = self.db.execute("SELECT value FROM cursors WHERE name='deliveries'").fetchone()
        return int(row[0]) if row else 0

    def plan_deliveries(self, rows: Sequence[Delivery], through: int) -> None:
        with self._transaction():
            self.db.executemany(
                f"INSERT OR IGNORE INTO deliveries ({self._DELIVERY_COLUMNS})"  # noqa: S608
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(d.event_seq, d.event_key, d.event_type, d.incident, d.channel, d.status,
                  _epoch(d.next_attempt_at), _epoch(d.updated_at), d.attempts, d.last_error,
                  d.reason) for d in rows])
            self.db.execute("INSERT OR REPLACE INTO cursors (name, value) VALUES"
                            " ('deliveries', ?)", (through,))

    def due_deliveries(self, now: datetime, limit: int = 200) -> list[Delivery]:
        rows = self.db.execute(
            f"SELECT {self._DELIVERY_COLUMNS} FROM deliveries WHERE status='pending'"  # noqa: S608
            " AND next_attempt_at <= ? ORDER BY event_seq LIMIT ?", (_epoch(now), limit))
        return [self._delivery(r) for r in rows]

    def record_attempt(self, delivery: Delivery) -> None:
        with self._transaction():
            self.db.execute(
                "UPDATE deliveries SET status=?, attempts=?, next_attempt_at=?, updated_at=?,"
                " last_error=?, reason=? WHERE event_seq=? AND channel=?",
                (delivery.status, delivery.attempts, _epoch(delivery.next_attempt_at),
                 _epoch(delivery.updated_at), delivery.last_error, delivery.reason,
                 delivery.event_seq, delivery.channel))

    def last_sent(self, channel: str, incident: str, event_type: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(updated_at) FROM deliveries WHERE channel=? AND incident=?"
            " AND event_type=? AND status IN ('sent', 'pending')",
            (channel, incident, event_type)).fetchone()
        return datetime.fromtimestamp(row[0], self.tz) if row and row[0] is not None else None

    def list_deliveries(self, incident: str | None = None, limit: int = 50,
                        incidents: Sequence[str] | None = None) -> list[Delivery]:
        where, params = ("WHERE incident=?", [incident]) if incident else ("", [])
        if incidents is not None:
            where = f"WHERE incident IN ({','.join('?' * len(incidents))})"
            params = list(incidents)
        rows = self.db.execute(
            f"SELECT {self._DELIVERY_COLUMNS} FROM deliveries {where}"  # noqa: S608
            " ORDER BY event_seq DESC, channel LIMIT ?", [*params, limit])
        return [self._delivery(r) for r in rows]

