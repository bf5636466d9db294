"""Shared factories: configs written to disk, analyzers, and stores per backend.

The store suite is parametrised over `STORE_BACKENDS`; a backend that needs a server (the
Elasticsearch one) adds itself there with a fixture that starts or finds a real node.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from brandguard.config.loader import Config, load_config
from brandguard.documents import document_from_json
from brandguard.store.sqlite import SqliteStore
from nlp.analyzer import Analyzer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from brandguard.models import Analysis, Document
    from brandguard.store.base import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = REPO / "config"

BRANDS_YAML = """\
organizations:
  - {id: anxi-tea, name: 安溪县茶业协会}
  - {id: other-org, name: 另一个协会}
brands:
  - id: anxi-tieguanyin
    name: 安溪铁观音
    kind: regional
    organization: anxi-tea
    aliases: [铁观音]
    exclude: [铁观音茶具]
  - id: bama
    name: 八马茶业
    kind: enterprise
    parent: anxi-tieguanyin
    organization: anxi-tea
    aliases: [八马, BAMA]
  - id: anxi-group
    name: 安溪铁观音集团
    kind: enterprise
    parent: anxi-tieguanyin
    organization: anxi-tea
  - id: yixing
    name: 宜兴紫砂
    kind: regional
    organization: other-org
"""


def write_config(root: Path, brands: str = BRANDS_YAML, settings: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "brands.yaml").write_text(textwrap.dedent(brands), encoding="utf-8")
    if settings is not None:
        (root / "settings.yaml").write_text(textwrap.dedent(settings), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(write_config(tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="session")
def analyzer(config: Config) -> Analyzer:
    return Analyzer.from_config(config)


def make_doc(text: str, *, config: Config, **fields: object) -> Document:
    data: dict[str, object] = {"text": text, "url": f"http://news.example/{abs(hash(text))}"}
    data.update(fields)
    return document_from_json(data, config.settings.tz)


STORE_BACKENDS = ["sqlite"]


@pytest.fixture(params=STORE_BACKENDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path,
               config: Config) -> Iterator[Callable[[], Store]]:
    """Factory for an empty store of the parametrised backend."""
    opened: list[Store] = []

    def factory() -> Store:
        if request.param == "sqlite":
            store: Store = SqliteStore(tmp_path / f"s{len(opened)}.db", config.settings.tz)
        else:  # pragma: no cover - backends register above
            raise AssertionError(request.param)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


def analyzed(analyzer: Analyzer, doc: Document) -> tuple[Document, Analysis]:
    return doc, analyzer.analyze(doc)


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in a subprocess, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "brandguard", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
                          check=False)


def jsonl(*records: dict[str, object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
