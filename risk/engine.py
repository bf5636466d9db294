"""The risk engine: evaluates every stored batch, and ticks for time-based transitions.

For each trust-damage report in a batch (a brand mention that is not positive, on a
document tagged with a category), the (brand, category) signal is computed at the report's
own publication time, so replaying history detects a burst when it happened. With no open
incident, one opens when the window holds at least `min_evidence` reports, the Poisson
p-value is at most `p_value` and the score reaches level IV; hard triggers raise the level
but never open an incident alone. An open incident takes new evidence and escalates when
the level rises, gaining the checklist steps its new level calls for (risk/plans.py); only
evidence that is still anomalous restarts its quiet period.
`tick` reports overdue checklist steps and resolves incidents quiet for `quiet_period`.
Most reports arrive where nothing can open (a quiet brand, a window short of evidence): a
signal that can say so from a count (`Screening`) spares the engine the signal's searches
there, with the same outcome; with an incident open, the signal is always computed. A batch's
screens are counted together and its brands' open incidents read once (`OpenIncidents`):
on Elasticsearch every read is a round trip, and a batch asks hundreds of them.
Every transition is saved with its event in one transaction; a concurrent change is re-read
and re-applied. What people do to an incident (acknowledge, silence, check a step, resolve) is
`brandguard.risk.actions`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from brandguard import events
from brandguard.durations import duration_zh
from brandguard.incident import ConcurrentUpdate, Event, Incident, TimelineEntry
from brandguard.risk import levels
from brandguard.risk.open_incidents import OpenIncidents
from brandguard.risk.plans import overdue, steps_for
from brandguard.risk.signals import configured
from brandguard.risk.signals.base import Ask, Screening, SignalStore
from brandguard.risk.transitions import SYSTEM, event_for, resolve
from brandguard.store.ports import IncidentLog

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from brandguard.configuration.loader import Config
    from brandguard.configuration.rules import Level, Rules
    from brandguard.document import Analysis, Document
    from brandguard.risk.signals.base import Signal, SignalType

log = logging.getLogger(__name__)
RETRIES = 3


def _rollup(signal: Signal) -> bool:
    """A regional brand's incident driven by its members' reports (at least half of them)."""
    from_members = sum(n for _, n in signal.members)
    return from_members > 0 and 2 * from_members >= signal.count


class RiskStore(SignalStore, IncidentLog, Protocol):
    """What the engine reads and writes: the signals' documents and figures, and incidents."""


class RiskEngine:
    def __init__(self, store: RiskStore, config: Config, rules: Rules | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.config = config
        self.rules = rules or config.rules
        self.clock = clock or (lambda: datetime.now(config.settings.tz))
        self.signals = configured(self.rules)

    # -- the pipeline hook ---------------------------------------------------------------
    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None:
        now = self.clock()
        ordered = sorted(items, key=lambda item: item[0].published_at or now)
        asks = [ask for doc, analysis in ordered for brand, category in self._reports(analysis)
                for ask in self._asks(brand, category, min(doc.published_at or now, now))]
        self._judge_all(asks)

    def _reports(self, analysis: Analysis) -> list[tuple[str, str]]:
        """What each configured signal asks to judge, once each, peers left out."""
        asked = (pair for signal in self.signals for pair in signal.reports(analysis))
        return [pair for pair in dict.fromkeys(asked) if self._judged(pair[0])]

    def _signal(self, category: str) -> SignalType | None:
        return next((s for s in self.signals if s.owns(category)), None)

    def _judged(self, brand_id: str) -> bool:
        """Peer brands are counted for comparison only: never an incident or an alert."""
        brand = self.config.brand(brand_id)
        return brand is None or brand.judged

    def evaluate(self, brand: str, category: str, at: datetime) -> Incident | None:
        """Judge one (brand, category) at `at`; a member's report also re-judges its regional
        brand, whose signal rolls up the members' reports (`rollup_weight`)."""
        if not self._judged(brand):
            return None
        return self._judge_all(self._asks(brand, category, at))[0]

    def _asks(self, brand: str, category: str, at: datetime) -> list[Ask]:
        """The report's own judgement, then its regional brand's."""
        asks = [Ask(brand, category, at, self._members(brand))]
        parent = self._parent(brand)
        if parent is not None and self.rules.rollup_weight > 0:
            asks.append(Ask(parent, category, at, self._members(parent)))
        return asks

    def _judge_all(self, asks: Sequence[Ask]) -> list[Incident | None]:
        """Each ask in order, against the batch's open incidents read once and its screens
        counted together (`OpenIncidents`, `Screening`): the same outcomes as asking the
        store before every judgement, in a few round trips instead of two per report."""
        incidents = OpenIncidents(self.store, {a.brand for a in asks})
        screened = self._screens(asks)
        return [self._evaluate_retrying(ask, incidents, screened[n])
                for n, ask in enumerate(asks)]

    def _screens(self, asks: Sequence[Ask]) -> list[bool]:
        """True where a judgement could open an incident (or its signal cannot tell)."""
        could = [True] * len(asks)
        for judge in self.signals:
            if not isinstance(judge, Screening):
                continue
            mine = [n for n, a in enumerate(asks) if self._signal(a.category) is judge]
            for n, verdict in zip(mine, judge.screen(self.store, [asks[n] for n in mine]),
                                  strict=True):
                could[n] = verdict
        return could

    def _parent(self, brand_id: str) -> str | None:
        brand = self.config.brand(brand_id)
        return brand.parent if brand else None

    def _members(self, brand_id: str) -> tuple[str, ...]:
        if self.rules.rollup_weight <= 0:
            return ()
        return self.config.members(brand_id)

    def _linked(self, brand_id: str, category: str) -> tuple[str, ...]:
        found = (self.store.open_incident_for(m, category) for m in self._members(brand_id))
        return tuple(i.id for i in found if i is not None)

    def _evaluate_retrying(self, ask: Ask, incidents: OpenIncidents,
                           could_open: bool) -> Incident | None:
        for _ in range(RETRIES):
            try:
                result = self._evaluate_once(ask, incidents.get(ask.brand, ask.category),
                                             could_open)
            except ConcurrentUpdate:
                log.info("incident for %s/%s changed concurrently; re-evaluating", ask.brand,
                         ask.category)
                incidents.forget(ask.brand, ask.category)
                continue
            if result is not None:
                incidents.saw(result)
            return result
        raise RuntimeError(f"incident for {ask.brand}/{ask.category} kept changing; giving up")

    def _evaluate_once(self, ask: Ask, current: Incident | None,
                       could_open: bool) -> Incident | None:
        judge = self._signal(ask.category)
        if judge is None:
            return None  # a category whose signal is no longer configured
        if current is None and not could_open:
            return None  # the same answer as computing the signal, from the batch's counts
        signal = judge.compute(self.store, ask.brand, ask.category, ask.at,
                               members=ask.members)
        texts = [h.document.full_text for h in signal.evidence]
        triggers = levels.triggered(self.rules, texts, [h.document.source or ""
                                                         for h in signal.evidence])
        signal = replace(signal, triggers=tuple(t.name for t in triggers))
        level = levels.raise_to(levels.level_for(signal.score, self.rules), triggers)
        if current is None:
            if level is None or signal.count < self._min_evidence(signal) \
                    or signal.p_value > self.rules.p_value:
                return None
            return self._open(ask.brand, ask.category, level, signal)
        return self._update(current, level, signal)

    def _min_evidence(self, signal: Signal) -> int:
        """Twice the evidence while the brand's history is shorter than `min_history`: a
        baseline learned from a day or two cannot tell a bad day from a normal one."""
        short = signal.history < self.rules.min_history
        return self.rules.min_evidence * (2 if short else 1)

    def _open(self, brand: str, category: str, level: Level, signal: Signal) -> Incident:
        incident_id = f"{signal.at:%Y%m%d-%H%M}-{brand}-{category}"
        existing = self.store.get_incident(incident_id)
        if existing is not None:  # this opening was already decided (a replay, a retry)
            return existing
        owner = self.config.brand(brand)
        incident = Incident(
            id=incident_id,
            organization=owner.organization if owner else "", brand=brand,
            category=category, level=level, status="open", opened_at=signal.at,
            last_evidence_at=signal.at, signal=signal.to_json(),
            evidence=tuple(h.document.id for h in signal.evidence),
            linked=self._linked(brand, category),
            checklist=steps_for(self.config.plans.get(category), level, signal.at,
                                rollup=_rollup(signal)),
            timeline=(TimelineEntry(signal.at, SYSTEM, "opened",
                                    f"{level.label}：{duration_zh(signal.window)}内 "
                                    f"{signal.count} 条报道，预期 {signal.expected:.2f}，"
                                    f"p={signal.p_value:.2g}"),))
        return self.store.save_incident(incident, [event_for(events.INCIDENT_OPENED, incident,
                                                          signal.at)])

    def _update(self, current: Incident, level: Level | None, signal: Signal) -> Incident:
        known = set(current.evidence)  # a long crisis holds thousands: no tuple scans
        new_ids = [h.document.id for h in signal.evidence if h.document.id not in known]
        # only an anomaly keeps an incident alive: ordinary complaints at the brand's usual
        # rate join the evidence but do not restart the quiet period
        anomalous = signal.p_value <= self.rules.p_value
        linked = tuple(dict.fromkeys((*current.linked,
                                      *self._linked(current.brand, current.category))))
        updated = replace(current, evidence=(*current.evidence, *new_ids), linked=linked,
                          last_evidence_at=(max(current.last_evidence_at, signal.at)
                                            if anomalous else current.last_evidence_at))
        if level is None or level >= current.level:  # not more severe
            if not new_ids and linked == current.linked:
                return current
            return self.store.save_incident(replace(updated, signal=signal.to_json()))
        escalated = updated.with_entry(
            TimelineEntry(signal.at, SYSTEM, "escalated",
                          f"{current.level.label} → {level.label}（风险分 {signal.score:.1f}）"),
            level=level, signal=signal.to_json(),
            checklist=steps_for(self.config.plans.get(current.category), level, signal.at,
                                current.checklist, rollup=_rollup(signal)))
        return self.store.save_incident(escalated, [event_for(
            events.INCIDENT_ESCALATED, escalated, signal.at, previous_level=current.level.name)])

    # -- time ------------------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> list[Incident]:
        """Report overdue checklist steps, then resolve incidents quiet for `quiet_period`.

        Returns the incidents resolved."""
        now = now or self.clock()
        for incident in self._open_incidents():
            self._report_overdue(incident, now)
        resolved = []
        for incident in self.store.stale_incidents(now - self.rules.quiet_period):
            detail = f"{duration_zh(self.rules.quiet_period)}无新证据，自动解除"
            resolved.append(resolve(self.store, incident, SYSTEM, detail, now))
        return resolved

    def _open_incidents(self) -> list[Incident]:
        return [*self.store.list_incidents(status="open"),
                *self.store.list_incidents(status="acknowledged")]

    def _report_overdue(self, incident: Incident, now: datetime) -> Incident:
        late = overdue(incident.checklist, now)
        if not late:
            return incident
        late_ids = {s.id for s in late}
        checklist = tuple(replace(s, overdue=True) if s.id in late_ids else s
                          for s in incident.checklist)
        updated = replace(incident, checklist=checklist, timeline=(*incident.timeline, *(
            TimelineEntry(now, SYSTEM, "overdue", f"{s.id}: {s.title} (due "
                          f"{s.due_at:%Y-%m-%d %H:%M}, {s.owner})") for s in late)))
        step_events = [Event(f"{incident.id}:{events.CHECKLIST_OVERDUE}:{s.id}",
                             events.CHECKLIST_OVERDUE, incident.id, now,
                             {"incident": updated.to_json(), "step": s.to_json()})
                       for s in late]
        return self.store.save_incident(updated, step_events)

