"""A search source's queries: every brand name and alias, alone and with each risk term.

`searches:` names brands (or `all`, peers included: share of voice needs their coverage too)
and terms; this expands them into the exact URLs the engine is asked, once each. A query's
`key` is a short stable hash of its words, so the source's state can remember which queries
used to find results (an engine that changed its markup shows as queries gone empty) without
keeping every query's text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.models import Brand
    from brandguard.configuration.sources import Search


@dataclass(frozen=True)
class Query:
    words: str
    urls: tuple[str, ...]

    @property
    def key(self) -> str:
        return query_key(self.words)

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "words": self.words, "urls": list(self.urls)}


def query_key(words: str) -> str:
    return hashlib.blake2b(words.encode(), digest_size=5).hexdigest()


def query_words(search: Search, brands: Sequence[Brand]) -> list[str]:
    """Each name alone, then with each term; a name two brands share is asked once."""
    chosen = [b for b in brands if search.brands == "all" or b.id in search.brands]
    names = list(dict.fromkeys(name for brand in chosen for name in brand.names))
    return list(dict.fromkeys(
        [*names, *(f"{name} {term}" for name in names for term in search.terms)]))


def expand(search: Search, brands: Sequence[Brand]) -> tuple[list[Query], list[str]]:
    """The queries, and the words that cannot be written in the engine's `encoding`."""
    queries, problems = [], []
    for words in query_words(search, brands):
        try:
            quoted = quote(words, safe="", encoding=search.encoding, errors="strict")
        except UnicodeEncodeError:
            problems.append(f"query {words!r} cannot be written in {search.encoding}; skipped")
            continue
        queries.append(Query(words, tuple(search.url.format(query=quoted, page=number)
                                          for number in search.page_numbers())))
    return queries, problems
