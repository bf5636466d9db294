"""The RSS poller against a real feed server on loopback, fault by fault."""

from __future__ import annotations

import gzip
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from brandguard.collection import Collection
from brandguard.configuration.loader import Config, load_config
from brandguard.net.local_server import QuietHandler, serving
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.base import SearchQuery
from brandguard.store.sqlite import SqliteStore
from tests.conftest import write_config

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.nlp.analyzer import Analyzer as AnalyzerT

TZ = ZoneInfo("Asia/Shanghai")

RSS = """<?xml version="1.0" encoding="{enc}"?>
<rss version="2.0"><channel><title>茶讯</title>
<item><title>八马茶业新品上市</title><link>http://news.example/a/1?utm_source=rss</link>
<description><![CDATA[<p>八马茶业发布<b>新品</b><script>alert(1)</script>，口碑不错。</p>]]></description>
<pubDate>Fri, 20 Nov 2026 01:00:00 GMT</pubDate></item>
<item><title>网店假冒八马茶业被查</title><link>http://news.example/a/2</link>
<description>市场监管部门查处一家冒充八马茶业的网店。</description></item>
</channel></rss>"""
BROKEN = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
          "<item><title>八马茶业抽检合格</title><link>http://news.example/b/1</link>"
          "<description>八马茶业产品抽检合格 & 未闭合</description></item><item><title>截断")
BOMB = ('<?xml version="1.0" encoding="{enc}"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                  for i in range(1, 10))
        + ']><rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>')
XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{path}">]>'
       '<rss version="2.0"><channel><item><title>八马茶业 &x;</title>'
       "<link>http://news.example/x</link></item></channel></rss>")


@contextmanager
def feed_server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[
        tuple[str, list[tuple[str, str]]]]:
    log: list[tuple[str, str]] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            status, headers, body = routes.get(self.path, (404, {}, b"missing"))
            conditional = "ETag" in headers and self.headers.get("If-None-Match") == \
                headers["ETag"]
            log.append((self.path, "304" if conditional else str(status)))
            self.reply(status, headers, body)

    with serving(Handler) as base:
        yield base, log


def setup(tmp_path: Path, base: str, analyzer: AnalyzerT, feeds: list[str]) -> tuple[
        Config, SqliteStore, Collection]:
    lines = "".join(f"  - {{id: {name}, url: '{base}/{name}.xml'}}\n" for name in feeds)
    root = write_config(tmp_path / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n")
    (root / "sources.yaml").write_text("feeds:\n" + lines, encoding="utf-8")
    config = load_config(root)
    store = SqliteStore(tmp_path / "s.db", TZ)
    pipeline = Pipeline(Analyzer.from_config(config, model=analyzer.model), store,
                        config.settings)
    poller = Collection(config, store, pipeline,
                       clock=lambda: datetime(2026, 11, 20, 12, tzinfo=TZ))
    return config, store, poller


def xml(text: str, enc: str = "utf-8") -> bytes:
    return text.replace("{enc}", enc).encode(enc)


def test_entries_become_clean_documents_and_304_costs_nothing(tmp_path: Path,
                                                              analyzer: Analyzer) -> None:
    routes = {"/news.xml": (200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"},
                            xml(RSS))}
    with feed_server(routes) as (base, log):
        config, store, poller = setup(tmp_path, base, analyzer, ["news"])
        [first] = poller.collect_all(config.feeds)
        [second] = poller.collect_all(config.feeds)
    assert (first.status, first.new) == ("ok", 2)
    assert second.status == "not_modified"
    assert log == [("/news.xml", "200"), ("/news.xml", "304")]
    hit = store.search(SearchQuery(text="新品")).hits[0]
    assert hit.document.text == "八马茶业发布新品，口碑不错。"  # tags and script gone
    assert hit.document.url == "http://news.example/a/1?utm_source=rss"
    assert hit.document.published_at == datetime(2026, 11, 20, 9, tzinfo=TZ)
    assert hit.document.source == "茶讯"  # the feed's own title, not the config's id
    assert hit.document.extra["feed"] == "news"
    state = store.source_state("news")
    assert state is not None
    assert (state.etag, state.items, state.failures) == ('"v1"', 2, 0)


def test_gbk_feed_is_decoded(tmp_path: Path, analyzer: Analyzer) -> None:
    with feed_server({"/gbk.xml": (200, {}, xml(RSS, "gbk"))}) as (base, _):
        config, store, poller = setup(tmp_path, base, analyzer, ["gbk"])
        [result] = poller.collect_all(config.feeds)
    assert (result.status, result.new) == ("ok", 2)
    assert store.search(SearchQuery(text="假冒")).total == 1


def test_broken_feed_salvages_and_says_so_and_others_carry_on(tmp_path: Path,
                                                              analyzer: Analyzer) -> None:
    routes = {"/broken.xml": (200, {}, BROKEN.encode()), "/down.xml": (500, {}, b"oops"),
              "/news.xml": (200, {}, xml(RSS))}
    with feed_server(routes) as (base, _):
        config, store, poller = setup(tmp_path, base, analyzer, ["broken", "down", "news"])
        results = {r.source: r for r in poller.collect_all(config.feeds)}
    assert results["broken"].status == "ok"
    assert "malformed feed" in results["broken"].error
    assert (results["down"].status, results["down"].error) == ("error", "HTTP 500")
    assert results["news"].new == 2
    down = store.source_state("down")
    assert down is not None
    assert down.failures == 1
    assert down.next_due == datetime(2026, 11, 20, 12, 10, tzinfo=TZ)


@pytest.mark.parametrize("enc", ["utf-8", "gbk"])
def test_entity_bombs_are_refused_whole(tmp_path: Path, analyzer: Analyzer, enc: str) -> None:
    with feed_server({"/bomb.xml": (200, {}, xml(BOMB, enc))}) as (base, _):
        config, store, poller = setup(tmp_path, base, analyzer, ["bomb"])
        [result] = poller.collect_all(config.feeds)
    assert result.status == "error"
    assert "EntitiesForbidden" in result.error
    assert store.search(SearchQuery()).total == 0


def test_external_entity_never_reads_the_file(tmp_path: Path, analyzer: Analyzer) -> None:
    secret = tmp_path / "sentinel.txt"
    secret.write_text("XXE-SENTINEL-CONTENT", encoding="utf-8")
    with feed_server({"/xxe.xml": (200, {}, XXE.replace("{path}", str(secret)).encode())}) as (
            base, _):
        config, store, poller = setup(tmp_path, base, analyzer, ["xxe"])
        [result] = poller.collect_all(config.feeds)
    assert result.status == "error"
    assert store.search(SearchQuery(text="SENTINEL")).total == 0


def test_gzip_bomb_and_redirect_to_private_are_refused(tmp_path: Path,
                                                       analyzer: Analyzer) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * 30_000_000 + b"</rss>")
    routes = {"/gz.xml": (200, {"Content-Encoding": "gzip"}, bomb),
              "/moved.xml": (302, {"Location": "http://10.1.2.3/feed.xml"}, b"")}
    with feed_server(routes) as (base, _):
        config, _, poller = setup(tmp_path, base, analyzer, ["gz", "moved"])
        results = {r.source: r for r in poller.collect_all(config.feeds)}
    assert "TooLarge" in results["gz"].error
    assert "BlockedTarget" in results["moved"].error
    assert "10.1.2.3" in results["moved"].error


def test_a_feed_without_a_title_is_named_by_its_id_and_source_overrides_both(
        tmp_path: Path, analyzer: Analyzer) -> None:
    untitled = RSS.replace("<title>茶讯</title>", "").replace("news.example", "plain.example")
    routes = {"/plain.xml": (200, {"Content-Type": "application/rss+xml"}, xml(untitled)),
              "/named.xml": (200, {"Content-Type": "application/rss+xml"}, xml(RSS))}
    with feed_server(routes) as (base, _):
        config, store, poller = setup(tmp_path, base, analyzer, ["plain", "named"])
        named = config.feeds[1].model_copy(update={"source": "茶讯网·订阅"})
        poller.collect_all([config.feeds[0], named])
    sources = {h.document.extra["feed"]: h.document.source
               for h in store.search(SearchQuery(limit=10)).hits}
    assert sources == {"plain": "plain", "named": "茶讯网·订阅"}
