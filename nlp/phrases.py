"""One Aho-Corasick pass that finds every lexicon phrase with its payload.

Damage terms, polarity cues, negators and hedges all live in one automaton, so tagging a
document costs a single scan of its text whatever the lexicon size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Hit(Generic[P]):
    start: int
    end: int
    phrase: str
    payload: P


class PhraseMatcher(Generic[P]):
    def __init__(self, phrases: dict[str, list[P]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for phrase, payloads in phrases.items():
            self._automaton.add_word(phrase, (phrase, payloads))
        self._empty = not phrases
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit[P]]:
        if self._empty:
            return []
        hits: list[Hit[P]] = []
        for end, (phrase, payloads) in self._automaton.iter(text):
            start = end - len(phrase) + 1
            hits.extend(Hit(start, end + 1, phrase, p) for p in payloads)
        return hits
