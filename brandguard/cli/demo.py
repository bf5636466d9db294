"""`brandguard demo`: the whole spine on the embedded default, from a fresh clone.

It serves the sample sites (brandguard/demo/sample_sites.py: a news portal, a county paper's RSS
feed, a forum feed and a shop with HTML and JSON reviews, faults included) on loopback,
crawls them with the real feed poller and Scrapy spiders (config/demo/sources.yaml) into a
fresh SQLite file, and prints what was found per brand — including a burst of negative
quality reports about one member — the incidents opened and the alerts delivered.
The story the sites publish is config/demo/documents.jsonl.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sys
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from brandguard import events, wiring
from brandguard.access import User, hash_password
from brandguard.alerts.channels.email import EmailChannelConfig
from brandguard.alerts.channels.webhook import WebhookChannelConfig
from brandguard.alerts.dispatcher import AlertDispatcher
from brandguard.cli.context import AppContext, pad, pass_app, printable, progress
from brandguard.cli.incidents import show
from brandguard.cli.sources import echo_results
from brandguard.configuration.channels import Route
from brandguard.configuration.loader import load_sources
from brandguard.demo.receivers import Received, mail_catcher, webhook_receiver
from brandguard.demo.sample_sites import sample_sites
from brandguard.durations import duration_zh
from brandguard.risk.engine import RiskEngine
from brandguard.store.base import CountRow, SearchQuery, Store
from brandguard.store.sqlite.text_index import store_files

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config

# config/ at the top of the checkout, installed as package data (brandguard/example_config)
EXAMPLE_CONFIG = Path(str(resources.files("brandguard") / "example_config"))
DEMO_STORE = Path("brandguard-data") / "demo.db"


def command_path() -> str:
    """How to run brandguard again from here: the path this run was started with when it
    is not on PATH (README's command runs `.venv/bin/brandguard`, no venv activated)."""
    started = Path(sys.argv[0])
    if started.name != "brandguard" or shutil.which("brandguard") == str(started.resolve()):
        return "brandguard"
    try:
        return str(started.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(started.resolve())


def example_config_dir() -> Path:
    if not (EXAMPLE_CONFIG / "brands.yaml").is_file():
        raise FileNotFoundError(f"example configuration not found at {EXAMPLE_CONFIG}: "
                                "the installation is incomplete; reinstall brandguard")
    return EXAMPLE_CONFIG


@click.command()
@click.option("--serve", "serve_after", is_flag=True,
              help="Then keep the dashboard up on the demo data and print a login.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535),
              help="With --serve.")
@pass_app
def demo(app: AppContext, serve_after: bool, host: str, port: int) -> None:
    """Crawl the sample sites into a fresh demo store and show per-brand findings."""
    app.config_dir = example_config_dir()
    if serve_after:
        check_port(host, port)  # before the demo's 20 s, not after
    if app.store_url is None:
        for part in store_files(DEMO_STORE):
            part.unlink(missing_ok=True)
        app.store_url = f"sqlite:///{DEMO_STORE}"
    story = app.config_dir / "demo" / "documents.jsonl"
    data = DEMO_STORE.parent
    for folder in (data / "demo-mail", data / "demo-webhook"):
        shutil.rmtree(folder, ignore_errors=True)
    secret = secrets.token_hex(16)
    with mail_catcher(data / "demo-mail") as mail, \
            webhook_receiver(data / "demo-webhook", secret) as hook, \
            sample_sites(story, slow_seconds=10) as sites:
        config = with_demo_alerts(app.config, mail.url, hook.url, secret)
        app._config = with_demo_sources(config, sites.url)
        click.echo(f"brandguard 演示 — crawling the sample sites at {sites.url} into "
                   f"{app.store_url}")
        click.echo(f"alerts go to a mail catcher ({mail.url}) and a webhook receiver "
                   f"({hook.url}) started on loopback for the demo\n")
        with app.store() as store:
            collection = wiring.build(app.config, store).collection
            with progress(None, "doc", "采集") as bar:
                results = collection.collect_all(collection.sources(), bar)
            echo_results(results)
            show_findings(app.config, store)
            show_incidents(app, store, replay=not serve_after)
            AlertDispatcher(store, app.config).run_once()  # the replay's own events
            show_alerts(store, mail, hook)
            login = demo_login(app, store) if serve_after else None
            still_open = sum(1 for i in store.list_incidents() if i.is_open)
    click.echo(f"\nNext: {command_path()} --config {app.config_dir} --store {app.store_url} "
               "search 农药残留 --brand xiyuan   (or: incidents, incident ID, alerts)")
    if login is not None:
        serve_demo(app, host, port, login, still_open)


def demo_login(app: AppContext, store: Store) -> tuple[str, str]:
    """A dashboard user for the demo's organisation, with a fresh random password."""
    org = app.config.organizations[0]
    name = org.staff[0] if org.staff else "demo"
    password = secrets.token_urlsafe(9)
    store.save_user(User(name, org.id, hash_password(password),
                         datetime.now(app.config.settings.tz)))
    return name, password


def check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, naming the option that changes it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.BadParameter(
                f"{host}:{port} 无法使用（{exc.strerror}）：端口已被占用时请换一个，"
                f"如 --port {port + 1}", param_hint="--port") from exc


def serve_demo(app: AppContext, host: str, port: int, login: tuple[str, str],
               still_open: int) -> None:
    from brandguard.web.server import serve_store

    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - display only
    left = (f"演示中的 {still_open} 起风险事件保持开启：可在仪表盘确认事件、勾选预案步骤。"
            if still_open else "")
    serve_store(app.config, app.resolved_store_url(), host, port, announce=lambda: click.echo(
        f"\n仪表盘 dashboard: http://{shown}:{port}/   登录 login: {login[0]} / "
        f"{login[1]}\n{left}按 Ctrl-C 停止服务。"))


def with_demo_alerts(config: Config, mail_url: str, hook_url: str, secret: str) -> Config:
    """The example config plus the demo's two loopback receivers and a route to them."""
    port = int(mail_url.rsplit(":", 1)[1])
    mail = EmailChannelConfig.model_validate({
        "id": "demo-mail", "type": "email", "host": "127.0.0.1", "port": port,
        "security": "none", "sender": "alerts@brandguard.example",
        "to": ["director@yunling-tea.example"]})
    hook = WebhookChannelConfig.model_validate({"id": "demo-webhook", "type": "webhook",
                                                "url": hook_url, "secret": secret})
    routes = tuple(Route.model_validate({"organization": org.id,
                                         "channels": ["demo-mail", "demo-webhook"]})
                   for org in config.organizations)
    settings = config.settings.model_copy(update={"allow_private_targets": ["127.0.0.0/8"]})
    return replace(config, channels=(mail, hook), routes=routes, settings=settings)


def with_demo_sources(config: Config, base_url: str) -> Config:
    """config/demo/sources.yaml, pointed at the sample sites' port."""
    sources = load_sources(config.root / "demo" / "sources.yaml",
                           {**os.environ, "BRANDGUARD_DEMO_SITES": base_url})
    return replace(config, feeds=tuple(sources.feeds), sites=tuple(sources.sites),
                   searches=tuple(sources.searches))


def show_alerts(store: Store, mail: Received, hook: Received) -> None:
    rows = store.list_deliveries(limit=1000)
    sent = sum(1 for r in rows if r.status == "sent")
    suppressed = [r for r in rows if r.status == "suppressed"]
    why = sorted({" ".join(r.reason.split()[:2]) for r in suppressed})
    click.echo(f"\n告警 alerts: {sent} delivered, {len(suppressed)} suppressed "
               f"({', '.join(why) or 'none'})")
    click.echo(f"  mail catcher received {len(mail.items)} message(s): {mail.folder}/*.eml")
    click.echo(f"  webhook receiver received {len(hook.items)} signed event(s): "
               f"{hook.folder}/*.json")


def show_incidents(app: AppContext, store: Store, replay: bool = True) -> None:
    """The incidents the risk engine opened while ingesting, then (unless the dashboard is
    to show them open) a replay of quiet time: overdue steps, auto-resolution."""
    found = store.list_incidents()
    click.echo(f"\n风险事件 incidents opened: {len(found)}")
    for item in found:
        show(app, store, item)
    if not found or not replay:
        return
    later = max(i.last_evidence_at for i in found) + app.config.rules.quiet_period
    resolved = RiskEngine(store, app.config).tick(later + timedelta(minutes=1))
    overdue = sum(1 for e in store.events() if e.type == events.CHECKLIST_OVERDUE)
    click.echo(f"\nReplaying time to {later:%Y-%m-%d %H:%M} "
               f"({duration_zh(app.config.rules.quiet_period)} "
               f"without new evidence): {overdue} unchecked plan step(s) reported overdue, "
               f"{len(resolved)} incident(s) resolved automatically.")
    click.echo("Events in the outbox: " + ", ".join(e.type for e in store.events()))


def show_findings(config: Config, store: Store) -> None:
    since = datetime(2000, 1, 1, tzinfo=config.settings.tz)
    until = datetime.now(config.settings.tz) + timedelta(days=3650)
    ids = [b.id for b in config.brands]
    rows = store.counts(ids, since, until, timedelta(hours=1))
    damage = store.damage_counts(ids, since, until, timedelta(days=36500))
    labels = {k: c.label for k, c in config.lexicon.categories.items()}
    click.echo("\n" + pad("品牌 brand", 28) + "提及  正面  中性  负面  风险类别 trust damage")
    for brand in config.brands:
        mine = [r for r in rows if r.brand == brand.id]
        if not mine:
            continue
        by_pol = Counter[str]()
        for r in mine:
            by_pol[r.polarity] += r.count
        cats = " ".join(f"{labels.get(d.category, d.category)}×{d.count}"
                        for d in damage if d.brand == brand.id)
        name = brand.name if brand.kind == "regional" else f"  └ {brand.name}"
        click.echo(f"{pad(name, 26)}{sum(by_pol.values()):>6}{by_pol['positive']:>6}"
                   f"{by_pol['neutral']:>6}{by_pol['negative']:>6}  {cats}")
    _show_burst(config, store, rows)


def _show_burst(config: Config, store: Store, rows: list[CountRow]) -> None:
    negative = [r for r in rows if r.polarity == "negative"]
    if not negative:
        return
    per_day = Counter[tuple[str, str]]()
    for r in negative:
        per_day[(r.brand, r.bucket.strftime("%Y-%m-%d"))] += r.count
    (brand_id, day), count = per_day.most_common(1)[0]
    brand = config.brand(brand_id)
    click.echo(f"\n负面集中爆发 burst: {brand.name if brand else brand_id} — {count} negative "
               f"mentions on {day}")
    hits = store.search(SearchQuery(brands=(brand_id,), polarity="negative", limit=8,
                                    include_duplicates=True))
    for hit in hits.hits:
        when = hit.document.published_at
        stamp = when.strftime("%m-%d %H:%M") if when else "-"
        repost = "  (转载, folded)" if hit.duplicate_of else ""
        click.echo(f"  {stamp}  {printable(hit.document.title or hit.document.text, 50)}{repost}")
