"""Text <-> full-text-index terms for Chinese without a Chinese tokenizer in the engine.

Each run of Han characters is indexed as overlapping character bigrams plus its last
character ("食品安全" -> 食品 品安 安全 全), and a query becomes the phrase of its bigrams.
That makes search an exact substring match for any query of two or more characters (FTS5's
trigram tokenizer needs three), independent of how a segmenter happened to cut the text.
"""

from __future__ import annotations

import re

_TERMS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _run_terms(run: str, last: bool) -> list[str]:
    if not _HAN.match(run):
        return [run.lower()]
    grams = [run[i:i + 2] for i in range(len(run) - 1)]
    if last or len(run) == 1:
        grams.append(run[-1])
    return grams


def index_terms(text: str) -> str:
    """The space-separated term string stored in the FTS index."""
    return " ".join(t for run in _TERMS.findall(text) for t in _run_terms(run, True))


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every query word must occur (AND); None if nothing to match."""
    parts = []
    for run in _TERMS.findall(query):
        if _HAN.match(run) and len(run) == 1:
            parts.append(f'"{run}"*')
        else:
            grams = _run_terms(run, False)
            parts.append('"' + " ".join(g.replace('"', '""') for g in grams) + '"')
    return " AND ".join(parts) if parts else None


def query_words(query: str) -> list[str]:
    """The words of a query the way the index sees them: Han runs and alphanumeric runs."""
    return list(_TERMS.findall(query))
