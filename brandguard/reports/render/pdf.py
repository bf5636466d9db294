"""The report as PDF, drawn with fpdf2.

Why fpdf2: pure Python (no Cairo/Pango system packages, unlike WeasyPrint; no browser),
embeds and subsets OpenType CJK fonts (pdffonts shows the face embedded, pdftotext gets
the text back), and has tables, outlines, a table-of-contents placeholder and page-number
aliases built in. Crawled text is only ever set as literal text (no markdown, no HTML
parsing), and only http(s) URLs become link annotations.
"""

from __future__ import annotations

import io
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, WrapMode, XPos, YPos

from brandguard.reports import fonts
from brandguard.reports.document import (
    Bars,
    Block,
    Chart,
    Link,
    Paragraph,
    ReportDocument,
    Table,
    plain,
    visit,
)
from brandguard.reports.render import chart
from brandguard.reports.render.linebreak import text_lines, wrap

if TYPE_CHECKING:
    from fpdf.outline import OutlineSection

FONT = "noto"
PADDING = 1.2  # mm inside table cells
SLACK = 0.8  # mm kept free on each line, so rounding never makes fpdf2 wrap again
INK = (31, 35, 41)
ACCENT = (84, 112, 198)
MUTED = (143, 149, 158)
RULE = (222, 224, 227)
HEAD_FILL = (232, 237, 250)
STRIPE = (247, 248, 250)


class ReportPDF(FPDF):
    """A4 portrait; every page but the title page carries the association and the page
    number (第 N 页 / 共 M 页)."""

    def __init__(self, doc: ReportDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc = doc
        self.add_font(FONT, "", str(fonts.regular()))
        self.add_font(FONT, "B", str(fonts.bold()))
        self.set_fallback_fonts([FONT], exact_match=False)  # bold lacks rare Han: use regular
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()
        self.set_title(doc.heading)
        self.set_author(doc.meta.get("author", doc.organization))
        self.set_subject(doc.meta.get("subject", doc.title))
        self.set_creator("brandguard")
        self.set_lang("zh-CN")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.doc.organization} · {self.doc.heading}",
                  align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(*INK)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align=Align.C)
        self.set_text_color(*INK)


class PdfRenderer:
    media_type: ClassVar[str] = "application/pdf"
    suffix: ClassVar[str] = ".pdf"
    binary: ClassVar[bool] = True

    def render(self, doc: ReportDocument) -> bytes:
        pdf = ReportPDF(doc)
        _title_page(pdf, doc)
        pdf.add_page()
        if doc.toc:  # reserves this page and goes on on the next one
            pdf.insert_toc_placeholder(_toc, pages=1, reset_page_indices=False)
        for section in doc.sections:
            _section(pdf, section.title, section.blocks)
        return bytes(pdf.output())


def _title_page(pdf: ReportPDF, doc: ReportDocument) -> None:
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, 8, style="F")
    pdf.set_y(70)
    pdf.set_font(FONT, "", 14)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(width, 8, doc.organization, align=Align.C, new_x=XPos.LMARGIN)
    pdf.ln(6)
    pdf.set_font(FONT, "B", 28 if len(doc.title) <= 14 else 22)
    pdf.set_text_color(*INK)
    for line in wrap([(doc.title, None)], width - 2 * pdf.c_margin - SLACK,
                     pdf.get_string_width):
        pdf.cell(width, 14, "".join(t for t, _ in line), align=Align.C, new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 18)
    pdf.multi_cell(width, 12, doc.period, align=Align.C, new_x=XPos.LMARGIN)
    pdf.ln(20)
    pdf.set_draw_color(*ACCENT)
    pdf.line(pdf.w / 2 - 30, pdf.get_y(), pdf.w / 2 + 30, pdf.get_y())
    pdf.ln(10)
    pdf.set_font(FONT, "", 11)
    pdf.set_text_color(*MUTED)
    for fact in doc.facts:
        pdf.multi_cell(width, 7, fact, align=Align.C, new_x=XPos.LMARGIN)
    pdf.set_text_color(*INK)


def _toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 12, "目录", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 11)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for n, entry in enumerate(outline, 1):
        link = pdf.add_link(page=entry.page_number)
        label = f"{n}. {entry.name}"
        page = str(entry.page_number)
        dots = width - pdf.get_string_width(label) - pdf.get_string_width(page) - 4
        leader = "." * max(int(dots / max(pdf.get_string_width("."), 0.1)), 0)
        pdf.cell(0, 8, f"{label} {leader} {page}", link=link,
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: ReportPDF, title: str, blocks: tuple[Block, ...]) -> None:
    if pdf.will_page_break(16 + (_chart_height(pdf, blocks[0]) if blocks else 14)):
        pdf.add_page()  # a heading never ends a page without the start of its section
    pdf.start_section(title, level=0)
    pdf.ln(2)
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, pdf.get_y() + 1.5, 1.2, 6, style="F")
    pdf.set_x(pdf.l_margin + 3)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    for block in blocks:
        visit(block, partial(_paragraph, pdf), partial(_table, pdf), partial(_chart, pdf),
              partial(_chart, pdf))
    pdf.ln(3)


def _paragraph(pdf: ReportPDF, block: Paragraph) -> None:
    pdf.set_font(FONT, "", 10.5)
    color = MUTED if block.muted else INK
    segments = [(p.text, p.url) if isinstance(p, Link) else (p, None) for p in block.parts]
    for line in wrap(segments, pdf.epw - 2 * pdf.c_margin - SLACK, pdf.get_string_width):
        for text, url in line:
            pdf.set_text_color(*(ACCENT if url else color))
            pdf.write(6.5, text, link=url or "")
        pdf.ln(6.5)
    pdf.ln(1.5)
    pdf.set_text_color(*INK)


def _table(pdf: ReportPDF, block: Table) -> None:
    pdf.set_font(FONT, "", 8.5 if len(block.header) > 6 else 9.5)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(*STRIPE)
    align = tuple("RIGHT" if i in block.numeric else "LEFT" for i in range(len(block.header)))
    total = sum(block.widths)
    room = [pdf.epw * w / total - 2 * PADDING - SLACK for w in block.widths]
    pdf.set_font(FONT, "B", pdf.font_size_pt)
    header = [text_lines(h, room[i], pdf.get_string_width) for i, h in enumerate(block.header)]
    pdf.set_font(FONT, "", pdf.font_size_pt)
    with pdf.table(col_widths=block.widths, text_align=align, line_height=5.2,
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
                   cell_fill_color=STRIPE, cell_fill_mode=TableCellFillMode.ROWS,
                   padding=PADDING, first_row_as_headings=True,
                   wrapmode=WrapMode.CHAR) as table:  # lines are broken already
        table.row(header)
        for cells in block.rows:
            row = table.row()
            for n, cell in enumerate(cells):
                text = text_lines(plain(cell), room[n], pdf.get_string_width)
                if isinstance(cell, Link) and cell.url:
                    row.cell(text, link=cell.url, style=FontFace(color=ACCENT))
                else:
                    row.cell(text)
    pdf.ln(2)


def _chart_height(pdf: ReportPDF, block: Block) -> float:
    """The height a block's chart takes (mm), or a table's or paragraph's first lines."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if isinstance(block, Chart):
        return width * 0.4 + 8
    if isinstance(block, Bars):
        return width * (0.45 * len(block.labels) + 0.9) / 8.0 + 8
    return 14


def _chart(pdf: ReportPDF, block: Chart | Bars) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    height = _chart_height(pdf, block) - 8
    if pdf.will_page_break(height + 8):
        pdf.add_page()
    pdf.image(io.BytesIO(chart.png(block)), x=pdf.l_margin, w=width, h=height)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, block.title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
