"""/metrics in Prometheus text format: request counts and latencies per route, and open
incidents per level (totals only: /metrics is for the operator, not per organisation)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from collections.abc import Iterator

    from prometheus_client.metrics_core import Metric
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from brandguard.web.context import WebContext


class IncidentCollector(Collector):
    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily("brandguard_open_incidents",
                                  "Incidents not yet resolved, per level", labels=["level"])
        counts: dict[str, int] = {"IV": 0, "III": 0, "II": 0, "I": 0}
        store = self.ctx.pool.get()
        for status in ("open", "acknowledged"):
            for incident in store.list_incidents(None, status):
                counts[incident.level.name] += 1
        for level, n in counts.items():
            gauge.add_metric([level], n)
        yield gauge


class FigureCacheCollector(Collector):
    """How many dashboard aggregates came from the figure cache (`settings.figure_cache`)
    and how many from the store: whether the cache earns its memory."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        counter = CounterMetricFamily("brandguard_figure_cache_answers",
                                      "Aggregate answers, by where they came from",
                                      labels=["outcome"])
        cache = self.ctx.pool.figures
        counter.add_metric(["hit"], cache.hits)
        counter.add_metric(["miss"], cache.misses)
        yield counter


class Metrics:
    def __init__(self, ctx: WebContext) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("brandguard_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("brandguard_http_request_seconds", "Time to answer",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
        self.registry.register(IncidentCollector(ctx))
        self.registry.register(FigureCacheCollector(ctx))

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Pure ASGI middleware: time each request, count it by route template."""
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = [500]

            async def capture(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status[0] = message["status"]
                await send(message)

            try:
                await app(scope, receive, capture)
            finally:
                route = getattr(scope.get("route"), "path", "unmatched")
                method = scope["method"]
                self.latency.labels(method, route).observe(time.perf_counter() - started)
                self.requests.labels(method, route, str(status[0])).inc()

        return measured

    def render(self) -> bytes:
        return generate_latest(self.registry)
