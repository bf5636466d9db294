"""One way to make the yearly evaluation, for the CLI and the API: the JSON contract, or
the evaluation report rendered by the periodic reports' renderers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from brandguard.evaluation.build import EvaluationBuilder, EvaluationStore
from brandguard.evaluation.layout import compose
from brandguard.reports.render import FORMATS, renderer
from brandguard.reports.service import Rendered

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand


def public(evaluation: dict[str, Any]) -> dict[str, Any]:
    """The contract object: everything but the year's report figures it was built from
    (those are `brandguard report --period year`)."""
    return {k: v for k, v in evaluation.items() if k != "report"}


def make(store: EvaluationStore, config: Config, brand: Brand, year: int, fmt: str,
         now: datetime) -> Rendered:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    evaluation = EvaluationBuilder(store, config).build(brand, year, now)
    stem = f"{brand.id}-{year}-evaluation"
    if fmt == "json":
        body = json.dumps(public(evaluation), ensure_ascii=False, indent=1) + "\n"
        return Rendered(body.encode(), "application/json", f"{stem}.json", public(evaluation))
    chosen = renderer(fmt)
    doc = compose(evaluation, config.settings.tz, now)
    return Rendered(chosen.render(doc), chosen.media_type, f"{stem}{chosen.suffix}",
                    public(evaluation))
