"""The report as one self-contained HTML file (and the fragment the dashboard shows).

Jinja2 with autoescaping: every crawled string is an HTML-escaped text node, links only
http(s) with `rel="noopener noreferrer nofollow"`. The chart is inline SVG whose text is
drawn as outlines, so the file needs no font, script or network to view.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from jinja2 import Environment, PackageLoader, select_autoescape

from brandguard.reports.document import Bars, Chart, Link, Paragraph, ReportDocument, Table
from brandguard.reports.render import chart


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("brandguard.reports.render", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.tests.update(paragraph=lambda b: isinstance(b, Paragraph),
                     table=lambda b: isinstance(b, Table),
                     chart=lambda b: isinstance(b, Chart | Bars),
                     link=lambda p: isinstance(p, Link))
    env.filters["ident"] = id
    return env


class HtmlRenderer:
    media_type: ClassVar[str] = "text/html; charset=utf-8"
    suffix: ClassVar[str] = ".html"
    binary: ClassVar[bool] = False

    def render(self, doc: ReportDocument) -> bytes:
        return page(doc).encode()


def page(doc: ReportDocument) -> str:
    return _env().get_template("report.html").render(doc=doc, body=fragment(doc))


def css() -> str:
    """The report's style sheet (scoped to `.bg-report`), for pages that embed a fragment."""
    source, _, _ = _env().loader.get_source(_env(), "report.css")  # type: ignore[union-attr]
    return source


def fragment(doc: ReportDocument) -> str:
    """The report's body alone: what the dashboard's 报告 page embeds."""
    charts = {id(b): chart.svg(b) for s in doc.sections for b in s.blocks
              if isinstance(b, Chart | Bars)}
    return _env().get_template("report_body.html").render(doc=doc, charts=charts)
