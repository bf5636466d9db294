"""`brandguard bench feeds`: a real `brandguard crawl` over thousands of good and broken feeds.

The corpus is built here, deterministically from a seed, and served on loopback: every
good feed is a variant a real publisher serves (RSS 2.0, RSS 1.0/RDF, Atom; UTF-8 with or
without a mark, GBK, GB2312 and GB18030, Big5, UTF-16 and UTF-32 in both byte orders;
`text/xml` without a charset, a header that contradicts the declaration, a declaration
Python has no codec for, zone-less dates), and every broken one is a fault a crawl meets
(truncation, entity bombs, external entities, garbage bytes, an HTML page, an empty body,
HTTP errors, redirects to URLs that cannot be split, links with bad ports, deep nesting).
The crawl runs as the installed command in its own process; then the store is opened and
every good feed's every item must be in it.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.document_json import document_id
from brandguard.net.local_server import QuietHandler, serving
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Callable

Served = tuple[int, dict[str, str], bytes]
BRANDS = """\
organizations: [{id: corpus, name: 语料协会}]
brands:
  - {id: yunling, name: 云岭毛尖, kind: regional, organization: corpus, aliases: [雲嶺毛尖]}
"""
SIMPLIFIED = "云岭毛尖{n}号消息：茶园{i}采摘顺利，市场反响良好。"
TRADITIONAL = "雲嶺毛尖{n}號消息：茶園{i}採摘順利，市場反響良好。"
WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


@dataclass(frozen=True)
class Feed:
    path: str
    served: Served
    links: tuple[str, ...] = ()  # the good items' links: each must be stored


@dataclass
class CorpusResult:
    feeds: int
    good: int
    broken: int
    exit_code: int
    seconds: float
    missing: list[str] = field(default_factory=list)  # good feeds with an item not stored
    stderr: str = ""

    @property
    def feeds_per_min(self) -> float:
        return self.feeds / self.seconds * 60


def _items(n: int, count: int, template: str, link_base: str) -> tuple[str, list[str]]:
    links = [f"{link_base}/{n}/{i}.html" for i in range(count)]
    xml = "".join(f"<item><title>{template.format(n=n, i=i)[:12]}</title><link>{link}</link>"
                  f"<description>{template.format(n=n, i=i)}</description>"
                  f"<pubDate>2026-11-{10 + i:02d} 14:38:10</pubDate></item>"
                  for i, link in enumerate(links))
    return xml, links


def _rss(declared: str | None, items: str) -> str:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    return f'{decl}<rss version="2.0"><channel><title>茶</title>{items}</channel></rss>'


def _atom(n: int, link_base: str) -> tuple[str, list[str]]:
    links = [f"{link_base}/{n}/a{i}" for i in range(3)]
    entries = "".join(f"<entry><title>云岭毛尖论坛{n}-{i}</title><link href='{link}'/>"
                      f"<id>{link}</id><updated>2026-11-2{i}T08:00:00+08:00</updated>"
                      f"<content type='html'>&lt;p&gt;{SIMPLIFIED.format(n=n, i=i)}&lt;/p&gt;"
                      "</content></entry>" for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>论坛</title>{entries}</feed>"), links


def _rdf(n: int, link_base: str) -> tuple[str, list[str]]:
    links = [f"{link_base}/{n}/r{i}" for i in range(2)]
    items = "".join(f"<item rdf:about='{link}'><title>云岭毛尖简报{n}-{i}</title>"
                    f"<link>{link}</link>"
                    f"<description>{SIMPLIFIED.format(n=n, i=i)}</description></item>"
                    for i, link in enumerate(links))
    return ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
            '02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x">'
            f"<title>简报</title></channel>{items}</rdf:RDF>"), links


def good_feed(n: int, rng: random.Random, link_base: str) -> Feed:
    """One well-formed feed in one of the ways publishers really serve them."""
    kind = rng.randrange(12)
    path = f"/good/{n}.xml"
    if kind == 0:
        text, links = _atom(n, link_base)
        return Feed(path, (200, {"Content-Type": "application/atom+xml"}, text.encode()),
                    tuple(links))
    if kind == 1:
        text, links = _rdf(n, link_base)
        return Feed(path, (200, {"Content-Type": "application/rdf+xml"}, text.encode()),
                    tuple(links))
    items, links = _items(n, 3, TRADITIONAL if kind == 2 else SIMPLIFIED, link_base)
    variants: list[Callable[[], Served]] = [
        lambda: (200, {"Content-Type": "text/xml; charset=big5"},
                 _rss("big5", items).encode("big5")),
        lambda: (200, {"Content-Type": "text/xml"}, _rss("gb2312", items).encode("gbk")),
        lambda: (200, {}, _rss("gb18030", items).encode("gb18030")),
        lambda: (200, {"Content-Type": "application/rss+xml; charset=gbk"},
                 _rss("utf-8", items).encode()),  # a header that lies
        lambda: (200, {}, "\ufeff".encode() + _rss("utf-8", items).encode()),
        lambda: (200, {}, _rss(None, items).encode()),  # undeclared: UTF-8 by XML's rule
        lambda: (200, {}, _rss("bogus-enc", items).encode("gbk")),
        lambda: _wide(rng.choice(WIDE), items),
        lambda: (200, {"Content-Type": "text/html; charset=gb2312"},
                 _rss("gb2312", items).encode()),  # meta and header both lie: UTF-8 bytes
        lambda: (200, {}, _rss("utf-8", items).encode()),
    ]
    return Feed(path, variants[kind - 2](), tuple(links))


def _wide(codec: str, items: str) -> Served:
    """UTF-16/32 with its byte-order mark, declared without the byte order, as XML says."""
    return 200, {"Content-Type": "text/xml"}, ("\ufeff" + _rss(codec[:6], items)).encode(codec)


def broken_feed(n: int, rng: random.Random, link_base: str) -> Feed:
    """One feed whose fault must cost only itself."""
    path = f"/broken/{n}.xml"
    items, _ = _items(n, 3, SIMPLIFIED, link_base)
    whole = _rss("utf-8", items).encode()
    bomb = ('<?xml version="1.0" encoding="{0}"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                      for i in range(1, 10)) + ']><rss><channel><item><title>&a9;</title>'
            "</item></channel></rss>")
    faults: list[Callable[[], Served]] = [
        lambda: (200, {}, whole[: rng.randrange(len(whole))]),
        lambda: (200, {}, bomb.format(rng.choice(["utf-8", "gbk", "utf-16"])).encode("utf-8")),
        lambda: (200, {}, b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
                          b'"file:///etc/passwd">]><rss><channel><item><title>&x;</title>'
                          b"</item></channel></rss>"),
        lambda: (200, {}, rng.randbytes(rng.randrange(1, 600))),
        lambda: (200, {"Content-Type": "text/html"}, "<html><body>维护中</body></html>".encode()),
        lambda: (200, {}, b""),
        lambda: (rng.choice([404, 500, 503]), {}, b"error"),
        lambda: (301, {"Location": rng.choice(["http://[::1/feed", "http://x.example:99999/"])},
                 b""),
        lambda: (200, {}, _rss("utf-8", items.replace(f"{link_base}/", "http://bad.example:"
                                                      "99999/", 1)).encode()),
        lambda: (200, {}, ('<?xml version="1.0"?><rss><channel>' + "<x>" * 5000 + "</x>" * 5000
                           + "</channel></rss>").encode()),
        lambda: (302, {"Location": path}, b""),  # a redirect loop
    ]
    return Feed(path, rng.choice(faults)())


def build(count: int, seed: int, link_base: str = "http://news.example") -> list[Feed]:
    """`count` feeds, about one in three broken, in a shuffled but reproducible order."""
    rng = random.Random(seed)
    feeds = [broken_feed(n, rng, link_base) if rng.random() < 0.35 else good_feed(n, rng,
                                                                                    link_base)
             for n in range(count)]
    rng.shuffle(feeds)
    return feeds


def run(count: int, seed: int = 20261201) -> CorpusResult:
    """Serve the corpus, crawl it with the real command, then check the store."""
    feeds = build(count, seed)
    routes = {f.path: f.served for f in feeds}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.reply(*routes.get(self.path, (404, {}, b"missing")))

    folder = Path(tempfile.mkdtemp(prefix="bg-bench-feeds-"))
    with serving(Handler) as base:
        config = _config(folder, base, feeds)
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own command, arguments built here
            [sys.executable, "-m", "brandguard", "--config", str(config), "--store",
             f"sqlite:///{folder / 'corpus.db'}", "crawl"],
            capture_output=True, text=True, check=False, timeout=3600)
        seconds = time.perf_counter() - started
    store = SqliteStore(folder / "corpus.db", ZoneInfo("Asia/Shanghai"))
    try:
        missing = [f.path for f in feeds if f.links and
                   any(store.get(document_id(link)) is None for link in f.links)]
    finally:
        store.close()
    good = sum(1 for f in feeds if f.links)
    return CorpusResult(len(feeds), good, len(feeds) - good, done.returncode, seconds, missing,
                        done.stderr[-2000:])


def _config(folder: Path, base: str, feeds: list[Feed]) -> Path:
    root = folder / "config"
    root.mkdir()
    (root / "brands.yaml").write_text(BRANDS, encoding="utf-8")
    (root / "settings.yaml").write_text("allow_private_targets: ['127.0.0.0/8']\n"
                                        f"spool: {folder / 'spool.db'}\n", encoding="utf-8")
    lines = "".join(f"  - {{id: f{i}, url: '{base}{f.path}'}}\n" for i, f in enumerate(feeds))
    (root / "sources.yaml").write_text("feeds:\n" + lines, encoding="utf-8")
    return root
