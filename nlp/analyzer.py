"""Analyse one document: everything ARCHITECTURE §4.3 promises, from one segmentation.

The text is split into sentences and each sentence is cut once; sentence features feed both
the document's sentiment and each mention's own polarity (read from the sentences around the
mention, so a text that praises one brand and exposes another gets both right). One
automaton pass finds brands, one finds every lexicon phrase. Reviews and social posts are
judged as opinions, other kinds as news (`analysis.opinion_kinds`, see nlp/sentiment.py).
A review's `seller` naming a brand is a mention of it, with no spans in the text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard.document import Analysis, DamageTag, Document, Mention, Polarity
from brandguard.nlp.brand_matcher import BrandHit, BrandMatcher
from brandguard.nlp.damage import Cue, DamageTagger, LexiconHits
from brandguard.nlp.fingerprint import fingerprint
from brandguard.nlp.keywords import KeywordRanker
from brandguard.nlp.segmenter import Segmenter, make_segmenter
from brandguard.nlp.sellers import SellerCheck
from brandguard.nlp.sentences import sentence_spans
from brandguard.nlp.sentiment import Evidence, SentimentModel, features

if TYPE_CHECKING:
    from collections.abc import Iterable

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.nlp.phrases import Hit


def default_model_path() -> Path:
    return Path(str(resources.files("brandguard.nlp") / "models" / "default.json.gz"))


def load_sentiment_model(path: Path | None) -> SentimentModel:
    return SentimentModel.load(path or default_model_path())


@dataclass(frozen=True, slots=True)
class _Sentences:
    """Per sentence: span, and the ratio sum and count of its binarised features.

    A text's evidence is the sum over its sentences, so a mention's evidence (its own
    sentences) costs no further lookups; a feature repeated in two sentences counts twice.
    """

    spans: list[tuple[int, int]]
    starts: list[int]
    sums: list[float]
    counts: list[int]

    def index_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


class Analyzer:
    def __init__(self, brands: tuple[Brand, ...], tagger: DamageTagger, model: SentimentModel,
                 segmenter: Segmenter, keyword_count: int = 8,
                 opinion_kinds: frozenset[str] = frozenset({"review", "social"})) -> None:
        self.matcher = BrandMatcher(brands)
        self.tagger = tagger
        self.model = model
        self.segmenter = segmenter
        self.keyword_count = keyword_count
        self.opinion_kinds = opinion_kinds
        self.keywords = KeywordRanker(frozenset(n for b in brands for n in b.names))
        self.sellers = SellerCheck(brands)

    @classmethod
    def from_config(cls, config: Config, model_path: Path | None = None,
                    model: SentimentModel | None = None) -> Analyzer:
        """Build from config; `model` overrides loading (training starts from no model)."""
        analysis = config.settings.analysis
        path = model_path or analysis.sentiment_model
        if path is not None and not path.is_absolute():
            path = path if path.exists() else config.root / path
        words = [n for b in config.brands for n in b.names]
        return cls(config.brands, DamageTagger(config.lexicon),
                   model or load_sentiment_model(path),
                   make_segmenter(analysis.segmenter, words), analysis.keywords,
                   frozenset(analysis.opinion_kinds))

    def _prepare(self, text: str, headline_end: int = 0,
                 ) -> tuple[list[list[str]], _Sentences, LexiconHits, Evidence]:
        spans = sentence_spans(text)
        tokens = [self.segmenter.cut(text[s:e]) for s, e in spans]
        scored = [self.model.score_tokens(t) for t in tokens]
        sentences = _Sentences(spans, [s for s, _ in spans], [x[0] for x in scored],
                               [x[1] for x in scored])
        lexicon = self.tagger.scan(text, spans, headline_end)
        doc_ev = self._evidence(range(len(spans)), lexicon, None, sentences)
        return tokens, sentences, lexicon, doc_ev

    def evidence(self, text: str) -> Evidence:
        """Document-level sentiment evidence; what training and band fitting consume."""
        return self._prepare(text)[3]

    def features(self, text: str) -> set[str]:
        spans = sentence_spans(text)
        return set().union(*(features(self.segmenter.cut(text[s:e])) for s, e in spans))

    def analyze(self, doc: Document) -> Analysis:
        text = doc.full_text
        tokens, sentences, lexicon, doc_ev = self._prepare(text, len(doc.title or ""))
        opinion = doc.kind in self.opinion_kinds
        sentiment, polarity = self.model.judge(doc_ev, opinion)
        flat = [t for sentence in tokens for t in sentence]
        mentions = self._mentions(self.matcher.find(text), sentences, lexicon, doc, opinion,
                                  doc_ev)
        prints = fingerprint(doc.text)  # of the body: reposts rewrite headlines
        damage = self.tagger.tags(lexicon.terms)
        unauthorised = self.sellers.tag(doc.seller, [m.brand for m in mentions])
        if unauthorised is not None:
            damage = _merge(damage, unauthorised)
        return Analysis(
            id=doc.id, sentiment=sentiment, polarity=polarity,
            mentions=mentions + self._seller_mentions(doc, mentions, polarity),
            damage=damage,
            keywords=tuple(self.keywords.top(flat, self.keyword_count)),
            simhash=prints.simhash,
            fingerprint=prints.signature.tobytes(),
            dedup_keys=tuple(prints.band_keys),
            tokens=_words(flat),
        )

    def with_index_fields(self, doc: Document, analysis: Analysis) -> Analysis:
        """An analysis read back from a store, with the internal fields a store indexes
        (MinHash signature, band keys, jieba words) derived again from the text: they are
        not part of the stored §4.3 output (`brandguard store copy` needs them)."""
        text = doc.full_text
        flat = [t for s, e in sentence_spans(text) for t in self.segmenter.cut(text[s:e])]
        prints = fingerprint(doc.text)
        return replace(analysis, fingerprint=prints.signature.tobytes(),
                       dedup_keys=tuple(prints.band_keys), tokens=_words(flat))

    def _seller_mentions(self, doc: Document, found: tuple[Mention, ...],
                         polarity: Polarity) -> tuple[Mention, ...]:
        """A review on "雾山茶业官方旗舰店" is about 雾山茶业 even if the text never says so."""
        if not doc.seller:
            return ()
        seen = {m.brand for m in found}
        out = []
        for hit in self.matcher.find(doc.seller):
            if hit.brand.id not in seen:
                seen.add(hit.brand.id)
                out.append(Mention(hit.brand.id, polarity, 0.5, (), hit.brand.parent))
        return tuple(out)

    def _evidence(self, indices: Iterable[int], lexicon: LexiconHits, only: set[int] | None,
                  sentences: _Sentences) -> Evidence:
        def distinct(hits: list[Hit[Cue]]) -> int:
            return len({h.phrase for h in hits
                        if only is None or sentences.index_of(h.start) in only})

        chosen = list(indices)
        negative = distinct(lexicon.terms) + distinct(lexicon.negative_cues)
        return Evidence(sum(sentences.sums[i] for i in chosen),
                        sum(sentences.counts[i] for i in chosen),
                        negative, distinct(lexicon.positive_cues),
                        distinct(lexicon.opinion_negative), distinct(lexicon.opinion_positive))

    def _mentions(self, hits: list[BrandHit], sentences: _Sentences, lexicon: LexiconHits,
                  doc: Document, opinion: bool, doc_ev: Evidence) -> tuple[Mention, ...]:
        grouped: dict[str, list[BrandHit]] = {}
        for hit in hits:
            grouped.setdefault(hit.brand.id, []).append(hit)
        headline_end = len(doc.title) if doc.title else (sentences.spans or [(0, 0)])[0][1]
        mentions = []
        for brand_hits in grouped.values():
            brand = brand_hits[0].brand
            around = {sentences.index_of(h.start) for h in brand_hits}
            if len(around) == len(sentences.spans):
                ev = doc_ev  # the mention's sentences are the whole text
            else:
                ev = self._evidence(sorted(around), lexicon, around, sentences)
            in_headline = brand_hits[0].start < headline_end
            score = min(1.0, 0.5 + 0.1 * (len(brand_hits) - 1) + (0.3 if in_headline else 0.0))
            mentions.append(Mention(brand.id, self.model.judge(ev, opinion)[1], score,
                                    tuple((h.start, h.end) for h in brand_hits), brand.parent))
        return tuple(mentions)



def _merge(tags: tuple[DamageTag, ...], extra: DamageTag) -> tuple[DamageTag, ...]:
    """Add `extra` to its category's tag (evidence appended, the higher score kept)."""
    for i, tag in enumerate(tags):
        if tag.category == extra.category:
            merged = DamageTag(tag.category, max(tag.score, extra.score),
                               tag.evidence + extra.evidence)
            return (*tags[:i], merged, *tags[i + 1:])
    return (*tags, extra)


def _words(tokens: list[str]) -> tuple[str, ...]:
    """Distinct words of two or more characters, in order: what a store indexes as terms."""
    return tuple(dict.fromkeys(t for t in tokens if len(t) > 1 and t.isalnum()))
