"""`brandguard search`: what was said about which brand, when, where and how."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import click

from brandguard.asked_time import asked_time
from brandguard.cli import table
from brandguard.cli.context import AppContext, pass_app, printable
from brandguard.errors import InputError
from brandguard.labels import POLARITY, label
from brandguard.store.base import SearchQuery

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.store.base import StoredDocument



def parse_when(value: str | None, tz: tzinfo) -> datetime | None:
    """ISO 8601 (naive = configured zone) or a relative age such as 24h, 7d, 2w."""
    if value is None:
        return None
    try:
        return asked_time(value, tz, datetime.now(tz))
    except InputError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command()
@click.argument("query", required=False)
@click.option("--brand", "brands", multiple=True, help="Brand id (repeatable).")
@click.option("--since", help="From (ISO 8601 or age like 7d).")
@click.option("--until", help="Until, exclusive (ISO 8601 or age).")
@click.option("--polarity", type=click.Choice(["positive", "neutral", "negative"]))
@click.option("--category", help="Trust-damage category id, e.g. quality_safety.")
@click.option("--source", help="Source id or domain.")
@click.option("--kind", help="Document kind: news, review, social …")
@click.option("--author", help="A post's author (account name).")
@click.option("--min-reach", type=click.IntRange(0), default=None,
              help="Social posts with followers + 10 x (reposts + comments) + likes >= N.")
@click.option("--include-duplicates", is_flag=True, help="Also list reposts of stored texts.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True, help='Print {"total": N, "hits": [...]}.')
@pass_app
def search(app: AppContext, query: str | None, brands: tuple[str, ...], since: str | None,
           until: str | None, polarity: str | None, category: str | None, source: str | None,
           kind: str | None, author: str | None, min_reach: int | None,
           include_duplicates: bool, limit: int, offset: int, as_json: bool) -> None:
    """Search stored documents by Chinese words, brand, time and polarity."""
    config = app.config
    unknown = [b for b in brands if config.brand(b) is None]
    if unknown:
        raise click.BadParameter(f"unknown brand id(s): {', '.join(unknown)}", param_hint="--brand")
    categories = config.lexicon.categories
    if category is not None and category not in categories:
        raise click.BadParameter(f"unknown category {category!r}; the lexicon has "
                                 f"{', '.join(categories)}", param_hint="--category")
    tz = config.settings.tz
    q = SearchQuery(text=query, brands=brands, since=parse_when(since, tz),
                    until=parse_when(until, tz), polarity=polarity,  # type: ignore[arg-type]
                    category=category, source=source, kind=kind, author=author,
                    min_reach=min_reach, include_duplicates=include_duplicates,
                    limit=limit, offset=offset)
    with app.store() as store:
        result = store.search(q)
        empty = result.total == 0 and store.search(SearchQuery(limit=1)).total == 0
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    where = app.resolved_store_url()
    if empty:
        click.echo(f"存储 {where} 中还没有任何信息（先运行 brandguard ingest、crawl 或 run，"
                   "或用 --store 指向已有的存储）")
        return
    shown = f"，显示第 {offset + 1}–{offset + len(result.hits)} 条" if result.hits else ""
    click.echo(f"在 {where} 中检索到 {result.total} 条{shown}")
    if result.hits:
        for line in table.render(HEADER, [_row(hit, brands, config, tz) for hit in result.hits],
                                 LIMITS):
            click.echo(line)


HEADER = ("时间", "来源", "品牌", "情感", "风险类别", "标题", "链接")
LIMITS = (16, 14, 20, 4, 16, 40, 200)


def _row(hit: StoredDocument, brands: tuple[str, ...], config: Config,
         tz: tzinfo) -> tuple[str, ...]:
    """One result as a person reads it: names, not ids; the mention's polarity when a brand
    was asked for (that is what the filter matched), else the document's."""
    doc, analysis = hit.document, hit.analysis
    when = f"{hit.when.astimezone(tz):%Y-%m-%d %H:%M}" if doc.published_at else "时间不详"
    named = [m for m in analysis.mentions if not brands or m.brand in brands]
    polarity = named[0].polarity if brands and named else analysis.polarity
    names = "、".join(_name(config, m.brand) for m in analysis.mentions) or "—"
    risks = "、".join(config.lexicon.categories[d.category].label
                     if d.category in config.lexicon.categories else d.category
                     for d in analysis.damage) or "—"
    return (when, printable(doc.source or "—", 40), names, label(POLARITY, polarity),
            risks, printable(doc.title or doc.text, 80), printable(doc.url or "", 200))


def _name(config: Config, brand_id: str) -> str:
    brand = config.brand(brand_id)
    return brand.name if brand else brand_id
