"""Domain records shared by every stage: documents in, analyses out (ARCHITECTURE §4.2-4.3).

They are frozen dataclasses so a stage cannot mutate what another stage handed it. Each
pickles as a call of its constructor: analysis workers (`brandguard.analyzing`) hand back
every document and analysis to the one store writer, and the `__getstate__`/`__setstate__`
that `dataclass` generates for slots classes loop over the fields in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from datetime import datetime

Polarity = Literal["positive", "neutral", "negative"]
R = TypeVar("R", bound=type)


def pickled_by_constructor(cls: R) -> R:
    """`cls` (a dataclass) pickles as a call of its constructor with every init field, in
    order, read by one C-level getter: a field added later cannot be left out."""
    values = attrgetter(*cls.__match_args__)  # type: ignore[attr-defined]  # a dataclass's

    def reduce(self: object) -> tuple[Any, ...]:
        return (cls, values(self))

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls


@pickled_by_constructor

@dataclass(frozen=True, slots=True)
class Document:
    """One collected item. `extra` keeps unknown input fields so nothing is lost."""

    id: str
    text: str
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    kind: str | None = None
    rating: float | None = None
    seller: str | None = None
    author: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def full_text(self) -> str:
        """Title and body as one text; the title is where a headline names the brand."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        out.update({
            "id": self.id, "url": self.url, "title": self.title, "text": self.text,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "source": self.source, "kind": self.kind, "rating": self.rating,
            "seller": self.seller, "author": self.author,
        })
        return {k: v for k, v in out.items() if v is not None}


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class Mention:
    brand: str
    polarity: Polarity
    score: float
    spans: tuple[tuple[int, int], ...]
    parent: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"brand": self.brand, "polarity": self.polarity,
                               "score": round(self.score, 4),
                               "spans": [list(s) for s in self.spans]}
        if self.parent:
            out["parent"] = self.parent
        return out


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class DamageTag:
    category: str
    score: float
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "score": round(self.score, 4),
                "evidence": list(self.evidence)}


@dataclass(frozen=True, slots=True)
class Analysis:
    """What `nlp` derives from one document. Spans index `Document.full_text`."""

    id: str
    sentiment: float
    polarity: Polarity
    mentions: tuple[Mention, ...]
    damage: tuple[DamageTag, ...]
    keywords: tuple[str, ...]
    simhash: int
    # Near-duplicate fingerprint for the store (MinHash signature and LSH band keys);
    # internal, not part of the §4.3 output.
    fingerprint: bytes = b""
    dedup_keys: tuple[int, ...] = ()
    # distinct jieba words of the text, for engines without a Chinese analyzer (Elasticsearch
    # indexes them as keywords); internal, not part of the §4.3 output
    tokens: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        """The words travel as one joined string where no word holds the separator: a
        hundred short strings are most of what pickling an analysis costs."""
        head = _ANALYSIS_HEAD(self)
        joined = _WORD_SEPARATOR.join(self.tokens)
        if self.tokens and joined.count(_WORD_SEPARATOR) == len(self.tokens) - 1:
            return (_analysis_of_joined_words, (*head, joined))
        return (Analysis, (*head, self.tokens))

    @property
    def brand_ids(self) -> tuple[str, ...]:
        return tuple(m.brand for m in self.mentions)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sentiment": round(self.sentiment, 4),
            "polarity": self.polarity,
            "mentions": [m.to_json() for m in self.mentions],
            "damage": [d.to_json() for d in self.damage],
            "keywords": list(self.keywords),
            "simhash": f"{self.simhash:016x}",
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis:
        return cls(
            id=data["id"], sentiment=float(data["sentiment"]), polarity=data["polarity"],
            mentions=tuple(Mention(m["brand"], m["polarity"], m["score"],
                                   tuple((s[0], s[1]) for s in m["spans"]), m.get("parent"))
                           for m in data["mentions"]),
            damage=tuple(DamageTag(d["category"], d["score"], tuple(d["evidence"]))
                         for d in data["damage"]),
            keywords=tuple(data["keywords"]), simhash=int(data["simhash"], 16),
        )


_WORD_SEPARATOR = "\x1f"
_ANALYSIS_HEAD = attrgetter(*Analysis.__match_args__[:-1])  # every field but the last, tokens


def _analysis_of_joined_words(
        id: str, sentiment: float, polarity: Polarity, mentions: tuple[Mention, ...],
        damage: tuple[DamageTag, ...], keywords: tuple[str, ...], simhash: int,
        fingerprint: bytes, dedup_keys: tuple[int, ...], words: str) -> Analysis:
    """`Analysis.__reduce__`'s other half: the words split back out of one string."""
    return Analysis(id, sentiment, polarity, mentions, damage, keywords, simhash, fingerprint,
                    dedup_keys, tuple(words.split(_WORD_SEPARATOR)))
