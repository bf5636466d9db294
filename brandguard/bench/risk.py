"""`brandguard bench risk`: replay a synthetic month through the real pipeline and engine.

Each brand gets background mentions at a time-of-day-shaped rate (busier by day), about a
tenth of them ordinary trust-damage complaints spread over categories (so the per-category
baseline stays at or below one an hour), plus injected crises: k quality reports within one
hour at a random time after the first week. Documents are analysed, stored in SQLite and
judged by the risk engine hour by hour, in time order, with the engine's clock set to the
simulated time. Reported: detection delay per crisis size (from the first and from the 5th
report), missed crises, false incidents per brand per 30 days, and the wall time from a
stored batch to its events (the hook's latency).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard import wiring
from brandguard.bench.corpus import bench_config
from brandguard.document import Analysis, Document
from brandguard.risk.engine import RiskEngine
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.loader import Config
    from brandguard.incident import Incident

HOURLY_SHAPE = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9, 1.3, 1.6, 1.7, 1.6,
                1.4, 1.4, 1.5, 1.6, 1.5, 1.4, 1.3, 1.4, 1.3, 1.0, 0.7, 0.4]
NEUTRAL = ["{b}今日举办新品品鉴会，到场嘉宾{n}人。",
           "{b}的茶园开始秋季管护，预计明年产量增加{n}吨。",
           "消费者评价{b}包装精美，第{n}次回购。", "{b}参加了第{n}届茶叶博览会。"]
COMPLAINTS = ["{b}的茶叶有点发霉，第{n}单。", "{b}客服态度差，已投诉，单号{n}。",
              "怀疑买到的{b}是假货，订单{n}。", "{b}送的茶叶过期了，批次{n}。"]
CRISIS = ["{b}产品被检出农药残留超标，抽检不合格，通报编号{n}。",
          "市场监管部门通报{b}一批次茶叶抽检不合格，农残超标，编号{n}。",
          "{b}茶叶农药残留超标被立案调查，记者调查第{n}篇。"]


@dataclass
class Crisis:
    brand: str
    size: int
    times: list[datetime]


@dataclass
class Outcome:
    delays_first: dict[int, list[float]] = field(default_factory=dict)
    delays_fifth: dict[int, list[float]] = field(default_factory=dict)
    missed: dict[int, int] = field(default_factory=dict)
    false_incidents: int = 0
    hook_seconds: list[float] = field(default_factory=list)
    documents: int = 0


def _docs(rng: random.Random, config: Config, start: datetime, days: int,
          per_day: float) -> list[Document]:
    out = []
    weights = [w / sum(HOURLY_SHAPE) for w in HOURLY_SHAPE]
    for brand in config.brands:
        for day in range(days):
            for hour in range(24):
                expected = per_day * weights[hour]
                for _ in range(_poisson(rng, expected)):
                    at = start + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))
                    pool = COMPLAINTS if rng.random() < 0.1 else NEUTRAL
                    out.append(_doc(rng, pool, brand.name, at, "review"))
    return out


def _poisson(rng: random.Random, mu: float) -> int:
    count, threshold, product = 0, pow(2.718281828, -mu), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _doc(rng: random.Random, pool: list[str], brand: str, at: datetime, kind: str) -> Document:
    n = rng.randrange(10**9)
    return Document(id=f"sim-{n}", text=rng.choice(pool).format(b=brand, n=n),
                    published_at=at, kind=kind, source=f"site{rng.randrange(40)}.example")


def _crises(rng: random.Random, config: Config, start: datetime, days: int,
            sizes: list[int], per_size: int) -> list[Crisis]:
    crises = []
    brands = list(config.brands)
    rng.shuffle(brands)
    for i, (size, brand) in enumerate(zip([s for s in sizes for _ in range(per_size)],
                                          brands * 10, strict=False)):
        begin = start + timedelta(days=7 + (i * (days - 8)) // (len(sizes) * per_size),
                                  hours=rng.randrange(8, 20))
        times = sorted(begin + timedelta(seconds=rng.randrange(3600)) for _ in range(size))
        crises.append(Crisis(brand.id, size, times))
    return crises


def run(brands: int, days: int, per_day: float, sizes: list[int], per_size: int,
        seed: int = 5) -> Outcome:
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="bg-bench-risk-"))
    config = bench_config(folder / "config", brands)
    start = datetime(2026, 1, 5, tzinfo=config.settings.tz)
    docs = _docs(rng, config, start, days, per_day)
    crises = _crises(rng, config, start, days, sizes, per_size)
    names = {b.id: b.name for b in config.brands}
    for crisis in crises:
        docs += [_doc(rng, CRISIS, names[crisis.brand], at, "news") for at in crisis.times]
    docs.sort(key=lambda d: d.published_at or start)
    outcome = Outcome(documents=len(docs))
    _replay(config, folder, docs, start, days, outcome)
    _score(config, folder, crises, brands, days, outcome)
    return outcome


class _TimedEngine(RiskEngine):
    """The real engine, timing each batch hand-off (stored batch -> events written)."""

    hook_seconds: list[float]

    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None:
        began = time.perf_counter()
        super().on_batch_stored(items)
        self.hook_seconds.append(time.perf_counter() - began)


def _replay(config: Config, folder: Path, docs: list[Document], start: datetime, days: int,
            outcome: Outcome) -> None:
    store = SqliteStore(folder / "brandguard.risk.db", config.settings.tz)
    clock = [start]
    engine = _TimedEngine(store, config, clock=lambda: clock[0])
    engine.hook_seconds = outcome.hook_seconds
    stages = wiring.build(config, store, alerts=False, engine=engine)
    analyzer, pipeline = stages.analyzer, stages.pipeline
    cursor = 0
    for hour in range(days * 24):
        clock[0] = start + timedelta(hours=hour + 1)
        batch = []
        while cursor < len(docs) and (docs[cursor].published_at or start) < clock[0]:
            batch.append(docs[cursor])
            cursor += 1
        items = [(d, analyzer.analyze(d)) for d in batch]
        stored = store.upsert(items)
        if stored.changed:
            engine.on_batch_stored(items)
        if hour % 6 == 5:
            engine.tick(clock[0])
    del pipeline
    store.close()


def _score(config: Config, folder: Path, crises: list[Crisis], brands: int, days: int,
           outcome: Outcome) -> None:
    store = SqliteStore(folder / "brandguard.risk.db", config.settings.tz)
    incidents = store.list_incidents()
    explained: set[str] = set()
    for crisis in crises:
        moment = _detection(incidents, crisis)
        if moment is None:
            outcome.missed[crisis.size] = outcome.missed.get(crisis.size, 0) + 1
            continue
        incident_id, at = moment
        explained.add(incident_id)
        fifth = crisis.times[min(4, len(crisis.times) - 1)]
        outcome.delays_first.setdefault(crisis.size, []).append(
            (at - crisis.times[0]).total_seconds() / 60)
        outcome.delays_fifth.setdefault(crisis.size, []).append(
            (at - fifth).total_seconds() / 60)
    # any incident the crisis opened on its brand (its reports also say 立案调查: credibility)
    explained |= {i.id for i in incidents for c in crises if i.brand == c.brand
                  and c.times[0] <= i.opened_at <= c.times[-1] + timedelta(hours=1)}
    outcome.false_incidents = sum(1 for i in incidents if i.id not in explained)
    store.close()


def _detection(incidents: list[Incident], crisis: Crisis) -> tuple[str, datetime] | None:
    """When the organisation heard of the crisis: an incident opened during it, or an
    escalation of one already open (a transition that raises an event)."""
    end = crisis.times[-1] + timedelta(hours=1)
    moments = [(i.id, i.opened_at) for i in incidents
               if i.brand == crisis.brand and crisis.times[0] <= i.opened_at <= end]
    moments += [(i.id, t.at) for i in incidents if i.brand == crisis.brand
                for t in i.timeline
                if t.action == "escalated" and crisis.times[0] <= t.at <= end]
    return min(moments, key=lambda m: m[1]) if moments else None


def summary(outcome: Outcome, brands: int, days: int) -> list[str]:
    lines = [f"{outcome.documents:,} documents, {brands} brands, {days} simulated days"]
    for size in sorted(set(outcome.delays_first) | set(outcome.missed)):
        first = outcome.delays_first.get(size, [])
        fifth = outcome.delays_fifth.get(size, [])
        missed = outcome.missed.get(size, 0)
        median = (f"median {statistics.median(first):.0f} min after the first report, "
                  f"{statistics.median(fifth):+.0f} min vs the 5th (max {max(fifth):+.0f})"
                  if first else "never detected")
        lines.append(f"  crisis of {size:>2} reports/hour: detected {len(first)}/"
                     f"{len(first) + missed}, {median}")
    per_brand_month = outcome.false_incidents / brands * 30 / days
    lines.append(f"  false incidents: {outcome.false_incidents} = {per_brand_month:.3f} per "
                 f"brand per 30 days (target <= 1)")
    hooks = sorted(outcome.hook_seconds)
    p95 = hooks[int(0.95 * (len(hooks) - 1))] if hooks else 0.0
    lines.append(f"  stored batch -> events written: p95 {p95 * 1000:.0f} ms, max "
                 f"{hooks[-1] * 1000 if hooks else 0:.0f} ms over {len(hooks)} hourly batches "
                 f"(target p95 <= 2 s)")
    return lines
