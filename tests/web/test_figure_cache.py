"""The server's figure cache, end to end: a real server on loopback answers a repeated
dashboard question from the cache (/metrics counts the hits), sees the ingest process's
commit through another store handle at once, and keeps one organisation's figures from
another's.

Its own store and server: the shared web world must not be written to.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx

from brandguard.access import Credential, new_secret, secret_hash
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.sqlite import SqliteStore
from brandguard.web.app import create_app
from brandguard.web.context import WebContext
from brandguard.web.server import background
from tests.web.conftest import NOW, ORGS, TZ, _config, _history, _ingest

if TYPE_CHECKING:
    from pathlib import Path

RANGE = {"since": (NOW - timedelta(days=10)).isoformat(), "until": NOW.isoformat()}


def _hits(client: httpx.Client) -> int:
    text = client.get("/metrics").text
    found = re.search(r'^brandguard_figure_cache_answers_total\{outcome="hit"\} ([\d.]+)$',
                      text, re.M)
    assert found, text
    return int(float(found.group(1)))


def test_repeated_figures_come_from_the_cache_until_ingest_commits(
        tmp_path: Path, analyzer: Analyzer) -> None:
    config = _config(tmp_path / "config")
    path = tmp_path / "web.db"
    tokens: dict[str, str] = {}
    with SqliteStore(path, TZ) as ingest:
        pipeline = Pipeline(Analyzer.from_config(config, model=analyzer.model), ingest,
                            config.settings)
        for org, (_, brand, _) in ORGS.items():
            _ingest(pipeline, _history(brand, org))
            tokens[org] = new_secret()
            ingest.save_credential(Credential(f"tok-{org}", "token", org, "tests",
                                              secret_hash(tokens[org]), NOW - timedelta(days=1)))
        ctx = WebContext.create(config, f"sqlite:///{path}")
        try:
            with background(create_app(ctx)) as url, httpx.Client(
                    base_url=url, timeout=30,
                    headers={"Authorization": f"Bearer {tokens['anxi-tea']}"}) as ours, \
                    httpx.Client(base_url=url, timeout=30, headers={
                        "Authorization": f"Bearer {tokens['other-org']}"}) as theirs:
                def total(client: httpx.Client, brand: str) -> int:
                    answer = client.get(f"/api/v1/brands/{brand}/timeseries", params=RANGE)
                    assert answer.status_code == 200, answer.text
                    return sum(p["total"] for p in answer.json()["points"])

                first = total(ours, "bama")
                assert first == 7
                before = _hits(ours)
                assert total(ours, "bama") == first
                assert _hits(ours) > before  # the repeat came from the cache
                # the other organisation: its own figures, its brand only
                assert total(theirs, "yixing") == 7
                assert theirs.get("/api/v1/brands/bama/timeseries",
                                  params=RANGE).status_code == 404
                # the ingest process commits through its own handle: seen at once
                _ingest(pipeline, [{"url": "http://late.example/1", "source": "late.example",
                                    "text": "八马茶业秋茶上市，口感醇厚。",
                                    "published_at": (NOW - timedelta(hours=5)).isoformat()}])
                assert total(ours, "bama") == first + 1
                assert total(theirs, "yixing") == 7
        finally:
            ctx.pool.close()
