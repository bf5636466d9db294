"""A social post's reach: its author's followers and the post's reposts, comments and likes.

Counts come as platforms print them: `1,234`, `1.2万`, `3亿`, `10w+`, `2.5k`, `赞 88`. They are
read once at the edge (`count`) and kept on the document as plain integers (`followers`,
`reposts`, `comments`, `likes`), so they are stored, exported and searchable like any field.

`weight` is what the risk score multiplies a report by: 1 for a document with no counts (a
news article: its source's `authority` already speaks for it), else
1 + log10(1 + reach) / 3, capped at 3, where reach = followers + 10 × (reposts + comments) +
likes. So a post by an account with a million followers weighs about 3, one by an account
with 12 followers about 1.4: reach grows by orders of magnitude, and a logarithm keeps one
celebrity post from outweighing a dozen independent complaints.
"""

from __future__ import annotations

import math
import re
from typing import Any

FIELDS = ("followers", "reposts", "comments", "likes")
MAX_WEIGHT = 3.0
_COUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([万亿wWkK千])?\s*\+?")
_SCALE = {"万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000, "k": 1_000, "K": 1_000,
          "千": 1_000}
LIMIT = 10**12


def count(value: Any) -> int | None:
    """A printed count as an integer; None if there is none (an empty cell, "转发")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < LIMIT else None
    if isinstance(value, float):
        return int(value) if 0 <= value < LIMIT else None
    match = _COUNT.search(str(value or ""))
    if not match:
        return None
    number = float(match.group(1).replace(",", "")) * _SCALE.get(match.group(2) or "", 1)
    return int(number) if number < LIMIT else None


def counts(fields: dict[str, Any]) -> dict[str, int]:
    """The engagement fields of a document (as stored in its extras) that hold a count."""
    out = {}
    for name in FIELDS:
        value = count(fields.get(name))
        if value is not None:
            out[name] = value
    return out


def reach(fields: dict[str, Any]) -> int | None:
    found = counts(fields)
    if not found:
        return None
    return (found.get("followers", 0) + 10 * (found.get("reposts", 0) + found.get("comments", 0))
            + found.get("likes", 0))


def weight(fields: dict[str, Any]) -> float:
    value = reach(fields)
    if value is None:
        return 1.0
    return min(MAX_WEIGHT, 1.0 + math.log10(1 + value) / 3)
