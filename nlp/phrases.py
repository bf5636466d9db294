"""One Aho-Corasick pass that finds every lexicon phrase with its payload.

Damage terms, polarity cues, negators and hedges all live in one automaton, so tagging a
document costs a single scan of its text whatever the lexicon size. The automaton is the
Rust `aho-corasick` crate's DFA (ahocorasick_rs): about three times faster per character
than pyahocorasick's trie on Chinese text, whose root has hundreds of children (bench
analyze), with the same overlapping matches in the same order.
"""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from ahocorasick_rs import AhoCorasick, Implementation

P = TypeVar("P")


class Hit(NamedTuple, Generic[P]):
    """A tuple, not a frozen dataclass: documents have dozens of hits, and a tuple is
    built in under half the time (0.34 against 0.76 µs here)."""

    start: int
    end: int
    phrase: str
    payload: P


def automaton(phrases: list[str]) -> AhoCorasick | None:
    """Every match, overlapping ones included (a cue inside a longer term is found too),
    reported by end position, the longest first at one end; None for no phrases."""
    if not phrases:
        return None
    return AhoCorasick(phrases, implementation=Implementation.DFA)


class PhraseMatcher(Generic[P]):
    def __init__(self, phrases: dict[str, list[P]]) -> None:
        self._phrases = [p for p in phrases if p]
        self._payloads = [phrases[p] for p in self._phrases]
        self._automaton = automaton(self._phrases)

    def find(self, text: str) -> list[Hit[P]]:
        if self._automaton is None:
            return []
        phrases, payloads = self._phrases, self._payloads
        return [Hit(start, end, phrases[i], p)
                for i, start, end in self._automaton.find_matches_as_indexes(text, True)
                for p in payloads[i]]
