"""Routing: organisation, brand, category and level filters; quiet hours' edges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from brandguard.alerts.router import decide, matches, quiet_until
from brandguard.configuration.channels import QuietHours, Route
from brandguard.configuration.rules import Level
from brandguard.incident import Incident

TZ = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 20, 14, 0, tzinfo=TZ)


def incident(level: Level, brand: str = "bama", org: str = "anxi-tea") -> Incident:
    return Incident("i", org, brand, "quality_safety", level, "open", T, T, {})


def route(**kw: object) -> Route:
    return Route.model_validate({"organization": "anxi-tea", "channels": ["c"], **kw})


def test_filters_and_the_escalation_route() -> None:
    director = route(min_level="II", channels=["director-mail"])
    assert not matches(director, incident(Level.III))
    assert matches(director, incident(Level.II))
    assert matches(director, incident(Level.I))
    assert not matches(route(brands=["other"]), incident(Level.I))
    assert not matches(route(categories=["environment"]), incident(Level.I))
    assert not matches(route(), incident(Level.I, org="other-org"))  # never another org's
    routes = (route(channels=["hook"]), director)
    chosen = {d.channel for d in decide(routes, "incident.opened", incident(Level.II),
                                        lambda *a: None, T)}
    assert chosen == {"hook", "director-mail"}
    chosen = {d.channel for d in decide(routes, "incident.opened", incident(Level.III),
                                        lambda *a: None, T)}
    assert chosen == {"hook"}


def test_quiet_hours_across_midnight_and_by_level() -> None:
    quiet = QuietHours(start="22:00", end="07:00", max_level=Level.III)
    late, early, day = T.replace(hour=23), T.replace(hour=6, minute=59), T.replace(hour=7)
    assert quiet_until(quiet, incident(Level.IV), late) == T.replace(day=21, hour=7)
    assert quiet_until(quiet, incident(Level.III), early) == T.replace(hour=7)
    assert quiet_until(quiet, incident(Level.IV), day) is None
    assert quiet_until(quiet, incident(Level.II), late) is None  # severe levels never wait
