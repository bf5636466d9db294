"""Line breaking for Chinese mixed with numbers and Latin words, for the PDF.

fpdf2 breaks either at spaces only (Latin text: Chinese lines then end ragged at every
"12 条") or between any two characters ("+0." / "08" split). Chinese typesetting breaks
between any two Han characters but keeps a number, a date or a Latin word whole, and
keeps closing punctuation off the start of a line and opening punctuation off its end
(禁则). That is what this does; the renderer then sets each line as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

_TOKENS = re.compile(r"[0-9A-Za-z+\-.,:/%@_#&?=~'’]+|[ \t]+|\n|.", re.S)
NO_START = frozenset("，。、；：！？）》」』】〕〉”’%·…—,.;:!?)]}")
NO_END = frozenset("（《「『【〔〈“‘([{")
Segment = tuple[str, str | None]  # text, link


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def wrap(parts: Sequence[Segment], width: float,
         measure: Callable[[str], float]) -> list[list[Segment]]:
    """Lines of (text, link) segments, each at most `width` wide where a token allows."""
    pieces = [(tok, link) for text, link in parts for tok in tokens(text)]
    lines: list[list[Segment]] = []
    line: list[Segment] = []
    used = 0.0
    for tok, link in pieces:
        if tok == "\n":
            lines.append(line)
            line, used = [], 0.0
            continue
        if tok.isspace() and not line:
            continue  # no space at the start of a line
        size = measure(tok)
        if line and used + size > width and not tok.isspace():
            carried = _carry(line, tok)
            lines.append(_trim(line))
            line = carried
            used = sum(measure(t) for t, _ in line)
        if size > width:  # a token wider than the line: cut it by characters
            for char in tok:
                if line and used + measure(char) > width:
                    lines.append(_trim(line))
                    line, used = [], 0.0
                line.append((char, link))
                used += measure(char)
            continue
        line.append((tok, link))
        used += size
    if line:
        lines.append(_trim(line))
    return lines


def _carry(line: list[Segment], next_token: str) -> list[Segment]:
    """What moves down with the next token: the line's last piece when the next token may
    not start a line, or when the line would end on an opening mark."""
    if len(line) > 1 and (next_token[0] in NO_START or line[-1][0][-1] in NO_END):
        return [line.pop()]
    return []


def _trim(line: list[Segment]) -> list[Segment]:
    while line and line[-1][0].isspace():
        line.pop()
    return line


def text_lines(text: str, width: float, measure: Callable[[str], float]) -> str:
    """`text` broken into lines joined by newlines (table cells)."""
    if "\n" not in text and measure(text) <= width:
        return text  # most cells fit: one measurement, no tokens
    return "\n".join("".join(t for t, _ in line) for line in wrap([(text, None)], width, measure))
