"""`brandguard incidents`, `incident`, `ack`, `resolve`, `check-step`, `silence`, `tick`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import click

from brandguard.cli.context import AppContext, pad, pass_app, printable
from brandguard.cli.search import parse_when
from brandguard.configuration.models import parse_duration
from brandguard.durations import duration_zh
from brandguard.evaluation.overdue import MeasureTick
from brandguard.labels import ACTIONS, DELIVERY, EVENTS, STATUS, label
from brandguard.risk.actions import IncidentActions
from brandguard.risk.engine import RiskEngine

if TYPE_CHECKING:
    from brandguard.incident import ChecklistStep, Incident
    from brandguard.store.base import Store

STATUSES = click.Choice(["open", "acknowledged", "resolved"])


def _line(app: AppContext, incident: Incident) -> str:
    brand = app.config.brand(incident.brand)
    return (f"{incident.id}  {pad(incident.level.label, 16)} "
            f"{pad(label(STATUS, incident.status), 8)}"
            f"{pad(brand.name if brand else incident.brand, 14)} "
            f"{app.config.category_label(incident.category)}  "
            f"开启于 {incident.opened_at:%Y-%m-%d %H:%M}，证据 {len(incident.evidence)} 条"
            "（含转载）")


@click.command()
@click.option("--brand", "brands", multiple=True, help="Brand id (repeatable).")
@click.option("--status", type=STATUSES)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of incidents.")
@pass_app
def incidents(app: AppContext, brands: tuple[str, ...], status: str | None,
              as_json: bool) -> None:
    """List incidents, newest first."""
    with app.store() as store:
        found = store.list_incidents(list(brands) or None, status)
    if as_json:
        click.echo(json.dumps([i.to_json() for i in found], ensure_ascii=False))
        return
    click.echo(f"共 {len(found)} 起风险事件")
    for incident in found:
        click.echo(_line(app, incident))


@click.command()
@click.argument("incident_id")
@click.option("--json", "as_json", is_flag=True, help="Print the incident as JSON.")
@pass_app
def incident(app: AppContext, incident_id: str, as_json: bool) -> None:
    """Show one incident with its signal, evidence and timeline."""
    with app.store() as store:
        found = store.get_incident(incident_id)
        if found is None:
            raise click.BadParameter(f"no incident {incident_id!r}", param_hint="INCIDENT_ID")
        if as_json:
            click.echo(json.dumps(found.to_json(), ensure_ascii=False))
            return
        show(app, store, found)


def show(app: AppContext, store: Store, found: Incident) -> None:
    click.echo(_line(app, found))
    s = found.signal
    window = duration_zh(timedelta(seconds=s["window_s"]))
    click.echo(f"  信号：{window}内 {s['count']} 条报道（不含转载；预期 {s['expected']}，"
               f"p={s['p_value']}），{s['spread']} 个来源，评分 {s['score']}"
               + (f"，触发 {'、'.join(s['triggers'])}" if s["triggers"] else ""))
    click.echo("  证据：")
    for doc_id in found.evidence[:10]:
        hit = store.get(doc_id)
        if hit is not None:
            when = hit.document.published_at
            stamp = f"{when:%m-%d %H:%M}" if when else "-"
            click.echo(f"    {stamp}  {printable(hit.document.title or hit.document.text, 50)}"
                       f"  {printable(hit.document.url or '', 60)}")
    if found.checklist:
        click.echo("  风险控制预案：")
    for step in found.checklist:
        click.echo(f"    {_step_line(step)}")
    if found.linked:
        click.echo(f"  成员企业事件：{'、'.join(found.linked)}")
    if found.silenced_until:
        click.echo(f"  静默至 {found.silenced_until:%Y-%m-%d %H:%M}")
    click.echo("  时间线：")
    for entry in found.timeline:
        click.echo(f"    {entry.at:%Y-%m-%d %H:%M}  {entry.actor}  {label(ACTIONS, entry.action)}"
                   + (f"  {printable(entry.detail, 80)}" if entry.detail else ""))
    sent = store.list_deliveries(found.id)
    if sent:
        click.echo("  发送记录：")
        for row in sent:
            click.echo(f"    {pad(label(DELIVERY, row.status), 10)} {row.channel:<14} "
                       f"{pad(label(EVENTS, row.event_type), 14)} 尝试 {row.attempts} 次"
                       + (f"  {printable(row.last_error or row.reason, 60)}"
                          if row.last_error or row.reason else ""))


def _step_line(step: ChecklistStep) -> str:
    mark = "x" if step.done_at else ("!" if step.overdue else " ")
    done = (f"  {step.done_by} 完成于 {step.done_at:%m-%d %H:%M}" if step.done_at
            else f"  期限 {step.due_at:%m-%d %H:%M}")
    return f"[{mark}] {pad(step.id, 10)} {pad(step.title, 44)} {step.owner}{done}"


def _actions(app: AppContext, store: Store) -> IncidentActions:
    return IncidentActions(store, app.config)


@click.command()
@click.argument("incident_id")
@click.option("--by", "actor", required=True, help="Who acknowledges (a staff name).")
@pass_app
def ack(app: AppContext, incident_id: str, actor: str) -> None:
    """Acknowledge an open incident."""
    with app.store() as store:
        done = _actions(app, store).acknowledge(incident_id, actor)
    click.echo(_line(app, done))


@click.command()
@click.argument("incident_id")
@click.option("--by", "actor", required=True, help="Who resolves (a staff name).")
@click.option("--note", default="", help="What was done.")
@pass_app
def resolve(app: AppContext, incident_id: str, actor: str, note: str) -> None:
    """Resolve an incident."""
    with app.store() as store:
        done = _actions(app, store).resolve(incident_id, actor, note)
    click.echo(_line(app, done))


@click.command("check-step")
@click.argument("incident_id")
@click.argument("step_id")
@click.option("--by", "actor", required=True, help="Who did it (a staff name).")
@click.option("--note", default="", help="What was done.")
@pass_app
def check_step(app: AppContext, incident_id: str, step_id: str, actor: str, note: str) -> None:
    """Check a contingency-plan step off an incident's checklist."""
    with app.store() as store:
        done = _actions(app, store).check_step(incident_id, step_id, actor, note)
    step = next(s for s in done.checklist if s.id == step_id)
    left = sum(1 for s in done.checklist if s.done_at is None)
    click.echo(_line(app, done))
    click.echo(f"  {_step_line(step)}")  # the step just checked, not the whole incident
    click.echo(f"  预案步骤尚余 {left} 项未完成" if left else "  预案步骤已全部完成")


@click.command()
@click.argument("incident_id")
@click.option("--by", "actor", required=True, help="Who silences (a staff name).")
@click.option("--for", "duration", required=True, help="How long, e.g. 12h or 2d.")
@pass_app
def silence(app: AppContext, incident_id: str, actor: str, duration: str) -> None:
    """Silence an incident's notifications for a while; it stays open."""
    try:
        length = parse_duration(duration)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--for") from exc
    with app.store() as store:
        actions = _actions(app, store)
        done = actions.silence(incident_id, actor, actions.clock() + length)
    click.echo(_line(app, done) + f"  静默至 {done.silenced_until:%Y-%m-%d %H:%M}")


@click.command()
@click.option("--at", "at_text", help="Evaluate as of this time (ISO 8601), for replays.")
@pass_app
def tick(app: AppContext, at_text: str | None) -> None:
    """Time-based transitions: report overdue checklist steps and improvement measures,
    resolve quiet incidents."""
    at: datetime | None = parse_when(at_text, app.config.settings.tz)
    with app.store() as store:
        resolved = RiskEngine(store, app.config).tick(at)
        late = MeasureTick(store, lambda: at or datetime.now(app.config.settings.tz)).run_once()
    click.echo(f"自动解除无新证据的风险事件 {len(resolved)} 起；新逾期的改进措施 {late} 项")
    for item in resolved:
        click.echo(_line(app, item))
