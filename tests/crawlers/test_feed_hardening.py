"""Hostile and odd feeds, served for real on loopback: each costs only itself.

Every case here broke a whole `crawl` (or stored wrong data) before the hardening issue:
an encoding Python has no codec for, UTF-16/32 feeds, links and redirects urllib cannot
split, zone-less dates read as UTC, RFC 3023's us-ascii default, and lying meta charsets.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from brandguard.collection import Collection
from brandguard.configuration.loader import load_config
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.store.base import SearchQuery
from brandguard.store.sqlite import SqliteStore
from tests.conftest import write_config
from tests.crawlers.test_rss_poller import feed_server

if TYPE_CHECKING:
    from pathlib import Path

TZ = ZoneInfo("Asia/Shanghai")
ITEM = ("<item><title>{title}</title><link>{link}</link>"
        "<description>{body}</description><pubDate>{date}</pubDate></item>")


def rss(enc: str, *items: str) -> str:
    return (f'<?xml version="1.0" encoding="{enc}"?>\n<rss version="2.0"><channel>'
            f"<title>茶讯</title>{''.join(items)}</channel></rss>")


def item(n: int, title: str = "八马茶业新品上市", link: str | None = None,
         date: str = "Fri, 20 Nov 2026 01:00:00 GMT") -> str:
    return ITEM.format(title=title, link=link or f"http://news.example/{n}",
                       body=f"八马茶业第{n}条消息，口碑不错。", date=date)


GOOD = rss("utf-8", item(1), item(2, "八马茶业抽检合格"))


def poller_for(tmp_path: Path, base: str, feeds: list[str],
               extra: str = "") -> tuple[list[str], SqliteStore, Collection]:
    lines = "".join(f"  - {{id: {name}, url: '{base}/{name}.xml'{extra}}}\n" for name in feeds)
    root = write_config(tmp_path / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n")
    (root / "sources.yaml").write_text("feeds:\n" + lines, encoding="utf-8")
    config = load_config(root)
    store = SqliteStore(tmp_path / "s.db", TZ)
    poller = Collection(config, store, Pipeline(Analyzer.from_config(config), store,
                                               config.settings),
                       clock=lambda: datetime(2026, 11, 20, 12, tzinfo=TZ))
    return feeds, store, poller


def poll(tmp_path: Path, routes: dict[str, tuple[int, dict[str, str], bytes]],
         extra: str = "") -> tuple[dict[str, object], SqliteStore]:
    with feed_server({**routes, "/good.xml": (200, {}, GOOD.encode())}) as (base, _):
        names = [path.strip("/").removesuffix(".xml") for path in routes] + ["good"]
        _, store, poller = poller_for(tmp_path, base, names, extra)
        results = {r.source: r for r in poller.collect_all(poller.config.feeds)}
    assert results["good"].new == 2, "the well-behaved feed beside it must be stored"
    return results, store  # type: ignore[return-value]


@pytest.mark.parametrize(("codec", "declared"), [
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"), ("utf-32", "utf-32"),
    ("utf-32-be", "utf-32"), ("utf-16-le", "UCS-2"), ("utf-16-be", "ISO-10646-UCS-2")])
def test_wide_encodings_parse_and_store_their_items(tmp_path: Path, codec: str,
                                                    declared: str) -> None:
    body = rss(declared, item(7, "八马茶业宽字符新闻")).encode(codec)
    if codec.endswith(("-le", "-be")):  # explicit byte order: the mark, written by hand
        body = ("\ufeff" + rss(declared, item(7, "八马茶业宽字符新闻"))).encode(codec)
    results, store = poll(tmp_path, {"/wide.xml": (200, {}, body)})
    assert results["wide"].status == "ok"  # type: ignore[attr-defined]
    assert store.search(SearchQuery(text="宽字符")).total == 1


def test_an_unknown_declared_encoding_falls_back_and_says_so(tmp_path: Path) -> None:
    body = rss("bogus", item(3, "八马茶业假冒网店被查")).encode("gbk")
    results, store = poll(tmp_path, {"/bogus.xml": (200, {}, body)})
    assert results["bogus"].status == "ok"  # type: ignore[attr-defined]
    assert store.search(SearchQuery(text="假冒网店")).total == 1
    state = store.source_state("bogus")
    assert state is not None
    assert "unknown encoding 'bogus'; read as gb18030" in state.last_error


def test_text_xml_without_charset_is_not_reported_as_malformed(tmp_path: Path) -> None:
    body = rss("gb2312", item(4, "八马茶业县报消息")).encode("gbk")
    results, store = poll(tmp_path, {"/county.xml": (200, {"Content-Type": "text/xml"}, body)})
    assert (results["county"].status, results["county"].error) == ("ok", "")  # type: ignore[attr-defined]
    state = store.source_state("county")
    assert state is not None
    assert state.last_error == ""
    assert store.search(SearchQuery(text="县报")).total == 1


def test_a_zone_less_pubdate_is_in_the_configured_zone(tmp_path: Path) -> None:
    body = rss("gb2312", item(5, "八马茶业本地时间", date="2018-09-18 14:38:10"),
               item(6, "八马茶业格林尼治", date="Tue, 18 Sep 2018 06:38:10 GMT"),
               item(8, "八马茶业无时区822", date="Tue, 18 Sep 2018 14:38:10")).encode("gbk")
    _, store = poll(tmp_path, {"/local.xml": (200, {}, body)})
    when = datetime(2018, 9, 18, 14, 38, 10, tzinfo=TZ)
    for title in ("本地时间", "格林尼治", "无时区822"):
        [hit] = store.search(SearchQuery(text=title)).hits
        assert hit.document.published_at == when, title


@pytest.mark.parametrize("link", ["http://x.example:99999/p", "http://x.example:abc/p",
                                  "http://[::1/p", "http://[zz]/p"])
def test_an_item_link_that_cannot_be_used_skips_only_that_item(tmp_path: Path,
                                                               link: str) -> None:
    body = rss("utf-8", item(9, "八马茶业坏链接", link=link), item(10, "八马茶业好链接"))
    results, store = poll(tmp_path, {"/links.xml": (200, {}, body.encode())})
    assert results["links"].new == 1  # type: ignore[attr-defined]
    assert "entry 1:" in results["links"].error  # type: ignore[attr-defined]
    assert store.search(SearchQuery(text="好链接")).total == 1


@pytest.mark.parametrize("location", ["http://[::1/feed", "http://x.example:99999/feed"])
def test_a_redirect_that_cannot_be_split_is_a_fault_of_that_feed(tmp_path: Path,
                                                                  location: str) -> None:
    results, store = poll(tmp_path, {"/moved.xml": (301, {"Location": location}, b"")})
    assert results["moved"].status == "error"  # type: ignore[attr-defined]
    assert re.search("unparseable URL|cannot be parsed",
                     results["moved"].error)  # type: ignore[attr-defined]
    state = store.source_state("moved")
    assert state is not None
    assert state.failures == 1


def test_an_article_under_a_lying_meta_charset_is_read_as_its_bytes(tmp_path: Path) -> None:
    page = ('<html><head><meta charset="gb2312"><title>八马茶业</title></head><body>'
            "<article><h1>八马茶业公布检测报告</h1>" + "<p>八马茶业今日公布第三方检测报告，"
            "全部指标合格，消费者可以放心饮用。</p>" * 4 + "</article></body></html>")
    feed = rss("utf-8", item(11, "八马茶业公布检测报告", link="{base}/article.html"))
    routes = {"/article.html": (200, {"Content-Type": "text/html"}, page.encode("utf-8"))}
    with feed_server(routes) as (base, _):
        routes["/meta.xml"] = (200, {}, feed.replace("{base}", base).encode())
        _, store, poller = poller_for(tmp_path, base, ["meta"], ", fetch_article: true")
        [result] = poller.collect_all(poller.config.feeds)
    assert (result.status, result.new) == ("ok", 1)
    [hit] = store.search(SearchQuery(text="第三方检测报告")).hits
    assert "消费者可以放心饮用" in hit.document.text
