"""One organisation's view of the store: a document naming brands of two organisations is
shown to each with only its own mentions, on every search path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.store.base import SearchQuery
from brandguard.store.sqlite import SqliteStore
from brandguard.web.scope import OrgView
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer


def _view(store: SqliteStore, config: Config, org: str) -> OrgView:
    return OrgView(lambda: store, config, org,
                   {b.id: b for b in config.brands if b.organization == org})


def test_each_organisation_sees_only_its_own_mentions(
        tmp_path: Path, config: Config, analyzer: Analyzer) -> None:
    doc = make_doc("八马茶业与宜兴紫砂联合发布新品，双方表示将共同开拓市场。", config=config,
                   published_at="2026-11-20T09:00:00")
    with SqliteStore(tmp_path / "s.db", config.settings.tz) as store:
        store.upsert([analyzed(analyzer, doc)])
        for org, ours in (("anxi-tea", {"bama"}), ("other-org", {"yixing"})):
            view = _view(store, config, org)
            query = SearchQuery(limit=10)
            objects = view.search(query).hits
            total, hits = view.search_json(query)
            assert total == 1
            assert {m["brand"] for m in hits[0]["mentions"]} == ours
            assert hits == [h.to_json() for h in objects]
