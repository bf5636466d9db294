"""Text <-> full-text-index terms that make search an exact substring match.

Neither store has a Chinese tokenizer we may rely on, and a segmenter's cuts would decide
what is findable ("庚丁" inside "显示庚丁批次"). So the application writes the terms itself:
each run of non-space characters — Han, Latin, digits, punctuation, any script, mixed — is
folded character by character (case, full-width forms) and indexed as overlapping
character bigrams plus its last character ("编号1号" -> 编号 号1 1号 号). A query run becomes
the phrase of its bigrams, so every substring of two or more characters of a stored title
or text finds it; a one-character query is a prefix match on the terms. Spaces separate
runs: a query's runs must all occur (AND). Both backends index exactly these terms:
SQLite FTS5 with the `ascii` tokenizer, which keeps every non-ASCII character as a token
character (so ASCII punctuation is folded to private-use code points, U+E000 + its code,
and never splits a term), and Elasticsearch with the whitespace analyzer.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

def _protect(char: str) -> str:
    """ASCII other than letters and digits separates tokens in FTS5 (and `"` quotes):
    moved to the private-use area, where it is an ordinary token character."""
    return chr(0xE000 + ord(char)) if char < "\x80" and not char.isalnum() else char


def _fold(char: str) -> str:
    """One non-space character as indexed: full-width ASCII narrowed, case folded, ASCII
    punctuation protected; never empty, never containing a space. Applied per character,
    so folding a substring gives a substring of the folded text."""
    if "\uff01" <= char <= "\uff5e":
        char = chr(ord(char) - 0xFEE0)
    return "".join(_protect(c) for c in char.casefold() if not c.isspace()) or _protect(char)


_SPACE = ord(" ")


class _FoldTable(dict[int, str]):
    """`str.translate`'s table of `_fold`, filled as code points are first seen: one C pass
    over a text instead of a Python call per character (the index write's largest cost).
    Every space maps to " ", so the folded text splits into the folded runs."""

    LIMIT = 65_536  # code points remembered; a text of rarer ones is still folded exactly

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = " " if char.isspace() else _fold(char)
        if len(self) < self.LIMIT:
            self[code] = folded
        return folded


_FOLDS = _FoldTable()


def _folded_runs(text: str) -> list[str]:
    """Each run of non-space characters, folded character by character."""
    return text.translate(_FOLDS).split()


def _grams(run: str) -> list[str]:
    return list(map(operator.add, run, run[1:]))


def index_terms(text: str) -> str:
    """The space-separated term string stored in the index."""
    return index_terms_many([text])[0]


def index_terms_many(texts: Sequence[str]) -> list[str]:
    """`index_terms` of each text, for a batch in a few array passes (a store writes
    batches): the texts are folded and joined with NUL, which no folded character is (it
    folds to U+E000), then every character other than a space or NUL emits itself, the
    next character when that is neither, and a space; each NUL emits itself, so the
    output splits back into one term string per text."""
    if not texts:
        return []
    folded = "\0".join(text.translate(_FOLDS) for text in texts)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    is_char = (codes != _SPACE) & (codes != 0)
    next_char = np.append(is_char[1:], False)
    emit = np.flatnonzero(codes != _SPACE)  # characters and text boundaries
    chars = is_char[emit]
    pair = chars & next_char[emit]
    size = 1 + pair + chars  # character, [next character,] space | NUL
    ends = np.cumsum(size)
    starts = ends - size
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint32)
    out[starts] = codes[emit]
    out[starts[pair] + 1] = codes[emit[pair] + 1]
    out[ends[chars] - 1] = _SPACE
    return [terms[:-1] for terms in out.tobytes().decode("utf-32-le").split("\0")]


def query_runs(query: str) -> list[str | list[str]]:
    """Per query run: a one-character prefix (str), or the phrase of its bigrams (list)."""
    return [run if len(run) == 1 else _grams(run) for run in _folded_runs(query)]


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every query run must occur (AND); None if nothing to match."""
    runs = query_runs(query)
    return match_runs(runs) if runs else None


def match_runs(runs: Sequence[str | Sequence[str]]) -> str:
    """The FTS5 MATCH expression of query runs (`query_runs`, or the query model's)."""
    return " AND ".join(f'"{run}"*' if isinstance(run, str) else '"' + " ".join(run) + '"'
                        for run in runs)

