"""`brandguard crawl [SOURCE…]` (collect once) and `brandguard sources` (their health)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from brandguard import wiring
from brandguard.cli.context import AppContext, pass_app, printable, progress
from brandguard.configuration.sources import Feed, Search, Site, source_kind

if TYPE_CHECKING:
    from brandguard.crawlers.collector import CollectResult


NO_SOURCES = ("未配置任何来源：{root}/sources.yaml 中没有 feeds、sites 或 searches"
              "（示例见 config/demo/sources.yaml 与 README 的 Collection 一节）")


def echo_results(results: list[CollectResult]) -> None:
    for r in results:
        pages = f", {r.pages} pages" if r.pages else ""
        click.echo(f"{r.source:<24} {r.status:<13} {r.new} new of {r.seen}{pages}")
        if r.error:
            click.echo(f"{'':<24} {printable(r.error, 800)}")


@click.command()
@click.argument("source_ids", nargs=-1)
@pass_app
def crawl(app: AppContext, source_ids: tuple[str, ...]) -> None:
    """Collect from the given sources (default: every enabled one) once, then exit."""
    config = app.config
    if not source_ids and not (config.feeds or config.sites or config.searches):
        click.echo(NO_SOURCES.format(root=config.root))
        return
    with app.store() as store:
        collection = wiring.build(config, store).collection
        known = {s.id: s for s in collection.sources()}
        unknown = [s for s in source_ids if s not in known]
        if unknown:
            raise click.BadParameter(f"unknown source(s): {', '.join(unknown)} (sources.yaml "
                                     f"has: {', '.join(known) or 'none'})", param_hint="SOURCE")
        chosen = [known[s] for s in source_ids] if source_ids else list(known.values())
        with progress(None, "doc", "采集") as bar:
            results = collection.collect_all(chosen, bar)
    echo_results(results)


@click.command()
@pass_app
def sources(app: AppContext) -> None:
    """Each source's health: last success, last error, failures, items collected."""
    config = app.config
    if not (config.feeds or config.sites or config.searches):
        click.echo(NO_SOURCES.format(root=config.root))
        return
    with app.store() as store:
        states = {s.id: s for s in store.source_states()}
    listed: list[Feed | Site | Search] = [*config.feeds, *config.sites, *config.searches]
    for source in listed:
        s = states.get(source.id)
        kind = source_kind(source)
        if s is None:
            click.echo(f"{source.id:<24} {kind:<6}  never collected")
            continue
        ok = f"{s.last_success:%Y-%m-%d %H:%M}" if s.last_success else "never"
        nxt = f"{s.next_due:%m-%d %H:%M}" if s.next_due else "-"
        click.echo(f"{source.id:<24} {kind:<6}  last success {ok}, {s.items} items, "
                   f"{s.failures} failure(s), next {nxt}"
                   + (f"\n{'':<32}last error: {printable(s.last_error, 200)}"
                      if s.last_error else ""))
