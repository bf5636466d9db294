"""A stored batch is judged in a few store reads, and a change made meanwhile is not lost.

The engine reads the batch's open incidents once and counts its screens together
(`brandguard/risk/open_incidents.py`, `brandguard/risk/signals/screen.py`); the screens'
equivalence to computing every signal is `test_screening.py`'s.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import given
from hypothesis import strategies as st

from brandguard import events
from brandguard.configuration.loader import load_config
from brandguard.incident import ConcurrentUpdate
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.risk.actions import IncidentActions
from brandguard.risk.engine import RiskEngine
from brandguard.risk.signals import screen
from brandguard.risk.signals.base import Ask
from tests.conftest import BRANDS_YAML, write_config
from tests.risk.test_engine import TZ, feed, reports, setup, staffed_config

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.incident import Event, Incident
    from brandguard.store.base import Store

__all__ = ["staffed_config"]  # the fixture, shared with test_engine
READS = ("open_incident_for", "list_incidents", "damage_counts", "counts", "search")


class Watched:
    """The real store, counting the engine's reads; `before_save`, if given, runs once just
    before the engine's first save (a person acting while the batch is judged)."""

    def __init__(self, store: Store, before_save: Callable[[], object] | None = None) -> None:
        self._store, self._before_save = store, before_save
        self.reads: dict[str, int] = dict.fromkeys(READS, 0)
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if name not in READS:
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.reads[name] += 1
            return found(*args, **kwargs)
        return counted

    def save_incident(self, incident: Incident, events: Sequence[Event] = ()) -> Incident:
        if self._before_save is not None:
            act, self._before_save = self._before_save, None
            act()
        try:
            return self._store.save_incident(incident, events)
        except ConcurrentUpdate:
            self.refused += 1
            raise


def judged_by(store: Watched, config: Config, analyzer: Analyzer, clock: Any) -> Pipeline:
    engine = RiskEngine(store, config, clock=clock)  # type: ignore[arg-type]
    model = Analyzer.from_config(config, model=analyzer.model)
    return Pipeline(model, store._store, config.settings, hooks=[engine])


def test_a_persons_change_while_a_batch_is_judged_is_kept(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    store, engine, pipeline = setup(make_store, staffed_config, analyzer)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    feed(pipeline, reports(start, 4))
    [opened] = store.list_incidents(["bama"])
    people = IncidentActions(store, staffed_config, clock=engine.clock)
    watched = Watched(store, lambda: people.acknowledge(opened.id, "王秘书"))
    feed(judged_by(watched, staffed_config, analyzer, engine.clock),
         reports(start + timedelta(hours=1), 3))
    now = store.get_incident(opened.id)
    assert now is not None
    assert watched.refused == 1  # the batch's read of the incident went stale, and was re-read
    assert now.status == "acknowledged"
    assert [t.actor for t in now.timeline if t.action == "acknowledged"] == ["王秘书"]
    assert len(now.evidence) > len(opened.evidence)


def test_two_processes_opening_one_burst_make_one_incident(
        make_store: Callable[[], Store], staffed_config: Config, analyzer: Analyzer) -> None:
    """Another process opens the incident while this one judges the same burst from its
    batch read: this one's opening is refused, and it joins the other's incident."""
    store, engine, _ = setup(make_store, staffed_config, analyzer)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    other = RiskEngine(store, staffed_config, clock=engine.clock)
    last = start + timedelta(minutes=30)
    watched = Watched(store, lambda: other.evaluate("bama", "quality_safety", last))
    feed(judged_by(watched, staffed_config, analyzer, engine.clock), reports(start, 4))
    [incident] = [i for i in store.list_incidents(["bama"]) if i.category == "quality_safety"]
    assert watched.refused >= 1
    assert incident.opened_at == last  # the other process's, joined, not replaced
    opened = [e for e in store.events(limit=1000) if e.type == events.INCIDENT_OPENED
              and e.incident.startswith(f"{last:%Y%m%d-%H%M}-bama-")]
    assert len(opened) == 1
    assert len(incident.evidence) >= 4


def test_a_quiet_batch_is_judged_in_a_few_reads_not_two_per_report(
        make_store: Callable[[], Store], tmp_path: Path, analyzer: Analyzer) -> None:
    """Thirty complaints in a day where fifty are needed: every judgement screened out."""
    root = write_config(tmp_path / "quiet", BRANDS_YAML)
    (root / "rules.yaml").write_text("min_evidence: 50\n", encoding="utf-8")
    config = load_config(root)
    store, engine, _ = setup(make_store, config, analyzer)
    watched = Watched(store)
    feed(judged_by(watched, config, analyzer, engine.clock),
         reports(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 30, minutes=30))
    assert store.list_incidents() == []
    assert watched.reads["open_incident_for"] == 0
    assert watched.reads["search"] == 0  # no signal computed
    assert sum(watched.reads.values()) <= 4  # two per report before: one batch read each


MINUTES = 10 * 24 * 60
BRANDS = ("a", "b", "c", "d")


def bucketed(docs: list[tuple[str, int]], offset: int) -> screen.Count:
    """A count as the stores give it: per brand and bucket start (zone-aligned), in range."""
    def count(brands: list[str], since: datetime, until: datetime,
              bucket: timedelta) -> list[tuple[Hashable, datetime, int]]:
        assert len(brands) * ((until - since) / bucket) <= screen.PAIRS + 2 * len(brands)
        size, found = int(bucket.total_seconds()), {}
        for brand, minute in docs:
            t = int(ORIGIN.timestamp()) + 60 * minute
            if brand in brands and since.timestamp() <= t < until.timestamp():
                start = (t + offset) // size * size - offset
                found[(brand, start)] = found.get((brand, start), 0) + 1
        return [(b, datetime.fromtimestamp(s, TZ), n) for (b, s), n in found.items()]
    return count


ORIGIN = datetime(2026, 11, 1, tzinfo=TZ)


@given(docs=st.lists(st.tuples(st.sampled_from(BRANDS), st.integers(0, MINUTES)), max_size=80),
       asks=st.lists(st.tuples(st.lists(st.sampled_from(BRANDS), min_size=1, max_size=3,
                                        unique=True), st.integers(0, MINUTES)),
                     min_size=1, max_size=30),
       window=st.sampled_from([timedelta(minutes=30), timedelta(hours=6), timedelta(days=1)]),
       offset=st.sampled_from([0, 8 * 3600, -5 * 3600]))
def test_a_batch_bound_is_never_below_the_asks_own_count(
        docs: list[tuple[str, int]], asks: list[tuple[list[str], int]], window: timedelta,
        offset: int) -> None:
    made = [Ask(group[0], "c", ORIGIN + timedelta(minutes=m), tuple(group[1:]))
            for group, m in asks]
    found = screen.bounds(made, window, bucketed(docs, offset), lambda _, brand: brand)
    slack = screen.bucket_for(window) + screen.MARGIN
    for ask, bound in zip(made, found, strict=True):
        def within(lo: datetime, hi: datetime, ask: Ask = ask) -> int:
            return sum(1 for b, m in docs if b in ask.group
                       and lo <= ORIGIN + timedelta(minutes=m) < hi)
        exact = within(ask.at - window, ask.at + screen.STEP)
        assert exact <= bound <= within(ask.at - window - slack - screen.bucket_for(window),
                                        ask.at + screen.STEP + slack)



@given(minutes=st.lists(st.integers(0, 2 * 24 * 60), min_size=1, max_size=20),
       docs=st.lists(st.tuples(st.integers(0, 299), st.integers(0, 3 * 24 * 60)),
                     max_size=200))
def test_a_regional_brand_with_hundreds_of_members_is_counted_once_within_the_limit(
        minutes: list[int], docs: list[tuple[int, int]]) -> None:
    """Roll-up asks of one 300-brand cluster share one count, in buckets wide enough that
    brands x buckets stays within the budget (`bucketed` asserts it), and still bound."""
    members = tuple(f"m{n}" for n in range(1, 300))
    made = [Ask("m0", "c", ORIGIN + timedelta(minutes=m), members) for m in minutes]
    calls: list[int] = []
    count = bucketed([(f"m{b}", m) for b, m in docs], 8 * 3600)

    def counted(brands: list[str], since: datetime, until: datetime,
                bucket: timedelta) -> list[tuple[Hashable, datetime, int]]:
        calls.append(len(brands))
        return count(brands, since, until, bucket)

    window = timedelta(days=1)
    found = screen.bounds(made, window, counted, lambda _, brand: brand)
    assert calls == [300]  # asks within RUN windows of one group: one count
    for ask, bound in zip(made, found, strict=True):
        exact = sum(1 for _, m in docs
                    if ask.at - window <= ORIGIN + timedelta(minutes=m) < ask.at + screen.STEP)
        assert bound >= exact
