"""`brandguard alerts` (the delivery log), `alerts deliver`, `alerts test CHANNEL`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import click

from brandguard.alerts.channels.base import DeliveryError
from brandguard.alerts.channels.registry import make_channel
from brandguard.alerts.dispatcher import AlertDispatcher
from brandguard.alerts.message import probe_message
from brandguard.cli.context import AppContext, pass_app, printable

if TYPE_CHECKING:
    from brandguard.delivery import Delivery


@click.group(invoke_without_command=True)
@click.option("--incident", "incident_id", help="Only this incident's deliveries.")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def alerts(ctx: click.Context, incident_id: str | None, limit: int, as_json: bool) -> None:
    """Recent alert deliveries: status, attempts, last error, suppression reasons."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(AppContext)
    assert app is not None  # noqa: S101 - set by the root command
    with app.store() as store:
        rows = store.list_deliveries(incident_id, limit)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return
    click.echo(f"{len(rows)} delivery record(s)")
    for row in rows:
        click.echo(delivery_line(row))


def delivery_line(row: Delivery) -> str:
    detail = row.last_error or row.reason
    return (f"  {row.updated_at:%m-%d %H:%M}  {row.status:<10} {row.channel:<16} "
            f"{row.event_type:<20} {row.incident}  attempts {row.attempts}"
            + (f"  ({printable(detail, 80)})" if detail else ""))


@alerts.command("deliver")
@pass_app
def alerts_deliver(app: AppContext) -> None:
    """Plan new outbox events and attempt every due delivery once (run schedules this)."""
    with app.store() as store:
        done = AlertDispatcher(store, app.config).run_once()
    sent = sum(1 for d in done if d.status == "sent")
    click.echo(f"attempted {len(done)} delivery(ies): {sent} sent, "
               f"{sum(1 for d in done if d.status == 'pending')} to retry, "
               f"{sum(1 for d in done if d.status == 'failed')} failed")
    for row in done:
        click.echo(delivery_line(row))


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
