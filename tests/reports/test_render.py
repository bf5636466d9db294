"""Every format rendered from the same model, read back with real tools: poppler for PDF
(pdffonts, pdftotext, pdfinfo), python-docx for Word, lxml for HTML, markdown-it for
Markdown. Crawled markup must stay text in all four.

Without poppler-utils the PDF checks skip with the reason, except where
BRANDGUARD_REQUIRE_POPPLER=1 (CI sets it), where a missing tool fails the run.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

import docx
import lxml.html
import pytest
from markdown_it import MarkdownIt

from brandguard.reports.layout import compose
from brandguard.reports.render import renderer
from tests.reports.conftest import GENERATED, HOSTILE_TITLE
from tests.reports.story import TZ

if TYPE_CHECKING:
    from pathlib import Path


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        reason = f"{tool} is needed for the PDF checks (apt-get install poppler-utils)"
        if os.environ.get("BRANDGUARD_REQUIRE_POPPLER") == "1":
            pytest.fail(reason + "; BRANDGUARD_REQUIRE_POPPLER=1 forbids skipping")
        pytest.skip(reason)
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True,
                          timeout=60).stdout


def rendered(report: dict[str, Any], fmt: str) -> bytes:
    return renderer(fmt).render(compose(report, TZ, GENERATED))


@pytest.fixture
def pdf_file(month: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "month.pdf"
    path.write_bytes(rendered(month, "pdf"))
    return path


def test_pdf_embeds_every_font_and_its_text_is_extractable(pdf_file: Path) -> None:
    fonts = poppler("pdffonts", str(pdf_file)).splitlines()[2:]
    assert fonts, "the PDF uses fonts"
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", f"font {name} is not embedded: {line}"
    text = poppler("pdftotext", "-layout", str(pdf_file), "-")
    for expected in ("安溪县茶业协会", "安溪铁观音舆情报告", "2026年11月", "概述", "本月共监测到安溪铁观音",
                     "同类品牌对比", "武夷岩茶", "八马茶业"):
        assert expected in text, expected


def test_pdf_has_a_title_page_a_contents_page_and_numbered_pages(pdf_file: Path) -> None:
    info = poppler("pdfinfo", str(pdf_file))
    pages = int(next(ln for ln in info.splitlines() if ln.startswith("Pages:")).split()[1])
    assert pages >= 3
    assert "安溪铁观音舆情报告（2026年11月）" in info  # document title in the metadata
    title_page = poppler("pdftotext", "-f", "1", "-l", "1", str(pdf_file), "-")
    assert "第 1 页" not in title_page
    assert "安溪县茶业协会" in title_page
    contents = poppler("pdftotext", "-f", "2", "-l", "2", str(pdf_file), "-")
    assert "目录" in contents
    assert "风险事件" in contents
    last = poppler("pdftotext", "-f", str(pages), "-l", str(pages), str(pdf_file), "-")
    assert f"第{pages}页/共{pages}页" in last.replace(" ", "")


def test_pdf_sets_crawled_markup_as_literal_text_and_links_only_http(
        hostile: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "hostile.pdf"
    body = rendered(hostile, "pdf")
    path.write_bytes(body)
    text = poppler("pdftotext", str(path), "-").replace("\n", "")
    assert "<script>window.__x=1</script>" in text
    assert b"javascript:" not in body  # never a link annotation (fpdf2 writes URIs plainly)
    assert b"https://ok.example/a)(b" in body or b"https://ok.example/a\\)\\(b" in body


def test_week_report_has_no_contents_page(month: dict[str, Any], tmp_path: Path) -> None:
    week = month | {"period": "week", "daily": month["daily"][:7]}
    path = tmp_path / "week.pdf"
    path.write_bytes(rendered(week, "pdf"))
    assert "目录" not in poppler("pdftotext", str(path), "-")


def test_docx_reads_back_with_headings_tables_links_and_page_numbers(
        hostile: dict[str, Any]) -> None:
    word = docx.Document(io.BytesIO(rendered(hostile, "docx")))
    headings = [p.text for p in word.paragraphs if p.style is not None
                and p.style.name == "Heading 1"]
    assert headings[:3] == ["概述", "指标", "声量与情感走势"]
    assert word.core_properties.title == "安溪铁观音舆情报告（2026年11月）"
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert any(HOSTILE_TITLE.replace("\x0b", "").replace("\x00", "") in c for c in cells)
    targets = [r.target_ref for r in word.part.rels.values() if r.is_external]
    assert targets
    assert all(t.startswith(("http://", "https://")) for t in targets)
    assert "javascript:alert(1)" not in targets
    footer = word.sections[-1].footer._element.xml
    assert "PAGE" in footer
    assert "NUMPAGES" in footer
    assert len(word.inline_shapes) == 1  # the chart


def test_html_escapes_crawled_text_and_links_only_http(hostile: dict[str, Any]) -> None:
    page = lxml.html.fromstring(rendered(hostile, "html"))
    assert not page.xpath("//script")
    assert not page.xpath("//img")
    assert not page.xpath("//i")
    assert not page.xpath("//table//b")
    hrefs = page.xpath("//a/@href")
    assert all(h.startswith(("http://", "https://", "#s")) for h in hrefs), hrefs
    assert HOSTILE_TITLE[:30] in page.text_content()
    assert page.xpath("//svg") or page.xpath("//*[local-name()='svg']")  # the chart


def test_markdown_keeps_crawled_text_out_of_the_markup(hostile: dict[str, Any]) -> None:
    text = rendered(hostile, "md").decode()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    inline = [c for t in tokens if t.children for c in t.children]
    links = [c.attrs["href"] for c in inline if c.type == "link_open"]
    assert all(str(h).startswith(("http://", "https://")) for h in links), links
    assert not any(c.type in ("image", "html_inline") for c in inline)
    assert not any(t.type == "html_block" for t in tokens)
    assert not any(c.type == "strong_open" for c in inline)  # **假冒** stays literal
    rows = [t for t in tokens if t.type == "tr_open"]
    assert rows, "tables are tables"


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_top_authors_are_a_section_of_every_format(hostile: dict[str, Any], fmt: str,
                                                   tmp_path: Path) -> None:
    body = rendered(hostile, fmt)
    if fmt == "pdf":
        path = tmp_path / "kol.pdf"
        path.write_bytes(body)
        text = poppler("pdftotext", "-layout", str(path), "-")
    elif fmt == "docx":
        word = docx.Document(io.BytesIO(body))
        text = "\n".join([p.text for p in word.paragraphs] + [
            c.text for t in word.tables for r in t.rows for c in r.cells])
    elif fmt == "html":
        text = lxml.html.fromstring(body).text_content()
    else:
        text = body.decode().replace("\\", "")  # Markdown's escapes of . and -
    text = "".join(text.split())  # PDF lines wrap where the page ends
    assert "重点账号（KOL）" in text
    assert "120万" in text  # followers, as Chinese readers write them
    assert "122.7万" in text  # reach
    assert "按最近的4条" in text  # the scan was capped (a page may break before 统计)
    assert "javascript:alert(5)" not in body.decode("latin-1")


def test_a_report_without_social_posts_has_no_kol_section(month: dict[str, Any]) -> None:
    assert not month["top_authors"]["authors"]
    assert "重点账号" not in rendered(month, "md").decode()
