"""The monitoring metrics an indicator can read, from the year's report figures.

Each takes the year's report JSON (`brandguard.reports.figures`, whose `previous` is the
year before) and returns a number, or None when the metric does not apply (no peers, no
incidents, no steps): a not-applicable indicator is left out of the total rather than
scored 0, so a brand is not marked down for having had no incident to resolve.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

Report = dict[str, Any]
MAJOR = ("I", "II")


def _opened_in(report: Report) -> list[dict[str, Any]]:
    """Incidents of the brand and its members opened within the report's period."""
    return [i for i in report["incidents"]
            if report["from"] <= i["opened_at"][:10] <= report["to"]]


def net_sentiment(report: Report) -> float | None:
    """None without mentions: the report's 0 then means "nothing said", not neutral."""
    now = report["indicators"]
    return float(now["net_sentiment"]) if now["mentions"] else None


def health_index(report: Report) -> float | None:
    value = report["indicators"]["health_index"]
    return None if value is None else float(value)


def share_of_voice(report: Report) -> float | None:
    value = report["indicators"]["share_of_voice"]
    return None if value is None else float(value)


def mentions(report: Report) -> float | None:
    return float(report["indicators"]["mentions"])


def mentions_growth(report: Report) -> float | None:
    now, before = report["indicators"]["mentions"], report["previous"]["mentions"]
    return round((now - before) / before, 4) if before else None


def negative_share(report: Report) -> float | None:
    now = report["indicators"]
    return round(now["negative"] / now["mentions"], 4) if now["mentions"] else None


def incidents_major(report: Report) -> float | None:
    return float(sum(1 for i in _opened_in(report) if i["level"] in MAJOR))


def incidents_opened(report: Report) -> float | None:
    return float(len(_opened_in(report)))


def incident_resolution_hours(report: Report) -> float | None:
    hours = [i["hours_to_resolve"] for i in _opened_in(report)
             if i["hours_to_resolve"] is not None]
    return round(statistics.median(hours), 2) if hours else None


def checklist_on_time(report: Report) -> float | None:
    steps = [i["steps"] for i in _opened_in(report)]
    total = sum(s["on_time"] + s["late"] + s["open"] for s in steps)
    return round(sum(s["on_time"] for s in steps) / total, 4) if total else None


METRICS: dict[str, Callable[[Report], float | None]] = {
    "net_sentiment": net_sentiment, "health_index": health_index,
    "share_of_voice": share_of_voice, "mentions": mentions,
    "mentions_growth": mentions_growth, "negative_share": negative_share,
    "incidents_major": incidents_major, "incidents_opened": incidents_opened,
    "incident_resolution_hours": incident_resolution_hours,
    "checklist_on_time": checklist_on_time,
}
