"""Bulk writes to Elasticsearch: slices of one write in flight at once, each item's outcome
read on its own.

A node indexes one bulk request on one write thread. So a write is cut into slices that are
sent concurrently (`elasticsearch.bulk_workers` threads), and each slice leaves as soon as
it is full: the node indexes it while the store builds the next one. Items refused with 429
are retried by `streaming_bulk` with exponential back-off; any other refusal (say, a mapping
conflict) is reported with the cluster's reason, and the rest of the write is kept.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from elasticsearch.helpers import streaming_bulk

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

MIN_SLICE = 100  # actions: below this a concurrent slice costs more than it saves
# what is read of a bulk answer; the rest (shard and version details) is most of it
FIELDS = ["errors", "items.*._id", "items.*._index", "items.*.status", "items.*.error"]

Action = dict[str, Any]
Refusals = dict[str, str]  # document id -> the cluster's reason


class Bulk:
    """A store's bulk sender: its client, request size and pool of sending threads."""

    def __init__(self, client: Elasticsearch, batch: int, workers: int) -> None:
        self.client, self.batch, self.workers = client, batch, workers
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="es-bulk")

    def slices(self, expected: int) -> Slices:
        """A sender for one write of about `expected` actions."""
        return Slices(self, max(MIN_SLICE, -(-expected // self.workers)))

    def write(self, actions: list[Action]) -> Refusals:
        out = self.slices(len(actions))
        for action in actions:
            out.append(action)
        return out.finish()

    def send(self, actions: list[Action]) -> Refusals:
        refused: Refusals = {}
        for ok, item in streaming_bulk(self.client, actions, chunk_size=self.batch,
                                       max_retries=5, initial_backoff=0.5, max_backoff=30,
                                       raise_on_error=False, filter_path=FIELDS):
            op, info = next(iter(item.items()))
            if not ok and not (op == "delete" and info.get("status") == 404):
                refused[str(info.get("_id"))] = refusal(info)
        return refused

    def close(self) -> None:
        self.pool.shutdown()


class Slices:
    """The actions of one write, sent a slice at a time as they are appended."""

    def __init__(self, bulk: Bulk, size: int) -> None:
        self.bulk, self.size = bulk, size
        self.pending: list[Action] = []
        self.sent: list[Future[Refusals]] = []

    def append(self, action: Action) -> None:
        self.pending.append(action)
        if len(self.pending) >= self.size:
            self._submit()

    def finish(self) -> Refusals:
        """Wait for every slice; the refused items of all of them. A slice that could not
        be sent at all (the cluster went away) raises here."""
        if self.pending:
            self._submit()
        refused: Refusals = {}
        for future in self.sent:
            refused.update(future.result())
        return refused

    def _submit(self) -> None:
        for future in self.sent:  # a cluster that is gone for one slice is gone for all
            if future.done() and future.exception() is not None:
                future.result()
        self.sent.append(self.bulk.pool.submit(self.bulk.send, self.pending))
        self.pending = []


def refusal(info: dict[str, Any]) -> str:
    error = info.get("error")
    if not isinstance(error, dict):
        error = {"reason": str(error)}
    reason = error.get("reason", str(error))
    cause = error.get("caused_by", {}).get("reason")
    return (f"Elasticsearch refused the document in {info.get('_index')} "
            f"(HTTP {info.get('status')}): {reason}" + (f" ({cause})" if cause else ""))
