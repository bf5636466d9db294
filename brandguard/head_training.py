"""Train the news and target heads of a sentiment model (`train-sentiment --news/--targets`).

Both are logistic regressions fitted by scikit-learn (an optional dependency, the `train`
extra: scoring never needs it). The solver is L-BFGS, which is deterministic, so the same
inputs rebuild the same model file. Features are built by the `Analyzer` exactly as
`analyze` scores them; a feature seen in fewer than MIN_COUNT texts is dropped (noise, and
it would bloat the model file), and weights that round to zero are not stored.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from brandguard.errors import InputError
from brandguard.nlp.sentiment import NewsHead, TargetHead

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.entity_data import EntityRow
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.target_eval import EntityAnalyzer

MIN_COUNT = 2
NEWS_C = 3.0     # inverse regularisation; chosen by cross-validation on the news train split
TARGET_C = 1.0
CUE_NEG, CUE_POS = "\0cue-", "\0cue+"  # columns for lexicon cue counts, not words


def _sklearn() -> tuple[Any, Any]:
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError("training the news and target heads needs scikit-learn: "
                         "pip install 'brandguard[train]'") from exc
    return DictVectorizer, LogisticRegression


def _frequent(rows: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    seen: dict[str, int] = {}
    for row in rows:
        for feat in row:
            seen[feat] = seen.get(feat, 0) + 1
    return [{f: v for f, v in row.items() if seen[f] >= MIN_COUNT} for row in rows]


def train_news(analyzer: Analyzer, texts: Sequence[str], labels: Sequence[str]) -> NewsHead:
    """Three classes, balanced class weights (positive news is the rare class and macro-F1
    weighs it as much as the others)."""
    if set(labels) != {"positive", "neutral", "negative"}:
        raise InputError("news training needs all three classes: positive, neutral, negative")
    rows = []
    for text in texts:
        counts, negative_cues, positive_cues = analyzer.news_features(text)
        scale = 1 / math.sqrt(sum(counts.values()) or 1)
        row = {f: n * scale for f, n in counts.items()}
        row[CUE_NEG], row[CUE_POS] = negative_cues, positive_cues
        rows.append(row)
    vectorizer_cls, regression_cls = _sklearn()
    vectorizer = vectorizer_cls()
    matrix = vectorizer.fit_transform(_frequent(rows))
    model = regression_cls(C=NEWS_C, max_iter=5000, class_weight="balanced")
    model.fit(matrix, list(labels))
    index = {label: i for i, label in enumerate(model.classes_)}
    coef, intercept = model.coef_, model.intercept_
    neg, neu, pos = index["negative"], index["neutral"], index["positive"]
    weights = {}
    for column, feat in enumerate(vectorizer.get_feature_names_out()):
        w = complex(round(float(coef[neg, column] - coef[neu, column]), 4),
                    round(float(coef[pos, column] - coef[neu, column]), 4))
        if w:
            weights[str(feat)] = w
    cues = (weights.pop(CUE_NEG, 0j), weights.pop(CUE_POS, 0j))
    bias = complex(float(intercept[neg] - intercept[neu]), float(intercept[pos] - intercept[neu]))
    return NewsHead(weights, bias, cues)


def train_targets(entities: EntityAnalyzer, rows: Sequence[EntityRow]) -> TargetHead:
    """One sample per listed entity found in a negative text: is it key?"""
    samples, labels = [], []
    for row in rows:
        if not row.negative:
            continue
        listed = {entities.ids[name]: name in row.key for name in row.entities}
        for brand, feats in entities.for_row(row).target_samples(row.document()):
            if brand in listed:
                samples.append(feats.as_dict())
                labels.append(int(listed[brand]))
    if len(set(labels)) < 2:
        raise InputError("target training needs negative texts with key and non-key entities")
    vectorizer_cls, regression_cls = _sklearn()
    vectorizer = vectorizer_cls()
    matrix = vectorizer.fit_transform(_frequent(samples))
    model = regression_cls(C=TARGET_C, max_iter=5000)
    model.fit(matrix, labels)
    weights = {str(f): round(float(w), 4)
               for f, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
               if round(float(w), 4)}
    return TargetHead(weights, float(model.intercept_[0]))
