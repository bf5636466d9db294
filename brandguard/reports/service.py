"""One way to make a report, for every caller: the CLI, the API, the dashboard, digests.

`choose_period` turns what a person asked for into local calendar days; `make` builds the
figures once and renders them in the asked format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brandguard.reports.figures import ReportBuilder
from brandguard.reports.layout import compose
from brandguard.reports.period import NAMES, Period, PeriodError, explicit, last_full
from brandguard.reports.render import FORMATS, renderer

if TYPE_CHECKING:
    from datetime import date, datetime

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.reports.figures import ReportStore

MAX_DAYS = 3 * 366  # a custom range longer than three years is refused, not ground through


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    filename: str
    figures: dict[str, Any]


def choose_period(name: str | None, first: date | None, last: date | None,
                  today: date) -> Period:
    """`--period NAME`, or `--from/--to` (both inclusive), never both; default: last week."""
    if name is not None and (first is not None or last is not None):
        raise PeriodError("give either a period or --from/--to, not both")
    if first is not None or last is not None:
        if first is None or last is None:
            raise PeriodError("a custom range needs both --from and --to")
        period = explicit(first, last)
        if period.days > MAX_DAYS:
            raise PeriodError(f"a custom range may span at most {MAX_DAYS} days "
                              f"(asked: {period.days})")
        if first > today:
            raise PeriodError(f"the range starts in the future ({first})")
        return period
    chosen = name or "week"
    if chosen not in NAMES:
        raise PeriodError(f"unknown period {chosen!r}; expected one of {', '.join(NAMES)}")
    return last_full(chosen, today)


def make(store: ReportStore, config: Config, brand: Brand, period: Period, fmt: str,
         now: datetime) -> Rendered:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    figures = ReportBuilder(store, config).build(brand, period)
    stem = f"{brand.id}-{period.first}-{period.last}"
    if fmt == "json":
        body = (json.dumps(figures, ensure_ascii=False, indent=1) + "\n").encode()
        return Rendered(body, "application/json", f"{stem}.json", figures)
    chosen = renderer(fmt)
    doc = compose(figures, config.settings.tz, now)
    return Rendered(chosen.render(doc), chosen.media_type, f"{stem}{chosen.suffix}", figures)
