"""Shared factories: configs written to disk, analyzers, and stores per backend.

The store suite is parametrised over `STORE_BACKENDS`; a backend that needs a server (the
Elasticsearch one) adds itself there with a fixture that starts or finds a real node.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from brandguard.configuration.loader import Config, load_config
from brandguard.document_json import document_from_json
from brandguard.nlp.analyzer import Analyzer
from brandguard.store.sqlite import SqliteStore
from tests.es_node import EsNode

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from brandguard.document import Analysis, Document
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


STORE_BACKENDS = ["sqlite", "elasticsearch"]
NO_NODE = ("no Elasticsearch node for this run: set BRANDGUARD_ES_HOME to an unpacked "
           "integ-test distribution (`bash .ci/elasticsearch` fetches one and prints the line "
           "to export) or BRANDGUARD_ES_URL to a running node")


@pytest.fixture(scope="session")
def es_node() -> Iterator[EsNode]:
    """A real Elasticsearch node for the session. With BRANDGUARD_REQUIRE_ES (CI) a missing
    or failing node fails the run; locally the Elasticsearch tests skip, saying why."""
    required = os.environ.get("BRANDGUARD_REQUIRE_ES") == "1"
    home = os.environ.get("BRANDGUARD_ES_HOME")
    if not home:
        if os.environ.get("BRANDGUARD_ES_URL"):
            yield EsNode.external(os.environ["BRANDGUARD_ES_URL"])
            return
        if required:
            pytest.fail(NO_NODE)
        pytest.skip(NO_NODE)
    # not under pytest's tmp dir: that is private to root, and the node runs as its own user
    work = Path(tempfile.mkdtemp(prefix="brandguard-es-"))
    node = EsNode(Path(home), work, os.environ.get("BRANDGUARD_ES_USER"))
    try:
        node.start()  # raises (an error, not a skip) when the node can't start
        yield node
    finally:
        node.stop()
        shutil.rmtree(work, ignore_errors=True)


def es_settings(config: Config, url: str, **options: object) -> Config:
    """The test config pointed at `url` with a fresh index prefix (one per store)."""
    es = config.settings.elasticsearch.model_copy(
        update={"index_prefix": f"t{uuid.uuid4().hex[:10]}", **options})
    settings = config.settings.model_copy(update={"store": url, "elasticsearch": es})
    return dataclasses.replace(config, settings=settings)


def drop_indices(store: Store) -> None:
    from brandguard.store.es.mappings import drop
    from brandguard.store.es.store import ElasticsearchStore

    if isinstance(store, ElasticsearchStore):
        drop(store.client, store.prefix)


@pytest.fixture(params=STORE_BACKENDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path,
               config: Config) -> Iterator[Callable[[], Store]]:
    """Factory for an empty store of the parametrised backend."""
    opened: list[Store] = []

    def factory() -> Store:
        if request.param == "sqlite":
            store: Store = SqliteStore(tmp_path / f"s{len(opened)}.db", config.settings.tz)
        else:
            from brandguard.store.es.store import ElasticsearchStore

            node: EsNode = request.getfixturevalue("es_node")
            store = ElasticsearchStore(node.url, es_settings(config, node.url).settings)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        drop_indices(store)
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


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, SqliteStore]:
    """The demo's story (config/demo/documents.jsonl) ingested by the real CLI into SQLite,
    with the example configuration: what `report` and `evaluate` are shown on."""
    database = tmp_path_factory.mktemp("demo") / "demo.db"
    sample = EXAMPLE_CONFIG / "demo" / "documents.jsonl"
    done = subprocess.run([sys.executable, "-m", "brandguard", "--config", str(EXAMPLE_CONFIG),
                           "--store", f"sqlite:///{database}", "ingest", str(sample), "--json"],
                          capture_output=True, text=True, timeout=300, check=True)
    assert json.loads(done.stdout)["accepted"] > 20
    config = load_config(EXAMPLE_CONFIG)
    return config, SqliteStore(database, config.settings.tz)

