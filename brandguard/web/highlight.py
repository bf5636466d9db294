"""Search hits with the query's words marked, built escape-first.

Crawled text is untrusted: each plain segment is escaped on its own and only the `<mark>`
tags we add are markup, so no stored text can ever become HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

SNIPPET = 160


def snippet(text: str, query: str | None, width: int = SNIPPET) -> Markup:
    """About `width` characters of `text` around the first hit, hits in `<mark>`."""
    terms = [t for t in (query or "").split() if t]
    if not terms:
        return escape(_cut(text, 0, width))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 4)
    window = _cut(text, start, width)
    out = Markup()
    position = 0
    for hit in pattern.finditer(window):
        out += escape(window[position:hit.start()])
        out += Markup("<mark>") + escape(hit.group(0)) + Markup("</mark>")
        position = hit.end()
    return out + escape(window[position:])


def _cut(text: str, start: int, width: int) -> str:
    piece = text[start:start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")
