"""The sentiment-shift signal (`type: sentiment_shift`): the brand's negative share jumps.

A brand can turn sour without any trust-damage category firing and without more coverage than
usual: the same volume of talk, but far more of it negative (a wave of complaints in reviews, a
tone change after a price rise). This signal compares the negative share of all the brand's
mentions over `window` with its share over the `baseline` before it:
- the baseline share is smoothed (one negative and one other mention added), so a brand with
  little history needs a larger jump;
- it fires when the window holds at least `min_mentions` mentions, the share is at least
  `min_share` and at least `lift` times the baseline share, and the binomial tail
  P(X >= negatives | mentions, baseline share) is at most rules.yaml's `p_value`;
- its incidents are of the category `sentiment` (负面情绪上升), and its score maps onto the
  usual thresholds: `lift` x the baseline share is level IV's threshold, and a shift alone
  never scores above level III (level II and I need trust-damage reports).
Reposts count once, as everywhere.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field

from brandguard.configuration.models import Duration
from brandguard.configuration.signals import SignalOptions
from brandguard.risk.signals import screen
from brandguard.risk.signals.base import Signal
from brandguard.store.base import SearchQuery

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import datetime

    from brandguard.configuration.rules import Rules
    from brandguard.document import Analysis
    from brandguard.risk.signals.base import Ask, SignalStore
    from brandguard.risk.signals.screen import Row

CATEGORY = "sentiment"
EVIDENCE_LIMIT = 200


class SentimentShiftOptions(SignalOptions):
    type: Literal["sentiment_shift"]
    window: Duration = timedelta(hours=24)
    baseline: Duration = timedelta(days=28)
    min_mentions: Annotated[int, Field(ge=1)] = 20
    min_share: Annotated[float, Field(gt=0, le=1)] = 0.3
    lift: Annotated[float, Field(gt=1)] = 2.0


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (n is a window's mentions)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * math.log(p) + (n - i) * math.log1p(-p) for i in range(k, n + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(x - top) for x in logs))


class SentimentShift:
    """Judges a brand's `sentiment` each time a negative mention of it is stored."""

    Options: ClassVar[type[SignalOptions]] = SentimentShiftOptions

    def __init__(self, options: SignalOptions, rules: Rules) -> None:
        assert isinstance(options, SentimentShiftOptions)  # noqa: S101 - the registry's pairing
        self.options, self.rules = options, rules

    def owns(self, category: str) -> bool:
        return category == CATEGORY

    def reports(self, analysis: Analysis) -> list[tuple[str, str]]:
        return [(m.brand, CATEGORY) for m in analysis.mentions if m.polarity == "negative"]

    def compute(self, store: SignalStore, brand: str, category: str, at: datetime,
                members: tuple[str, ...] = ()) -> Signal:
        o, group = self.options, [brand, *members]
        since, until = at - o.window, at + timedelta(seconds=1)
        now_rows = store.counts(group, since, until, o.window)
        mentions = sum(r.count for r in now_rows)
        negative = sum(r.count for r in now_rows if r.polarity == "negative")
        past = store.counts(group, since - o.baseline, since, o.baseline)
        before = sum(r.count for r in past)
        share0 = (sum(r.count for r in past if r.polarity == "negative") + 1) / (before + 2)
        share = negative / mentions if mentions else 0.0
        fires = (mentions >= o.min_mentions and share >= o.min_share
                 and share >= o.lift * share0)
        p_value = binomial_tail(negative, mentions, share0) if fires else 1.0
        evidence = store.search(SearchQuery(brands=(brand, *members), polarity="negative",
                                            since=since, until=until, include_duplicates=True,
                                            limit=EVIDENCE_LIMIT)).hits
        spread = len({h.document.source for h in evidence if h.document.source})
        return Signal(brand, category, at, o.window, negative, spread, share0 * mentions,
                      p_value, self._score(share, share0) if fires else 0.0, tuple(evidence),
                      history=o.baseline if before else timedelta(0),
                      mentions=mentions, negative=negative)

    def screen(self, store: SignalStore, asks: Sequence[Ask]) -> list[bool]:
        """Fewer than `min_mentions` in the window never fires (p-value 1, above any
        configured `p_value`): a few counts per batch instead of the figures and the
        evidence search per report."""
        def count(brands: list[str], since: datetime, until: datetime,
                  bucket: timedelta) -> Iterator[Row]:
            return ((r.brand, r.bucket, r.count)
                    for r in store.counts(brands, since, until, bucket))

        found = screen.bounds(asks, self.options.window, count, lambda _, brand: brand)
        return [n >= self.options.min_mentions for n in found]

    def _score(self, share: float, share0: float) -> float:
        """Level IV's threshold at `lift` x the baseline share, growing with the lift, and
        kept under level II's threshold."""
        t = self.rules.thresholds
        grown = t.IV * (share / share0) / self.options.lift
        return min(grown, (t.III + t.II) / 2)
