"""Bulk items refused with 429 are retried; nothing is lost or counted twice.

A loopback proxy in front of the real node refuses every second document of each bulk
request the first time it sees it (the node never receives those items; the proxy answers
them with the 429 a busy node gives, in their place in the item list). Everything else,
including the rest of each bulk request, goes to the real node unchanged.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import pytest

from brandguard.net.local_server import serving
from brandguard.pipeline import Pipeline
from brandguard.store.base import SearchQuery
from brandguard.store.es.store import ElasticsearchStore
from tests.conftest import drop_indices, es_settings, jsonl
from tests.es_proxy import EsProxy, to_node

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer
    from tests.es_node import EsNode


class Refusals:
    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.refused: list[str] = []
        self.requests: list[int] = []  # actions per bulk request, in arrival order
        self.lock = threading.Lock()

    def split(self, lines: list[bytes]) -> tuple[list[bytes], list[tuple[int, dict[str, Any]]]]:
        """The lines to forward, and (position, refused item) for the rest."""
        forward: list[bytes] = []
        refused: list[tuple[int, dict[str, Any]]] = []
        position = 0
        i = 0
        while i < len(lines):
            action = json.loads(lines[i])
            op, meta = next(iter(action.items()))
            width = 1 if op == "delete" else 2
            with self.lock:
                refuse = op == "index" and position % 2 == 1 and meta["_id"] not in self.seen
                self.seen.add(meta["_id"])
                if refuse:
                    self.refused.append(meta["_id"])
            if refuse:
                refused.append((position, {op: {
                    "_index": meta["_index"], "_id": meta["_id"], "status": 429,
                    "error": {"type": "es_rejected_execution_exception",
                              "reason": "rejected execution (injected by the test proxy)"}}}))
            else:
                forward += lines[i:i + width]
            i += width
            position += 1
        with self.lock:
            self.requests.append(position)
        return forward, refused


def proxy_handler(node: str, refusals: Refusals) -> type[EsProxy]:
    class Busy(EsProxy):
        def route(self, body: bytes) -> tuple[int, bytes]:
            if self.command in ("POST", "PUT") and self.path.split("?")[0].endswith("/_bulk"):
                return self._bulk([line for line in body.split(b"\n") if line])
            return self.forward(body)

        def _bulk(self, lines: list[bytes]) -> tuple[int, bytes]:
            forward, refused = refusals.split(lines)
            items: list[dict[str, Any]] = []
            if forward:
                status, data = self.forward(b"\n".join(forward) + b"\n")
                if status != 200:
                    return status, data
                items = json.loads(data)["items"]
            for position, item in refused:
                items.insert(position, item)
            reply = {"took": 1, "errors": True, "items": items}
            return 200, json.dumps(reply).encode()

    return to_node(Busy, node)


@pytest.mark.parametrize(("count", "workers", "first_requests"),
                         [(40, 1, [40]), (260, 3, [60, 100, 100])],
                         ids=["one-request", "concurrent-slices"])
def test_items_refused_with_429_are_retried_until_stored(
        es_node: EsNode, config: Config, analyzer: Analyzer, count: int, workers: int,
        first_requests: list[int]) -> None:
    refusals = Refusals()
    with serving(proxy_handler(es_node.url, refusals)) as url:
        cfg = es_settings(config, url, bulk_workers=workers)
        store = ElasticsearchStore(url, cfg.settings)
        try:
            records = [{"url": f"http://news.example/429/{n}",
                        "text": f"八马茶业第{n}条消息，产品抽检合格。",
                        "published_at": f"2026-11-{n % 28 + 1:02d}T09:00:00+08:00"}
                       for n in range(count)]
            lines = list(enumerate(jsonl(*records).encode().splitlines(), start=1))
            report = Pipeline(analyzer, store, cfg.settings).ingest(lines)
            assert sorted(refusals.requests[:len(first_requests)]) == first_requests
            assert len(refusals.refused) == sum(n // 2 for n in first_requests)
            assert (report.accepted, report.stored.inserted, report.rejected) == (count, count, [])
            assert store.search(SearchQuery(brands=("bama",))).total == count
            again = Pipeline(analyzer, store, cfg.settings).ingest(lines)
            assert (again.accepted, again.stored.unchanged) == (0, count)  # nothing twice
        finally:
            drop_indices(store)
            store.close()
