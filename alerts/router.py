"""Which channels an event goes to, and whether a send must wait or be suppressed (and why).

Every matching route adds its channels. Suppression, always with a reason written to the
delivery record:
- the incident is silenced (its resolution still goes out);
- the same kind of event for the same incident was sent on that channel within the
  route's `repeat_interval`. Overdue checklist steps are exempt: each event names a
  different step (and is emitted once per step), so one is never a repeat of another —
  the director must hear of every late step, not only the first.
Quiet hours defer sends of levels at or below `quiet_hours.max_level` to the end of the
quiet period; II and I are never held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from brandguard import events
from brandguard.configuration.rules import Level
from brandguard.durations import duration_zh

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.channels import QuietHours, Route
    from brandguard.incident import Incident


PER_ITEM = frozenset({events.CHECKLIST_OVERDUE})  # one event per step: never a repeat


@dataclass(frozen=True, slots=True)
class Decision:
    channel: str
    send_at: datetime
    suppressed: str = ""  # why not, if not
    note: str = ""


def matches(route: Route, incident: Incident) -> bool:
    return (route.digest is None  # a digest route sends reports, not incident alerts
            and route.organization == incident.organization
            and (not route.brands or incident.brand in route.brands)
            and (not route.categories or incident.category in route.categories)
            and incident.level <= route.min_level)  # I=1 is the most severe


def measure_routes(routes: tuple[Route, ...], organization: str, brand: str) -> list[str]:
    """Channels an overdue improvement measure goes to: routes of its organisation and
    brand that take every level-IV alert and filter on no risk category."""
    channels: dict[str, None] = {}
    for route in routes:
        if (route.digest is None and route.organization == organization
                and (not route.brands or brand in route.brands) and not route.categories
                and route.min_level == Level.IV):
            channels.update(dict.fromkeys(route.channels))
    return list(channels)


def quiet_until(quiet: QuietHours | None, incident: Incident, now: datetime) -> datetime | None:
    """End of the current quiet period if this incident's alerts must wait, else None."""
    if quiet is None or incident.level < quiet.max_level:
        return None
    start, end = (time.fromisoformat(quiet.start), time.fromisoformat(quiet.end))
    local = now.timetz().replace(tzinfo=None)
    inside = (start <= local < end) if start < end else (local >= start or local < end)
    if not inside:
        return None
    ends = now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > now else ends + timedelta(days=1)


def decide(routes: tuple[Route, ...], event_type: str, incident: Incident,
           last_sent: Callable[[str, str, str], datetime | None],
           now: datetime) -> list[Decision]:
    """`last_sent(channel, incident, event_type)`: when such a send was last planned or made."""
    decisions: dict[str, Decision] = {}
    for route in (r for r in routes if matches(r, incident)):
        for channel in route.channels:
            if channel not in decisions:
                decisions[channel] = _decide_one(route, channel, event_type, incident,
                                                 last_sent, now)
    return list(decisions.values())


def _decide_one(route: Route, channel: str, event_type: str, incident: Incident,
                last_sent: Callable[[str, str, str], datetime | None],
                now: datetime) -> Decision:
    if (incident.silenced_until and incident.silenced_until > now
            and event_type != events.INCIDENT_RESOLVED):
        return Decision(channel, now, f"silenced until {incident.silenced_until:%Y-%m-%d %H:%M}")
    last = None if event_type in PER_ITEM else last_sent(channel, incident.id, event_type)
    if last is not None and now - last < route.repeat_interval:
        return Decision(channel, now, f"重复间隔 {duration_zh(route.repeat_interval)} 内已发送过"
                                      f"同类消息（{duration_zh(now - last)}前）")
    wait = quiet_until(route.quiet_hours, incident, now)
    if wait is not None:
        return Decision(channel, wait, note=f"deferred by quiet hours to {wait:%H:%M}")
    return Decision(channel, now)
