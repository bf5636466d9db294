"""The template model of a 舆情报告: what every format renders, so the four formats cannot
drift apart.

A report is a title block and sections of blocks (paragraphs, tables, the chart).
Text here is plain and untrusted — crawled titles, sources, keywords — never markup: each
renderer escapes it for its own format (HTML entities, Markdown backslashes) or sets it as
literal text (PDF, DOCX). A link's URL is already checked to be http(s) or is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from brandguard.markdown import safe_link

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str | None

    @classmethod
    def to(cls, text: str, url: str | None) -> Link:
        """A link only when `url` is http(s); a `javascript:` URL stays text."""
        return cls(text, safe_link(url))


Inline = str | Link


def plain(part: Inline) -> str:
    return part.text if isinstance(part, Link) else part


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: tuple[Inline, ...]
    muted: bool = False  # an empty-state note: （本期无风险事件）

    @classmethod
    def of(cls, *parts: Inline, muted: bool = False) -> Paragraph:
        return cls(tuple(parts), muted)

    @property
    def text(self) -> str:
        return "".join(plain(p) for p in self.parts)


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    widths: tuple[int, ...]  # relative column widths
    numeric: frozenset[int] = frozenset()  # columns aligned right

    def __post_init__(self) -> None:
        if len(self.widths) != len(self.header) or any(
                len(r) != len(self.header) for r in self.rows):
            raise ValueError("every table row needs one cell per column")


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: str  # YYYY-MM-DD
    positive: int
    neutral: int
    negative: int
    index: float | None  # net sentiment of the day; None without documents


@dataclass(frozen=True, slots=True)
class Chart:
    """Volume by polarity with the index line: the dashboard's chart (a point per day, or
    per month in the yearly evaluation)."""

    title: str
    days: tuple[DayPoint, ...]


@dataclass(frozen=True, slots=True)
class Bars:
    """Horizontal bars with a common scale: scores by group in the yearly evaluation."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    maximum: float = 100.0


Block = Paragraph | Table | Chart | Bars
T = TypeVar("T")


def visit(block: Block, paragraph: Callable[[Paragraph], T], table: Callable[[Table], T],
          chart: Callable[[Chart], T], bars: Callable[[Bars], T]) -> T:
    """Call the renderer's function for the block's kind: one dispatch for every format."""
    if isinstance(block, Paragraph):
        return paragraph(block)
    if isinstance(block, Table):
        return table(block)
    if isinstance(block, Chart):
        return chart(block)
    return bars(block)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ReportDocument:
    title: str  # 云岭毛尖舆情报告
    period: str  # 2026年11月
    organization: str  # 云岭县茶业协会: the title page and every page's header
    facts: tuple[str, ...]  # lines under the title: range, comparison, generated at
    sections: tuple[Section, ...]
    toc: bool = False  # a table of contents: monthly and longer reports
    meta: dict[str, str] = field(default_factory=dict)  # author, subject (PDF/DOCX info)

    @property
    def heading(self) -> str:
        """The title with its period, unless the title already names it."""
        return f"{self.title}（{self.period}）" if self.period and \
            self.period not in self.title else self.title
