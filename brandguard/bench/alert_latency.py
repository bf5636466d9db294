"""`brandguard bench alert-latency`: from ingesting the tipping document to the alert's
arrival at a webhook receiver and an SMTP server, both real and on loopback.

Each brand gets a week of ordinary history, then two quality reports, then a third that
tips it over the opening rule; the clock starts when that document is handed to the
pipeline and stops when each receiver has the `incident.opened` message. The pipeline is the
real one (analysis, store, risk engine, alert dispatcher).
"""

from __future__ import annotations

import json
import secrets
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from brandguard import wiring
from brandguard.alerts.channels.email import EmailChannelConfig
from brandguard.alerts.channels.webhook import WebhookChannelConfig
from brandguard.bench.corpus import bench_config
from brandguard.configuration.channels import Route
from brandguard.demo.receivers import mail_catcher, webhook_receiver
from brandguard.store.sqlite import SqliteStore

REPORT = "{b}产品被检出农药残留超标，抽检不合格，通报编号{n}。"


@dataclass(frozen=True)
class Latencies:
    webhook: list[float]
    mail: list[float]


def _line(n: int, text: str, at: datetime) -> tuple[int, bytes]:
    return n, json.dumps({"id": f"lat-{n}", "text": text, "kind": "news",
                          "source": f"site{n % 7}.example",
                          "published_at": at.isoformat()}, ensure_ascii=False).encode()


def run(incidents: int) -> Latencies:
    folder = Path(tempfile.mkdtemp(prefix="bg-bench-alerts-"))
    config = bench_config(folder / "config", incidents)
    secret = secrets.token_hex(8)
    with mail_catcher(folder / "mail") as mail, webhook_receiver(folder / "hook", secret) as hook:
        config = replace(
            config,
            channels=(EmailChannelConfig.model_validate({
                "id": "mail", "type": "email", "host": "127.0.0.1",
                "port": int(mail.url.rsplit(":", 1)[1]), "security": "none",
                "sender": "alerts@brandguard.example", "to": ["ops@brandguard.example"]}),
                WebhookChannelConfig.model_validate({"id": "hook", "type": "webhook",
                                                     "url": hook.url, "secret": secret})),
            routes=(Route.model_validate({"organization": "bench",
                                          "channels": ["mail", "hook"]}),),
            settings=config.settings.model_copy(
                update={"allow_private_targets": ["127.0.0.0/8"]}))
        store = SqliteStore(folder / "lat.db", config.settings.tz)
        pipeline = wiring.build(config, store).pipeline
        now = datetime.now(config.settings.tz)
        history = [_line(i, f"{b.name}新品上市，第{i}批。", now - timedelta(days=7))
                   for i, b in enumerate(config.brands)]
        pipeline.ingest(history)
        webhook, smtp = [], []
        n = 10_000
        for brand in config.brands:
            reports = [_line(n + k, REPORT.format(b=brand.name, n=n + k),
                             now - timedelta(minutes=10 - k)) for k in range(3)]
            n += 3
            pipeline.ingest(reports[:2])
            before = (len(hook.times), len(mail.times))
            started = time.monotonic()
            pipeline.ingest(reports[2:])  # the tipping document
            if len(hook.times) > before[0]:
                webhook.append(hook.times[before[0]] - started)
            if len(mail.times) > before[1]:
                smtp.append(mail.times[before[1]] - started)
        store.close()
    return Latencies(webhook, smtp)


def summary(result: Latencies, incidents: int) -> list[str]:
    lines = []
    for name, values in (("webhook", result.webhook), ("SMTP", result.mail)):
        if not values:
            lines.append(f"  {name}: no alert arrived")
            continue
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        lines.append(f"  {name:<8} {len(values)}/{incidents} incidents: median "
                     f"{statistics.median(values) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
                     f"{ordered[-1] * 1000:.0f} ms (target p95 <= 2 s; ElastAlert2 polls every "
                     f">= 60 s: x{60 / max(p95, 1e-9):,.0f})")
    return lines
