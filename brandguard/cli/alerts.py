"""`brandguard alerts test CHANNEL`: send a test message so an organisation can check setup."""

from __future__ import annotations

from datetime import datetime

import click

from alerts.channels.base import DeliveryError
from alerts.channels.registry import make_channel
from alerts.message import probe_message
from brandguard.cli.context import AppContext, pass_app


@click.group()
def alerts() -> None:
    """Alert channels (channels.yaml)."""


@alerts.command("test")
@click.argument("channel_id")
@pass_app
def alerts_test(app: AppContext, channel_id: str) -> None:
    """Send a test message through CHANNEL_ID and say whether it arrived."""
    config = app.config
    found = next((c for c in config.channels if c.id == channel_id), None)
    if found is None:
        known = ", ".join(c.id for c in config.channels) or "none configured"
        raise click.BadParameter(f"no channel {channel_id!r} in channels.yaml ({known})",
                                 param_hint="CHANNEL_ID")
    channel = make_channel(found, config.settings)
    try:
        channel.send(probe_message(channel_id, datetime.now(config.settings.tz)))
    except DeliveryError as exc:
        retry = "temporary, worth retrying" if exc.retryable else "will not succeed as configured"
        click.echo(f"{channel_id} ({found.type}): NOT delivered: {exc} ({retry})", err=True)
        raise SystemExit(1) from exc
    click.echo(f"{channel_id} ({found.type}): delivered")


def register(group: click.Group) -> None:
    group.add_command(alerts)
