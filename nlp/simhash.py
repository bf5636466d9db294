"""64-bit SimHash over tokens, for folding near-duplicate reposts (转载).

Token hashes are cached (the vocabulary repeats across documents) and the bit voting is one
numpy operation, so a fingerprint costs tens of microseconds.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

_CACHE: dict[str, int] = {}
_CACHE_LIMIT = 500_000
_WEIGHTS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def _hash(token: str) -> int:
    value = _CACHE.get(token)
    if value is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        value = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        _CACHE[token] = value
    return value


def simhash(tokens: Iterable[str], idf: Mapping[str, float] | None = None,
            default_idf: float = 1.0) -> int:
    """Weights are count x IDF when `idf` is given: on a short news body, function words and
    punctuation would otherwise outvote the words that make the story."""
    counts = Counter(t for t in tokens if t.strip() and (t.isalnum() or len(t) > 1))
    if not counts:
        return 0
    hashes = np.fromiter((_hash(t) for t in counts), dtype=np.uint64, count=len(counts))
    if idf is None:
        weights = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    else:
        weights = np.fromiter((c * idf.get(t, default_idf) for t, c in counts.items()),
                              dtype=np.float64, count=len(counts))
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = (bits.astype(np.float64) * 2.0 - 1.0).T @ weights
    return int(_WEIGHTS[votes > 0].sum())


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
