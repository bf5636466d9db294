"""Shared CLI state: where the config and store are, loaded once and only when needed."""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

from brandguard.configuration.loader import Config, load_config
from brandguard.store.registry import open_store

if TYPE_CHECKING:
    from brandguard.store.base import Store


@dataclass
class AppContext:
    config_dir: Path
    store_url: str | None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_dir)
        return self._config

    def store(self) -> Store:
        return open_store(self.resolved_store_url(), self.config.settings)

    def resolved_store_url(self) -> str:
        return self.store_url or self.config.settings.store


pass_app = click.make_pass_decorator(AppContext)


def default_config_dir() -> Path:
    return Path(os.environ.get("BRANDGUARD_CONFIG", "config"))


def progress(total: int | None, unit: str, desc: str) -> tqdm:  # type: ignore[type-arg]
    """A progress bar on a terminal, silence when piped or in CI."""
    return tqdm(total=total, unit=unit, desc=desc, disable=not sys.stderr.isatty(),
                file=sys.stderr, leave=False)


def pad(text: str, width: int) -> str:
    """Left-align in a terminal column: CJK characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cells)


def printable(text: str, limit: int = 80) -> str:
    """Crawled text shown on a terminal: control characters (escape sequences) removed."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
