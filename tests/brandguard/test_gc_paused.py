"""`gc_paused`: no cyclic collection while a batch runs, collection back on after the last
hold, and a collector someone else turned off left off."""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING

import pytest

from brandguard.gc_paused import gc_paused
from brandguard.pipeline import Pipeline
from brandguard.store.sqlite import SqliteStore
from tests.conftest import jsonl, make_doc

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import UpsertResult, WriteForm


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_holds_resume_collection_after_the_outer_one() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failing_batch_still_resumes_collection() -> None:
    with pytest.raises(ValueError, match="bad"), gc_paused():
        raise ValueError("bad")
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_holds_on_threads_resume_when_the_last_ends() -> None:
    """Thread A holds; B holds; A ends (B still working: still paused); B ends: on."""
    b_holding, b_may_end = threading.Event(), threading.Event()
    seen: list[bool] = []

    def second() -> None:
        with gc_paused():
            b_holding.set()
            b_may_end.wait()
            seen.append(gc.isenabled())

    thread = threading.Thread(target=second)
    with gc_paused():
        thread.start()
        b_holding.wait()
    seen.append(gc.isenabled())
    b_may_end.set()
    thread.join()
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_batch_is_analysed_with_collection_paused(analyzer: Analyzer, config: Config,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    states: list[bool] = []
    cut = analyzer.segmenter.cut

    def watched(text: str) -> list[str]:
        states.append(gc.isenabled())
        return cut(text)

    monkeypatch.setattr(analyzer.segmenter, "cut", watched)
    analyzer.analyze_batch([make_doc("八马茶业被曝质量问题。", config=config)])
    assert states
    assert not any(states)
    assert gc.isenabled()


class WatchedStore(SqliteStore):
    """A real store that notes whether collection was on while it wrote."""

    states: list[bool]

    def upsert(self, items: Sequence[tuple[Document, Analysis]],
               forms: Sequence[WriteForm] | None = None) -> UpsertResult:
        self.states.append(gc.isenabled())
        return super().upsert(items, forms)


class Hook:
    def __init__(self) -> None:
        self.states: list[bool] = []

    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None:
        self.states.append(gc.isenabled())


def test_a_store_write_is_held_and_the_hooks_are_not(analyzer: Analyzer, config: Config,
                                                     tmp_path: Path) -> None:
    """Alert delivery runs in a hook and may wait on the network: never inside a hold."""
    hook = Hook()
    lines = list(enumerate(jsonl({"url": "http://news.example/1",
                                  "text": "八马茶业被曝质量问题。"}).encode().splitlines(),
                           start=1))
    with WatchedStore(tmp_path / "s.db", config.settings.tz) as store:
        store.states = []
        report = Pipeline(analyzer, store, config.settings, hooks=[hook]).ingest(lines)
    assert report.accepted == 1
    assert store.states == [False]
    assert hook.states == [True]
    assert gc.isenabled()
