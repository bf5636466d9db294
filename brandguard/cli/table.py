"""Tables on a terminal that stay aligned with Chinese in them: a CJK character takes two
cells, so columns are padded by display width (`unicodedata.east_asian_width`), and a
cell too wide for its column is cut with "…" at a character boundary."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` display cells (ending in …), then padded to exactly that."""
    if cells(text) > width:
        out, used = [], 0
        for ch in text:
            if used + cells(ch) > width - 1:
                break
            out.append(ch)
            used += cells(ch)
        text = "".join(out) + "…"
    return text + " " * (width - cells(text))


def render(header: Sequence[str], rows: Sequence[Sequence[str]],
           limits: Sequence[int]) -> list[str]:
    """Lines of a table: each column as wide as its widest cell, at most its limit; the
    last column is never padded (links stay whole and copyable)."""
    widths = [min(limit, max([cells(h), *(cells(r[i]) for r in rows)]))
              for i, (h, limit) in enumerate(zip(header, limits, strict=True))]
    def line(values: Sequence[str]) -> str:
        head = [fit(v, w) for v, w in zip(values[:-1], widths[:-1], strict=True)]
        return "  ".join([*head, values[-1]]).rstrip()
    return [line(header), *(line(r) for r in rows)]
