"""Main text, title and time on portal and government page layouts (the bench pages)."""

from __future__ import annotations

import pytest
from parsel import Selector

from brandguard.bench.extract import evaluate, load, pages_dir
from brandguard.crawlers.main_text import find_main_text

PAGES = load(pages_dir())
SCORES = evaluate(pages_dir())["brandguard"]
STILL_NOISY = {"ministry-pages-content.html", "keyword-links.html"}  # see README's table


@pytest.mark.parametrize("name", sorted(SCORES))
def test_each_page_gives_its_title_body_and_time(name: str) -> None:
    score = SCORES[name]
    assert score.title, name
    assert score.body == 1.0, name
    assert score.time, name
    assert score.clean or name in STILL_NOISY, name


def method_of(name: str) -> str:
    html = next(h for n, h, _ in PAGES if n == name)
    return find_main_text(Selector(text=html), html).method


def test_wechat_and_discuz_layouts_are_recognised() -> None:
    assert method_of("wechat-article.html") == "wechat"
    assert method_of("discuz-thread.html") == "discuz"


def test_a_table_laid_out_bulletin_is_read_without_its_navigation() -> None:
    assert method_of("govcn-bulletin.html") == "precision"
    html = next(h for n, h, _ in PAGES if n == "govcn-bulletin.html")
    found = find_main_text(Selector(text=html), html)
    assert "政务公开" not in found.text
    assert found.title == "关于2026年第三季度茶叶产品质量监督抽检结果的通告"  # suffix dropped


def test_when_precision_finds_nothing_recall_does() -> None:
    assert method_of("keyword-links.html") == "recall"


def test_the_density_pass_reads_the_block_with_most_text() -> None:
    html = ("<html><body><div id='nav'><a href='/1'>首页</a><a href='/2'>新闻</a></div>"
            "<div id='main'><div>溪源茶业一批次绿茶农药残留超标，县市场监管局已责令召回。"
            "</div><div>协会将配合监管部门开展全县茶企自查，并公布检测结果。</div></div></body></html>")
    from brandguard.crawlers.main_text import _density  # the last step on its own

    text = _density(html)
    assert "农药残留超标" in text
    assert "首页" not in text
