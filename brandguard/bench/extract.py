"""`brandguard bench extract`: article extraction on portal pages, beside plain trafilatura.

Each page in `pages/` comes with what a careful reader takes from it (`expected.yaml`): the
title, body sentences that must be found, boilerplate that must not be, and the time to the
minute. Both extractors see the same decoded text (`brandguard.crawlers.charset`); the baseline is
`trafilatura.bare_extraction` with metadata and its defaults, the call a newcomer would make.
"""

from __future__ import annotations

import logging
import statistics
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import trafilatura
import yaml
from parsel import Selector

from brandguard.configuration.sources import Selectors
from brandguard.crawlers.charset import decode
from brandguard.crawlers.extract import Article, article, stamp_to_iso

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Score:
    title: bool
    body: float  # share of the expected sentences found
    clean: bool  # no listed boilerplate in the text
    time: bool  # to the minute
    day: bool
    empty: bool

    @property
    def label(self) -> str:
        return (f"{'T' if self.title else '-'} body {self.body:4.0%} "
                f"{'clean' if self.clean else 'NOISY'} {'time' if self.time else '----'}"
                + (" EMPTY" if self.empty else ""))


def pages_dir() -> Path:
    return Path(str(resources.files("brandguard.bench") / "pages"))


def load(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, decoded page, expectations) for every page listed in `expected.yaml`."""
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    return [(name, decode((folder / name).read_bytes(), "text/html").text, spec)
            for name, spec in expected.items()]


def brandguard_extractor(html: str) -> Article:
    return article(Selector(text=html), html, Selectors())


def trafilatura_extractor(html: str) -> Article:
    found = trafilatura.bare_extraction(html, with_metadata=True)
    if found is None:
        return Article("", "", None)
    return Article(getattr(found, "title", None) or "", getattr(found, "text", None) or "",
                   getattr(found, "date", None))


def score(found: Article, spec: dict[str, Any]) -> Score:
    text = found.text
    hits = sum(1 for sentence in spec["body"] if sentence in text)
    when = stamp_to_iso(found.published_at or "") or ""
    return Score(found.title.strip() == spec["title"], hits / len(spec["body"]),
                 not any(noise in text for noise in spec["noise"]),
                 when[:16] == spec["time"], when[:10] == spec["time"][:10], not text.strip())


EXTRACTORS: dict[str, Callable[[str], Article]] = {
    "trafilatura": trafilatura_extractor, "brandguard": brandguard_extractor}


def evaluate(folder: Path) -> dict[str, dict[str, Score]]:
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its fallbacks are expected
    pages = load(folder)
    return {name: {page: score(extract(html), spec) for page, html, spec in pages}
            for name, extract in EXTRACTORS.items()}


def summary(scores: dict[str, Score]) -> str:
    n = len(scores)
    values = list(scores.values())
    return (f"titles {sum(s.title for s in values)}/{n}, body recall "
            f"{sum(s.body for s in values) / n:.0%}, clean {sum(s.clean for s in values)}/{n}, "
            f"times {sum(s.time for s in values)}/{n} (days {sum(s.day for s in values)}/{n}), "
            f"empty {sum(s.empty for s in values)}/{n}")


def timing(folder: Path, repeat: int) -> dict[str, float]:
    """Median milliseconds per page of each extractor over `repeat` passes."""
    pages = [html for _, html, _ in load(folder)]
    out = {}
    for name, extract in EXTRACTORS.items():
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            for html in pages:
                extract(html)
            runs.append((time.perf_counter() - started) * 1000 / len(pages))
        out[name] = statistics.median(runs)
    return out
