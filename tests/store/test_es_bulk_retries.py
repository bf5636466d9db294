"""Bulk items refused with 429 are retried; nothing is lost or counted twice.

A loopback proxy in front of the real node refuses every second document of each bulk
request the first time it sees it (the node never receives those items; the proxy answers
them with the 429 a busy node gives, in their place in the item list). Everything else,
including the rest of each bulk request, goes to the real node unchanged.
"""

from __future__ import annotations

import http.client
import json
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from brandguard.net.local_server import QuietHandler, serving
from brandguard.pipeline import Pipeline
from brandguard.store.base import SearchQuery
from brandguard.store.es.store import ElasticsearchStore
from tests.conftest import drop_indices, es_settings, jsonl

if TYPE_CHECKING:
    from brandguard.config.loader import Config
    from nlp.analyzer import Analyzer
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


def proxy_handler(node: str, refusals: Refusals) -> type[QuietHandler]:
    target = urlsplit(node)

    class Proxy(QuietHandler):
        def _forward(self, body: bytes) -> tuple[int, bytes]:
            conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "content-length", "connection")}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            return response.status, data

        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.command in ("POST", "PUT") and self.path.split("?")[0].endswith("/_bulk"):
                status, data = self._bulk([line for line in body.split(b"\n") if line])
            else:
                status, data = self._forward(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _bulk(self, lines: list[bytes]) -> tuple[int, bytes]:
            forward, refused = refusals.split(lines)
            items: list[dict[str, Any]] = []
            if forward:
                status, data = self._forward(b"\n".join(forward) + b"\n")
                if status != 200:
                    return status, data
                items = json.loads(data)["items"]
            for position, item in refused:
                items.insert(position, item)
            reply = {"took": 1, "errors": True, "items": items}
            return 200, json.dumps(reply).encode()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Proxy


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
