"""Analyse one document: everything ARCHITECTURE §4.3 promises, from one segmentation.

The text is split into sentences and each sentence is cut once; sentence features feed both
the document's sentiment and each mention's own polarity (read from the sentences around the
mention, so a text that praises one brand and exposes another gets both right). One
automaton pass finds brands, one finds every lexicon phrase. Reviews and social posts are
judged as opinions, other kinds as news (`analysis.opinion_kinds`, see nlp/sentiment.py).
A review's `seller` naming a brand is a mention of it, with no spans in the text. In a
negative news text naming several brands, the target head (nlp/targets.py) picks which of
them it is negative about; a social post's quoted repost chain counts for less than its own
comment (nlp/social.py).
"""

from __future__ import annotations

import bisect
import copy
import functools
import itertools
import threading
from collections import Counter
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from brandguard.document import Analysis, DamageTag, Document, Mention, Polarity
from brandguard.gc_paused import gc_paused
from brandguard.nlp.batch_scoring import index_words, sentence_scores
from brandguard.nlp.batch_scoring import keywords as batch_keywords
from brandguard.nlp.brand_matcher import BrandHit, BrandMatcher
from brandguard.nlp.damage import Cue, DamageTagger, LexiconHits
from brandguard.nlp.fingerprint import Fingerprint, fingerprint, fingerprints
from brandguard.nlp.keywords import KeywordRanker
from brandguard.nlp.segmenter import Segmenter, make_segmenter
from brandguard.nlp.sellers import SellerCheck
from brandguard.nlp.sentences import sentence_spans
from brandguard.nlp.sentiment import Evidence, SentimentModel, features
from brandguard.nlp.social import QUOTE_WEIGHT, quote_start, without_handles
from brandguard.nlp.targets import (
    OTHER,
    SELF,
    MentionContext,
    TargetFeatures,
    choose,
    contained,
    mention_features,
    token_offsets,
)
from brandguard.nlp.token_table import TokenTable, index_word

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.nlp.phrases import Hit


_TABLE_BUILD = threading.Lock()
CHUNK_CHARACTERS = 400_000  # below 2 ** 19 sentences, tokens and new words per chunk


def default_model_path() -> Path:
    return Path(str(resources.files("brandguard.nlp") / "models" / "default.json.gz"))


def load_sentiment_model(path: Path | None) -> SentimentModel:
    """The model at `path` (default: shipped), loaded once per process while the file is
    unchanged: a model is immutable, and loading it (and its arrays for batches) takes
    seconds, which every analyzer of a process would otherwise pay again."""
    path = (path or default_model_path()).resolve()
    try:
        stat = path.stat()
    except OSError:
        return SentimentModel.load(path)  # says what is wrong with it
    return _load_model(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load_model(path: Path, _mtime_ns: int, _size: int) -> SentimentModel:
    return SentimentModel.load(path)


@dataclass(frozen=True, slots=True)
class _Sentences:
    """Per sentence: span, tokens, the weight sum and count of its binarised features, and
    its weight (a social post's quoted chain counts QUOTE_WEIGHT, everything else 1).

    A text's evidence is the sum over its sentences, so a mention's evidence (its own
    sentences) costs no further lookups; a feature repeated in two sentences counts twice.
    """

    spans: list[tuple[int, int]]
    starts: list[int]
    tokens: list[list[str]]
    sums: list[complex]
    counts: list[int]
    weights: list[float] | None = None

    def index_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def weight(self, index: int) -> float:
        return 1.0 if self.weights is None else self.weights[index]


@dataclass(frozen=True, slots=True)
class _Cut:
    """A text's sentence spans, each sentence's tokens, and sentence weights (social)."""

    spans: list[tuple[int, int]]
    tokens: list[list[str]]
    weights: list[float] | None


@dataclass(frozen=True, slots=True)
class _Prepared:
    sentences: _Sentences
    lexicon: LexiconHits
    evidence: Evidence
    opinion: bool


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
        terms = frozenset(t for c in tagger.lexicon.categories.values() for t in c.terms)
        self.keywords = KeywordRanker(frozenset(n for b in brands for n in b.names), terms)
        self.sellers = SellerCheck(brands)
        self._table: TokenTable | None = None

    @classmethod
    def from_config(cls, config: Config, model_path: Path | None = None,
                    model: SentimentModel | None = None,
                    brands: tuple[Brand, ...] | None = None) -> Analyzer:
        """Build from config; `model` overrides loading (training starts from no model) and
        `brands` the configured brands (an evaluation adds its pools' names as brands)."""
        analysis = config.settings.analysis
        path = model_path or analysis.sentiment_model
        if path is not None and not path.is_absolute():
            path = path if path.exists() else config.root / path
        brands = config.brands if brands is None else brands
        words = [n for b in brands for n in b.names]
        return cls(brands, DamageTagger(config.lexicon),
                   model or load_sentiment_model(path),
                   make_segmenter(analysis.segmenter, words), analysis.keywords,
                   frozenset(analysis.opinion_kinds))

    def for_brands(self, brands: tuple[Brand, ...]) -> Analyzer:
        """The same analyzer matching only `brands` (their names must already be words of
        the segmenter): scoring a text against the entities it lists, as eval-targets does,
        without rebuilding the segmenter per text."""
        other = copy.copy(self)
        other.matcher = BrandMatcher(brands)
        other.sellers = SellerCheck(brands)
        return other

    def _cut(self, text: str, kind: str | None) -> _Cut:
        """Sentences and their tokens; a social post's handles blanked and its quoted
        repost chain cut off and weighted down."""
        spans = sentence_spans(text)
        if kind != "social":
            return _Cut(spans, [self.segmenter.cut(text[s:e]) for s, e in spans], None)
        quoted = quote_start(text)
        spans = _split_at(spans, quoted)
        return _Cut(spans, [self.segmenter.cut(without_handles(text[s:e])) for s, e in spans],
                    [QUOTE_WEIGHT if s >= quoted else 1.0 for s, _ in spans])

    def _prepare(self, text: str, headline_end: int = 0, kind: str | None = None,
                 ) -> _Prepared:
        opinion = kind in self.opinion_kinds
        cut = self._cut(text, kind)
        scored = [self.model.score_tokens(t, news=not opinion) for t in cut.tokens]
        return self._assemble(text, cut, [x[0] for x in scored], [x[1] for x in scored],
                              headline_end, opinion)

    def _assemble(self, text: str, cut: _Cut, sums: list[complex], counts: list[int],
                  headline_end: int, opinion: bool) -> _Prepared:
        """A text's sentences with their scores, its lexicon hits and its evidence."""
        if cut.weights is not None:
            sums = [w * x for w, x in zip(cut.weights, sums, strict=True)]
        sentences = _Sentences(cut.spans, [s for s, _ in cut.spans], cut.tokens, sums,
                               counts, cut.weights)
        lexicon = self.tagger.scan(text, cut.spans, headline_end)
        doc_ev = self._evidence(range(len(cut.spans)), lexicon, None, sentences)
        return _Prepared(sentences, lexicon, doc_ev, opinion)

    def evidence(self, text: str, kind: str = "news") -> Evidence:
        """Document-level sentiment evidence as `kind` is scored; what evaluation reads."""
        return self._prepare(text, kind=kind).evidence

    def features(self, text: str) -> set[str]:
        spans = sentence_spans(text)
        return set().union(*(features(self.segmenter.cut(text[s:e])) for s, e in spans))

    def news_features(self, text: str) -> tuple[Counter[str], float, float]:
        """What the news head is trained on, counted as it is scored: each sentence's
        features once per sentence, and the text's distinct negative and positive cues."""
        prepared = self._prepare(text)
        counts = Counter[str]()
        for tokens in prepared.sentences.tokens:
            counts.update(features(tokens))
        return counts, prepared.evidence.negative_cues, prepared.evidence.positive_cues

    def analyze(self, doc: Document) -> Analysis:
        """One document, string by string: the reference `analyze_batch` must agree with."""
        text = doc.full_text
        prepared = self._prepare(text, len(doc.title or ""), doc.kind)
        flat = [t for sentence in prepared.sentences.tokens for t in sentence]
        return self._finish(doc, text, prepared,
                            self.keywords.top(flat, self.keyword_count), _words(flat),
                            fingerprint(doc.text))

    def analyze_batch(self, docs: Sequence[Document]) -> list[Analysis]:
        """Every document of `docs`, as `analyze` would, with the token-level work done
        as array operations over the whole batch (nlp/batch_scoring.py): what ingest,
        crawl and run use."""
        out: list[Analysis] = []
        with gc_paused():  # a batch's garbage goes by reference counting (gc_paused.py)
            for chunk in _chunks(docs, CHUNK_CHARACTERS):
                if len(chunk) == 1 and _size(chunk[0]) > CHUNK_CHARACTERS:
                    out.append(self.analyze(chunk[0]))  # too long for the keys' bit widths
                else:
                    out += self._analyze_chunk(chunk)
        return out

    def _analyze_chunk(self, docs: Sequence[Document]) -> list[Analysis]:
        table = self._token_table()
        texts = [doc.full_text for doc in docs]
        cuts = [self._cut(text, doc.kind) for text, doc in zip(texts, docs, strict=True)]
        tokens = [t for cut in cuts for t in cut.tokens]
        sentence = np.repeat(np.arange(len(tokens)), [len(t) for t in tokens])
        sentences_of = [len(cut.spans) for cut in cuts]
        owner = np.repeat(np.arange(len(docs)), sentences_of)[sentence]
        with table.lock:  # `run` analyses on several threads; ids live until the batch ends
            table.trim()
            ids = table.lookup(itertools.chain.from_iterable(tokens))
            scores = sentence_scores(table, ids, sentence, len(tokens))
            words = index_words(table, ids, owner, len(docs))
            keywords = batch_keywords(table, ids, owner, len(docs), self.keyword_count)
        prints = fingerprints([d.text for d in docs])
        negative, positive = scores.news_negative.tolist(), scores.news_positive.tolist()
        opinion, counts = scores.opinion.tolist(), scores.counts.tolist()
        out, first = [], 0
        for i, (text, cut, d) in enumerate(zip(texts, cuts, docs, strict=True)):
            last = first + sentences_of[i]
            is_opinion = d.kind in self.opinion_kinds
            sums: list[complex] = (list(opinion[first:last]) if is_opinion else
                                   list(map(complex, negative[first:last], positive[first:last])))
            prepared = self._assemble(text, cut, sums, counts[first:last],
                                      len(d.title or ""), is_opinion)
            out.append(self._finish(d, text, prepared, keywords[i], words[i], prints[i]))
            first = last
        return out

    def _token_table(self) -> TokenTable:
        """Built on first use: only the batch path needs it (about a second per model)."""
        with _TABLE_BUILD:
            if self._table is None:
                self._table = TokenTable(self.model, self.keywords)
            return self._table

    def _finish(self, doc: Document, text: str, prepared: _Prepared, keywords: list[str],
                words: tuple[str, ...], prints: Fingerprint) -> Analysis:
        """`text`: the document's full text, as analysed."""
        sentiment, polarity = self.model.judge(prepared.evidence, prepared.opinion)
        mentions = self._mentions(self.matcher.find(text), prepared, doc, polarity)
        damage = self.tagger.tags(prepared.lexicon.terms)
        unauthorised = self.sellers.tag(doc.seller, [m.brand for m in mentions])
        if unauthorised is not None:
            damage = _merge(damage, unauthorised)
        return Analysis(
            id=doc.id, sentiment=sentiment, polarity=polarity,
            mentions=mentions + self._seller_mentions(doc, mentions, polarity),
            damage=damage, keywords=tuple(keywords),
            simhash=prints.simhash,  # of the body: reposts rewrite headlines
            fingerprint=prints.signature.tobytes(),
            dedup_keys=tuple(prints.band_keys),
            tokens=words,
        )

    def target_samples(self, doc: Document) -> list[tuple[str, TargetFeatures]]:
        """Each mentioned brand's target features, as `analyze` scores them (training reads
        these); brands the longer-name rule rules out are left out."""
        text = doc.full_text
        prepared = self._prepare(text, len(doc.title or ""), doc.kind)
        grouped = _grouped(self.matcher.find(text))
        evidence = self._own_evidence(grouped, prepared)
        features_of = self._target_features(text, grouped, prepared, doc, evidence)
        return [(brand, features_of[brand]) for brand in grouped if brand in features_of]

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
        def distinct(hits: list[Hit[Cue]]) -> float:
            """Each phrase once, at the largest weight of the sentences it stands in."""
            if not hits:
                return 0
            if sentences.weights is None:  # every sentence weighs 1: count phrases
                return len({h.phrase for h in hits
                            if only is None or sentences.index_of(h.start) in only})
            best: dict[str, float] = {}
            for h in hits:
                index = sentences.index_of(h.start)
                if only is None or index in only:
                    best[h.phrase] = max(best.get(h.phrase, 0.0), sentences.weight(index))
            return sum(best.values())

        chosen = list(indices)
        negative = distinct(lexicon.terms) + distinct(lexicon.negative_cues)
        return Evidence(sum(sentences.sums[i] for i in chosen),
                        sum(sentences.counts[i] for i in chosen),
                        negative, distinct(lexicon.positive_cues),
                        distinct(lexicon.opinion_negative), distinct(lexicon.opinion_positive))

    def _mentions(self, hits: list[BrandHit], prepared: _Prepared, doc: Document,
                  polarity: Polarity) -> tuple[Mention, ...]:
        sentences = prepared.sentences
        grouped = _grouped(hits)
        evidence = self._own_evidence(grouped, prepared)
        headline_end = _headline_end(doc, sentences)
        targets = None
        if polarity == "negative" and not prepared.opinion and self.model.target.weights:
            targets = self._targets(doc.full_text, grouped, prepared, doc, evidence)
        mentions = []
        for brand_id, brand_hits in grouped.items():
            brand = brand_hits[0].brand
            ev = evidence[brand_id]
            own = self.model.judge(ev, prepared.opinion)[1]
            if targets is not None:
                own = ("negative" if brand_id in targets else "positive" if _praised(ev)
                       else "neutral" if own == "negative" else own)
            in_headline = brand_hits[0].start < headline_end
            score = min(1.0, 0.5 + 0.1 * (len(brand_hits) - 1) + (0.3 if in_headline else 0.0))
            mentions.append(Mention(brand.id, own, score,
                                    tuple((h.start, h.end) for h in brand_hits), brand.parent))
        return tuple(mentions)

    def _own_evidence(self, grouped: dict[str, list[BrandHit]],
                      prepared: _Prepared) -> dict[str, Evidence]:
        """Each brand's evidence from the sentences it is named in."""
        sentences = prepared.sentences
        out = {}
        for brand_id, hits in grouped.items():
            around = {sentences.index_of(h.start) for h in hits}
            if len(around) == len(sentences.spans):
                out[brand_id] = prepared.evidence  # its sentences are the whole text
            else:
                out[brand_id] = self._evidence(sorted(around), prepared.lexicon, around,
                                               sentences)
        return out

    def _targets(self, text: str, grouped: dict[str, list[BrandHit]], prepared: _Prepared,
                 doc: Document, evidence: dict[str, Evidence]) -> set[str]:
        """The brands a negative news text is negative about (nlp/targets.py); one praised
        in sentences of its own (荣获, 金奖 and no negative cue) is not one of them."""
        if len(grouped) == 1:
            return set(grouped)
        features_of = self._target_features(text, grouped, prepared, doc, evidence)
        head = self.model.target
        praised = {b for b, ev in evidence.items() if _praised(ev)}
        return choose({b: head.probability(f) for b, f in features_of.items()},
                      (set(grouped) - set(features_of)) | praised)

    def _target_features(self, text: str, grouped: dict[str, list[BrandHit]],
                         prepared: _Prepared, doc: Document, evidence: dict[str, Evidence],
                         ) -> dict[str, TargetFeatures]:
        sentences = prepared.sentences
        surfaces = {b: {text[h.start:h.end] for h in hits} for b, hits in grouped.items()}
        ruled_out = contained(surfaces)
        headline_end = _headline_end(doc, sentences)
        by_sentence: dict[int, set[str]] = {}
        for brand, hits in grouped.items():
            for h in hits:
                by_sentence.setdefault(sentences.index_of(h.start), set()).add(brand)
        known: dict[int, list[int]] = {}

        def offsets(i: int) -> list[int]:
            if i not in known:
                known[i] = token_offsets(sentences.spans[i][0], sentences.tokens[i])
            return known[i]

        out = {}
        for rank, (brand, hits) in enumerate(grouped.items()):
            if brand in ruled_out:
                continue
            own = [sentences.index_of(h.start) for h in hits]
            context = MentionContext(hits, own, rank, len(grouped),
                                     hits[0].start < headline_end,
                                     any(len(by_sentence[i]) > 1 for i in own),
                                     self.model.news.logits(evidence[brand]))
            masks = {s: OTHER for b, ss in surfaces.items() if b != brand for s in ss}
            masks.update((s, SELF) for s in surfaces[brand])
            out[brand] = mention_features(context, offsets, sentences.tokens, masks)
        return out


def _chunks(docs: Sequence[Document], characters: int) -> Iterator[Sequence[Document]]:
    """Consecutive runs of `docs` of at most `characters` characters (at least one
    document each): what keeps a chunk's sentence, token and new-word counts inside the
    bit widths of batch_scoring's keys."""
    start, size = 0, 0
    for i, doc in enumerate(docs):
        length = _size(doc)
        if size and size + length > characters:
            yield docs[start:i]
            start, size = i, 0
        size += length
    if start < len(docs):
        yield docs[start:]


def _size(doc: Document) -> int:
    return len(doc.full_text) + len(doc.text)


def _split_at(spans: list[tuple[int, int]], at: int) -> list[tuple[int, int]]:
    """Sentences with the one containing `at` cut in two there (a repost's own comment
    and its quoted chain are often one unpunctuated sentence)."""
    out = []
    for start, end in spans:
        if start < at < end:
            out += [(start, at), (at, end)]
        else:
            out.append((start, end))
    return out


def _headline_end(doc: Document, sentences: _Sentences) -> int:
    """Where the headline ends: the title, else the first sentence."""
    return len(doc.title) if doc.title else (sentences.spans or [(0, 0)])[0][1]


def _praised(ev: Evidence) -> bool:
    return bool(ev.positive_cues) and not ev.negative_cues


def _grouped(hits: Sequence[BrandHit]) -> dict[str, list[BrandHit]]:
    """Hits per brand, brands in order of their first hit."""
    grouped: dict[str, list[BrandHit]] = {}
    for hit in hits:
        grouped.setdefault(hit.brand.id, []).append(hit)
    return grouped


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
    return tuple(dict.fromkeys(filter(index_word, tokens)))
