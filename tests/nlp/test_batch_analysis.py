"""The batch path (`Analyzer.analyze_batch`, nlp/batch_scoring.py, nlp/token_table.py)
against the document-at-a-time reference (`Analyzer.analyze`): the same analyses, field by
field, on the demo corpus, on texts made to hit the edge cases, and on generated texts."""

from __future__ import annotations

import dataclasses
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.configuration.loader import load_config
from brandguard.document_json import parse_line
from brandguard.errors import InputError
from brandguard.nlp import analyzer as analyzer_module
from brandguard.nlp import token_table
from brandguard.nlp.analyzer import Analyzer
from brandguard.nlp.fingerprint import fingerprint, fingerprints
from tests.conftest import EXAMPLE_CONFIG, REPO, make_doc

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document


def assert_same(expected: list[Analysis], got: list[Analysis]) -> None:
    """Every field equal; the sentiment score to 1e-9 (sums are taken in another order)."""
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        assert have.sentiment == pytest.approx(want.sentiment, abs=1e-9), want.id
        assert dataclasses.replace(have, sentiment=0.0) == dataclasses.replace(
            want, sentiment=0.0), want.id


def demo_documents(config: Config) -> list[Document]:
    """The demo's documents (its deliberately broken lines left out)."""
    docs = []
    for line in (REPO / "config" / "demo" / "documents.jsonl").read_bytes().splitlines():
        try:
            docs.append(parse_line(line, config.settings.tz,
                                   max_bytes=config.settings.analysis.max_document_bytes))
        except InputError:
            continue
    assert len(docs) > 20
    return docs


EDGE_TEXTS = [
    ("news", "安溪铁观音被曝农药残留超标，八马茶业回应：不是我们的产品，消息不实。"),
    ("news", "八马茶业荣获金奖。安溪铁观音集团起诉八马茶业！"),
    ("review", "不好喝，没有想象中那么香，不会再买了。铁观音还行"),
    ("review", "非常好 非常好 非常好！！！八马"),
    ("social", "太失望了[怒] #安溪铁观音# @茶友小王: 真假难辨//@八马茶业:我们从未授权"),
    ("news", "。！？"),
    ("news", "铁观音"),
    ("news", "BAMA 2026年12月1日 3.5% !! 铁观音\n\n\n。。。！"),
    ("news", "ΣΑΣ 八马 ǅ İstanbul 𠀀𠀁𠀂 铁观音"),
]


def edge_documents(config: Config) -> list[Document]:
    return [make_doc(text, config=config, kind=kind, title="八马茶业声明" if i % 2 else None)
            for i, (kind, text) in enumerate(EDGE_TEXTS)]


def test_demo_corpus_batch_equals_one_at_a_time() -> None:
    config = load_config(EXAMPLE_CONFIG)
    analyzer = Analyzer.from_config(config)
    docs = demo_documents(config)
    assert_same([analyzer.analyze(d) for d in docs], analyzer.analyze_batch(docs))


def test_edge_cases_batch_equals_one_at_a_time(analyzer: Analyzer, config: Config) -> None:
    docs = edge_documents(config)
    analyses = analyzer.analyze_batch(docs)
    assert_same([analyzer.analyze(d) for d in docs], analyses)
    assert analyses[0].mentions
    assert analyses[1].keywords


def test_small_chunks_and_an_oversized_document_agree(analyzer: Analyzer, config: Config,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk boundaries change nothing; a document longer than a chunk takes the
    one-at-a-time path."""
    docs = edge_documents(config)
    expected = [analyzer.analyze(d) for d in docs]
    monkeypatch.setattr(analyzer_module, "CHUNK_CHARACTERS", 60)
    assert_same(expected, analyzer.analyze_batch(docs))


def test_trimming_unknown_words_between_batches(config: Config,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """When the words the model does not know are dropped, later batches still agree."""
    analyzer = Analyzer.from_config(config)
    docs = edge_documents(config)
    expected = [analyzer.analyze(d) for d in docs]
    analyzer.analyze_batch(docs)
    table = analyzer._token_table()
    grown = len(table.ids.words)
    assert grown > table.model_size
    monkeypatch.setattr(token_table, "DYNAMIC_LIMIT", table.model_size + 1)
    assert_same(expected, analyzer.analyze_batch(docs))  # trimmed first, then relearnt
    assert len(table.ids.words) == grown  # the same words came back, nothing else


ALPHABET = st.sampled_from(list("安溪铁观音八马茶业不没好差香假冒超标回应，。！？!?；;\n #@[]//:"
                                "哈泪怒 abcXYZ0123"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["news", "review", "social"]),
                          st.text(ALPHABET, max_size=80)), min_size=1, max_size=6))
def test_generated_texts_batch_equals_one_at_a_time(analyzer: Analyzer, config: Config,
                                                    texts: list[tuple[str, str]]) -> None:
    docs = [make_doc(text if text.strip() else "。", config=config, kind=kind, url=f"http://t.example/{i}")
            for i, (kind, text) in enumerate(texts)]
    assert_same([analyzer.analyze(d) for d in docs], analyzer.analyze_batch(docs))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8"), max_size=40), max_size=8))
def test_fingerprints_of_a_batch_equal_each_text_alone(texts: list[str]) -> None:
    for alone, together in zip([fingerprint(t) for t in texts], fingerprints(texts),
                               strict=True):
        assert together.simhash == alone.simhash
        assert np.array_equal(together.signature, alone.signature)
        assert together.band_keys == alone.band_keys


def test_model_is_loaded_once_per_file(tmp_path: Path) -> None:
    """Analyzers of one process share the loaded model (and its batch arrays) while the
    file is unchanged; a rewritten file is loaded again."""
    first = analyzer_module.load_sentiment_model(None)
    assert analyzer_module.load_sentiment_model(None) is first
    copy = tmp_path / "model.json.gz"
    first.save(copy)
    loaded = analyzer_module.load_sentiment_model(copy)
    assert loaded is not first
    assert analyzer_module.load_sentiment_model(copy) is loaded
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # rewritten
    assert analyzer_module.load_sentiment_model(copy) is not loaded


def test_threads_sharing_an_analyzer_get_the_same_analyses(config: Config) -> None:
    """`run` analyses on several threads with one analyzer: batches full of words never
    seen before, started together, still give each thread the reference analyses."""
    analyzer = Analyzer.from_config(config)
    batches = [[make_doc(f"八马茶业{chr(0x4E00 + 97 * t + k)}{chr(0x5E00 + 31 * k + t)}超标"
                         f"第{t}批{k}号", config=config, url=f"http://t.example/{t}/{k}")
                for k in range(300)] for t in range(4)]
    expected = [[analyzer.analyze(d) for d in batch] for batch in batches]
    start = threading.Barrier(len(batches))

    def work(batch: list[Document]) -> list[Analysis]:
        start.wait()
        return analyzer.analyze_batch(batch)

    with ThreadPoolExecutor(len(batches)) as pool:
        results = list(pool.map(work, batches))
    for want, got in zip(expected, results, strict=True):
        assert_same(want, got)
