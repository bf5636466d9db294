"""`brandguard report`: a 舆情报告 for one brand and period, in HTML, PDF, DOCX, JSON or MD."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.cli.output import deliver, require_out
from brandguard.reports.period import NAMES, PeriodError
from brandguard.reports.render import FORMATS
from brandguard.reports.service import choose_period, make


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: expected a day as YYYY-MM-DD",
                                 param_hint=option) from exc


@click.command()
@click.option("--brand", "brand_id", required=True, help="Brand id.")
@click.option("--period", type=click.Choice(NAMES), default=None,
              help="The last full day, week (Mon–Sun), month, quarter or year [default: week].")
@click.option("--from", "first", help="First day (YYYY-MM-DD, inclusive), with --to.")
@click.option("--to", "last", help="Last day (YYYY-MM-DD, inclusive), with --from.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here (required for html, pdf and docx).")
@pass_app
def report(app: AppContext, brand_id: str, period: str | None, first: str | None,
           last: str | None, fmt: str, out: Path | None) -> None:
    """Write the 舆情报告 of one brand for a period: overview, indicators against the
    previous period, trend chart, incidents, top negatives, sources, members, peers."""
    config = app.config
    brand = config.brand(brand_id)
    if brand is None:
        raise click.BadParameter(f"unknown brand id {brand_id!r}", param_hint="--brand")
    now = datetime.now(config.settings.tz)
    try:
        chosen = choose_period(period, _day(first, "--from"), _day(last, "--to"), now.date())
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from exc
    require_out(fmt, out)
    with app.store() as store:
        rendered = make(store, config, brand, chosen, fmt, now)
    deliver(rendered.body, out, f"{brand.name} {chosen.label()}")
