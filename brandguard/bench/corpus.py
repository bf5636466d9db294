"""Benchmark inputs: many configured brands and 300-600-character Chinese documents.

Text comes from the real news set in ../shared/data when it is there (`--corpus`), else
from the bundled demo sample, so the benchmark runs on a fresh clone too. Brand names are
synthetic but shaped like real ones (place + product + 茶业/米业/陶瓷…), and each document
mentions one to three of them.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from brandguard.configuration.loader import Config, builtin_lexicon_path, load_config
from brandguard.document import Document

if TYPE_CHECKING:
    from collections.abc import Iterator

PLACES = "安溪武夷云岭青溪龙泉景德宜兴五常盘锦赣南烟台洛川库尔勒庐山黄山太平祁门普洱勐海凤凰"
PRODUCTS = ["茶业", "米业", "陶瓷", "食品", "果业", "农业", "酒业", "茶厂", "合作社", "生态园"]
END = datetime(2026, 11, 1)  # in the configured zone
WEEK = 7 * 86400
SHARED_NEWS = Path("../shared/data/sentiment/news/train.csv")


def brands_yaml(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = ["organizations: [{id: bench, name: 基准协会}]", "brands:"]
    names: set[str] = set()
    while len(names) < count:
        place = "".join(rng.sample(PLACES, 2))
        names.add(place + rng.choice("春华源峰泉山云雾翠明") + rng.choice(PRODUCTS))
    for i, name in enumerate(sorted(names)):
        lines.append(f"  - {{id: b{i}, name: {name}, kind: enterprise, organization: bench,"
                     f" aliases: [{name[:3]}{i}号]}}")
    return "\n".join(lines) + "\n"


def bench_config(root: Path, brands: int) -> Config:
    root.mkdir(parents=True, exist_ok=True)
    (root / "brands.yaml").write_text(brands_yaml(brands), encoding="utf-8")
    (root / "lexicon.yaml").write_text(builtin_lexicon_path().read_text(encoding="utf-8"),
                                       encoding="utf-8")
    return load_config(root)


def source_texts(corpus: Path | None) -> tuple[list[str], str]:
    path = corpus or (SHARED_NEWS if SHARED_NEWS.is_file() else None)
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as fh:
            texts = [row["text"] for row in csv.DictReader(fh) if len(row["text"]) >= 200]
        return texts, str(path)
    demo = resources.files("brandguard") / "example_config" / "demo"
    sample = Path(str(demo / "documents.jsonl"))
    texts = []
    for raw in sample.read_text(encoding="utf-8").splitlines():
        try:
            texts.append(json.loads(raw)["text"])
        except ValueError:
            continue
    return texts, f"{sample} (bundled; pass --corpus for real news)"


def last_published(config: Config) -> datetime:
    """The end of the sample's week, in the configured zone."""
    return END.replace(tzinfo=config.settings.tz)


def documents(config: Config, texts: list[str], count: int, seed: int = 11) -> Iterator[Document]:
    """`count` documents of 300-600 characters, each naming one to three brands, published
    over the week before END: the risk engine judges each report at its own time, so a
    benchmark of judging needs times like a real stream's, not all at the same instant."""
    rng = random.Random(seed)
    times = random.Random(seed + 1)  # its own stream: the texts stay what they were
    end = last_published(config)
    names = [b.name for b in config.brands]
    pool = "".join(texts)
    for i in range(count):
        length = rng.randint(300, 600)
        start = rng.randrange(0, max(1, len(pool) - length))
        body = list(pool[start:start + length])
        for _ in range(rng.randint(1, 3)):
            body.insert(rng.randrange(len(body)), rng.choice(names))
        yield Document(id=f"bench-{i}", text="".join(body)[:600], kind="news",
                       url=f"http://bench.example/{i}",
                       published_at=end - timedelta(seconds=times.randrange(WEEK)))
