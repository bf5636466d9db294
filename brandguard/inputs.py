"""Read JSONL input as numbered raw lines, from a file or standard input.

Lines stay bytes here: decoding (UTF-8, GB18030) is per line at the edge, so one line in a
foreign encoding is one rejection, not a failed file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


def numbered_lines(source: str) -> Iterator[tuple[int, bytes]]:
    stream = sys.stdin.buffer if source == "-" else Path(source).open("rb")  # noqa: SIM115
    try:
        for number, raw in enumerate(stream, start=1):
            line = raw.rstrip(b"\r\n")
            if line.strip():
                yield number, line
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
