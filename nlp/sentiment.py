"""Sentiment: a binarised naive-Bayes model over jieba tokens, scored as one table lookup.

snownlp's Bayes classifier is the model family; it is fed jieba tokens (its own segmenter
makes `SnowNLP(text).sentiments` cost ~60 docs/s) with negation marking ("不 好" -> "!好")
and token bigrams, each counted once per text. Training turns class counts into one
log-likelihood-ratio per feature, so scoring a text is a sum of dictionary lookups.

Opinions (reviews, social posts) are judged by the NB posterior, `sentiment >= 0.5`
positive, with a fixed neutral band. News is judged by a length-damped evidence `z` (sum of
ratios / sqrt(features), plus lexicon event cues such as 召回 or 荣获) with a neutral band:
review-trained sentiment alone calls most neutral news emotional. For news, `sentiment` is
`z` mapped so the band edges sit at 0.3 and 0.7, so number and label agree. The band and
cue weights are placed by `fit_band` on three-class data (`train-sentiment --band-from`).
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from brandguard.document import Polarity

FORMAT = "brandguard-sentiment/1"
NEGATORS = frozenset({"不", "没", "没有", "无", "未", "别", "非", "不是", "不会", "不能", "毫无",
                      "并非", "从未", "不太", "不够", "不怎么"})
NEGATION_REACH = 3
Z_SCALE = 0.1
OPINION_BAND = (0.35, 0.65)
OPINION_CUE_LOGIT = 1.5
_SKIP = frozenset("，。！？、；：,.!?;:~～…　 \n\t\r\"“”'‘’()（）【】[]《》<>-—/|*#@&%$^_=+")


def features(tokens: Iterable[str]) -> set[str]:
    """Binarised features: tokens (negation-marked) and plain bigrams.

    Written as C-level builtins over lists (this is the hot loop of `analyze`); the
    negation pass runs only when a negator is present.
    """
    words = [t for t in tokens if t not in _SKIP and t.strip()]
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
    """Sum of feature ratios, feature count, and lexicon cue counts for a span of text."""

    ratio_sum: float
    count: int
    negative_cues: int = 0
    positive_cues: int = 0
    opinion_negative: int = 0
    opinion_positive: int = 0


@dataclass(frozen=True)
class SentimentModel:
    table: dict[str, float]
    prior: float
    band: tuple[float, float] = (-0.05, 0.25)
    cue_weights: tuple[float, float] = (0.5, 0.5)
    name: str = "custom"
    # Bigrams again, keyed by (first, second): scoring hashes tuples of existing tokens
    # (their string hashes are cached) instead of building a "first_second" string per pair.
    bigrams: dict[tuple[str, str], float] = field(default_factory=dict, init=False, repr=False,
                                                  compare=False)

    def __post_init__(self) -> None:
        for feat, ratio in self.table.items():
            first, sep, second = feat.partition("_")
            if sep and first and second:
                self.bigrams[(first, second)] = ratio

    def score_tokens(self, tokens: Iterable[str]) -> tuple[float, int]:
        """`(ratio_sum(features(tokens)), len(features(tokens)))` without building them."""
        words = [t for t in tokens if t not in _SKIP and t.strip()]
        marked = _negation_marked(words)
        singles = set(marked)
        pairs = set(itertools.pairwise(words))
        total = sum(filter(None, map(self.table.get, singles)))
        total += sum(filter(None, map(self.bigrams.get, pairs)))
        return float(total), len(singles) + len(pairs)

    def ratio_sum(self, feats: set[str]) -> float:
        # unknown features weigh 0, so dropping the Nones (and zeros) changes nothing
        return float(sum(filter(None, map(self.table.get, feats))))

    def evidence(self, feats: set[str], cues: tuple[int, int, int, int] = (0, 0, 0, 0),
                 ) -> Evidence:
        """`cues`: event negative, event positive, opinion negative, opinion positive."""
        return Evidence(self.ratio_sum(feats), len(feats), *cues)

    def probability(self, ev: Evidence) -> float:
        """NB posterior; each lexicon cue (超标, 假冒 … 荣获) adds a fixed log-odds step."""
        cues = OPINION_CUE_LOGIT * (ev.positive_cues + ev.opinion_positive
                                    - ev.negative_cues - ev.opinion_negative)
        return _sigmoid(self.prior + ev.ratio_sum + cues)

    def z(self, ev: Evidence) -> float:
        """Length-damped evidence: sum / sqrt(n), so a long text is not automatically extreme."""
        neg_w, pos_w = self.cue_weights
        damped = Z_SCALE * ev.ratio_sum / math.sqrt(ev.count) if ev.count else 0.0
        return damped - neg_w * ev.negative_cues + pos_w * ev.positive_cues

    def polarity(self, ev: Evidence) -> Polarity:
        z = self.z(ev)
        if z < self.band[0]:
            return "negative"
        if z >= self.band[1]:
            return "positive"
        return "neutral"

    def news_probability(self, ev: Evidence) -> float:
        """z mapped to 0-1 so the band's edges sit at 0.3 and 0.7, agreeing with `polarity`."""
        lo, hi = self.band
        half = max((hi - lo) / 2, 1e-9)
        return _sigmoid(math.log(7 / 3) * (self.z(ev) - (lo + hi) / 2) / half)

    def opinion(self, ev: Evidence) -> tuple[float, Polarity]:
        """Reviews and posts state an opinion: the NB posterior and its own band."""
        p = self.probability(ev)
        lo, hi = OPINION_BAND
        return p, "negative" if p < lo else "positive" if p >= hi else "neutral"

    def judge(self, ev: Evidence, opinion: bool) -> tuple[float, Polarity]:
        if opinion:
            return self.opinion(ev)
        return self.news_probability(ev), self.polarity(ev)

    def save(self, path: Path) -> None:
        data = {"format": FORMAT, "name": self.name, "prior": self.prior,
                "band": list(self.band), "cue_weights": list(self.cue_weights),
                "table": {k: round(v, 4) for k, v in sorted(self.table.items())}}
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path) -> SentimentModel:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                data: dict[str, Any] = json.load(fh)
        except (OSError, ValueError, EOFError) as exc:
            raise ValueError(f"{path}: not a brandguard sentiment model ({exc})") from exc
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: unsupported model format {data.get('format')!r}")
        return cls(table=data["table"], prior=float(data["prior"]),
                   band=(float(data["band"][0]), float(data["band"][1])),
                   cue_weights=(float(data["cue_weights"][0]), float(data["cue_weights"][1])),
                   name=str(data.get("name", path.stem)))


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


def macro_f1(predicted: Sequence[str], gold: Sequence[str]) -> float:
    scores = []
    for label in LABELS:
        tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
        fp = sum(p == label != g for p, g in zip(predicted, gold, strict=True))
        fn = sum(g == label != p for p, g in zip(predicted, gold, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def fit_band(model: SentimentModel, evidence: Sequence[Evidence],
             gold: Sequence[str]) -> tuple[SentimentModel, float]:
    """Choose cue weights and the neutral band that maximise three-class macro-F1.

    With the texts sorted by z, a band is two cut indices, and prefix counts of each gold
    label give every confusion matrix in O(1), so the search over cuts is exact and fast.
    """
    best: tuple[float, SentimentModel] = (-1.0, model)
    for neg_w in (0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
        for pos_w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
            trial = replace(model, cue_weights=(neg_w, pos_w))
            ranked = sorted(zip((trial.z(ev) for ev in evidence), gold, strict=True))
            score, lo, hi = _best_cuts(ranked)
            if score > best[0]:
                best = (score, replace(trial, band=(lo, hi)))
    return best[1], best[0]


def _best_cuts(ranked: list[tuple[float, str]]) -> tuple[float, float, float]:
    n = len(ranked)
    prefix: dict[str, list[int]] = {label: [0] * (n + 1) for label in LABELS}
    for i, (_, label) in enumerate(ranked):
        for name in LABELS:
            prefix[name][i + 1] = prefix[name][i] + (label == name)
    totals: dict[str, int] = {label: prefix[label][n] for label in LABELS}
    cuts = sorted({round(n * q / 100) for q in range(0, 101, 2)})
    best = (-1.0, 0.0, 0.0)
    for a, i in enumerate(cuts):
        for j in cuts[a:]:
            ranges = {"negative": (0, i), "neutral": (i, j), "positive": (j, n)}
            f1s = []
            for label, (start, end) in ranges.items():
                tp = prefix[label][end] - prefix[label][start]
                predicted = end - start
                f1s.append(2 * tp / (predicted + totals[label]) if tp else 0.0)
            score = sum(f1s) / 3
            if score > best[0]:
                best = (score, _between(ranked, i), _between(ranked, j))
    return best


def _between(ranked: list[tuple[float, str]], index: int) -> float:
    """A threshold t so that items before `index` have z < t and the rest z >= t."""
    if index <= 0:
        return ranked[0][0] - 1.0
    if index >= len(ranked):
        return ranked[-1][0] + 1.0
    return (ranked[index - 1][0] + ranked[index][0]) / 2
