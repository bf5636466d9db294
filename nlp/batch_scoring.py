"""Sentence sentiment sums, keywords and index words for a whole batch, as array operations.

The per-document path (`SentimentModel.score_tokens`, `KeywordRanker.top`, the analyzer's
`_words`) defines the results; this computes the same ones over the token ids of every
sentence of a batch at once (nlp/token_table.py): negation marking by a running maximum,
binarised features per sentence by one sort, their weights by one gather and one
`bincount`, bigram weights by one `searchsorted`. Sums are taken in a different order than
the per-document loop, so they may differ in the last bits of a double; nothing else does.

`np.unique` is avoided on purpose: on int64 it hashes, and measured here it is ~20x slower
than `np.sort` plus a comparison of neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brandguard.nlp.sentiment import NEGATION_REACH
from brandguard.nlp.token_table import ID_BITS, TokenTable

_ID_MASK = (1 << ID_BITS) - 1
SENTENCE_BITS = 63 - 2 * ID_BITS  # sentences per call: below 2 ** 19


@dataclass(frozen=True, slots=True)
class SentenceScores:
    """Per sentence: summed news logits (negative, positive), summed opinion weight, and
    the number of distinct features."""

    news_negative: np.ndarray
    news_positive: np.ndarray
    opinion: np.ndarray
    counts: np.ndarray


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values of `keys`, sorted."""
    if keys.size == 0:
        return keys
    ordered = np.sort(keys)
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def sentence_scores(table: TokenTable, ids: np.ndarray, sentence: np.ndarray,
                    sentences: int) -> SentenceScores:
    """`ids`: every token of the batch in order; `sentence`: each token's sentence index
    (non-decreasing, below 2 ** SENTENCE_BITS)."""
    facts = table.facts(ids)
    keep = (facts & TokenTable.SKIP) == 0
    words, where = ids[keep], sentence[keep]
    marked = _negation_marked(facts[keep], where)
    # keys sort by feature (then sentence), so the weight gathers and the bigram search
    # walk their tables in order: six times faster here than in sentence order
    low = (1 << SENTENCE_BITS) - 1
    singles = _distinct((2 * words + marked) << SENTENCE_BITS | where)
    single_sentence, feature = singles & low, singles >> SENTENCE_BITS
    arrays = table.model
    known = feature < arrays.news_neg.size
    slot = np.where(known, feature, 0)

    def single_sum(column: np.ndarray) -> np.ndarray:
        return np.bincount(single_sentence, np.where(known, column[slot], 0.0), sentences)

    same = where[1:] == where[:-1]
    pairs = _distinct(((words[:-1] << ID_BITS | words[1:]) << SENTENCE_BITS | where[1:])[same])
    pair_sentence, pair = pairs & low, pairs >> SENTENCE_BITS
    found = np.searchsorted(arrays.pair_keys, pair)
    found = np.minimum(found, max(arrays.pair_keys.size - 1, 0))
    hit = arrays.pair_keys[found] == pair if arrays.pair_keys.size else np.zeros(0, bool)

    def pair_sum(column: int) -> np.ndarray:
        weights = np.where(hit, arrays.pair_weights[found, column], 0.0)
        return np.bincount(pair_sentence, weights, sentences)

    counts = (np.bincount(single_sentence, minlength=sentences)
              + np.bincount(pair_sentence, minlength=sentences))
    return SentenceScores(single_sum(arrays.news_neg) + pair_sum(0),
                          single_sum(arrays.news_pos) + pair_sum(1),
                          single_sum(arrays.opinion) + pair_sum(2), counts)


def _negation_marked(facts: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """1 where a word is marked: within NEGATION_REACH words after a negator of its own
    sentence and not a negator itself (what the per-sentence loop does)."""
    negator = (facts & TokenTable.NEGATOR) != 0
    if not negator.any():
        return np.zeros(facts.size, dtype=np.int64)
    position = np.arange(facts.size)
    last = np.maximum.accumulate(np.where(negator, position, -1))
    previous = np.empty_like(last)
    previous[0] = -1
    previous[1:] = last[:-1]
    reached = (previous >= 0) & (position - previous <= NEGATION_REACH)
    reached &= sentence[np.maximum(previous, 0)] == sentence
    marked: np.ndarray = (reached & ~negator).astype(np.int64)
    return marked


def keywords(table: TokenTable, ids: np.ndarray, doc: np.ndarray, docs: int,
             count: int) -> list[list[str]]:
    """Per document, the `count` words of highest term frequency x weight, ties broken by
    the larger word (as `heapq.nlargest` over (score, word) does). Arrays find each
    document's `count`-th best score; only words scoring at least that reach Python."""
    weight = table.keyword_weight(ids)
    chosen = weight > 0
    keys = np.sort(doc[chosen] << ID_BITS | ids[chosen])
    if keys.size == 0:
        return [[] for _ in range(docs)]
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    frequency = np.diff(np.append(starts, keys.size))
    owner, word = keys[starts] >> ID_BITS, keys[starts] & _ID_MASK
    score = frequency * table.keyword_weight(word)
    order = np.lexsort((-score, owner))
    owner, word, score = owner[order], word[order], score[order]
    first = np.searchsorted(owner, np.arange(docs))
    last = np.searchsorted(owner, np.arange(docs), side="right")
    cut = np.clip(np.minimum(first + count - 1, last - 1), 0, score.size - 1)
    threshold = np.where(last > first, score[cut], np.inf)
    selected = score >= threshold[owner]
    candidates: list[list[tuple[float, str]]] = [[] for _ in range(docs)]
    for index, value, text in zip(owner[selected].tolist(), score[selected].tolist(),
                                  table.words(word[selected].tolist()), strict=True):
        candidates[index].append((value, text))
    return [[text for _, text in sorted(c, reverse=True)[:count]] for c in candidates]


_POSITION_BITS = SENTENCE_BITS


def index_words(table: TokenTable, ids: np.ndarray, doc: np.ndarray,
                docs: int) -> list[tuple[str, ...]]:
    """Per document, its distinct words of two or more letters or digits in the order of
    first occurrence: what a store indexes as terms. One sort of (document, word,
    position) keys puts each word's first occurrence first in its run."""
    chosen = np.flatnonzero((table.facts(ids) & TokenTable.INDEXED) != 0)
    keys = np.sort((doc[chosen] << ID_BITS | ids[chosen]) << _POSITION_BITS | chosen)
    pair = keys >> _POSITION_BITS
    first = np.ones(keys.size, dtype=bool)
    np.not_equal(pair[1:], pair[:-1], out=first[1:])
    positions = np.sort(keys[first] & ((1 << _POSITION_BITS) - 1))
    bounds = np.searchsorted(doc[positions], np.arange(docs + 1))
    words = table.words(ids[positions].tolist())
    return [tuple(words[bounds[i]:bounds[i + 1]]) for i in range(docs)]
