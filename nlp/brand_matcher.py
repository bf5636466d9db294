"""Find configured brands in text with one automaton over every name and alias.

Longest match wins, so "安溪铁观音集团" is one brand when it is configured as one, not two.
A brand's exclusion phrases (e.g. "铁观音茶具") cancel that brand's matches they overlap.
Latin aliases are matched case-insensitively and only at word boundaries ("BAMA" does not
match inside "BAMAX"). Folding keeps string length, so spans index the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brandguard.nlp.phrases import automaton

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.models import Brand

# Full-width ASCII to half-width, then lower-case; both are one character to one character.
_FOLD = {i: chr(i - 0xFEE0).lower() for i in range(0xFF01, 0xFF5F)}
_FOLD.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


_NEEDS_FOLD = re.compile(r"[A-Z\uFF01-\uFF5E]")


def fold(text: str) -> str:
    if not _NEEDS_FOLD.search(text):  # most Chinese text: nothing to fold, skip the copy
        return text
    folded = text.translate(_FOLD)
    return folded if len(folded) == len(text) else text


@dataclass(frozen=True, slots=True)
class _Entry:
    brand: int
    exclude: bool
    ascii_edges: tuple[bool, bool]


@dataclass(frozen=True, slots=True)
class BrandHit:
    brand: Brand
    start: int
    end: int


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class BrandMatcher:
    def __init__(self, brands: Sequence[Brand]) -> None:
        self.brands = tuple(brands)
        entries: dict[str, list[_Entry]] = {}
        for index, brand in enumerate(self.brands):
            for phrase, exclude in [*((n, False) for n in brand.names),
                                    *((e, True) for e in brand.exclude)]:
                key = fold(phrase)
                edges = (_is_word_char(key[0]), _is_word_char(key[-1]))
                entries.setdefault(key, []).append(_Entry(index, exclude, edges))
        self._entries = [tuple(items) for items in entries.values()]
        self._automaton = automaton(list(entries))

    def find(self, text: str) -> list[BrandHit]:
        """Non-overlapping brand hits in text order."""
        if self._automaton is None:
            return []
        folded = fold(text)
        candidates: list[tuple[int, int, int]] = []
        excluded: list[tuple[int, int, int]] = []
        for i, start, end in self._automaton.find_matches_as_indexes(folded, True):
            for entry in self._entries[i]:
                if not self._at_boundary(folded, start, end, entry.ascii_edges):
                    continue
                target = excluded if entry.exclude else candidates
                target.append((start, end, entry.brand))
        return self._resolve(candidates, excluded)

    @staticmethod
    def _at_boundary(text: str, start: int, end: int, edges: tuple[bool, bool]) -> bool:
        if edges[0] and start > 0 and _is_word_char(text[start - 1]):
            return False
        return not (edges[1] and end < len(text) and _is_word_char(text[end]))

    def _resolve(self, candidates: list[tuple[int, int, int]],
                 excluded: list[tuple[int, int, int]]) -> list[BrandHit]:
        kept: list[tuple[int, int, int]] = []
        taken: list[tuple[int, int]] = []
        for start, end, brand in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if any(b == brand and s < end and start < e for s, e, b in excluded):
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            kept.append((start, end, brand))
            taken.append((start, end))
        kept.sort()
        return [BrandHit(self.brands[b], s, e) for s, e, b in kept]
