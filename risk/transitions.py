"""The transitions the engine and people share: the event a transition emits, and resolving.

An event's key is the incident id, the kind and the version the transition produces, so the
same transition retried or replayed after a restart emits the same key once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard import events
from brandguard.incident import Event, Incident, TimelineEntry

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.store.ports import IncidentLog

SYSTEM = "brandguard"


def event_for(kind: str, incident: Incident, at: datetime, **extra: object) -> Event:
    # the version the transition produces makes the key stable across retries and restarts
    key = f"{incident.id}:{kind}:{incident.version + 1}"
    return Event(key, kind, incident.id, at, {"incident": incident.to_json(), **extra})


def resolve(store: IncidentLog, incident: Incident, actor: str, note: str,
            at: datetime) -> Incident:
    """Resolve `incident` now, by `actor` (SYSTEM when quiet for the quiet period)."""
    resolved = incident.with_entry(TimelineEntry(at, actor, "resolved", note),
                                   status="resolved", resolved_at=at)
    return store.save_incident(resolved, [event_for(events.INCIDENT_RESOLVED, resolved, at)])
