"""Improvement measures past their deadline become `measure.overdue` events, once each.

Run with the risk tick (`brandguard tick`, and every 5 minutes in `brandguard run`); the
event's key makes a second tick, or a restart, add nothing. The alert routes deliver it
like a level-IV alert without a risk category (routes filtered by category or by a higher
`min_level` do not get it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from brandguard import events
from brandguard.evaluation import ledger
from brandguard.incident import Event
from brandguard.store.ports import EvaluationLog, IncidentLog

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime



class MeasureStore(IncidentLog, EvaluationLog, Protocol):
    """The evaluation log to read, and the outbox an overdue measure is announced in."""


@dataclass
class MeasureTick:
    store: MeasureStore
    clock: Callable[[], datetime]

    def run_once(self) -> int:
        now = self.clock()
        found = []
        for measure in ledger.measures(self.store.evaluation_entries()):
            key = f"measure:{measure.id}:overdue"
            if measure.status(now) != "overdue" or self.store.has_event(key):
                continue
            found.append(Event(key, events.MEASURE_OVERDUE, f"measure:{measure.id}", now, {
                "organization": measure.organization, "brand": measure.brand,
                "measure": measure.to_json(now)}))
        if found:
            self.store.emit(found)
        return len(found)
