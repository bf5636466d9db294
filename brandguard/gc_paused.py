"""Cyclic garbage collection held off while a batch is being worked on.

A batch allocates hundreds of thousands of short-lived containers (token lists, hits,
tuples) and frees nearly all of them by reference counting when it ends; none form cycles
worth finding mid-batch. Yet every 700 net allocations CPython runs a young-generation
collection, and each one walks the batch's large live lists. Measured with `gc.callbacks`:
`bench analyze` spent 33 µs of every ~800 µs document in collections, 9 with its batches
held; one-process `ingest` spent 158 µs per document (94 in full collections over the
loaded model), 60–65 with its analysis and store writes held. Cycles are still found: the
collector runs at the first allocation after a hold ends.

A hold lasts one batch's analysis or store write. The alert hooks run outside it: a
channel's delivery may wait on the network, and the switch is process-wide.

Nested and concurrent holds (`run` analyses on several threads) count: collection resumes
when the last one ends, and only if it was on before the first began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

_LOCK = threading.Lock()
_holds = 0
_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    global _holds, _was_enabled
    with _LOCK:
        if _holds == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holds += 1
    try:
        yield
    finally:
        with _LOCK:
            _holds -= 1
            if _holds == 0 and _was_enabled:
                gc.enable()
