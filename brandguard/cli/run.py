"""`brandguard run`: collect, judge and alert on a schedule until stopped."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.scheduler import Runner, Shard


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    try:
        return Shard.parse(value) if value else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command()
@click.option("--print-schedule", is_flag=True,
              help="Show each job's first run (resumed from stored state) and exit.")
@click.option("--shard", callback=_shard, metavar="K/N",
              help="Be worker K of N sharing one store: run only the sources of shard K "
                   "(shard 1 also runs the risk tick and alert delivery).")
@click.option("--workers", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Analysis worker processes the collection threads share (0: analyse in "
                   "this process); this process stays the one store writer.")
@pass_app
def run(app: AppContext, print_schedule: bool, shard: Shard | None, workers: int) -> None:
    """Run every source on its interval, the risk tick and alert delivery, until SIGTERM."""
    with app.store() as store, closing(Runner(app.config, store, shard, workers=workers)) as runner:
        if print_schedule:
            for job_id, first in runner.plan(datetime.now(app.config.settings.tz)):
                click.echo(f"{job_id:<32} first run {first:%Y-%m-%d %H:%M:%S%z}")
            return
        runner.run()
    click.echo("stopped")
