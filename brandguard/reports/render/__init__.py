"""Renderers of the template model: one class per format plus one registry entry.

Each takes a `ReportDocument` (`brandguard.reports.layout.compose`) and returns the file's
bytes. JSON is not here: it is the figures themselves (`figures.ReportBuilder`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

if TYPE_CHECKING:
    from brandguard.reports.document import ReportDocument


class Renderer(Protocol):
    media_type: ClassVar[str]
    suffix: ClassVar[str]
    binary: ClassVar[bool]  # refused on stdout: needs --out

    def render(self, doc: ReportDocument) -> bytes: ...


# Imported on demand: `report --format md` never loads fpdf2, matplotlib or python-docx.
REGISTRY = {
    "md": "brandguard.reports.render.markdown:MarkdownRenderer",
    "html": "brandguard.reports.render.html:HtmlRenderer",
    "pdf": "brandguard.reports.render.pdf:PdfRenderer",
    "docx": "brandguard.reports.render.docx:DocxRenderer",
}
FORMATS = ("html", "pdf", "docx", "json", "md")


def renderer(name: str) -> Renderer:
    module, cls = REGISTRY[name].split(":")
    return cast("Renderer", getattr(import_module(module), cls)())
