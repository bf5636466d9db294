"""Where a rendered document goes: stdout for the text formats, else the `--out` file.

Shared by `report` and `evaluate`. A file is written beside its name and renamed into
place, so a crash never leaves a half-written report under the asked name.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pathlib import Path

TEXT_FORMATS = ("json", "md")


def require_out(fmt: str, out: Path | None) -> None:
    if out is None and fmt not in TEXT_FORMATS:
        raise click.UsageError(f"--format {fmt} writes a file: give --out PATH "
                               "(json and md print to stdout without it)")


def deliver(body: bytes, out: Path | None, summary: str) -> None:
    """`body` to stdout, or to `out` with `summary` on stderr."""
    if out is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(body)
    partial.replace(out)
    click.echo(f"{out}: {summary} ({len(body):,} bytes)", err=True)
