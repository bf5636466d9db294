"""Near-duplicates (reposts, 转载) as the store sees them: one decision, fed by each backend.

`brandguard.nlp.fingerprint` makes the signatures and band keys; a backend only finds the stored
texts that share a band key with a new one (SQLite: an index probe; Elasticsearch: one terms
query per batch, plus its own unrefreshed writes) and hands them to `first_copy` here, so the
rule is written once:
- only texts of at least `MIN_CHARS` characters are folded (short reviews such as "质量很好"
  repeat, and their repetition is signal);
- the first copy is the earliest stored (insertion order) text published within
  `REPOST_WINDOW` of the new one whose estimated similarity reaches the threshold;
- a repost of a repost links to the original;
- a backend reads at most `PROBE_PER_KEY` stored texts per band key, the earliest (SQLite:
  by publication time, Elasticsearch: by insertion), so a story reposted ten thousand times
  costs each new copy the few reads its second copy cost, not one read per earlier copy
  (the quadratic cost that stalled a run in a repost flood). Below that many texts per band
  key nothing is left out; above it, the earliest copies (the original among them) are the
  ones compared, and they are the ones a repost would be linked to.
The store layer depends on nothing in the stages.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from datetime import datetime

SIGNATURE_LENGTH = 64
MIN_CHARS = 80
REPOST_WINDOW = timedelta(days=30)  # reposts of a story appear within days; bounds the probe
PROBE_PER_KEY = 20  # stored texts read per band key (see above)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (uint32 each)."""
    sa = np.frombuffer(a, dtype=np.uint32)
    sb = np.frombuffer(b, dtype=np.uint32)
    if sa.size != SIGNATURE_LENGTH or sb.size != SIGNATURE_LENGTH:
        return 0.0
    return float(np.count_nonzero(sa == sb)) / SIGNATURE_LENGTH


def foldable(text: str, keys: Sequence[int]) -> bool:
    """Whether a text takes part in near-duplicate folding at all (indexed and probed)."""
    return len(text) >= MIN_CHARS and bool(keys)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored long text that may be the first copy of a new one."""

    id: str
    published: datetime
    signature: bytes
    duplicate_of: str | None
    order: int  # insertion order in its store (SQLite rowid, Elasticsearch seq)
    keys: frozenset[int] = frozenset()


def earliest_in_window(candidates: Iterable[Candidate], published: datetime,
                       ) -> Iterator[Candidate]:
    """The first `PROBE_PER_KEY` of one band key's `candidates` (given earliest first)
    published within `REPOST_WINDOW` of `published`: what a backend that holds a key's
    texts in memory reads, as SQLite's probe reads its index."""
    return itertools.islice(
        (c for c in candidates if abs(c.published - published) <= REPOST_WINDOW), PROBE_PER_KEY)


def first_copy(doc_id: str, signature: bytes, published: datetime,
               candidates: Iterable[Candidate], threshold: float) -> str | None:
    """The id the new text is a repost of, or None."""
    for other in sorted(candidates, key=lambda c: c.order):
        if (other.id != doc_id and abs(other.published - published) <= REPOST_WINDOW
                and other.signature and similarity(signature, other.signature) >= threshold):
            return other.duplicate_of or other.id
    return None
