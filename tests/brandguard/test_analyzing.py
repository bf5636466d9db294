"""Analysis in worker processes (`ingest --workers N`): the store, the judgement and the
report are what one process gives, and a worker that dies costs no line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

from brandguard import wiring
from brandguard.analyzing import ANALYSIS_BATCH, WORKER_NICENESS, Workers
from brandguard.configuration.loader import load_config
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.sqlite import SqliteStore
from tests.conftest import EXAMPLE_CONFIG, jsonl

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import pytest

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document

DEMO = EXAMPLE_CONFIG / "demo" / "documents.jsonl"
PARENT = os.getpid()


def _demo_lines() -> list[tuple[int, bytes]]:
    """The demo's documents, three times over under new ids (so batches fill and reposts
    fold), with a line that does not parse and one that names no brand."""
    raw = DEMO.read_bytes().splitlines()
    lines = [line.replace(b'.html"', f'-{copy}.html"'.encode()) for copy in range(3)
             for line in raw]
    lines[5:5] = [b'{"text": ', jsonl({"url": "http://x.example/1", "text": "今天天气很好。"}
                                      ).encode().strip()]
    return list(enumerate(lines, start=1))


def _contents(store: SqliteStore) -> dict[str, Any]:
    """What a run leaves behind, without the times of the run itself."""
    docs = sorted((item.document.id, json.dumps(item.analysis.to_json(), sort_keys=True),
                   item.duplicate_of) for item in store.scan(1000))
    stories = sorted((story.id, story.documents, story.reposts, tuple(sorted(members)))
                     for story, members in store.scan_stories())
    incidents = sorted((i.brand, i.category, i.level) for i in store.list_incidents())
    return {"documents": docs, "stories": stories, "incidents": incidents}


def _ingest(tmp_path: Path, name: str, workers: int) -> tuple[dict[str, Any], dict[str, Any]]:
    config = load_config(EXAMPLE_CONFIG)
    with SqliteStore(tmp_path / f"{name}.db", config.settings.tz) as store:
        wired = wiring.build(config, store, alerts=False, workers=workers)
        try:
            report = wired.pipeline.ingest(_demo_lines())
        finally:
            wired.close()
        return report.to_json(), _contents(store)


def test_workers_store_and_judge_what_one_process_does(tmp_path: Path) -> None:
    one_report, one = _ingest(tmp_path, "one", 0)
    many_report, many = _ingest(tmp_path, "many", 2)
    assert one_report["rejected"] >= 1
    assert one_report["unmatched"] >= 1
    assert one["incidents"]
    assert one["stories"]
    assert many_report == one_report
    assert many == one


class Dying(Analyzer):
    """Fault injection: a worker process that meets 爆炸 exits at once, as if the OS had
    killed it; the parent analyses the same batch without trouble."""

    def analyze_batch(self, docs: Sequence[Document]) -> list[Analysis]:
        if os.getpid() != PARENT and any("爆炸" in d.text for d in docs):
            os._exit(70)
        return super().analyze_batch(docs)


def test_a_worker_that_dies_costs_no_line(config: Config, tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    count = 3 * ANALYSIS_BATCH
    records = [{"url": f"http://news.example/{i}", "text": f"八马茶业第{i}次发布新品。"}
               for i in range(count)]
    records[ANALYSIS_BATCH + 3]["text"] = "八马茶业仓库爆炸。"  # the second batch
    lines = list(enumerate(jsonl(*records).encode("utf-8").splitlines(), start=1))
    workers = Workers(2, Dying.from_config(config), config)
    try:
        with (SqliteStore(tmp_path / "s.db", config.settings.tz) as store,
              caplog.at_level(logging.WARNING, logger="brandguard.analyzing")):
            report = Pipeline(workers.local.analyzer, store, config.settings,
                              analyzing=workers).ingest(lines)
            stored = {item.document.url for item in store.scan(1000)}
    finally:
        workers.close()
    assert report.read == count
    assert report.accepted == count
    assert not report.rejected
    assert stored == {r["url"] for r in records}
    assert workers.broken
    assert "analysis worker process died" in caplog.text


def test_documents_from_a_collector_take_the_workers_too(config: Config,
                                                         tmp_path: Path) -> None:
    analyzer = Analyzer.from_config(config)
    docs = _documents(config, 40)
    workers = Workers(1, analyzer, config)
    try:
        with SqliteStore(tmp_path / "s.db", config.settings.tz) as store:
            report = Pipeline(analyzer, store, config.settings,
                              analyzing=workers).ingest_documents(docs)
            analyses = {i.document.id: i.analysis.to_json() for i in store.scan(100)}
    finally:
        workers.close()
    assert report.accepted == len(docs)
    assert analyses == {d.id: analyzer.analyze(d).to_json() for d in docs}


def test_workers_run_at_a_lower_priority_than_the_writer(config: Config) -> None:
    """The one store writer gets a core whenever it can run (analyzing.WORKER_NICENESS)."""
    workers = Workers(1, Analyzer.from_config(config), config)
    try:
        niceness = workers.pool.submit(os.nice, 0).result()
    finally:
        workers.close()
    assert niceness == min(os.nice(0) + WORKER_NICENESS, 19)


def _documents(config: Config, count: int, run: int = 0) -> list[Document]:
    from tests.conftest import make_doc

    return [make_doc(f"八马茶业第{run}-{i}批产品抽检合格，安溪铁观音品质稳定。", config=config)
            for i in range(count)]


def test_threads_sharing_the_workers_each_get_their_own_documents(
        config: Config, tmp_path: Path) -> None:
    """`run`'s collection threads share one pool: each thread's documents come back to it,
    complete and in order, however the pool interleaves them."""
    analyzer = Analyzer.from_config(config)
    runs = [_documents(config, ANALYSIS_BATCH + 40, run) for run in range(3)]
    got: dict[int, tuple[int, list[str]]] = {}
    workers = Workers(2, analyzer, config)

    def collect(run: int) -> None:
        with SqliteStore(tmp_path / f"{run}.db", config.settings.tz) as store:
            report = Pipeline(analyzer, store, config.settings,
                              analyzing=workers).ingest_documents(runs[run])
            got[run] = (report.accepted, [i.document.id for i in store.scan(1000)])

    threads = [threading.Thread(target=collect, args=(run,)) for run in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        workers.close()
    assert got == {run: (len(docs), [d.id for d in docs]) for run, docs in enumerate(runs)}


def test_run_starts_and_stops_its_workers(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "brandguard", "--config", str(EXAMPLE_CONFIG), "--store",
         f"sqlite:///{tmp_path / 's.db'}", "run", "--workers", "2", "--print-schedule"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "store:drain" in done.stdout


def test_the_cli_reports_the_same_with_workers(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(raw for _, raw in _demo_lines()) + b"\n")
    reports = []
    for workers in ("0", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "brandguard", "--config", str(EXAMPLE_CONFIG), "--store",
             f"sqlite:///{tmp_path / workers}.db", "ingest", str(source), "--json",
             "--workers", workers], capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert reports[0]["accepted"] > 0
    assert reports[1] == reports[0]


def test_where_fork_is_missing_spawned_workers_build_their_own_analyzer(
        config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spawn path (no fork: Windows, macOS defaults) pickles the config, and each worker
    builds its analyzer from it: the analyses are the same."""
    monkeypatch.setattr("brandguard.analyzing.multiprocessing.get_all_start_methods",
                        lambda: ["spawn"])
    analyzer = Analyzer.from_config(config)
    docs = _documents(config, 30, run=9)
    workers = Workers(1, analyzer, config)
    try:
        with SqliteStore(tmp_path / "s.db", config.settings.tz) as store:
            Pipeline(analyzer, store, config.settings, analyzing=workers).ingest_documents(docs)
            analyses = {i.document.id: i.analysis.to_json() for i in store.scan(100)}
    finally:
        workers.close()
    assert workers.pool._mp_context.get_start_method() == "spawn"
    assert not workers.broken
    assert analyses == {d.id: analyzer.analyze(d).to_json() for d in docs}
