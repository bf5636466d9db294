"""On both backends a store handle parses a candidate story once per version: asked again,
it hands back the same object (what lets the tracker's index skip it); a story another
handle (another process) rewrote is read again, never served stale."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from brandguard.store.sqlite import SqliteStore
from tests.conftest import STORE_BACKENDS, drop_indices, es_settings
from tests.store.story_fixtures import AT, TZ, one_story

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.base import Store
    from tests.es_node import EsNode


@pytest.fixture(params=STORE_BACKENDS)
def two_handles(request: pytest.FixtureRequest, tmp_path: Path,
                config: Config) -> Iterator[tuple[Store, Store]]:
    """Two handles on one store, as two processes would hold them."""
    if request.param == "sqlite":
        handles: tuple[Store, Store] = (SqliteStore(tmp_path / "s.db", TZ),
                                        SqliteStore(tmp_path / "s.db", TZ))
    else:
        from brandguard.store.es.store import ElasticsearchStore

        node: EsNode = request.getfixturevalue("es_node")
        settings = es_settings(config, node.url).settings
        handles = (ElasticsearchStore(node.url, settings), ElasticsearchStore(node.url, settings))
    yield handles
    drop_indices(handles[0])
    for store in handles:
        store.close()


def test_a_story_changed_by_another_handle_is_read_again(
        two_handles: tuple[Store, Store]) -> None:
    reader, writer = two_handles
    writer.save_stories([one_story()], [])
    first = reader.story_candidates(["bama"], AT, AT)
    assert first == [one_story()]
    assert reader.story_candidates(["bama"], AT, AT)[0] is first[0]  # parsed once
    writer.save_stories([replace(one_story(), documents=2, terms={"抽检": 1.0, "召回": 0.7})], [])
    again = reader.story_candidates(["bama"], AT, AT)
    assert [(s.documents, s.terms) for s in again] == [(2, {"抽检": 1.0, "召回": 0.7})]
    reader.save_stories([replace(one_story(), documents=3)], [])
    assert [s.documents for s in writer.story_candidates(["bama"], AT, AT)] == [3]
