"""Split text into sentences with offsets, so per-mention sentiment reads only nearby text."""

from __future__ import annotations

import re

_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;\n]+|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, covering the text in order."""
    spans = []
    for match in _END.finditer(text):
        start, end = match.span()
        if end > start and text[start:end].strip():
            spans.append((start, end))
    return spans
