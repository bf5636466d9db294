"""Elasticsearch faults against a real node: down at start, gone mid-run, mapping conflict."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from elasticsearch import Elasticsearch

from brandguard.errors import StoreRejected, StoreUnavailable
from brandguard.pipeline import Pipeline
from brandguard.spool import Spool
from brandguard.store.base import SearchQuery
from brandguard.store.es.mappings import drop
from brandguard.store.es.store import ElasticsearchStore
from tests.conftest import drop_indices, es_settings, jsonl, run_cli, write_config
from tests.es_node import EsNode, free_port

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer


def lines(*records: dict[str, object]) -> list[tuple[int, bytes]]:
    return list(enumerate(jsonl(*records).encode().splitlines(), start=1))


def news(n: int, month: int = 11) -> dict[str, object]:
    return {"url": f"http://news.example/{month}/{n}", "title": f"八马茶业第{n}条",
            "text": f"八马茶业一批次产品抽检不合格，第{n}条报道。",
            "published_at": f"2026-{month:02d}-{n % 27 + 1:02d}T09:00:00+08:00"}


def test_unreachable_cluster_at_start_is_a_clear_error(config: Config, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    with pytest.raises(StoreUnavailable, match=r"not reachable.*connect_wait"):
        ElasticsearchStore(url, es_settings(config, url).settings)
    with pytest.raises(StoreUnavailable, match=r"after waiting 1 s"):
        ElasticsearchStore(url, es_settings(config, url, connect_wait=1.0).settings)
    root = write_config(tmp_path / "cfg")
    result = run_cli("--config", str(root), "--store", url, "search", "八马")
    assert result.returncode == 1
    assert f"error: Elasticsearch at {url}: not reachable" in result.stderr
    assert "Traceback" not in result.stderr


class Judged:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None:
        self.ids += [doc.id for doc, _ in items]


def restartable(node: EsNode) -> EsNode:
    if not node.managed:
        message = "needs a node this run starts and stops (BRANDGUARD_ES_HOME)"
        if os.environ.get("BRANDGUARD_REQUIRE_ES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return node


def test_documents_queue_durably_while_the_node_is_down_and_flush_when_it_returns(
        es_node: EsNode, config: Config, analyzer: Analyzer, tmp_path: Path) -> None:
    node = restartable(es_node)
    cfg = es_settings(config, node.url)
    settings = cfg.settings.model_copy(update={"spool": tmp_path / "spool.db"})
    store = ElasticsearchStore(node.url, settings)
    judged = Judged()
    pipeline = Pipeline(analyzer, store, settings, hooks=[judged])
    try:
        assert pipeline.ingest(lines(*(news(n) for n in range(3)))).accepted == 3
        node.stop()
        report = pipeline.ingest(lines(*(news(n) for n in range(3, 7))))
        assert (report.accepted, report.queued, report.rejected) == (0, 4, [])
        assert len(Spool(tmp_path / "spool.db", settings.tz)) == 4  # on disk, not in memory
        with pytest.raises(StoreUnavailable):
            pipeline.drain()
        node.start()
        assert pipeline.drain() == 4
        assert len(pipeline.spool) == 0
        assert store.search(SearchQuery(brands=("bama",))).total == 7
        assert len(judged.ids) == 7  # the queued ones were judged once stored
    finally:
        if node.process is None:
            node.start()
        drop_indices(store)
        store.close()


def test_mapping_conflict_is_refused_at_start_naming_the_field(
        es_node: EsNode, config: Config) -> None:
    cfg = es_settings(config, es_node.url)
    prefix = cfg.settings.elasticsearch.index_prefix
    client = Elasticsearch(es_node.url)
    client.indices.create(index=f"{prefix}-docs-2026.10",
                          mappings={"properties": {"published_at": {"type": "boolean"}}})
    try:
        with pytest.raises(StoreRejected, match=rf"{prefix}-docs-2026.10: field \[published_at\] "
                                                r"is mapped as 'boolean', brandguard needs 'date'"):
            ElasticsearchStore(es_node.url, cfg.settings)
    finally:
        drop(client, prefix)
        client.close()


@pytest.mark.parametrize(("count", "workers"), [(3, 1), (260, 3)],
                         ids=["one-request", "concurrent-slices"])
def test_a_document_refused_for_a_conflicting_mapping_is_reported_and_the_rest_kept(
        es_node: EsNode, config: Config, analyzer: Analyzer, count: int, workers: int) -> None:
    cfg = es_settings(config, es_node.url, bulk_workers=workers)
    store = ElasticsearchStore(es_node.url, cfg.settings)
    # another tool creates next month's index by hand, with a conflicting type
    store.client.indices.create(index=f"{store.prefix}-docs-2026.10",
                                mappings={"properties": {"published_at": {"type": "boolean"}}})
    refused = count - 1  # in the last slice when the batch is cut into several
    try:
        records = [news(n, month=10 if n == refused else 11) for n in range(count)]
        report = Pipeline(analyzer, store, cfg.settings).ingest(lines(*records))
        assert report.accepted == count - 1
        assert [r.line for r in report.rejected] == [refused + 1]
        assert "published_at" in report.rejected[0].reason
        assert f"{store.prefix}-docs-2026.10" in report.rejected[0].reason
        assert store.search(SearchQuery(brands=("bama",))).total == count - 1
    finally:
        drop_indices(store)
        store.close()


def test_a_refused_move_to_another_month_keeps_the_stored_copy(
        es_node: EsNode, config: Config, analyzer: Analyzer) -> None:
    cfg = es_settings(config, es_node.url)
    store = ElasticsearchStore(es_node.url, cfg.settings)
    store.client.indices.create(index=f"{store.prefix}-docs-2026.10",
                                mappings={"properties": {"published_at": {"type": "boolean"}}})
    pipeline = Pipeline(analyzer, store, cfg.settings)
    try:
        assert pipeline.ingest(lines(news(5))).accepted == 1
        moved = {**news(5), "published_at": "2026-10-06T09:00:00+08:00"}
        report = pipeline.ingest(lines(moved))
        assert (report.accepted, [r.line for r in report.rejected]) == (0, [1])
        assert pipeline.ingest(lines(news(5))).stored.unchanged == 1  # still known as stored
        kept = store.search(SearchQuery(brands=("bama",)))
        assert [h.document.published_at.month for h in kept.hits
                if h.document.published_at] == [11]
    finally:
        drop_indices(store)
        store.close()
