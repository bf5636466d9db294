"""The spike signal (`type: spike`, on by default): trust-damage reports of one (brand, category)
against the brand's own baseline, at one moment.

Each configured window ending at `at` (1h, 6h, 24h by default: a crisis can break in an hour
or build over a day) is tested, and the most significant wins; its p-value is multiplied by
the number of windows tried (Bonferroni), so looking more ways does not raise false alarms.
Over a window:
- mentions and negative share: every mention of the brand, and the negative fraction;
- count: trust-damage reports about the brand, reposts (转载) counted once;
- spread: distinct sources, reposts included (a story carried by many portals spreads);
- score: sum over non-repost reports of category weight x source authority x reach x
  strength (1.5 - sentiment, so a scathing report weighs up to 3x a lukewarm one), plus 0.5
  for each source beyond the first. Reach is a social post's (`brandguard.engagement`):
  about 3 for an account with a million followers, 1.4 for one with 12, 1 for news;
- expected and p_value: the count against the brand's own hour-of-day baseline
  (risk/baseline.py) over the span actually observed (since the brand's first mention, at
  least a day), as a Poisson tail. The evaluation runs because a report arrived, so the
  window holds at least that one by construction: the test is P(X >= count - 1), not
  P(X >= count), which would overstate significance about eightfold at these rates.
A mention the text itself calls positive is not a trust-damage report about that brand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal

from brandguard import engagement
from brandguard.configuration.signals import SignalOptions
from brandguard.risk.baseline import expected, hourly_profile
from brandguard.risk.poisson import tail
from brandguard.risk.signals import screen
from brandguard.risk.signals.base import Signal
from brandguard.store.base import SearchQuery

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from brandguard.configuration.rules import HardTrigger, Rules
    from brandguard.document import Analysis
    from brandguard.risk.signals.base import Ask, SignalStore
    from brandguard.risk.signals.screen import Row
    from brandguard.store.base import StoredDocument

EVIDENCE_LIMIT = 500


class SpikeOptions(SignalOptions):
    """No options of its own: windows, baseline and weights are rules.yaml's top-level keys."""

    type: Literal["spike"]


class Spike:
    """Judges a (brand, damage category) each time a non-positive report of it is stored."""

    Options: ClassVar[type[SignalOptions]] = SpikeOptions

    def __init__(self, options: SignalOptions, rules: Rules) -> None:
        self.rules = rules

    def owns(self, category: str) -> bool:
        return category != "sentiment"

    def reports(self, analysis: Analysis) -> list[tuple[str, str]]:
        return [(m.brand, d.category) for m in analysis.mentions
                if m.polarity != "positive" for d in analysis.damage]

    def compute(self, store: SignalStore, brand: str, category: str, at: datetime,
                members: tuple[str, ...] = ()) -> Signal:
        return compute(store, self.rules, brand, category, at, members=members)

    def screen(self, store: SignalStore, asks: Sequence[Ask]) -> list[bool]:
        """Whether the widest window could hold `min_evidence` reports. Every report counted
        is a non-duplicate document of the category mentioning one of the group, so that
        count over the widest window bounds every window's count from above: a few
        aggregations per batch instead of three windows' searches and figures per report."""
        def count(brands: list[str], since: datetime, until: datetime,
                  bucket: timedelta) -> Iterator[Row]:
            return (((r.brand, r.category), r.bucket, r.count)
                    for r in store.damage_counts(brands, since, until, bucket))

        found = screen.bounds(asks, max(self.rules.windows), count,
                              lambda ask, brand: (brand, ask.category))
        return [n >= self.rules.min_evidence for n in found]


def _first_seen(store: SignalStore, brands: tuple[str, ...], start: datetime,
                end: datetime) -> datetime:
    """Where the brand's history really begins: rates are counts over the span observed, not
    over the whole baseline (a month of silence is not evidence from a store one day old)."""
    days = store.counts(list(brands), start, end, timedelta(days=1))
    return max(start, min((r.bucket for r in days), default=end))


def _reports(store: SignalStore, brands: tuple[str, ...], category: str, since: datetime,
             until: datetime) -> tuple[StoredDocument, ...]:
    """Reports about any of `brands` whose mention of the first one found is not positive."""
    hits = store.search(SearchQuery(brands=brands, category=category, since=since,
                                    until=until, include_duplicates=True,
                                    limit=EVIDENCE_LIMIT)).hits
    return tuple(h for h in hits if _about(h, brands) is not None)


def _about(hit: StoredDocument, brands: tuple[str, ...]) -> str | None:
    """The first of `brands` this report is a non-positive mention of (own brand first)."""
    polarity = {m.brand: m.polarity for m in hit.analysis.mentions}
    return next((b for b in brands if b in polarity and polarity[b] != "positive"), None)


def _authority(rules: Rules, report: StoredDocument) -> float:
    """rules.yaml's `source_authority` (by source name, or by feed or site id) wins; else
    the authority its source was given in sources.yaml (stored on the document when
    collected); else 1."""
    extra = report.document.extra
    for key in (report.document.source, extra.get("feed"), extra.get("site")):
        given = rules.source_authority.get(str(key or ""))
        if given is not None:  # keyed by the source's name, or by its id in sources.yaml
            return given
    stored = report.document.extra.get("authority")
    return float(stored) if isinstance(stored, int | float) and stored > 0 else 1.0


def _score(rules: Rules, category: str, reports: tuple[StoredDocument, ...],
           spread: int, brand: str) -> float:
    """Reports about the brand itself weigh 1, reports only about a member `rollup_weight`."""
    weight = rules.category_weights.get(category, 1.0)
    total = 0.0
    for r in reports:
        if r.duplicate_of is None:
            own = any(m.brand == brand for m in r.analysis.mentions)
            total += (weight * (1.0 if own else rules.rollup_weight)
                      * _authority(rules, r) * engagement.weight(r.document.extra)
                      * (1.5 - r.analysis.sentiment))
    return total + 0.5 * max(0, spread - 1)


def compute(store: SignalStore, rules: Rules, brand: str, category: str, at: datetime,
            triggers: list[HardTrigger] | None = None, members: tuple[str, ...] = ()) -> Signal:
    """The most significant of the configured windows, p-value corrected for their number.

    With `members` (a regional brand's enterprises), the signal is the cluster's: their
    reports count toward volume and baseline, and weigh `rollup_weight` in the score."""
    group = (brand, *members)
    signals = [_over(store, rules, group, category, at, w, triggers) for w in rules.windows]
    # a window short of the evidence minimum cannot open anything, however surprising
    best = min(signals, key=lambda s: (s.count < rules.min_evidence, s.p_value, -s.score))
    return replace(best, p_value=min(1.0, best.p_value * len(signals)))


def _over(store: SignalStore, rules: Rules, group: tuple[str, ...], category: str, at: datetime,
          window: timedelta, triggers: list[HardTrigger] | None) -> Signal:
    brand = group[0]
    since = at - window
    reports = _reports(store, group, category, since, at + timedelta(seconds=1))
    count = sum(1 for r in reports if r.duplicate_of is None)
    spread = len({r.document.source for r in reports if r.document.source})
    history_start = _first_seen(store, group, at - rules.baseline, since)
    rows = store.damage_counts(list(group), history_start, since, timedelta(hours=1))
    history = [(r.bucket, r.count) for r in rows if r.category == category]
    days = max(1.0, (since - history_start).total_seconds() / 86400)
    mu = expected(hourly_profile(history, days, rules.baseline_floor_per_day), since, at)
    # evaluated because a report just arrived: condition on it, test the others
    volume = store.counts(list(group), since, at + timedelta(seconds=1), window)
    return Signal(brand, category, at, window, count, spread, mu, tail(count - 1, mu),
                  _score(rules, category, reports, spread, brand), reports,
                  tuple(t.name for t in triggers or ()), since - history_start,
                  _member_counts(reports, group), sum(r.count for r in volume),
                  sum(r.count for r in volume if r.polarity == "negative"))


def _member_counts(reports: tuple[StoredDocument, ...],
                   group: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for r in reports:
        about = _about(r, group)
        if r.duplicate_of is None and about is not None and about != group[0]:
            counts[about] = counts.get(about, 0) + 1
    return tuple(sorted(counts.items()))
