"""Chinese word segmentation behind one small interface, chosen by `analysis.segmenter`.

`jieba` is the reference; `rjieba` (jieba-rs) produces the same tokens on jieba's dictionary
about 20x faster (see `brandguard bench analyze` and tests/nlp/test_segmenter.py), so it is the
default. Each instance owns its dictionary, so brand names added for one configuration never
leak into another.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import jieba
import rjieba

if TYPE_CHECKING:
    from collections.abc import Iterable

jieba.setLogLevel(logging.WARNING)


class Segmenter(ABC):
    name: ClassVar[str]

    @abstractmethod
    def cut(self, text: str) -> list[str]:
        """Tokens in order; concatenated they give `text` back."""

    @abstractmethod
    def add_word(self, word: str) -> None:
        """Make `word` one token so a brand name is never split."""

    def add_words(self, words: Iterable[str]) -> None:
        for word in words:
            self.add_word(word)


class JiebaSegmenter(Segmenter):
    name = "jieba"

    def __init__(self) -> None:
        self._tokenizer: Any = jieba.Tokenizer()
        self._tokenizer.initialize()

    def cut(self, text: str) -> list[str]:
        return list(self._tokenizer.lcut(text))

    def add_word(self, word: str) -> None:
        self._tokenizer.add_word(word)


class RjiebaSegmenter(Segmenter):
    name = "rjieba"

    def __init__(self) -> None:
        self._jieba: Any = rjieba.Jieba()

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text))

    def add_word(self, word: str) -> None:
        self._jieba.add_word(word, None, None)


SEGMENTERS: dict[str, type[Segmenter]] = {
    JiebaSegmenter.name: JiebaSegmenter,
    RjiebaSegmenter.name: RjiebaSegmenter,
}


def make_segmenter(name: str, words: Iterable[str] = ()) -> Segmenter:
    segmenter = SEGMENTERS[name]()
    segmenter.add_words(words)
    return segmenter
