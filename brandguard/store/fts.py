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

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

_RUN = re.compile(r"\S+")


def _protect(char: str) -> str:
    """ASCII other than letters and digits separates tokens in FTS5 (and `"` quotes):
    moved to the private-use area, where it is an ordinary token character."""
    return chr(0xE000 + ord(char)) if char < "\x80" and not char.isalnum() else char


@lru_cache(maxsize=65_536)
def _fold(char: str) -> str:
    """One character as indexed: full-width ASCII narrowed, case folded, ASCII
    punctuation protected. Applied per character, so folding a substring gives a
    substring of the folded text."""
    if "\uff01" <= char <= "\uff5e":
        char = chr(ord(char) - 0xFEE0)
    return "".join(_protect(c) for c in char.casefold() if not c.isspace()) or _protect(char)


def _folded_runs(text: str) -> list[str]:
    """Each run of non-space characters, folded character by character."""
    return ["".join(_fold(c) for c in run) for run in _RUN.findall(text)]


def _grams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> str:
    """The space-separated term string stored in the index."""
    return " ".join(t for run in _folded_runs(text) for t in (*_grams(run), run[-1]))


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

