"""Token ids and per-token arrays: what lets a batch be analysed as arrays, not strings.

On this kind of machine a lookup in a dictionary of a hundred thousand strings costs
hundreds of nanoseconds (cache misses), and the per-document path does four of them per
token (opinion or news weight, bigram weight, keyword weight, index word). Here each token
occurrence is looked up once, in one dictionary, and gets an integer id; every per-token
fact is an array indexed by that id (a feature id is `2 * id + marked`, so a
negation-marked "!好" is one more slot, not one more string), and bigram weights are one
sorted array of id pairs, found with `searchsorted`.

Ids of the model's words are fixed when the table is built. Words the model does not
know get ids as they are first seen; their facts (punctuation, negator, keyword weight,
index word) are computed once, in bulk, for the ids new in a batch. When the unknown part
grows past `DYNAMIC_LIMIT` it is dropped between batches, so a long run's memory stays
bounded and ids stay below `2 ** ID_BITS`.
"""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING

import numpy as np

from brandguard.nlp.sentiment import NEGATORS, skipped

if TYPE_CHECKING:
    from collections.abc import Iterable

    from brandguard.nlp.keywords import KeywordRanker
    from brandguard.nlp.sentiment import SentimentModel

ID_BITS = 22
DYNAMIC_LIMIT = (1 << ID_BITS) - 600_000  # leaves room for one batch's new words


class _Ids(dict[str, int]):
    """token -> id; an unseen token gets the next id (C-level `map(ids.__getitem__, …)`
    calls this only for misses)."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def __missing__(self, token: str) -> int:
        index = len(self.words)
        self[token] = index
        self.words.append(token)
        return index


class ModelArrays:
    """A model's vocabulary with fixed ids, and its weights as arrays; built once per
    loaded model (`of`), shared by every analyzer using it. Built from arrays, not
    per-feature Python objects, so building it does not raise the peak memory."""

    def __init__(self, model: SentimentModel) -> None:
        news = model.news
        vocabulary = set(news.weights) | set(model.table)
        vocabulary |= {k[1:] for k in vocabulary if len(k) > 1 and k[0] == "!"}
        for first, second in itertools.chain(news.bigrams, model.bigrams):
            vocabulary.add(first)
            vocabulary.add(second)
        self.words = sorted(vocabulary)  # sorted: the same ids in every process
        ids = {w: i for i, w in enumerate(self.words)}
        self.news_neg, self.news_pos, self.opinion = self._single_weights(model, ids)
        self.pair_keys, self.pair_weights = self._pair_weights(model, ids)

    @classmethod
    def of(cls, model: SentimentModel) -> ModelArrays:
        arrays: ModelArrays | None = model.__dict__.get("_arrays")
        if arrays is None:
            arrays = cls(model)
            object.__setattr__(model, "_arrays", arrays)  # a cache, not model state
        return arrays

    def _single_weights(self, model: SentimentModel, ids: dict[str, int],
                        ) -> tuple[np.ndarray, ...]:
        """Per feature id (2 * id + marked): news negative and positive logit, opinion
        weight; 0 where the model has no weight. A key "!x" is the marked feature of x
        and also the plain feature of a token spelt "!x", as a string lookup would be."""
        size = 2 * len(self.words)
        neg, pos, op = (np.zeros(size) for _ in range(3))

        def slots(key: str) -> list[int]:
            marked = [2 * ids[key[1:]] + 1] if len(key) > 1 and key[0] == "!" else []
            return [2 * ids[key], *marked]

        for key, w in model.news.weights.items():
            for slot in slots(key):
                neg[slot], pos[slot] = w.real, w.imag
        for key, o in model.table.items():
            for slot in slots(key):
                op[slot] = o
        return neg, pos, op

    @staticmethod
    def _pair_weights(model: SentimentModel, ids: dict[str, int],
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Sorted bigram keys (first id << ID_BITS | second id) and, per key, its news
        negative, news positive and opinion weight (columns 0, 1, 2)."""
        def keys(pairs: Iterable[tuple[str, str]], count: int) -> np.ndarray:
            return np.fromiter((ids[a] << ID_BITS | ids[b] for a, b in pairs),
                               dtype=np.int64, count=count)

        news, opinion = model.news.bigrams, model.bigrams
        news_keys, opinion_keys = keys(news, len(news)), keys(opinion, len(opinion))
        merged = np.union1d(news_keys, opinion_keys)
        weights = np.zeros((merged.size, 3))
        at = np.searchsorted(merged, news_keys)
        weights[at, 0] = np.fromiter((w.real for w in news.values()), float, len(news))
        weights[at, 1] = np.fromiter((w.imag for w in news.values()), float, len(news))
        weights[np.searchsorted(merged, opinion_keys), 2] = np.fromiter(
            opinion.values(), float, len(opinion))
        return merged, weights


class TokenTable:
    """Token ids for one analyzer: the model's fixed ones plus the words it has seen, and
    per id the facts a batch needs (`SKIP`, `NEGATOR`, `INDEXED` bits; keyword weight)."""

    SKIP, NEGATOR, INDEXED, KNOWN = 1, 2, 4, 8

    def __init__(self, model: SentimentModel, keywords: KeywordRanker) -> None:
        self.lock = threading.Lock()  # held from `trim` until a batch is done with its ids
        self.model = ModelArrays.of(model)
        self.ids = _Ids()
        self.ids.update((w, i) for i, w in enumerate(self.model.words))
        self.ids.words = list(self.model.words)
        self.keyword_weights = keywords.weights
        self.model_size = len(self.model.words)
        self._facts = np.zeros(self.model_size, dtype=np.int8)  # KNOWN unset: not yet
        self._kw = np.zeros(self.model_size, dtype=np.float64)

    def lookup(self, tokens: Iterable[str]) -> np.ndarray:
        """Ids of `tokens`, in order; their facts are ready to read afterwards."""
        ids = np.fromiter(map(self.ids.__getitem__, tokens), dtype=np.int64)
        self._learn(ids)
        return ids

    def facts(self, ids: np.ndarray) -> np.ndarray:
        facts: np.ndarray = self._facts[ids]
        return facts

    def keyword_weight(self, ids: np.ndarray) -> np.ndarray:
        weights: np.ndarray = self._kw[ids]
        return weights

    def words(self, ids: Iterable[int]) -> list[str]:
        return list(map(self.ids.words.__getitem__, ids))

    def trim(self) -> None:
        """Drop the ids of words the model does not know once there are too many; call
        between batches only (ids handed out before are void afterwards)."""
        words = self.ids.words
        if len(words) < DYNAMIC_LIMIT:
            return
        for word in words[self.model_size:]:
            del self.ids[word]
        del words[self.model_size:]
        self._facts = self._facts[:self.model_size]
        self._kw = self._kw[:self.model_size]

    def _learn(self, ids: np.ndarray) -> None:
        """Facts for the ids in `ids` not seen before, computed once each."""
        grow = len(self.ids.words) - self._facts.size
        if grow:
            self._facts = np.concatenate([self._facts, np.zeros(grow, dtype=np.int8)])
            self._kw = np.concatenate([self._kw, np.zeros(grow)])
        fresh = ids[(self._facts[ids] & self.KNOWN) == 0]
        if not fresh.size:
            return
        fresh = np.unique(fresh)
        words, weights = self.ids.words, self.keyword_weights
        self._facts[fresh] = [_flags(words[i]) for i in fresh.tolist()]
        self._kw[fresh] = [weights[words[i]] for i in fresh.tolist()]


def index_word(word: str) -> bool:
    """Two or more letters or digits: what a store indexes as a term."""
    return len(word) > 1 and word.isalnum()


def _flags(word: str) -> int:
    flags = TokenTable.KNOWN
    if skipped(word):
        flags |= TokenTable.SKIP
    if word in NEGATORS:
        flags |= TokenTable.NEGATOR
    if index_word(word):
        flags |= TokenTable.INDEXED
    return flags
