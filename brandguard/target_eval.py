"""`eval-targets`: is a text negative, and about which of the entities it names?

Scored the way CCF BDCI 2019 scored its key-entity task: negative-detection F1 over texts,
key-entity F1 micro over (text, entity) pairs, and 0.4 x the first + 0.6 x the second.
brandguard is run as a user runs it: the entities a text lists are its configured brands
(the competition gives each text its candidates; with every entity of the file configured
at once, a longer name from another text would hide a shorter one), the text goes through
`Analyzer.analyze`, it is negative when its polarity is, and its key entities are the
listed ones whose mention is negative. The baseline in the same run is
off-the-shelf SnowNLP (negative below 0.5) with the longest-match rule: every listed entity
that no other listed entity contains.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brandguard.entity_data import entity_brands
from brandguard.nlp.analyzer import Analyzer
from brandguard.nlp.damage import DamageTagger
from brandguard.nlp.segmenter import make_segmenter
from brandguard.nlp.sentiment import f1

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.models import Brand, Lexicon
    from brandguard.entity_data import EntityRow
    from brandguard.nlp.sentiment import SentimentModel


@dataclass(frozen=True)
class Prediction:
    negative: bool
    key: frozenset[str]


@dataclass(frozen=True)
class TargetScore:
    negative_f1: float
    key_f1: float
    key_precision: float
    key_recall: float

    @property
    def competition(self) -> float:
        return 0.4 * self.negative_f1 + 0.6 * self.key_f1


@dataclass(frozen=True)
class EntityAnalyzer:
    """An analyzer whose segmenter knows every entity name; `for_row` matches one row's."""

    analyzer: Analyzer
    ids: dict[str, str]
    brands: dict[str, Brand]

    def for_row(self, row: EntityRow) -> Analyzer:
        return self.analyzer.for_brands(tuple(self.brands[self.ids[n]] for n in row.entities))


def entity_analyzer(rows: Sequence[EntityRow], lexicon: Lexicon, model: SentimentModel,
                    ) -> EntityAnalyzer:
    brands, ids = entity_brands(list(rows))
    segmenter = make_segmenter("rjieba", [b.name for b in brands])
    return EntityAnalyzer(Analyzer(brands, DamageTagger(lexicon), model, segmenter), ids,
                          {b.id: b for b in brands})


def predict(entities: EntityAnalyzer, rows: Sequence[EntityRow],
            ) -> tuple[list[Prediction], float]:
    started = time.perf_counter()
    out = []
    ids = entities.ids
    for row in rows:
        analysis = entities.for_row(row).analyze(row.document())
        negative_brands = {m.brand for m in analysis.mentions if m.polarity == "negative"}
        negative = analysis.polarity == "negative"
        key = frozenset(n for n in row.entities if negative and ids[n] in negative_brands)
        out.append(Prediction(negative, key))
    return out, len(rows) / max(time.perf_counter() - started, 1e-9)


def baseline(rows: Sequence[EntityRow]) -> tuple[list[Prediction], float]:
    from snownlp import SnowNLP

    started = time.perf_counter()
    out = []
    for row in rows:
        negative = float(SnowNLP(row.document().full_text).sentiments) < 0.5
        longest = frozenset(n for n in row.entities
                            if not any(n != o and n in o for o in row.entities))
        out.append(Prediction(negative, longest if negative else frozenset()))
    return out, len(rows) / max(time.perf_counter() - started, 1e-9)


def score(rows: Sequence[EntityRow], predictions: Sequence[Prediction]) -> TargetScore:
    tp = fp = fn = 0
    ktp = kfp = kfn = 0
    for row, guess in zip(rows, predictions, strict=True):
        tp += guess.negative and row.negative
        fp += guess.negative and not row.negative
        fn += row.negative and not guess.negative
        ktp += len(guess.key & row.key)
        kfp += len(guess.key - row.key)
        kfn += len(row.key - guess.key)
    return TargetScore(f1(tp, fp, fn), f1(ktp, kfp, kfn),
                       ktp / (ktp + kfp) if ktp + kfp else 0.0,
                       ktp / (ktp + kfn) if ktp + kfn else 0.0)
