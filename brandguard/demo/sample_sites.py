"""Sample sites for the demo, the tests and `bench crawl`, served on loopback.

They publish the demo's story (config/demo/documents.jsonl) the way real Chinese sites do,
faults included:

- `/portal/` — a news portal (新闻门户) carrying articles from several publishers, each page
  naming its 来源; paginated lists (`list_1.html` → `下一页`); some articles in GBK with a
  `<meta charset>`, some in UTF-8 under a lying `<meta charset=gb2312>`, one in GB18030
  with no declaration at all; tracking parameters on
  links; an old URL that 301-redirects; a link that redirects to a cloud metadata address;
  a 404, a 500, a slow page, and a page robots.txt forbids.
- `/yunling/rss.xml` — the county paper's RSS feed, GBK-encoded, linking to its articles.
- `/social/atom.xml` — an Atom feed of forum and blog posts.
- `/weibo/api/timeline?page=N` — a microblog timeline as JSON (posts, authors' follower
  counts and reposts/comments/likes as platforms print them: `1.2万`, `3k`), two pages, and
  `/bbs/forum.html` — a forum listing with the same counts in HTML.
- `/mall/` — a shop: product pages with HTML reviews (one paginated) and a JSON review
  endpoint with `next` links.
- `/search/news?wd=…&pn=N` — a news search engine over the portal's and the paper's
  articles (UTF-8 queries, pages 1, 2 …), and `/search/gbk?q=…&start=N` — one that reads its
  queries as GBK and counts results 0, 10, 20 …; each query is recorded as the engine decoded
  it. `Pages.engine_markup = "v2"` changes the result markup, as engines do.
- `/feeds/broken.xml` (malformed, salvageable), `/feeds/bomb.xml` (entity expansion),
  `/feeds/error.xml` (HTTP 500), `/feeds/huge.xml` (over 10 MB).
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from brandguard.net.local_server import QuietHandler, serving

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PER_PAGE = 4
SEARCH_PER_PAGE = 3
POSTERS = (("茶界观察", "120万"), ("山里的小茶农", "12"))
"""Authors of the social posts, with follower counts as platforms print them."""
JSON_ITEMS = ("4410", "5501")
ROBOTS = b"User-agent: *\nDisallow: /portal/private/\n"
BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<rss><channel><title>&lol3;</title></channel></rss>")
BROKEN = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>茶友论坛"
          "</title><item><title>云岭毛尖今年的春茶什么时候上市</title><description>有茶友知道"
          "云岭毛尖春茶的上市时间吗？去年的很好喝。</description><link>{base}/bbs/1.html</link>"
          "</item><item><title>求推荐<b>好喝的绿茶</title><description>云岭毛尖和别的绿茶比"
          "怎么样</description></item></channel>")


@dataclass
class Story:
    """The demo documents, arranged by the site that publishes each."""

    portal: list[dict[str, Any]] = field(default_factory=list)
    paper: list[dict[str, Any]] = field(default_factory=list)
    social: list[dict[str, Any]] = field(default_factory=list)
    reviews: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, path: Path) -> Story:
        story = cls()
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue  # the bundled file ends with a deliberately broken line
            if doc.get("kind") == "review":
                story.reviews[doc["url"].split("/item/")[1].split("/")[0]].append(doc)
            elif doc.get("kind") == "social":
                story.social.append(doc)
            elif doc.get("source") == "云岭日报":
                story.paper.append(doc)
            else:
                story.portal.append(doc)
        return story


def _stamp(doc: dict[str, Any], style: int) -> str:
    day, clock = doc["published_at"][:10], doc["published_at"][11:16]
    if style % 2:
        y, m, d = day.split("-")
        return f"{y}年{m}月{d}日 {clock}"
    return f"{day} {clock}"


def _paragraphs(text: str) -> str:
    parts = [p + "。" for p in text.split("。") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


class Pages:
    """Renders every page; `route` maps a path to (status, headers, body)."""

    def __init__(self, story: Story, slow_seconds: float = 5.0) -> None:
        self.story, self.slow_seconds = story, slow_seconds
        self.released = threading.Event()
        self.base = ""
        self.engine_markup = "v1"
        self.searched: list[tuple[str, str, int]] = []
        """(engine, query as it decoded it, page) for every result page asked for."""

    def route(self, path: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path)
        page = parts.path
        query = parse_qs(parts.query)
        if page == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS
        if page.startswith("/portal/"):
            return self.portal(page)
        if page == "/yunling/rss.xml":
            return self.paper_feed()
        if page.startswith("/yunling/a/"):
            return self.paper_article(page)
        if page == "/social/atom.xml":
            return self.social_feed()
        if page.startswith("/search/"):
            return self.search(page, parts.query)
        if page == "/weibo/api/timeline":
            return self.timeline(int(query.get("page", ["1"])[0]))
        if page == "/bbs/forum.html":
            return self.forum()
        if page.startswith("/mall/"):
            return self.mall(page, query)
        return self.feeds(page)

    # the portal --------------------------------------------------------------------------
    def portal(self, page: str) -> tuple[int, dict[str, str], bytes]:
        name = page.rsplit("/", 1)[-1]
        if page.startswith("/portal/list_"):
            return self.portal_list(int(name[5:-5] or 1))
        if page.startswith("/portal/old/"):
            if name == "meta.html":
                return 302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""
            return 301, {"Location": f"/portal/article/{name}"}, b""
        if name == "slow.html":
            self.released.wait(self.slow_seconds)
            return 200, _html_type("utf-8"), b"<html><body><p>slow</p></body></html>"
        if name == "error.html":
            return 500, _html_type("utf-8"), b"<h1>500 Internal Server Error</h1>"
        index = int(name[:-5]) if name[:-5].isdigit() else -1
        if page.startswith("/portal/article/") and 0 <= index < len(self.story.portal):
            return self.portal_article(index)
        if page.startswith("/portal/private/"):
            return 200, _html_type("utf-8"), b"<p>robots.txt forbids this page</p>"
        return 404, _html_type("utf-8"), "<h1>404 页面不存在</h1>".encode()

    def portal_list(self, number: int) -> tuple[int, dict[str, str], bytes]:
        docs = self.story.portal
        pages = max(1, -(-len(docs) // PER_PAGE))
        if not 1 <= number <= pages:
            return 404, _html_type("utf-8"), b"<h1>404</h1>"
        start = (number - 1) * PER_PAGE
        links = []
        for i in range(start, min(start + PER_PAGE, len(docs))):
            href = f"/portal/article/{i}.html"
            if i == 1:
                href = f"/portal/old/{i}.html"  # moved: answered with a 301
            elif i % 3 == 0:
                href += "?utm_source=weibo&spm=a2c4g.11186623"
            links.append(f'<li><a href="{href}">{html.escape(docs[i]["title"])}</a></li>')
        if number == 1:
            links += ['<li><a href="/portal/article/missing.html">旧闻（已删除）</a></li>',
                      '<li><a href="/portal/article/error.html">服务器出错的页面</a></li>',
                      '<li><a href="/portal/article/slow.html">很慢的页面</a></li>',
                      '<li><a href="/portal/old/meta.html">跳转到内网地址</a></li>',
                      '<li><a href="/portal/private/article/7.html">内部稿件</a></li>']
        nav = f'<a class="next" href="/portal/list_{number + 1}.html">下一页</a>' \
            if number < pages else ""
        body = (f"<html><head><meta charset='utf-8'><title>新闻门户 - 第{number}页</title>"
                f"</head><body><div class='nav'><a href='/'>首页</a></div><ul>{''.join(links)}"
                f"</ul>{nav}</body></html>")
        return 200, _html_type("utf-8"), body.encode()

    def portal_article(self, index: int) -> tuple[int, dict[str, str], bytes]:
        doc = self.story.portal[index]
        encoding = ("gbk", "utf-8", "utf-8")[index % 3]
        undeclared = index == 2  # GB18030 with no charset anywhere: the decoder must guess
        lying = index % 3 == 1  # UTF-8 bytes under <meta charset=gb2312>, as big portals serve
        meta = "" if undeclared else f'<meta charset="{"gb2312" if lying else encoding}">'
        if undeclared:
            encoding = "gb18030"
        body = (f"<html><head>{meta}<title>{html.escape(doc['title'])} - 新闻门户</title></head>"
                "<body><div class='nav'><a href='/'>首页</a> <a href='/portal/list_1.html'>新闻"
                f"</a> 财经 科技 体育</div><h1>{html.escape(doc['title'])}</h1><div class='info'>"
                f"<span class='time'>{_stamp(doc, index)}</span> 来源：{html.escape(doc['source'])}"
                f"</div><div class='article-content'>{_paragraphs(doc['text'])}</div>"
                "<div class='footer'>版权所有 新闻门户 | 联系我们 | 广告服务 | 网站地图</div>"
                "</body></html>")
        headers = {"Content-Type": "text/html"} if undeclared or lying else _html_type(encoding)
        return 200, headers, body.encode(encoding)

    # the county paper's feed and articles ------------------------------------------------
    def paper_feed(self) -> tuple[int, dict[str, str], bytes]:
        items = "".join(
            f"<item><title>{html.escape(d['title'])}</title>"
            f"<link>{self.base}/yunling/a/{i}.html</link>"
            f"<description>{html.escape(d['text'][:40])}…</description>"
            f"<pubDate>{_rfc822(d['published_at'])}</pubDate></item>"
            for i, d in enumerate(self.story.paper))
        body = ('<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel>'
                f"<title>云岭日报</title><link>{self.base}/yunling/</link>{items}</channel></rss>")
        return 200, {"Content-Type": "application/rss+xml; charset=GBK",
                     "ETag": f'"paper-{len(self.story.paper)}"'}, body.encode("gbk")

    def paper_article(self, page: str) -> tuple[int, dict[str, str], bytes]:
        name = page.rsplit("/", 1)[-1][:-5]
        if not name.isdigit() or int(name) >= len(self.story.paper):
            return 404, _html_type("utf-8"), b"<h1>404</h1>"
        doc = self.story.paper[int(name)]
        title = html.escape(doc["title"])
        body = (f"<html><head><meta charset='gbk'><title>{title}</title></head><body>"
                f"<div class='top'>云岭日报 数字报</div><h1>{title}</h1>"
                f"<p class='date'>{_stamp(doc, 1)}</p><div id='content'>"
                f"{_paragraphs(doc['text'])}</div><div class='foot'>云岭日报社 版权所有</div>"
                "</body></html>")
        return 200, _html_type("gbk"), body.encode("gbk")

    # social feed ---------------------------------------------------------------------------
    def social_feed(self) -> tuple[int, dict[str, str], bytes]:
        entries = "".join(
            f"<entry><title>{html.escape(d['title'])}</title><id>tag:social,{i}</id>"
            f"<link href='{self.base}/social/{i}.html'/><updated>{d['published_at']}+08:00"
            f"</updated><content type='html'>{html.escape(_paragraphs(d['text']))}</content>"
            "</entry>" for i, d in enumerate(self.story.social))
        body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>茶友社区</title><id>tag:social</id><updated>2026-11-22T00:00:00Z</updated>"
                f"{entries}</feed>")
        return 200, {"Content-Type": "application/atom+xml"}, body.encode()

    # the shop ------------------------------------------------------------------------------
    def mall(self, page: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        if page == "/mall/api/reviews":
            return self.review_json(query.get("item", [""])[0], int(query.get("page", ["1"])[0]))
        if page == "/mall/index.html":
            links = "".join(f'<li><a href="/mall/item/{item}.html">商品 {item}</a></li>'
                            for item in sorted(self.story.reviews) if item not in JSON_ITEMS)
            body = f"<html><head><meta charset='utf-8'></head><body><ul>{links}</ul></body></html>"
            return 200, _html_type("utf-8"), body.encode()
        name = page.rsplit("/", 1)[-1][:-5]
        item, _, part = name.partition("_")
        reviews = self.story.reviews.get(item)
        if not page.startswith("/mall/item/") or reviews is None or item in JSON_ITEMS:
            return 404, _html_type("utf-8"), b"<h1>404</h1>"
        return self.review_page(item, reviews, int(part or 1))

    def review_page(self, item: str, reviews: list[dict[str, Any]],
                    part: int) -> tuple[int, dict[str, str], bytes]:
        shown = reviews[(part - 1):part] if len(reviews) > 1 else reviews
        blocks = "".join(
            f"<div class='review'><span class='user'>买家{i}</span>"
            f"<span class='stars' data-score='{int(r['rating'])}'>{'★' * int(r['rating'])}</span>"
            f"<span class='date'>{_stamp(r, 0)}</span><p class='content'>"
            f"{html.escape(r['text'])}</p></div>" for i, r in enumerate(shown, start=part))
        more = (f"<a class='next' href='/mall/item/{item}_{part + 1}.html'>下一页</a>"
                if part < len(reviews) else "")
        body = (f"<html><head><meta charset='utf-8'><title>商品 {item}</title></head><body>"
                f"<h1 class='product'>云岭毛尖 明前特级 250g</h1><div class='shop'>"
                f"{html.escape(reviews[0]['seller'])}</div>{blocks}{more}</body></html>")
        return 200, _html_type("utf-8"), body.encode()

    def review_json(self, item: str, page: int) -> tuple[int, dict[str, str], bytes]:
        reviews = self.story.reviews.get(item) if item in JSON_ITEMS else None
        if reviews is None:
            return 404, {"Content-Type": "application/json"}, b'{"error": "no such item"}'
        shown = reviews[(page - 1) * 2:page * 2]
        data = {"item": item, "page": page, "reviews": [
            {"id": f"{item}-{(page - 1) * 2 + i}", "content": r["text"], "rating": r["rating"],
             "shop": r["seller"], "product": "云岭毛尖 明前特级 250g",
             "time": r["published_at"].replace("T", " ")[:16], "user": f"u***{i}"}
            for i, r in enumerate(shown)],
            "next": f"/mall/api/reviews?item={item}&page={page + 1}"
            if page * 2 < len(reviews) else None}
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(
            data, ensure_ascii=False).encode()

    # social posts with engagement ------------------------------------------------------------
    def timeline(self, page: int) -> tuple[int, dict[str, str], bytes]:
        posts = [(i, d) for i, d in enumerate(self.story.social)][page - 1:page]
        if not posts:
            return 404, {"Content-Type": "application/json"}, b'{"error": "no such page"}'
        data = {"statuses": [
            {"mid": f"49{i:04d}", "text": d["text"], "created_at": d["published_at"],
             "user": {"screen_name": POSTERS[i % len(POSTERS)][0],
                      "followers_count": POSTERS[i % len(POSTERS)][1]},
             "reposts_count": (1200, 3)[i % 2], "comments_count": "1.1k" if i % 2 == 0 else 2,
             "attitudes_count": "2.3万" if i % 2 == 0 else "5"} for i, d in posts],
            "next": f"/weibo/api/timeline?page={page + 1}"
            if page < len(self.story.social) else None}
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(
            data, ensure_ascii=False).encode()

    def forum(self) -> tuple[int, dict[str, str], bytes]:
        posts = "".join(
            f"<div class='post'><a class='link' href='/bbs/thread/{i}.html'>#</a>"
            f"<span class='author'>{POSTERS[i % len(POSTERS)][0]}</span>"
            f"<span class='fans'>粉丝 {POSTERS[i % len(POSTERS)][1]}</span>"
            f"<span class='time'>{_stamp(d, i)}</span><div class='content'>"
            f"{html.escape(d['text'])}</div><span class='reposts'>转发 {(1200, 3)[i % 2]}"
            f"</span><span class='replies'>回复 {(45, 0)[i % 2]}</span><span class='likes'>"
            f"赞 {('2.3万', '5')[i % 2]}</span></div>" for i, d in enumerate(self.story.social))
        body = (f"<html><head><meta charset='utf-8'><title>茶友论坛</title></head><body>"
                f"{posts}</body></html>")
        return 200, _html_type("utf-8"), body.encode()

    # the search engines ----------------------------------------------------------------------
    def search(self, page: str, raw_query: str) -> tuple[int, dict[str, str], bytes]:
        gbk = page == "/search/gbk"
        if not gbk and page != "/search/news":
            return 404, _html_type("utf-8"), b"<h1>404</h1>"
        encoding = "gbk" if gbk else "utf-8"
        try:
            query = parse_qs(raw_query, encoding=encoding, errors="strict")
        except UnicodeDecodeError:
            return 400, _html_type("utf-8"), b"<h1>400 bad query encoding</h1>"
        words = query.get("q" if gbk else "wd", [""])[0]
        number = int(query.get("start" if gbk else "pn", ["0" if gbk else "1"])[0])
        index = number // SEARCH_PER_PAGE if gbk else number - 1
        self.searched.append(("gbk" if gbk else "news", words, number))
        hits = self.matching(words)[index * SEARCH_PER_PAGE:(index + 1) * SEARCH_PER_PAGE]
        if self.engine_markup == "v1":
            results = "".join(f"<div class='result'><h3><a href='{url}'>{html.escape(title)}"
                              f"</a></h3><p>{html.escape(snippet)}</p></div>"
                              for url, title, snippet in hits)
        else:  # a redesign: results open through a click-tracking script, no plain link
            results = "".join(f"<li class='c-item' data-click='{html.escape(url)}'>"
                              f"{html.escape(title)}</li>" for url, title, _ in hits)
        body = (f"<html><head><meta charset='{encoding}'><title>{html.escape(words)} - 搜索"
                "</title></head><body><div class='nav'><a href='/search/about.html'>关于"
                f"</a></div>{results or '<p>没有找到相关结果</p>'}</body></html>")
        return 200, _html_type(encoding), body.encode(encoding)

    def matching(self, words: str) -> list[tuple[str, str, str]]:
        """Articles holding every word, as (link, title, snippet), newest first."""
        terms = words.split()
        found = [(d["published_at"], f"/portal/article/{i}.html", d)
                 for i, d in enumerate(self.story.portal)]
        found += [(d["published_at"], f"/yunling/a/{i}.html", d)
                  for i, d in enumerate(self.story.paper)]
        found.sort(key=lambda hit: hit[0], reverse=True)
        return [(f"{self.base}{path}?from=search", d["title"], d["text"][:60])
                for _, path, d in found
                if terms and all(t in f"{d['title']}{d['text']}" for t in terms)]

    # faulty feeds --------------------------------------------------------------------------
    def feeds(self, page: str) -> tuple[int, dict[str, str], bytes]:
        if page == "/feeds/broken.xml":
            return 200, {"Content-Type": "application/rss+xml"}, \
                BROKEN.format(base=self.base).encode()
        if page == "/feeds/bomb.xml":
            return 200, {"Content-Type": "application/rss+xml"}, BOMB
        if page == "/feeds/error.xml":
            return 500, {"Content-Type": "text/plain"}, b"internal error"
        if page == "/feeds/huge.xml":
            return 200, {"Content-Type": "application/rss+xml"}, b"<rss>" + b" " * 11_000_000
        return 404, _html_type("utf-8"), b"<h1>404</h1>"


def _html_type(encoding: str) -> dict[str, str]:
    return {"Content-Type": f"text/html; charset={encoding}"}


def _rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso).replace(tzinfo=ZoneInfo("Asia/Shanghai")))


@dataclass
class SampleSites:
    url: str
    requested: list[str]
    """Every path asked for, in order: tests check what was (not) fetched."""
    pages: Pages
    arrivals: list[float] = field(default_factory=list)
    """`time.monotonic()` at each request, beside `requested` (the engine's request rate)."""

    @property
    def searched(self) -> list[tuple[str, str, int]]:
        return self.pages.searched


@contextmanager
def sample_sites(stories: Path, slow_seconds: float = 5.0) -> Iterator[SampleSites]:
    """Serve the sample sites on 127.0.0.1."""
    pages = Pages(Story.load(stories), slow_seconds)
    requested: list[str] = []
    arrivals: list[float] = []
    lock = threading.Lock()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            with lock:
                requested.append(self.path)
                arrivals.append(time.monotonic())
            self.reply(*pages.route(self.path))

    with serving(Handler) as base:
        pages.base = base
        try:
            yield SampleSites(base, requested, pages, arrivals)
        finally:
            pages.released.set()  # let a slow page answer so the server can stop
