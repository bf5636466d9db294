"""What people do to an incident: acknowledge, silence, check a step off, resolve.

Each says who did it (a staff name of the incident's organisation, when the organisation lists
its staff), and is saved with its timeline entry in one transaction. The dashboard, the API and
the CLI all act through here; judging and time-based transitions are the engine's
(`brandguard.risk.engine`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from brandguard.errors import InputError, NotFound
from brandguard.incident import Incident, TimelineEntry
from brandguard.risk.transitions import resolve

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.loader import Config
    from brandguard.store.ports import IncidentLog


class IncidentActions:
    def __init__(self, store: IncidentLog, config: Config,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.config = store, config
        self.clock = clock or (lambda: datetime.now(config.settings.tz))

    def check_step(self, incident_id: str, step_id: str, actor: str, note: str = "",
                   now: datetime | None = None) -> Incident:
        """Check a checklist step off: who, when, and a note."""
        incident = self._get(incident_id)
        self._check_actor(incident, actor)
        step = next((s for s in incident.checklist if s.id == step_id), None)
        if step is None:
            known = ", ".join(s.id for s in incident.checklist) or "none"
            raise NotFound(f"incident {incident_id} has no step {step_id!r} (steps: {known})")
        if step.done_at is not None:
            raise InputError(f"step {step_id!r} was already checked by {step.done_by} at "
                             f"{step.done_at:%Y-%m-%d %H:%M}")
        at = now or self.clock()
        checklist = tuple(replace(s, done_at=at, done_by=actor, note=note)
                          if s.id == step_id else s for s in incident.checklist)
        return self.store.save_incident(incident.with_entry(
            TimelineEntry(at, actor, "checked", step.title
                          + (f" — {note}" if note else "")), checklist=checklist))

    def silence(self, incident_id: str, actor: str, until: datetime,
                now: datetime | None = None) -> Incident:
        """Silence notifications about an incident until `until`; the incident stays open."""
        incident = self._get(incident_id)
        self._check_actor(incident, actor)
        at = now or self.clock()
        if not incident.is_open:
            raise InputError(f"incident {incident_id} is resolved; nothing to silence")
        if until <= at:
            raise InputError(f"silence must end in the future (got {until:%Y-%m-%d %H:%M})")
        return self.store.save_incident(incident.with_entry(
            TimelineEntry(at, actor, "silenced", f"until {until:%Y-%m-%d %H:%M}"),
            silenced_until=until))

    def acknowledge(self, incident_id: str, actor: str, now: datetime | None = None) -> Incident:
        incident = self._get(incident_id)
        self._check_actor(incident, actor)
        if incident.status != "open":
            who = next((t for t in reversed(incident.timeline)
                        if t.action in ("acknowledged", "resolved")), None)
            by = f" by {who.actor} at {who.at:%Y-%m-%d %H:%M}" if who else ""
            raise InputError(f"incident {incident_id} is already {incident.status}{by}")
        at = now or self.clock()
        return self.store.save_incident(incident.with_entry(
            TimelineEntry(at, actor, "acknowledged"), status="acknowledged"))

    def resolve(self, incident_id: str, actor: str, note: str = "",
                now: datetime | None = None) -> Incident:
        incident = self._get(incident_id)
        self._check_actor(incident, actor)
        if not incident.is_open:
            raise InputError(f"incident {incident_id} is already resolved")
        return resolve(self.store, incident, actor, note, now or self.clock())

    def _get(self, incident_id: str) -> Incident:
        incident = self.store.get_incident(incident_id)
        if incident is None:
            raise NotFound(f"no incident {incident_id!r}")
        return incident

    def _check_actor(self, incident: Incident, actor: str) -> None:
        if not actor.strip():
            raise InputError("an actor is required (--by NAME): every transition says who")
        self.config.check_staff(incident.organization, actor)
