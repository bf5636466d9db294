"""`brandguard search`: what was said about which brand, when, where and how."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, tzinfo

import click

from brandguard.cli.context import AppContext, pass_app, printable
from brandguard.documents import parse_time, query_time
from brandguard.errors import InputError
from brandguard.store.base import SearchQuery

_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(value: str | None, tz: tzinfo) -> datetime | None:
    """ISO 8601 (naive = configured zone) or a relative age such as 24h, 7d, 2w."""
    if value is None:
        return None
    match = _RELATIVE.match(value.strip())
    try:
        if match:
            age = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
            return query_time(datetime.now(tz) - age)
        return query_time(parse_time(value, tz))
    except (InputError, OverflowError) as exc:
        raise click.BadParameter(f"{value!r}: expected ISO 8601 or an age like 7d "
                                 f"({exc})") from exc


@click.command()
@click.argument("query", required=False)
@click.option("--brand", "brands", multiple=True, help="Brand id (repeatable).")
@click.option("--since", help="From (ISO 8601 or age like 7d).")
@click.option("--until", help="Until, exclusive (ISO 8601 or age).")
@click.option("--polarity", type=click.Choice(["positive", "neutral", "negative"]))
@click.option("--category", help="Trust-damage category id, e.g. quality_safety.")
@click.option("--source", help="Source id or domain.")
@click.option("--include-duplicates", is_flag=True, help="Also list reposts of stored texts.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True, help='Print {"total": N, "hits": [...]}.')
@pass_app
def search(app: AppContext, query: str | None, brands: tuple[str, ...], since: str | None,
           until: str | None, polarity: str | None, category: str | None, source: str | None,
           include_duplicates: bool, limit: int, offset: int, as_json: bool) -> None:
    """Search stored documents by Chinese words, brand, time and polarity."""
    config = app.config
    unknown = [b for b in brands if config.brand(b) is None]
    if unknown:
        raise click.BadParameter(f"unknown brand id(s): {', '.join(unknown)}", param_hint="--brand")
    tz = config.settings.tz
    q = SearchQuery(text=query, brands=brands, since=parse_when(since, tz),
                    until=parse_when(until, tz), polarity=polarity,  # type: ignore[arg-type]
                    category=category, source=source, include_duplicates=include_duplicates,
                    limit=limit, offset=offset)
    with app.store() as store:
        result = store.search(q)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    click.echo(f"{result.total} document(s)")
    for hit in result.hits:
        doc, analysis = hit.document, hit.analysis
        when = doc.published_at.strftime("%Y-%m-%d %H:%M") if doc.published_at else "-"
        names = ",".join(m.brand for m in analysis.mentions) or "-"
        damage = ",".join(d.category for d in analysis.damage)
        headline = printable(doc.title or doc.text, 60)
        click.echo(f"{when}  {analysis.polarity:<8} {names:<24} {headline}"
                   + (f"  [{damage}]" if damage else ""))
