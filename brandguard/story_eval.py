"""`eval-stories`: how well documents are grouped into stories, pairwise, on a labelled set.

The labels (`brandguard/bench/story_labels.csv`) name documents of the demo story by URL and
rows of `../shared/data` by id; the texts are read from where they live. Each document is
analysed as the pipeline does, near-duplicates are linked as the store links them
(`brandguard.neardup`), and each pool is grouped by `brandguard.stories.grouping` in
publication order (rows without a time keep the file's order, on one day). Scoring is
pairwise, the usual measure for clustering: of the pairs put in one story, how many the labels
put in one (precision), and of the labelled pairs, how many were found (recall). The baseline,
in the same run, is what brandguard did before stories: reposts folded, nothing else.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations
from typing import TYPE_CHECKING

from brandguard.configuration.models import Brand
from brandguard.document import Document
from brandguard.document_json import parse_line
from brandguard.neardup import MIN_CHARS, similarity
from brandguard.nlp.analyzer import Analyzer
from brandguard.stories.grouping import StoryBook
from brandguard.stories.items import StoryItem, event_terms, story_items

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import StorySettings
    from brandguard.document import Analysis

DEMO = "demo"
DAY = datetime(2026, 1, 5, 9, 0).astimezone()


@dataclass(frozen=True, slots=True)
class Label:
    set: str
    id: str
    pool: str
    story: str


@dataclass(frozen=True, slots=True)
class PairScore:
    predicted: int
    gold: int
    both: int

    @property
    def precision(self) -> float:
        return self.both / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.both / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PairScore) -> PairScore:
        return PairScore(self.predicted + other.predicted, self.gold + other.gold,
                         self.both + other.both)


def read_labels(path: Path) -> list[Label]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return [Label(r["set"], r["id"], r["pool"], r["story"]) for r in csv.DictReader(lines)]


def pair_score(predicted: dict[str, str], gold: dict[str, str]) -> PairScore:
    """Pairs of documents in one story, predicted and labelled, over the same documents."""
    ids = sorted(gold)
    pred = {(a, b) for a, b in combinations(ids, 2) if predicted[a] == predicted[b]}
    true = {(a, b) for a, b in combinations(ids, 2) if gold[a] == gold[b]}
    return PairScore(len(pred), len(true), len(pred & true))


def demo_documents(config: Config) -> list[tuple[str, Document]]:
    """The demo story's documents with the URL they were published under."""
    path = config.root / "demo" / "documents.jsonl"
    out = []
    for raw in path.read_bytes().splitlines():
        try:
            url = json.loads(raw)["url"]
        except (ValueError, KeyError):
            continue  # the demo's deliberately malformed line
        out.append((url, parse_line(raw, config.settings.tz,
                                    max_bytes=config.settings.analysis.max_document_bytes)))
    return out


def shared_rows(data: Path, labels: Iterable[Label]) -> dict[tuple[str, str], Document]:
    """Rows of ../shared/data the labels name, as undated news documents."""
    wanted: dict[str, set[str]] = {}
    for label in labels:
        if label.set != DEMO:
            wanted.setdefault(label.set, set()).add(label.id)
    found: dict[tuple[str, str], Document] = {}
    for name, ids in wanted.items():
        kind, _, split = name.partition("/")
        folder = data / ("entity" if kind == "entity" else "sentiment/news")
        with (folder / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["id"] in ids:
                    title = row.get("title") or None
                    if title and title in row["text"]:
                        title = None  # the entity data repeats the text's opening as title
                    found[(name, row["id"])] = Document(row["id"], row["text"], title=title,
                                                        source=name, kind="news")
    missing = sorted(f"{n}:{i}" for n, ids in wanted.items() for i in ids
                     if (n, i) not in found)
    if missing:
        raise FileNotFoundError(f"{len(missing)} labelled row(s) not found under {data}, "
                                f"e.g. {missing[0]}")
    return found


def eval_analyzer(config: Config, pools: Iterable[str], model: object) -> Analyzer:
    """The demo's analyzer, with each shared pool's name configured as a brand too: its name
    is the subject, never an event term, as for a configured brand."""
    extra = [Brand.model_validate({"id": f"pool{i}", "name": name, "kind": "enterprise",
                                   "organization": config.brands[0].organization})
             for i, name in enumerate(sorted(set(pools)))]
    return Analyzer.from_config(config, model=model,  # type: ignore[arg-type]
                                brands=(*config.brands, *extra))


def grouped(items: Sequence[StoryItem], rule: StorySettings, config: Config) -> dict[str, str]:
    book = StoryBook(rule, config.settings.tz)
    return {item.doc_id: book.place(item) for item in items}


def reposts(docs: Sequence[tuple[Document, Analysis]], threshold: float) -> dict[str, str]:
    """Near-duplicate links as the store makes them: the earliest similar long text."""
    links: dict[str, str] = {}
    for i, (doc, analysis) in enumerate(docs):
        if len(doc.full_text) < MIN_CHARS:
            continue
        for other, other_analysis in docs[:i]:
            if (len(other.full_text) >= MIN_CHARS and similarity(
                    analysis.fingerprint, other_analysis.fingerprint) >= threshold):
                links[doc.id] = links.get(other.id, other.id)
                break
    return links


@dataclass(frozen=True, slots=True)
class PoolResult:
    pool: str
    documents: int
    stories: PairScore
    baseline: PairScore


def evaluate(config: Config, labels: Sequence[Label], data: Path, model: object,
             rule: StorySettings) -> list[PoolResult]:
    """Per pool: the demo's brands (each brand a pool), then each shared pool."""
    shared = [label for label in labels if label.set != DEMO]
    analyzer = eval_analyzer(config, (label.pool for label in shared
                                      if label.set.startswith("entity/")), model)
    results = _demo_pools(config, labels, analyzer, rule)
    if shared:
        rows = shared_rows(data, shared)
        for pool in dict.fromkeys(label.pool for label in shared):
            members = [label for label in shared if label.pool == pool]
            docs = [rows[(label.set, label.id)] for label in members]
            analysed = [(doc, analyzer.analyze(doc)) for doc in docs]
            links = reposts(analysed, config.settings.analysis.near_duplicate_similarity)
            items = [StoryItem(doc.id, pool, DAY + timedelta(minutes=i), doc.source or "",
                               doc.title or doc.text[:40], event_terms(analysis),
                               repost_of=links.get(doc.id))
                     for i, (doc, analysis) in enumerate(analysed)]
            gold = {label.id: label.story for label in members}
            results.append(_result(pool, items, gold, links, rule, config))
    return results


def _demo_pools(config: Config, labels: Sequence[Label], analyzer: Analyzer,
                rule: StorySettings) -> list[PoolResult]:
    stories = {label.id: label.story for label in labels if label.set == DEMO}
    if not stories:
        return []
    docs = demo_documents(config)
    unknown = sorted(set(stories) - {url for url, _ in docs})
    if unknown:
        raise ValueError(f"labelled demo URL not in the demo story: {unknown[0]}")
    analysed = sorted(((url, doc, analyzer.analyze(doc)) for url, doc in docs),
                      key=lambda t: t[1].published_at or DAY)
    links = reposts([(d, a) for _, d, a in analysed],
                    config.settings.analysis.near_duplicate_similarity)
    by_brand: dict[str, list[StoryItem]] = {}
    gold: dict[str, dict[str, str]] = {}
    for url, doc, analysis in analysed:
        for item in story_items(doc, analysis, doc.published_at or DAY, links.get(doc.id)):
            by_brand.setdefault(item.brand, []).append(item)
            gold.setdefault(item.brand, {})[doc.id] = stories.get(url, f"single-{doc.id}")
    return [_result(f"demo:{brand}", items, gold[brand], links, rule, config)
            for brand, items in sorted(by_brand.items()) if len(items) > 1]


def _result(pool: str, items: Sequence[StoryItem], gold: dict[str, str],
            links: dict[str, str], rule: StorySettings, config: Config) -> PoolResult:
    baseline = {item.doc_id: links.get(item.doc_id, item.doc_id) for item in items}
    return PoolResult(pool, len(items), pair_score(grouped(items, rule, config), gold),
                      pair_score(baseline, gold))
