"""Plug-in registries: entry-point groups, read lazily.

A spider, an alert channel, a store or a risk signal is a class plus one entry point in its group
(pyproject.toml), which is also how another distribution adds one without forking. Names come
from the installed metadata without importing anything (so validating `spider: news` does not
import Scrapy); a class is imported only when it is used.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

SPIDERS = "brandguard.spiders"
CHANNELS = "brandguard.channels"
STORES = "brandguard.stores"
SIGNALS = "brandguard.signals"


@cache
def _group(group: str) -> dict[str, EntryPoint]:
    found = {ep.name: ep for ep in entry_points(group=group)}
    if not found:
        raise RuntimeError(f"nothing is registered under the entry-point group {group!r}: "
                           "install brandguard (pip install -e .) so its metadata exists")
    return found


def names(group: str) -> list[str]:
    return sorted(_group(group))


@cache
def load(group: str, name: str) -> Any:
    """The class registered as `name`; KeyError if there is none."""
    return _group(group)[name].load()


def check_name(group: str, kind: str, name: str) -> str:
    """`name` if registered, else a ValueError listing what is."""
    if name not in _group(group):
        raise ValueError(f"unknown {kind} {name!r} (known: {', '.join(names(group))})")
    return name
