"""The dashboard over HTTP: login (with its CSRF cookie and throttle), redirects, escaping,
isolation and logout. The browser-driven flows are in test_browser.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import lxml.html
import pytest

from tests.web.conftest import PASSWORD
from tests.web.helpers import logged_in, login_form_token

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer
    from tests.web.conftest import World


def client_for(world: World) -> httpx.Client:
    return httpx.Client(base_url=world.url, timeout=30, follow_redirects=False)


def test_pages_need_a_login_and_come_back_after_it(web_world: World) -> None:
    with client_for(web_world) as client:
        first = client.get("/incidents?status=open")
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=" + quote("/incidents?status=open")
        token = login_form_token(client)
        cookie = client.cookies.jar
        assert any(c.name == "bg_login" for c in cookie)
        done = client.post("/login", data={"username": web_world.users["anxi-tea"],
                                           "password": PASSWORD, "csrf": token,
                                           "next": "/incidents?status=open"})
        assert done.status_code == 303
        assert done.headers["location"] == "/incidents?status=open"
        set_cookie = done.headers["set-cookie"].lower()
        assert "bg_session=" in set_cookie
        assert "httponly" in set_cookie
        assert "samesite=lax" in set_cookie
        assert client.get("/incidents?status=open").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(web_world: World, target: str) -> None:
    with client_for(web_world) as client:
        token = login_form_token(client)
        done = client.post("/login", data={"username": web_world.users["anxi-tea"],
                                           "password": PASSWORD, "csrf": token, "next": target})
        assert done.status_code == 303
        assert done.headers["location"] == "/"


def test_login_refuses_a_missing_form_token_and_a_wrong_password(web_world: World) -> None:
    with client_for(web_world) as client:
        forged = client.post("/login", data={"username": web_world.users["anxi-tea"],
                                             "password": PASSWORD, "csrf": "forged"})
        assert forged.status_code == 303
        assert "error=" in forged.headers["location"]
        assert "bg_session" not in client.cookies
        token = login_form_token(client)
        wrong = client.post("/login", data={"username": web_world.users["anxi-tea"],
                                            "password": "wrong password", "csrf": token})
        assert "error=" in wrong.headers["location"]
        assert "bg_session" not in client.cookies


def test_repeated_failures_are_throttled(web_world: World) -> None:
    with client_for(web_world) as client:
        for _ in range(5):
            token = login_form_token(client)
            client.post("/login", data={"username": "mallory", "password": "x" * 9,
                                        "csrf": token})
        token = login_form_token(client)
        blocked = client.post("/login", data={"username": "mallory", "password": "x" * 9,
                                              "csrf": token})
        page = client.get(blocked.headers["location"])
        assert "尝试次数过多" in page.text


def test_crawled_text_is_escaped_on_every_page(web_world: World) -> None:
    incident = quote(web_world.incidents["anxi-tea"])
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        for path in ("/search?q=新品", f"/incidents/{incident}", "/search?q=%3Cscript%3E"):
            html = client.get(path).text
            assert "<script>window.__xss" not in html, path
            assert "<img src=x" not in html, path
            assert "window.__xss=1&lt;/script&gt;" in html, path
            assert re.search(r"<script(?![^>]*(src=\"/static/|type=\"application/json\"))",
                             html) is None, path  # no inline executable script at all
        marked = client.get("/search?q=%3Cscript%3E").text
        assert "<mark>&lt;script&gt;</mark>window.__xss=1" in marked  # the hit, escaped
        search = client.get("/search?q=新品").text
        assert "{{7*7}}" in search
        assert "<mark>新品</mark>" in search


def test_another_organisations_incident_page_is_not_found(web_world: World) -> None:
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        theirs = client.get(f"/incidents/{quote(web_world.incidents['other-org'])}")
        missing = client.get("/incidents/no-such-incident")
        assert theirs.status_code == missing.status_code == 404
        assert "宜兴" not in theirs.text
        assert client.get("/?brand=yixing").status_code == 404
        assert client.get("/search?brand=yixing").text.count("未知品牌") == 1


def test_form_posts_need_the_csrf_token_and_logout_ends_the_session(web_world: World) -> None:
    incident = quote(web_world.incidents["anxi-tea"])
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        refused = client.post(f"/incidents/{incident}/checklist/statement", data={"note": "x"})
        assert refused.status_code == 403
        csrf = client.get("/api/v1/me").json()["csrf"]
        session = client.cookies["bg_session"]
        out = client.post("/logout", data={"csrf": csrf})
        assert out.status_code == 303
        assert out.headers["location"] == "/login"
    with client_for(web_world) as replay:
        replay.cookies.set("bg_session", session)
        assert replay.get("/").status_code == 303  # the old cookie no longer works
        assert replay.get("/api/v1/me").status_code == 401


def test_the_incident_page_shows_its_story_and_no_other_organisations(
        web_world: World) -> None:
    incident = quote(web_world.incidents["anxi-tea"])
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        page = lxml.html.fromstring(client.get(f"/incidents/{incident}").text)
        api = client.get("/api/v1/brands/bama/stories").json()
        theirs = client.get("/api/v1/brands/yixing/stories")
    stories = page.get_element_by_id("stories")
    story, crawled = stories.find_class("story")  # the largest first
    text = story.text_content()
    # the burst: six sites reporting one check, each in its own copy
    assert "共 6 篇（转载 0 篇），6 个来源" in text
    assert "首发：s0.example" in text
    assert "八马茶业产品抽检不合格（0）" in text
    articles = [a.text_content() for a in story.find_class("story-articles")[0]]
    assert len(articles) == 6
    assert "s0.example" in articles[0]
    assert "s1.example" in articles[1]
    assert "宜兴紫砂" not in stories.text_content()
    # a crawled title is text, never markup
    assert '<img src=x onerror="window.__xss=3">' in crawled.text_content()
    assert not stories.xpath(".//img")
    [biggest] = [s for s in api if s["documents"] == 6]
    assert biggest["source_count"] == 6
    assert biggest["first"]["source"] == "s0.example"
    assert theirs.status_code == 404


def test_steps_past_their_deadline_are_marked_overdue(web_world: World) -> None:
    incident = quote(web_world.incidents["anxi-tea"])
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        html = client.get(f"/incidents/{incident}").text
    # the world's incident opened on 2026-11-21; its one-hour steps are long past due
    assert re.search(r'id="step-contact">\s*<span class="mark">!</span>', html)
    assert "已逾期" in html


def test_the_overview_lists_the_brands_own_incidents_and_its_members(web_world: World) -> None:
    from tests.web.helpers import logged_in

    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        def listed(brand: str) -> str:
            page = client.get("/", params={"brand": brand})
            assert page.status_code == 200
            return str(lxml.html.fromstring(page.text).get_element_by_id(
                "open-incidents").text_content())
        assert "八马茶业" in listed("bama")
        # only a brand with members says its trend includes them
        pages = {b: client.get("/", params={"brand": b}).text for b in ("bama", "anxi-tieguanyin")}
        assert "含成员企业提及" not in pages["bama"]
        assert "含成员企业提及" in pages["anxi-tieguanyin"]
        assert "八马茶业" in listed("anxi-tieguanyin")  # the regional brand sees its members'
        assert "八马茶业" not in listed("anxi-group")


def test_a_search_card_shows_the_filtered_brands_polarity(config: Config,
                                                          analyzer: Analyzer) -> None:
    """Filtered on a brand and 负面, the card says 负面 even when the document as a whole
    reads 中性: the filter matched the brand's mention, so the card shows that."""
    from dataclasses import replace
    from datetime import datetime

    from brandguard.document import Mention
    from brandguard.store.base import StoredDocument
    from brandguard.web.pages import _polarity
    from tests.conftest import make_doc

    doc = make_doc("八马茶业被投诉，安溪铁观音集团新厂投产。", config=config)
    analysis = replace(analyzer.analyze(doc), polarity="neutral", mentions=(
        Mention("bama", "negative", -0.6, ((0, 4),)),
        Mention("anxi-group", "positive", 0.6, ((10, 17),))))
    hit = StoredDocument(doc, analysis, datetime(2026, 11, 20).astimezone())
    assert _polarity(hit, "bama") == "negative"
    assert _polarity(hit, "anxi-group") == "positive"
    assert _polarity(hit, "") == "neutral"


def test_the_404_page_keeps_the_navigation_for_a_logged_in_user(web_world: World) -> None:
    from tests.web.helpers import logged_in

    anonymous = httpx.get(f"{web_world.url}/incidents/no-such-incident", timeout=30,
                          follow_redirects=False)
    assert anonymous.status_code in (303, 404)
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        missing = client.get("/incidents/no-such-incident")
        assert missing.status_code == 404
        nav = lxml.html.fromstring(missing.text).xpath("//header//nav//a/text()")
        assert "风险事件" in nav
        assert "年度评价" in nav
        assert "未找到该页面或对象" in missing.text


def test_incident_lists_show_checklist_progress_and_overdue_steps(web_world: World) -> None:
    from tests.web.helpers import logged_in

    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        incident_id = web_world.incidents["anxi-tea"]
        steps = client.get(f"/api/v1/incidents/{quote(incident_id)}").json()["checklist"]
        page = lxml.html.fromstring(client.get("/incidents").text)
    assert steps, "the world's incident has a contingency plan"
    done = sum(1 for s in steps if s["done_at"])
    cells = [c.text_content().strip() for c in page.cssselect("td.progress")]
    assert f"{done}/{len(steps)}" in cells
    assert "预案进度" in page.text_content()


def test_an_overdue_step_is_counted_in_the_row() -> None:
    from brandguard.web.pages import templates

    steps = [{"id": "a", "done_at": "2026-11-20T10:00:00+08:00", "overdue": True},
             {"id": "b", "done_at": None, "overdue": True},
             {"id": "c", "done_at": None, "overdue": False}]
    row = templates.env.get_template("_incident_row.html").render(
        i={"id": "x", "level": "III", "level_label": "III级", "brand": "bama",
           "category_label": "质量安全", "status": "open", "opened_at": "2026-11-20T09:00",
           "evidence": ["d1"], "checklist": steps},
        brands={}, level_class=lambda level: f"level-{level}")
    cell = lxml.html.fragment_fromstring(row, create_parent="table").cssselect("td.progress")[0]
    assert cell.text_content().split() == ["1/3", "逾期", "1"]  # a done step is never late


def test_the_member_table_nests_only_under_a_shown_parent_and_reds_only_negatives(
        web_world: World) -> None:
    from tests.web.helpers import logged_in

    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        def rows(brand: str) -> list[lxml.html.HtmlElement]:
            page = lxml.html.fromstring(client.get("/", params={"brand": brand}).text)
            return list(page.get_element_by_id("members").cssselect("tbody tr"))
        regional, alone = rows("anxi-tieguanyin"), rows("anxi-group")
    names = [r.cssselect("td")[0].text_content().strip() for r in regional]
    assert not names[0].startswith("└")  # the regional brand itself
    assert all(n.startswith("└") for n in names[1:])  # its members, under it
    assert len(alone) == 1
    assert not alone[0].cssselect("td")[0].text_content().strip().startswith("└")
    for row in [*regional, *alone]:
        negative = row.cssselect("td")[2]
        assert ("neg" in (negative.get("class") or "")) == (negative.text_content() != "0")


def test_the_incident_page_marks_reposts_and_links_member_and_regional_incidents(
        web_world: World) -> None:
    from tests.web.helpers import logged_in

    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        listed = client.get("/api/v1/incidents").json()
        regional = next(i for i in listed if i["linked"])
        member_id = regional["linked"][0]
        detail = client.get(f"/api/v1/incidents/{quote(member_id)}").json()
        member_page = lxml.html.fromstring(client.get(f"/incidents/{quote(member_id)}").text)
        regional_page = lxml.html.fromstring(
            client.get(f"/incidents/{quote(regional['id'])}").text)
    assert detail["linked_from"] == [regional["id"]]
    down = regional_page.get_element_by_id("linked").cssselect("a")
    assert [a.get("href") for a in down] == [f"/incidents/{quote(member_id)}"]
    up = member_page.get_element_by_id("linked-from").cssselect("a")
    assert [a.get("href") for a in up] == [f"/incidents/{quote(regional['id'])}"]
    signal = member_page.cssselect("section h2 small")[0].text_content()
    assert "不含转载" in signal
    assert ":00" not in signal  # a duration as a person writes it, not 6:00:00


def test_an_evidence_item_marks_a_repost_and_does_not_repeat_its_title() -> None:
    from brandguard.web.pages import templates

    item = templates.env.get_template("_evidence_item.html")

    def render(**doc: object) -> lxml.html.HtmlElement:
        base = {"title": None, "text": "", "published_at": None, "source": "s", "url": None}
        return lxml.html.fragment_fromstring(item.render(d={**base, **doc}),
                                             create_parent="ul")
    repost = render(title="溪源茶业农残超标", text="溪源茶业农残超标。全文……", duplicate_of="u1")
    assert [b.text_content() for b in repost.cssselect(".badge.repost")] == ["转载"]
    assert repost.cssselect(".doc-text")[0].text_content() == "。全文……"
    review = render(text="茶叶很好喝，包装精美")  # a review: its text is its title
    assert not review.cssselect(".badge.repost")
    assert review.cssselect(".doc-title")[0].text_content().strip() == "茶叶很好喝，包装精美"
    assert not review.cssselect(".doc-text")


def test_an_undated_document_says_it_is_dated_by_its_collection() -> None:
    from brandguard.web.pages import when_zh

    assert when_zh({"published_at": "2026-11-20T09:58:00+08:00"}) == "2026-11-20 09:58"
    assert when_zh({"published_at": None, "ingested_at": "2026-12-01T08:00:00+08:00"}) == (
        "采集于 2026-12-01 08:00（未注明发布时间）")
    assert when_zh({}) == "时间不详"


def test_the_overview_names_its_top_authors_and_search_shows_their_reach(
        web_world: World) -> None:
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        page = lxml.html.fromstring(client.get("/?brand=anxi-tieguanyin").text)
        # an undated post is counted on the day it was collected, and the chart says so
        assert page.xpath("//p[@id='trend-note']")[0].text_content() == \
            "未注明发布时间的信息按采集日计入。"
        [card] = page.xpath("//section[@id='kol']")
        text = card.text_content()
        assert "重点账号（KOL）" in text
        assert "茶界观察" in text
        assert "传播力 120.1万" in text  # 1,201,440 as Chinese readers write it
        assert "紫砂圈子" not in text  # the other organisation's author
        [link] = card.xpath(".//a/@href")
        found = lxml.html.fromstring(client.get(link).text)
        meta = " ".join(found.xpath("//ul[@id='hits']//div[@class='doc-meta']//text()"))
        assert "茶界观察" in meta
        assert "粉丝 120万" in meta
        assert "点赞 1100" in meta
        assert client.get("/search?kind=social").text.count("class=\"hit ") == 1
