"""Two `brandguard run --shard K/2` workers against one real Elasticsearch node: every
source is fetched by exactly one of them, and every item ends up in the store."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter
from typing import TYPE_CHECKING

from brandguard.configuration.loader import load_config
from brandguard.net.local_server import QuietHandler, serving
from brandguard.scheduler import Shard
from brandguard.store.base import SearchQuery
from brandguard.store.es.store import ElasticsearchStore
from tests.conftest import drop_indices, write_config

if TYPE_CHECKING:
    from pathlib import Path

    from tests.es_node import EsNode

FEEDS = 12
ITEMS = 2


def feed(n: int) -> bytes:
    items = "".join(f"<item><title>八马茶业消息{n}-{i}</title><link>http://news.example/{n}/{i}"
                    f"</link><description>八马茶业第{n}号源的第{i}条消息。</description></item>"
                    for i in range(ITEMS))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{n}'
            f"</title>{items}</channel></rss>").encode()


def test_two_sharded_workers_fetch_each_source_once_and_lose_nothing(
        es_node: EsNode, tmp_path: Path) -> None:
    requests: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            n = int(self.path.rsplit("/", 1)[1])
            body = feed(n)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with lock:
                requests[self.path] += 1

    prefix = f"t{uuid.uuid4().hex[:10]}"
    root = write_config(tmp_path / "cfg", settings=(
        "allow_private_targets: ['127.0.0.0/8']\n"
        f"elasticsearch: {{index_prefix: {prefix}}}\n"))
    with serving(Handler) as base:
        (root / "sources.yaml").write_text("feeds:\n" + "".join(
            f"  - {{id: feed-{n}, url: '{base}/feed/{n}', interval: 1h}}\n"
            for n in range(FEEDS)), encoding="utf-8")
        config = load_config(root)
        owners = {f"feed-{n}": [k for k in (1, 2) if Shard(k, 2).owns(f"feed-{n}")]
                  for n in range(FEEDS)}
        assert all(len(o) == 1 for o in owners.values())  # a partition, whatever the ids
        store = ElasticsearchStore(es_node.url, config.settings)
        workers = [subprocess.Popen(
            [sys.executable, "-m", "brandguard", "--config", str(root), "--store",
             es_node.url, "run", "--shard", f"{k}/2"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=tmp_path) for k in (1, 2)]
        try:
            done = threading.Event()
            for _ in range(1200):  # until every source's state says its items are stored
                states = {s.id: s for s in store.source_states()}
                if len(states) == FEEDS and all(s.items == ITEMS for s in states.values()):
                    break
                done.wait(0.1)
            outputs = []
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
                outputs.append(worker.communicate(timeout=60))
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
        try:
            assert all(w.returncode == 0 for w in workers), outputs
            assert sorted(requests) == sorted(f"/feed/{n}" for n in range(FEEDS))
            assert set(requests.values()) == {1}  # no source fetched by both workers
            for k, (_, err) in zip((1, 2), outputs, strict=True):
                fetched = set(re.findall(r"collected (feed-\d+)", err))
                assert fetched == {s for s, o in owners.items() if o == [k]}
            store.client.indices.refresh(index=store.alias)  # other processes' writes
            total = store.search(SearchQuery(brands=("bama",), include_duplicates=True)).total
            assert total == FEEDS * ITEMS  # nothing lost
        finally:
            drop_indices(store)
            store.close()
