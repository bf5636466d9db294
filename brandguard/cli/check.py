"""`brandguard check`: validate the configuration folder and summarise it."""

from __future__ import annotations

import click

from brandguard.cli.context import AppContext, pass_app


@click.command()
@pass_app
def check(app: AppContext) -> None:
    """Validate the configuration; print every problem with file, line and field."""
    config = app.config
    regional = sum(1 for b in config.brands if b.kind == "regional")
    click.echo(f"{config.root}: OK — {len(config.organizations)} organisation(s), "
               f"{regional} regional and {len(config.brands) - regional} enterprise brand(s), "
               f"{len(config.lexicon.categories)} damage categories; "
               f"store {app.resolved_store_url()}")
