"""The report as Markdown: robots' digests, mail-free reading, `report --format md`.

Every piece of text goes through `brandguard.markdown`, so a crawled headline cannot add
links, images, headings or table cells.
"""

from __future__ import annotations

from typing import ClassVar

from brandguard.markdown import escape_markdown as esc
from brandguard.markdown import link
from brandguard.reports.document import (
    Bars,
    Block,
    Chart,
    Inline,
    Link,
    Paragraph,
    ReportDocument,
    Table,
    visit,
)


class MarkdownRenderer:
    media_type: ClassVar[str] = "text/markdown; charset=utf-8"
    suffix: ClassVar[str] = ".md"
    binary: ClassVar[bool] = False

    def render(self, doc: ReportDocument) -> bytes:
        return text(doc).encode()


def text(doc: ReportDocument) -> str:
    parts = [f"# {esc(doc.heading)}", esc(doc.organization),
             "  \n".join(esc(f) for f in doc.facts)]
    for section in doc.sections:
        parts.append(f"## {esc(section.title)}")
        parts += [block(b) for b in section.blocks]
    return "\n\n".join(parts) + "\n"


def block(b: Block) -> str:
    return visit(b, paragraph, table, chart, bars)


def paragraph(p: Paragraph) -> str:
    body = "".join(inline(part) for part in p.parts)
    return f"*{body}*" if p.muted else body


def inline(part: Inline) -> str:
    return link(part.text, part.url) if isinstance(part, Link) else esc(part)


def table(t: Table) -> str:
    rule = "|".join("---:" if i in t.numeric else "---" for i in range(len(t.header)))
    rows = [f"| {' | '.join(esc(h) for h in t.header)} |", f"|{rule}|"]
    rows += [f"| {' | '.join(inline(c) for c in r)} |" for r in t.rows]
    return "\n".join(rows)


def chart(c: Chart) -> str:
    """Text cannot draw: the busiest days and the total, so a robot message still says it."""
    total = sum(p.positive + p.neutral + p.negative for p in c.days)
    busiest = sorted(c.days, key=lambda p: -(p.positive + p.neutral + p.negative))[:3]
    peaks = "、".join(f"{p.day}（{p.positive + p.neutral + p.negative} 条，负面 {p.negative}）"
                     for p in busiest if p.positive + p.neutral + p.negative)
    return f"{esc(c.title)}：共 {total} 条" + (f"；声量最高：{peaks}" if peaks else "") + "。"


def bars(b: Bars) -> str:
    return f"{esc(b.title)}：\n\n" + "\n".join(
        f"- {esc(label)}：{value:.1f}" for label, value in zip(b.labels, b.values, strict=True))
