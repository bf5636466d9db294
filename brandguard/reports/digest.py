"""Scheduled digests (舆情简报): deciding which reports are due, and how a digest reads.

A route with `digest: {every, at}` gets, for each of its brands, the report of the period
just ended once its local send time has passed: a day's at `at` the next day, a week's on
Monday, a month's on the 1st. Deciding writes one outbox event per (route, brand, period),
its key `digest:{route}:{brand}:{from}:{to}`, with the report's figures fixed inside; the
alert dispatcher then delivers it at least once like any event. Nothing else is kept: after
a restart the same periods are decided again, their keys are found in the outbox, and
nothing is sent twice. A worker that was down over a send time decides the digest when it
starts (periods whose send time is within `CATCH_UP`, and always the latest one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from brandguard import events
from brandguard.incident import Event
from brandguard.markdown import escape_markdown, markdown_link_target
from brandguard.markdown import link as markdown_link
from brandguard.reports.figures import ReportBuilder, ReportStore
from brandguard.reports.layout import summary
from brandguard.reports.period import Period, PeriodName, containing
from brandguard.store.ports import IncidentLog

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import tzinfo

    from brandguard.configuration.channels import Route
    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand

log = logging.getLogger(__name__)
CATCH_UP = timedelta(days=7)
HEADLINES = 3  # top negatives named in a robot's digest


def due_periods(every: PeriodName, at: str, now: datetime, tz: tzinfo) -> list[Period]:
    """Periods of kind `every` whose digest is due by `now`: the latest always, earlier ones
    while their send time is within `CATCH_UP`; newest first."""
    send = time.fromisoformat(at)
    local = now.astimezone(tz)
    current = containing(every, local.date())
    due: list[Period] = []
    while True:
        sends_at = datetime.combine(current.first, send, tz)
        before = containing(every, current.first - timedelta(days=1))
        if sends_at <= local:
            if due and local - sends_at > CATCH_UP:
                return due
            due.append(before)
        current = before


def digest_key(route_id: str, brand_id: str, period: Period) -> str:
    return f"digest:{route_id}:{brand_id}:{period.first}:{period.last}"


def route_brands(route: Route, config: Config) -> list[Brand]:
    """The route's brands, or the organisation's top-level brands (no peers, no members)."""
    if route.brands:
        return [b for b in (config.brand(i) for i in route.brands) if b is not None]
    return [b for b in config.brands if b.organization == route.organization
            and b.judged and b.parent is None]


class DigestStore(ReportStore, IncidentLog, Protocol):
    """A report's figures, and the outbox a digest is decided into once."""


@dataclass
class DigestPlanner:
    store: DigestStore
    config: Config
    clock: Callable[[], datetime]

    def routes(self) -> list[Route]:
        return [r for r in self.config.routes if r.digest is not None]

    def run_once(self) -> int:
        """Decide every due digest not yet in the outbox; returns how many were added."""
        now = self.clock()
        added = list(self._due(now))
        if added:
            self.store.emit(added)
        log.info("digest pass: %d decided", len(added))
        return len(added)

    def _due(self, now: datetime) -> Iterator[Event]:
        builder = ReportBuilder(self.store, self.config)
        for route in self.routes():
            if route.digest is None or route.id is None:  # routes() keeps digest routes,
                continue                                  # and the model requires their id
            for period in due_periods(route.digest.every, route.digest.at, now,
                                      self.config.settings.tz):
                for brand in route_brands(route, self.config):
                    key = digest_key(route.id, brand.id, period)
                    if self.store.has_event(key):
                        continue
                    yield Event(key, events.REPORT_DIGEST, f"report:{brand.id}", now, {
                        "route": route.id, "organization": route.organization,
                        "channels": list(route.channels), "brand": brand.id,
                        "period": {"name": period.name, "from": period.first.isoformat(),
                                   "to": period.last.isoformat()},
                        "report": builder.build(brand, period)})


# -- how a digest reads ---------------------------------------------------------------------
def subject(report: dict[str, Any]) -> str:
    return f"[brandguard] {report['name']}舆情简报（{report['label']}）"


def report_link(report: dict[str, Any], dashboard: str | None) -> str | None:
    if not dashboard:
        return None
    query = urlencode({"brand": report["brand"], "from": report["from"], "to": report["to"]})
    return f"{dashboard.rstrip('/')}/reports?{query}"


def markdown(report: dict[str, Any], link: str | None) -> str:
    """What a robot posts: the overview paragraph, the worst negatives, the link."""
    lines = [f"### {escape_markdown(subject(report))}", escape_markdown(summary(report).text)]
    lines += [f"- 负面：{markdown_link(d['title'], d['url'])}"
              for d in report["top_negative"][:HEADLINES]]
    if link:
        lines.append(f"[查看完整报告]({markdown_link_target(link)})")
    return "\n".join(lines)


def text(report: dict[str, Any], link: str | None) -> str:
    lines = [subject(report), "", summary(report).text]
    lines += [f"- 负面：{d['title']} {d['url'] or ''}".rstrip()
              for d in report["top_negative"][:HEADLINES]]
    if link:
        lines += ["", f"完整报告：{link}"]
    return "\n".join(lines)
