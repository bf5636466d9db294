"""The SQLite store's full-text index in its own file (brandguard/store/sqlite/text_index.py):
search stays exact across handles and processes, a process that dies loses nothing, and an
older store's index is moved, not rebuilt."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.store.base import SearchQuery
from brandguard.store.fts import index_terms
from brandguard.store.sqlite import SqliteStore, text_index
from brandguard.store.sqlite.text_index import index_path, store_files
from tests.conftest import analyzed, make_doc
from tests.reports.story import TZ

if TYPE_CHECKING:
    import pytest

    from brandguard.configuration.loader import Config
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer

_ids = itertools.count()


def _found(store: SqliteStore, query: str) -> set[str]:
    hits = store.search(SearchQuery(text=query, limit=500, include_duplicates=True)).hits
    return {h.document.id for h in hits}


def _docs(config: Config, analyzer: Analyzer, count: int, word: str = "庚丁批次",
          ) -> list[tuple[Document, Analysis]]:
    return [analyzed(analyzer, make_doc(f"第{n}号检验报告显示{word}茶叶合格。", config=config,
                                        url=f"http://fts.example/{next(_ids)}"))
            for n in range(count)]


def _stored(path: Path, config: Config, analyzer: Analyzer, count: int) -> set[str]:
    """A store at `path` holding `count` documents, closed; their ids."""
    batch = _docs(config, analyzer, count)
    with SqliteStore(path, TZ) as store:
        store.upsert(batch)
    return {d.id for d, _ in batch}


def _indexed_rowids(path: Path, match: str) -> list[int]:
    db = sqlite3.connect(index_path(path))
    try:
        return [r[0] for r in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (match,))]
    finally:
        db.close()


def test_a_second_handle_finds_what_the_first_committed_and_nothing_twice(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    path = tmp_path / "s.db"
    writer, reader = SqliteStore(path, TZ), SqliteStore(path, TZ)
    try:
        expected: set[str] = set()
        for held in (True, False, True):
            batch = _docs(config, analyzer, 40)
            if held:  # the writer's indexer waits: the reader's search must apply them
                with writer.text.lock:
                    writer.upsert(batch)
                    assert _found(reader, "庚丁") == expected | {d.id for d, _ in batch}
            else:  # the indexer and the search race to apply them
                writer.upsert(batch)
            expected |= {d.id for d, _ in batch}
            assert _found(reader, "庚丁") == expected
        assert writer.db.execute("SELECT 1 FROM main.sqlite_master WHERE name='fts'"
                                 ).fetchone() is None  # the index is not in the store's file
    finally:
        writer.close()
        reader.close()
    rowids = _indexed_rowids(path, '"庚丁"')
    assert len(rowids) == len(set(rowids)) == len(expected)  # no entry applied twice


def test_entries_left_by_a_process_that_died_are_applied_when_the_store_opens(
        tmp_path: Path, config: Config) -> None:
    path = tmp_path / "s.db"
    SqliteStore(path, TZ).close()
    script = textwrap.dedent(f"""
        import os
        from brandguard.store.sqlite import SqliteStore
        from brandguard.store.sqlite.text_index import TextIndex
        from tests.conftest import make_doc
        from tests.store.test_sqlite_text_index import died_config
        from tests.reports.story import TZ
        TextIndex.wake = lambda self: None  # the indexer never runs: the process dies first
        config, analyzer = died_config()
        store = SqliteStore({str(path)!r}, TZ)
        doc = make_doc("检验报告显示庚丁批次茶叶合格。", config=config, url="http://fts.example/died")
        store.upsert([(doc, analyzer.analyze(doc))])
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path.cwd(), timeout=120,
                   env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert _indexed_rowids(path, '"庚丁"') == []  # committed, queued, never indexed
    with SqliteStore(path, TZ) as store:
        assert len(_indexed_rowids(path, '"庚丁"')) == 1
        assert len(_found(store, "庚丁批次")) == 1


def died_config() -> tuple[Config, Analyzer]:
    """The tests' configuration and its analyzer, for the process that dies above."""
    from brandguard.configuration.loader import load_config
    from brandguard.nlp.analyzer import Analyzer
    from tests.conftest import write_config

    config = load_config(write_config(Path(tempfile.mkdtemp())))
    return config, Analyzer.from_config(config)


def _as_schema_9(path: Path) -> None:
    """What schema 9 kept: the index inside the store's file, no queue, no index file;
    plus one entry no document has, which only a copied index holds."""
    db = sqlite3.connect(path)
    rows = [(rowid, index_terms(text)) for rowid, text in db.execute(
        "SELECT rowid, coalesce(json_extract(doc, '$.title') || char(10), '')"
        " || json_extract(doc, '$.text') FROM documents")]
    db.executescript("CREATE VIRTUAL TABLE fts USING fts5(body, content='', columnsize=0,"
                     " tokenize='ascii'); DROP TABLE fts_queue; PRAGMA user_version=9;")
    db.executemany("INSERT INTO fts (rowid, body) VALUES (?, ?)", [*rows, (999, "zz z")])
    db.commit()
    db.close()
    for leftover in store_files(path)[3:]:
        leftover.unlink(missing_ok=True)


def test_a_schema_9_store_keeps_its_index_moved_into_the_index_file(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    path = tmp_path / "old.db"
    ids = _stored(path, config, analyzer, 5)
    _as_schema_9(path)
    with SqliteStore(path, TZ) as reopened:
        assert _found(reopened, "庚丁批次") == ids
        assert _indexed_rowids(path, '"zz"') == [999]  # copied, not rebuilt
        assert reopened.db.execute("SELECT 1 FROM main.sqlite_master WHERE name='fts'"
                                   ).fetchone() is None
        more = _docs(config, analyzer, 2, word="甲乙丙丁")
        reopened.upsert(more)
        assert _found(reopened, "甲乙丙") == {d.id for d, _ in more}


def test_a_missing_index_file_is_rebuilt_from_the_documents(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    path = tmp_path / "s.db"
    ids = _stored(path, config, analyzer, 5)
    for part in store_files(path)[3:]:
        part.unlink(missing_ok=True)
    with SqliteStore(path, TZ) as reopened:
        assert _found(reopened, "报告显示") == ids
        more = _docs(config, analyzer, 1)
        reopened.upsert(more)
        assert len(_found(reopened, "报告显示")) == 6
    assert len(_indexed_rowids(path, '"报告"')) == 6  # the rebuild left no queue behind


WORDS = ["庚丁", "甲乙", "茶叶", "合格", "批次"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 5),
                                st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)),
                      min_size=1, max_size=12))
def test_search_matches_the_current_texts_after_any_writes_through_two_handles(
        config: Config, analyzer: Analyzer, steps: list[tuple[int, int, list[str]]]) -> None:
    """Documents written, rewritten (their old terms must leave the index) and re-written
    through either of two handles: every word finds exactly the documents whose current
    text holds it, on both handles."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.db"
        handles = [SqliteStore(path, TZ), SqliteStore(path, TZ)]
        texts: dict[str, str] = {}
        try:
            for handle, slot, words in steps:
                text = "、".join(words) + "。"
                doc = make_doc(text, config=config, url=f"http://fts.example/slot{slot}")
                handles[handle].upsert([analyzed(analyzer, doc)])
                texts[doc.id] = text
            for handle, word in itertools.product(handles, WORDS):
                assert _found(handle, word) == {i for i, t in texts.items() if word in t}
        finally:
            for handle in handles:
                handle.close()


def test_a_new_store_beside_an_old_index_file_does_not_inherit_it(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    path = tmp_path / "s.db"
    _stored(path, config, analyzer, 30)
    for part in store_files(path)[:3]:  # the store's own file goes, its index file stays
        part.unlink(missing_ok=True)
    with SqliteStore(path, TZ) as fresh:
        batch = _docs(config, analyzer, 2, word="甲乙丙丁")
        fresh.upsert(batch)
        assert _found(fresh, "甲乙丙") == {d.id for d, _ in batch}
        assert _found(fresh, "庚丁") == set()  # the old store's entries are gone


def test_a_store_in_memory_indexes_in_line(config: Config, analyzer: Analyzer) -> None:
    with SqliteStore(":memory:", TZ) as store:
        doc = make_doc("检验报告显示庚丁批次茶叶合格。", config=config, url="http://fts.example/m")
        store.upsert([analyzed(analyzer, doc)])
        assert _found(store, "庚丁批次") == {doc.id}
        changed = make_doc("检验报告显示甲乙批次茶叶合格。", config=config, url="http://fts.example/m")
        store.upsert([analyzed(analyzer, changed)])
        assert _found(store, "庚丁批次") == set()
        assert _found(store, "甲乙批次") == {doc.id}


def test_a_store_path_with_uri_characters_is_a_path(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    path = tmp_path / "舆情 a#b?c%20.db"
    ids = _stored(path, config, analyzer, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["舆情 a#b?c%20.db", "舆情 a#b?c%20.db-fts"]
    with SqliteStore(path, TZ) as store:
        assert _found(store, "庚丁") == ids


def test_a_handle_that_only_reads_takes_no_lock_on_the_index_file(
        tmp_path: Path, config: Config, analyzer: Analyzer,
        caplog: pytest.LogCaptureFixture) -> None:
    """An API process opening, searching and closing the store while another process's
    indexer holds the index file's write lock neither waits for it nor fails."""
    path = tmp_path / "s.db"
    ids = _stored(path, config, analyzer, 3)
    holder = sqlite3.connect(index_path(path), timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # as an indexer's step does
    try:
        reader = SqliteStore(path, TZ)
        assert _found(reader, "庚丁") == ids
        reader.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "failed" not in caplog.text


def test_a_backlog_is_applied_in_short_steps_and_every_document_is_found(
        tmp_path: Path, config: Config, analyzer: Analyzer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps of at most `STEP_ENTRIES` (each a transaction reading the store's file, which
    must end for the store's log to start over): a backlog larger than one step, updates
    (a delete and an insert each) among it, all applied, in order."""
    monkeypatch.setattr(text_index, "STEP_ENTRIES", 3)
    path = tmp_path / "s.db"
    batch = _docs(config, analyzer, 10)
    with SqliteStore(path, TZ) as store:
        store.upsert(batch)
        changed = [replace(doc, text=doc.text.replace("庚丁", "壬癸")) for doc, _ in batch[:4]]
        store.upsert([analyzed(analyzer, doc) for doc in changed])
        assert _found(store, "庚丁批次") == {d.id for d, _ in batch[4:]}
        assert _found(store, "壬癸批次") == {d.id for d, _ in batch[:4]}
    assert len(_indexed_rowids(path, '"批次"')) == 10


def test_a_batch_holding_two_versions_of_a_document_keeps_only_the_later_ones_rows(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    """A batch's mention, damage and queue rows are written once its documents are in;
    a document replaced within the batch has its rows written before its delete."""
    path = tmp_path / "s.db"
    first = make_doc("八马茶业第1号检验报告显示庚丁批次茶叶农药残留超标。", config=config,
                     url="http://fts.example/twice")
    second = replace(first, text="八马茶业第1号检验报告显示壬癸批次茶叶合格，并非假冒。")
    older, newer = analyzed(analyzer, first), analyzed(analyzer, second)
    assert older[1].mentions
    assert older[1].damage
    assert older[1].damage != newer[1].damage
    with SqliteStore(path, TZ) as store:
        result = store.upsert([older, newer])
        assert (result.inserted, result.updated) == (1, 1)
        assert _found(store, "庚丁批次") == set()
        assert _found(store, "壬癸批次") == {first.id}
        rows = store.db.execute(
            "SELECT (SELECT count(*) FROM mentions), (SELECT count(*) FROM damage),"
            " (SELECT count(*) FROM mentions WHERE doc NOT IN (SELECT rowid FROM documents)),"
            " (SELECT count(*) FROM damage WHERE doc NOT IN (SELECT rowid FROM documents))"
            ).fetchone()
        assert rows == (len(newer[1].mentions), len(newer[1].damage), 0, 0)
    assert _indexed_rowids(path, '"庚丁"') == []
    assert len(_indexed_rowids(path, '"壬癸"')) == 1
