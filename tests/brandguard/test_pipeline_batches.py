"""The pipeline analyses documents in batches; one document whose analysis fails costs
only itself, and the order of what is stored and of the line numbers holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.analyzing import ANALYSIS_BATCH
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.sqlite import SqliteStore
from tests.conftest import jsonl

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document


class Fragile(Analyzer):
    """Fault injection (no real document makes the analyzer raise today): the document
    whose text contains 爆炸 fails, alone and in any batch it is part of."""

    def analyze(self, doc: Document) -> Analysis:
        if "爆炸" in doc.text:
            raise RuntimeError("injected")
        return super().analyze(doc)

    def analyze_batch(self, docs: Sequence[Document]) -> list[Analysis]:
        if any("爆炸" in d.text for d in docs):
            raise RuntimeError("injected")
        return super().analyze_batch(docs)


def test_one_failing_document_costs_only_itself(config: Config, tmp_path: Path) -> None:
    analyzer = Fragile.from_config(config)
    count = ANALYSIS_BATCH + 10  # two batches, the bad one in the first
    records = [{"url": f"http://news.example/{i}", "text": f"八马茶业第{i}次发布新品。"}
               for i in range(count)]
    records[7]["text"] = "八马茶业仓库爆炸。"
    lines = list(enumerate(jsonl(*records).encode("utf-8").splitlines(), start=1))
    with SqliteStore(tmp_path / "s.db", config.settings.tz) as store:
        report = Pipeline(analyzer, store, config.settings).ingest(lines)
        assert report.read == count
        assert [(r.line, r.reason) for r in report.rejected] == [
            (8, "analysis failed: RuntimeError: injected")]
        assert report.accepted == count - 1
        stored = {item.document.url for item in store.scan(1000)}
    assert "http://news.example/7" not in stored
    assert len(stored) == count - 1
