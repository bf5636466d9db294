"""Article extraction: time stamps as Chinese sites write them, credits, boilerplate."""

from __future__ import annotations

import pytest
from parsel import Selector

from brandguard.configuration.sources import Selectors
from brandguard.crawlers.extract import article, find_credit, stamp_to_iso


@pytest.mark.parametrize(("raw", "iso"), [
    ("2026-11-20 12:10", "2026-11-20T12:10:00"),
    ("发布时间：2026年11月20日 12:10", "2026-11-20T12:10:00"),
    ("2026/11/20 8:05:09", "2026-11-20T08:05:09"),
    ("2026-11-20T12:10:00+08:00", "2026-11-20T12:10:00+08:00"),
    ("2026-11-20", "2026-11-20"),
    ("2026年2月30日", None),
    ("no date here", None),
])
def test_stamps_become_iso(raw: str, iso: str | None) -> None:
    assert stamp_to_iso(raw) == iso


def test_credit_and_main_text_found_without_selectors() -> None:
    html = ("<html><head><meta name='pubdate' content='2026-11-20 09:58'></head><body>"
            "<div class='nav'>首页 新闻 财经</div><h1>溪源茶业一批次绿茶农残超标</h1>"
            "<div>来源：茶产业网 | 编辑：王</div><div class='c'><p>记者从县市场监管局获悉，"
            "溪源茶业生产的一批云岭毛尖被检出农药残留超标。</p><p>市场监管局已责令企业召回"
            "问题产品，并立案调查。</p></div><div class='foot'>版权所有 联系我们</div>"
            "</body></html>")
    page = Selector(text=html)
    found = article(page, html, Selectors())
    assert found.title == "溪源茶业一批次绿茶农残超标"
    assert "立案调查" in found.text
    assert "版权所有" not in found.text
    assert found.published_at == "2026-11-20T09:58:00"
    assert found.source == "茶产业网"
    assert find_credit(page, "xpath://h1/text()") == "溪源茶业一批次绿茶农残超标"


def test_configured_selectors_win_and_markup_is_stripped() -> None:
    html = ("<html><body><h2 class='t'>标题<script>alert(1)</script></h2><div id='body'>"
            "<p>正文<b>加粗</b></p></div><span class='when'>2026年11月20日 12:10</span>"
            "</body></html>")
    found = article(Selector(text=html), html,
                    Selectors(title="h2.t", text="#body", time="span.when"))
    assert found.title == "标题"
    assert found.text == "正文加粗"
    assert found.published_at == "2026-11-20T12:10:00"
