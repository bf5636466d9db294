"""`brandguard crawl [SOURCE…]` (collect once) and `brandguard sources` (their health)."""

from __future__ import annotations

import click

from alerts.dispatcher import AlertDispatcher
from brandguard.cli.context import AppContext, pass_app, printable
from brandguard.pipeline import BatchHook, Pipeline
from crawlers.poller import RssPoller
from nlp.analyzer import Analyzer
from risk.engine import RiskEngine


@click.command()
@click.argument("source_ids", nargs=-1)
@pass_app
def crawl(app: AppContext, source_ids: tuple[str, ...]) -> None:
    """Collect from the given sources (default: every enabled one) once, then exit."""
    config = app.config
    known = {f.id: f for f in config.feeds}
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise click.BadParameter(f"unknown source(s): {', '.join(unknown)} (sources.yaml "
                                 f"has: {', '.join(known) or 'none'})", param_hint="SOURCE")
    feeds = [known[s] for s in source_ids] if source_ids else list(config.feeds)
    with app.store() as store:
        hooks: list[BatchHook] = [RiskEngine(store, config)]
        if config.channels:
            hooks.append(AlertDispatcher(store, config))
        pipeline = Pipeline(Analyzer.from_config(config), store, config.settings, hooks=hooks)
        results = RssPoller(config, store, pipeline).poll_all(feeds)
    for r in results:
        detail = f"  ({printable(r.error, 100)})" if r.error else ""
        click.echo(f"{r.source:<24} {r.status:<13} {r.new} new of {r.seen}{detail}")


@click.command()
@pass_app
def sources(app: AppContext) -> None:
    """Each source's health: last success, last error, failures, items collected."""
    with app.store() as store:
        states = {s.id: s for s in store.source_states()}
    for feed in app.config.feeds:
        s = states.get(feed.id)
        if s is None:
            click.echo(f"{feed.id:<24} never polled")
            continue
        ok = f"{s.last_success:%Y-%m-%d %H:%M}" if s.last_success else "never"
        nxt = f"{s.next_due:%m-%d %H:%M}" if s.next_due else "-"
        click.echo(f"{feed.id:<24} last success {ok}, {s.items} items, {s.failures} "
                   f"failure(s), next {nxt}"
                   + (f"  last error: {printable(s.last_error, 80)}" if s.last_error else ""))


def register(group: click.Group) -> None:
    group.add_command(crawl)
    group.add_command(sources)
