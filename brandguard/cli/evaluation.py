"""`brandguard evaluate`, `evaluation set|drop|decide|log`, `measure add|done|list`: the
yearly regional-brand evaluation (年度评价) from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.cli.output import deliver, require_out
from brandguard.evaluation import ledger
from brandguard.evaluation.actions import Actions
from brandguard.evaluation.service import make
from brandguard.reports.render import FORMATS

if TYPE_CHECKING:
    from brandguard.configuration.models import Brand

YEAR = click.IntRange(2000, 2100)


def _brand(app: AppContext, brand_id: str) -> Brand:
    found = app.config.brand(brand_id)
    if found is None:
        raise click.BadParameter(f"unknown brand id {brand_id!r}", param_hint="--brand")
    return found


def _now(app: AppContext) -> datetime:
    return datetime.now(app.config.settings.tz)


@click.command()
@click.option("--brand", "brand_id", required=True, help="Brand id.")
@click.option("--year", required=True, type=YEAR, help="The year evaluated.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it here (required for html, pdf and docx).")
@pass_app
def evaluate(app: AppContext, brand_id: str, year: int, fmt: str, out: Path | None) -> None:
    """The yearly evaluation of a brand: indicator scores, total, measures, member review."""
    brand = _brand(app, brand_id)
    require_out(fmt, out)
    with app.store() as store:
        made = make(store, app.config, brand, year, fmt, _now(app))
    deliver(made.body, out, f"{brand.name} {year}年度评价, 综合得分 {made.figures['total']:.1f}")


@click.group("evaluation")
def evaluation_group() -> None:
    """Record what the yearly evaluation needs from the association."""


@evaluation_group.command("set")
@click.option("--brand", "brand_id", required=True)
@click.option("--year", required=True, type=YEAR)
@click.argument("indicator")
@click.argument("value")
@click.option("--by", required=True, help="Who records it (a staff name).")
@click.option("--note", default="", help="Where the figure comes from.")
@pass_app
def set_value(app: AppContext, brand_id: str, year: int, indicator: str, value: str, by: str,
              note: str) -> None:
    """Record a manual indicator's value (the latest counts; the history is kept)."""
    with app.store() as store:
        entry = Actions(store, app.config, _now(app)).set_value(
            _brand(app, brand_id), year, indicator, value, by, note)
    click.echo(f"{brand_id} {year} {indicator} = {entry.body['value']:g}  ({by}, "
               f"{entry.at:%Y-%m-%d %H:%M})")


@evaluation_group.command("drop")
@click.option("--brand", "brand_id", required=True)
@click.option("--year", required=True, type=YEAR)
@click.option("--indicator", required=True, help="Whose proposed measure to drop.")
@click.option("--by", required=True)
@click.option("--note", default="")
@pass_app
def drop(app: AppContext, brand_id: str, year: int, indicator: str, by: str,
         note: str) -> None:
    """Drop the measure the evaluation proposes for an indicator below target."""
    with app.store() as store:
        Actions(store, app.config, _now(app)).drop_proposal(_brand(app, brand_id), year,
                                                            indicator, by, note)
    click.echo(f"dropped the proposed measure for {indicator} ({brand_id} {year})")


@evaluation_group.command("decide")
@click.option("--brand", "brand_id", required=True, help="The regional brand.")
@click.option("--year", required=True, type=YEAR)
@click.argument("member")
@click.argument("decision", type=click.Choice(list(ledger.DECISIONS)))
@click.option("--by", required=True)
@click.option("--note", default="")
@pass_app
def decide(app: AppContext, brand_id: str, year: int, member: str, decision: str, by: str,
           note: str) -> None:
    """Record the member review's decision on a member: keep, warn or suspend."""
    with app.store() as store:
        Actions(store, app.config, _now(app)).decide(_brand(app, brand_id), year, member,
                                                     decision, by, note)
    click.echo(f"{member}: {ledger.DECISIONS[decision]} ({by})")


@evaluation_group.command("log")
@click.option("--brand", "brand_id", required=True)
@click.option("--year", type=YEAR, default=None)
@pass_app
def log(app: AppContext, brand_id: str, year: int | None) -> None:
    """Every record, oldest first: values, measures, decisions, who and when."""
    brand = _brand(app, brand_id)
    with app.store() as store:
        for e in store.evaluation_entries(brand.organization, brand.id, year):
            click.echo(f"{e.at:%Y-%m-%d %H:%M}  {e.year}  {e.kind:<15} {e.by:<8} "
                       f"{json.dumps(e.body, ensure_ascii=False)}")


@click.group("measure")
def measure_group() -> None:
    """Improvement measures (改进措施) of the yearly evaluation."""


@measure_group.command("add")
@click.option("--brand", "brand_id", required=True)
@click.option("--year", required=True, type=YEAR)
@click.option("--text", required=True)
@click.option("--owner", required=True, help="Who carries it out (a role).")
@click.option("--due", required=True, help="Deadline, YYYY-MM-DD.")
@click.option("--indicator", default=None, help="The indicator it improves.")
@click.option("--by", required=True, help="Who records it (a staff name).")
@pass_app
def add(app: AppContext, brand_id: str, year: int, text: str, owner: str, due: str,
        indicator: str | None, by: str) -> None:
    """Accept (or write) an improvement measure."""
    with app.store() as store:
        entry = Actions(store, app.config, _now(app)).add_measure(
            _brand(app, brand_id), year, text, owner, due, by, indicator)
    click.echo(f"{ledger.measure_id(entry)}: {text} ({owner}, due {due})")


@measure_group.command("done")
@click.argument("measure_id")
@click.option("--by", required=True)
@click.option("--note", default="")
@pass_app
def done(app: AppContext, measure_id: str, by: str, note: str) -> None:
    """Record a measure as done."""
    with app.store() as store:
        Actions(store, app.config, _now(app)).finish_measure(measure_id, by, note)
    click.echo(f"{measure_id}: done ({by})")


@measure_group.command("list")
@click.option("--brand", "brand_id", default=None)
@click.option("--year", type=YEAR, default=None)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def list_measures(app: AppContext, brand_id: str | None, year: int | None,
                  as_json: bool) -> None:
    """Measures with their state (进行中, 已逾期, 按时完成, 逾期完成)."""
    now = _now(app)
    brand = _brand(app, brand_id) if brand_id else None
    with app.store() as store:
        found = ledger.measures(store.evaluation_entries(
            brand.organization if brand else None, brand.id if brand else None, year))
    rows = [m.to_json(now) | {"brand": m.brand, "year": m.year} for m in found]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['id']:<6} {r['brand']:<18} {r['year']}  {r['status_label']:<6} "
                   f"due {r['due']}  {r['owner']}: {r['text']}")
