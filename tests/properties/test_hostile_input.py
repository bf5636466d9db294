"""Property: whatever arrives, the good items around it are stored and nothing raises.

Hypothesis generates JSON lines (hostile URLs, times, nesting, types, raw bytes) for the
ingest pipeline, and feed bodies (raw bytes, real feeds cut short, re-declared and
re-encoded) for the poller, served for real on loopback. A good line or feed beside each
generated one must always be stored.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.collection import Collection
from brandguard.configuration.loader import load_config
from brandguard.net.local_server import QuietHandler, serving
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.sqlite import SqliteStore
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config

TZ = ZoneInfo("Asia/Shanghai")
_serial = itertools.count()
HOSTILE_URLS = ["http://x.example:99999/p", "http://x.example:abc/p", "http://[::1/p",
                "http://[zz]/p", "http://a.example/a\r\nb", "javascript:alert(1)", "",
                "http://a.example/a)**[x](http://phish.example/)**", "http://[64:ff9b::1]/"]
HOSTILE_TIMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-13-40",
                 "1989-01-01", "2026-11-20T09:00:00", "2026-11-20T09:00:00Z", ""]
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
FIELD = st.one_of(JSON, st.sampled_from(HOSTILE_URLS), st.sampled_from(HOSTILE_TIMES))


@st.composite
def hostile_line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["object", "bytes", "deep", "json"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200)).replace(b"\n", b" ")
    if kind == "deep":
        depth = draw(st.integers(30, 3000))
        return ('{"text": "八马茶业", "url": "http://a.example/", "x": '.encode()
                + b"[" * depth + b"]" * depth + b"}")
    if kind == "json":
        return json.dumps(draw(JSON)).encode()
    record: dict[str, Any] = draw(st.dictionaries(
        st.sampled_from(["text", "url", "id", "title", "published_at", "rating", "kind",
                         "source", "seller", "author", "extra"]), FIELD, max_size=6))
    if draw(st.booleans()):
        record.setdefault("text", "八马茶业" + draw(st.text(max_size=20)))
    return json.dumps(record, ensure_ascii=draw(st.booleans())).encode()


def good_line() -> tuple[str, bytes]:
    doc_id = f"good-{next(_serial)}"
    return doc_id, json.dumps({"id": doc_id, "text": f"八马茶业第{doc_id}号新品上市",
                               "published_at": "2026-11-20T09:00:00"},
                              ensure_ascii=False).encode()


class World:
    """One config, analyzer and store for every example of a test."""

    def __init__(self, root: Path) -> None:
        self.config: Config = load_config(write_config(
            root / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n"))
        self.store = SqliteStore(root / "s.db", TZ)
        self.pipeline = Pipeline(Analyzer.from_config(self.config), self.store,
                                 self.config.settings)


def test_hostile_lines_cost_only_themselves(tmp_path: Path) -> None:
    world = World(tmp_path)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(hostile_line(), min_size=1, max_size=6))
    def one_ingest(lines: list[bytes]) -> None:
        numbered: list[tuple[int, bytes]] = []
        good: list[str] = []
        for raw in lines:
            doc_id, line = good_line()
            good.append(doc_id)
            numbered += [(len(numbered) + 1, raw), (len(numbered) + 2, line)]
        report = world.pipeline.ingest(numbered)
        assert report.read == len(numbered)
        for doc_id in good:
            assert world.store.get(doc_id) is not None, doc_id
        assert {r.line for r in report.rejected} <= {n for n, _ in numbered[::2]}
        assert all(r.reason for r in report.rejected)

    one_ingest()


GOOD_FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
             "<item><title>八马茶业{n}号新闻</title><link>http://good.example/{n}</link>"
             "<description>八马茶业发布新品。</description></item></channel></rss>")
SEED = ('<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>茶</title>'
        "<item><title>八马茶业抽检</title><link>{link}</link><pubDate>{date}</pubDate>"
        "<description>八马茶业产品抽检。</description></item></channel></rss>")
ENCODINGS = ["utf-8", "gbk", "gb2312", "gb18030", "big5", "utf-16", "utf-32", "bogus",
             "us-ascii", "latin-1", "shift_jis", "utf-7", ""]


@st.composite
def hostile_feed(draw: st.DrawFn) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["bytes", "seed", "cut"]))
    content_type = draw(st.sampled_from(["", "text/xml", "application/rss+xml; charset=gbk",
                                         "text/html; charset=bogus", "application/xml"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400)), content_type
    text = SEED.format(enc=draw(st.sampled_from(ENCODINGS)),
                       link=draw(st.sampled_from([*HOSTILE_URLS, "http://ok.example/1"])),
                       date=draw(st.sampled_from([*HOSTILE_TIMES, "2018-09-18 14:38:10"])))
    codec = draw(st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-32-be"]))
    body = text.encode(codec)
    if kind == "cut":
        body = body[:draw(st.integers(0, len(body)))]
    return body, content_type


def test_a_hostile_feed_never_costs_the_good_feed_beside_it(tmp_path: Path) -> None:
    """One real server for every example (its routes change per example)."""
    routes: dict[str, tuple[bytes, str]] = {}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            payload, ctype = routes.get(self.path, (b"", ""))
            self.reply(200, {"Content-Type": ctype} if ctype else {}, payload)

    world = World(tmp_path)
    with serving(Handler) as base:
        (world.config.root / "sources.yaml").write_text(
            f"feeds:\n  - {{id: hostile, url: '{base}/hostile.xml'}}\n"
            f"  - {{id: good, url: '{base}/good.xml'}}\n", encoding="utf-8")
        config = load_config(world.config.root)
        poller = Collection(config, world.store, world.pipeline,
                           clock=lambda: datetime(2026, 11, 20, 12, tzinfo=TZ))

        @settings(max_examples=150, deadline=None)
        @given(hostile_feed())
        def one_crawl(feed: tuple[bytes, str]) -> None:
            n = next(_serial)
            routes["/hostile.xml"] = feed
            routes["/good.xml"] = (GOOD_FEED.format(n=n).encode(), "application/rss+xml")
            results = {r.source: r for r in poller.collect_all(config.feeds)}
            assert results["good"].status == "ok", results["good"]
            assert results["hostile"].status in ("ok", "error")
            assert not results["hostile"].error.startswith("unexpected"), results["hostile"]
            assert world.store.get(_good_id(n)) is not None

        one_crawl()


def _good_id(n: int) -> str:
    from brandguard.document_json import document_id

    return document_id(f"http://good.example/{n}")
