"""Keywords by TF-IDF over the tokens already cut, with jieba's own IDF table.

`jieba.analyse.extract_tags` would segment the text a second time; reusing the tokens keeps
analysis at one segmentation per document while ranking exactly as jieba's TF-IDF does.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba.analyse

if TYPE_CHECKING:
    from collections.abc import Iterable


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float, frozenset[str]]:
    tfidf = jieba.analyse.default_tfidf
    return tfidf.idf_freq, tfidf.median_idf, frozenset(tfidf.stop_words)


def idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median (the weight of an unknown word)."""
    idf, median, _ = _idf()
    return idf, median


def keywords(tokens: Iterable[str], top: int, skip: frozenset[str] = frozenset()) -> list[str]:
    idf, median, stop = _idf()
    counts = Counter(t for t in tokens
                     if len(t) > 1 and t not in stop and t not in skip and not t.isascii())
    scored = sorted(counts.items(), key=lambda kv: (-kv[1] * idf.get(kv[0], median), kv[0]))
    return [word for word, _ in scored[:top]]
