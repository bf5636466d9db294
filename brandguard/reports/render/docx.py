"""The report as a Word document (what associations pass around), with python-docx.

Why python-docx: the maintained library for writing .docx in Python, no Word or
LibreOffice needed. Text goes in as runs (escaped as XML text, never parsed), with the
characters XML 1.0 forbids removed; only http(s) URLs become hyperlinks. Chinese is set in
微软雅黑 (on every Windows and Office for Mac; other readers substitute their CJK sans).
A table of contents is a Word TOC field that Word refreshes when the file opens; until
then it lists the sections.
"""

from __future__ import annotations

import io
import re
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from brandguard.reports.document import (
    Bars,
    Chart,
    Inline,
    Link,
    Paragraph,
    ReportDocument,
    Table,
    plain,
    visit,
)
from brandguard.reports.render import chart

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph as DocxParagraph

FONT = "Microsoft YaHei"
ACCENT = RGBColor(0x54, 0x70, 0xC6)
MUTED = RGBColor(0x8F, 0x95, 0x9E)
HEAD_FILL = "E8EDFA"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Crawled text as XML 1.0 allows it: control characters removed."""
    return _NOT_XML.sub("", text)


class DocxRenderer:
    media_type: ClassVar[str] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    suffix: ClassVar[str] = ".docx"
    binary: ClassVar[bool] = True

    def render(self, doc: ReportDocument) -> bytes:
        word = Document()
        _styles(word)
        props = word.core_properties
        props.title = clean(doc.heading)
        props.author = clean(doc.meta.get("author", doc.organization))
        props.subject = clean(doc.meta.get("subject", doc.title))
        _title_page(word, doc)
        body = word.add_section(WD_SECTION_START.NEW_PAGE)
        _page_furniture(body, doc)
        if doc.toc:
            _toc(word, doc)
        for section in doc.sections:
            word.add_heading(clean(section.title), level=1)
            for block in section.blocks:
                visit(block, partial(_paragraph, word), partial(_table, word),
                      partial(_chart, word), partial(_chart, word))
        out = io.BytesIO()
        word.save(out)
        return out.getvalue()


def _font(style_font: object, size: float | None = None) -> None:
    style_font.name = FONT  # type: ignore[attr-defined]
    if size:
        style_font.size = Pt(size)  # type: ignore[attr-defined]
    element = style_font.element  # type: ignore[attr-defined]
    fonts = element.rPr.get_or_add_rFonts()
    for key in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(key), FONT)


def _styles(word: Document) -> None:  # type: ignore[valid-type]
    styles = word.styles  # type: ignore[attr-defined]
    _font(styles["Normal"].font, 10.5)
    heading = styles["Heading 1"]
    _font(heading.font, 15)
    heading.font.color.rgb = ACCENT
    heading.font.bold = True
    for name in ("Title", "Subtitle"):
        _font(styles[name].font)
    section = word.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))


def _title_page(word: Document, doc: ReportDocument) -> None:  # type: ignore[valid-type]
    for _ in range(6):
        word.add_paragraph()  # type: ignore[attr-defined]
    for text, size, color, bold in ((doc.organization, 16, ACCENT, False),
                                    (doc.title, 28, None, True), (doc.period, 18, None, False)):
        run = _centered(word).add_run(clean(text))
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
    word.add_paragraph()  # type: ignore[attr-defined]
    for fact in doc.facts:
        run = _centered(word).add_run(clean(fact))
        run.font.size = Pt(11)
        run.font.color.rgb = MUTED


def _centered(word: Document) -> DocxParagraph:  # type: ignore[valid-type]
    paragraph = word.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph  # type: ignore[no-any-return]


def _page_furniture(section: object, doc: ReportDocument) -> None:
    """The body's header (association and title) and footer (第 N 页 / 共 M 页); the title
    page is its own section, without either."""
    section.header.is_linked_to_previous = False  # type: ignore[attr-defined]
    section.footer.is_linked_to_previous = False  # type: ignore[attr-defined]
    head = section.header.paragraphs[0]  # type: ignore[attr-defined]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = head.add_run(clean(f"{doc.organization} · {doc.heading}"))
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    foot = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页 / 共 ", "NUMPAGES", " 页"):
        if piece.isupper():
            _field(foot, piece, "1")
        else:
            foot.add_run(piece).font.size = Pt(8)


def _field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC …) with `shown` as its text until Word updates it."""
    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)
    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run(shown).font.size = Pt(8)
    char("end")


def _toc(word: Document, doc: ReportDocument) -> None:  # type: ignore[valid-type]
    title = word.add_paragraph()  # type: ignore[attr-defined]
    run = title.add_run("目录")
    run.font.size, run.font.bold = Pt(16), True
    listing = word.add_paragraph()  # type: ignore[attr-defined]
    shown = "\n".join(f"{n}. {clean(s.title)}" for n, s in enumerate(doc.sections, 1))
    _field(listing, 'TOC \\o "1-1" \\h \\z \\u', shown)
    settings = word.settings.element  # type: ignore[attr-defined]
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    listing.add_run().add_break(WD_BREAK.PAGE)


def _paragraph(word: Document, block: Paragraph) -> None:  # type: ignore[valid-type]
    paragraph = word.add_paragraph()  # type: ignore[attr-defined]
    for part in block.parts:
        _inline(paragraph, part, muted=block.muted)


def _inline(paragraph: DocxParagraph, part: Inline, *, muted: bool = False,
            size: float | None = None) -> None:
    if isinstance(part, Link) and part.url:
        _hyperlink(paragraph, clean(part.text), part.url, size)
        return
    run = paragraph.add_run(clean(plain(part)))
    if muted:
        run.font.color.rgb = MUTED
    if size:
        run.font.size = Pt(size)


def _hyperlink(paragraph: DocxParagraph, text: str, url: str, size: float | None) -> None:
    """python-docx reads hyperlinks but cannot add them: a w:hyperlink element around a
    styled run, its target an external relationship of the part."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = paragraph.add_run(text)
    run.font.color.rgb = ACCENT
    run.font.underline = True
    if size:
        run.font.size = Pt(size)
    link.append(run._r)
    paragraph._p.append(link)


def _table(word: Document, block: Table) -> None:  # type: ignore[valid-type]
    size = 8 if len(block.header) > 6 else 9
    table = word.add_table(rows=1, cols=len(block.header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # the model's widths, not Word's guess from the first row
    total = sum(block.widths)
    widths = [Cm(17 * w / total) for w in block.widths]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for n, (cell, text) in enumerate(zip(table.rows[0].cells, block.header, strict=True)):
        cell.width = widths[n]
        _shade(cell, HEAD_FILL)
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(clean(text))
        run.font.bold, run.font.size = True, Pt(size)
        if n in block.numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cells in block.rows:
        row = table.add_row()
        for n, (cell, part) in enumerate(zip(row.cells, cells, strict=True)):
            cell.width = widths[n]
            paragraph = cell.paragraphs[0]
            _inline(paragraph, part, size=size)
            if n in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    word.add_paragraph()  # type: ignore[attr-defined]


def _shade(cell: object, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _chart(word: Document, block: Chart | Bars) -> None:  # type: ignore[valid-type]
    word.add_picture(io.BytesIO(chart.png(block)), width=Cm(17))  # type: ignore[attr-defined]
    caption = _centered(word).add_run(clean(block.title))
    caption.font.size, caption.font.color.rgb = Pt(8.5), MUTED
