"""`brandguard run`: collect, judge and alert on a schedule until stopped."""

from __future__ import annotations

from datetime import datetime

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.scheduler import Runner


@click.command()
@click.option("--print-schedule", is_flag=True,
              help="Show each job's first run (resumed from stored state) and exit.")
@pass_app
def run(app: AppContext, print_schedule: bool) -> None:
    """Run every source on its interval, the risk tick and alert delivery, until SIGTERM."""
    with app.store() as store:
        runner = Runner(app.config, store, app.resolved_store_url())
        if print_schedule:
            for job_id, first in runner.plan(datetime.now(app.config.settings.tz)):
                click.echo(f"{job_id:<32} first run {first:%Y-%m-%d %H:%M:%S%z}")
            return
        runner.run()
    click.echo("stopped")


def register(group: click.Group) -> None:
    group.add_command(run)
