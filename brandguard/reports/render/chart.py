"""The charts drawn into a document: 声量与情感走势, the dashboard's chart (documents per day
or month stacked by polarity, the net-sentiment index as a line on its own axis), and
horizontal score bars (the yearly evaluation's groups).

matplotlib draws it once per format's need: SVG for HTML (text as outlines, so no font is
needed to view it and no crawled text is ever in it), PNG for PDF and DOCX. The Figure API
is used without pyplot: no global state, safe in the web server's threads.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from matplotlib import font_manager, rc_context
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from brandguard.reports import fonts
from brandguard.reports.document import Chart

if TYPE_CHECKING:
    from brandguard.reports.document import Bars

COLORS = {"positive": "#3ba272", "neutral": "#b6bcc6", "negative": "#ee6666",
          "index": "#5470c6"}
LABELS = {"positive": "正面", "neutral": "中性", "negative": "负面"}
AREAS_FROM = 92  # points: longer series are drawn as stacked areas


@cache
def _font() -> str:
    font_manager.fontManager.addfont(str(fonts.regular()))
    return fonts.FAMILY


# Chinese ticks: 2026年 / 11月 / 05日, never "Nov".
TICKS = ["%Y年", "%m月", "%d日", "%H:%M", "%H:%M", "%S"]
ZERO_TICKS = ["", "%Y年", "%m月", "%m-%d", "%H:%M", "%H:%M"]
OFFSETS = ["", "%Y年", "%Y年%m月", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]


def figure(chart: Chart) -> Figure:
    with rc_context({"font.family": [_font()], "axes.unicode_minus": False,
                     "svg.fonttype": "path"}):
        return _draw(chart)


def _draw(chart: Chart) -> Figure:
    fig = Figure(figsize=(8.0, 3.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    days = [float(d) for d in date2num(  # type: ignore[no-untyped-call]
        [date.fromisoformat(p.day) for p in chart.days])]
    bottom = [0] * len(days)
    gap = min((b - a for a, b in pairwise(days)), default=1.0)
    width = 0.8 * gap if gap > 1 else (0.8 if len(days) <= 120 else 1.0)
    series = {key: [getattr(p, key) for p in chart.days]
              for key in ("positive", "neutral", "negative")}
    if len(days) > AREAS_FROM:  # a quarter or a year of days: stacked areas, not 365 bars
        ax.stackplot(days, *series.values(), colors=[COLORS[k] for k in series],
                     labels=[LABELS[k] for k in series], linewidth=0, step="mid")
        bottom = [sum(v) for v in zip(*series.values(), strict=True)]
    else:
        for key, values in series.items():
            ax.bar(days, values, width=width, bottom=bottom, color=COLORS[key],
                   label=LABELS[key], linewidth=0)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    index = ax.twinx()
    index.plot(days, [p.index if p.index is not None else float("nan") for p in chart.days],
               color=COLORS["index"], linewidth=1.5, marker="o" if len(days) <= 31 else None,
               markersize=3, label="情感指数")
    index.set_ylim(-1.05, 1.05)
    index.axhline(0, color=COLORS["index"], linewidth=0.5, alpha=0.4)
    ax.set_ylabel("信息量（条）")
    index.set_ylabel("情感指数")
    locator = AutoDateLocator(minticks=3, maxticks=10)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(  # type: ignore[no-untyped-call]
        locator, formats=TICKS, zero_formats=ZERO_TICKS, offset_formats=OFFSETS))
    ax.spines[["top"]].set_visible(False)
    index.spines[["top"]].set_visible(False)
    bars, names = ax.get_legend_handles_labels()
    line, line_name = index.get_legend_handles_labels()
    ax.legend(bars + line, names + line_name, loc="lower left", bbox_to_anchor=(0, 1.0),
              ncols=4, frameon=False, fontsize=8)
    if not any(bottom):
        ax.set_ylim(0, 1)
    if days:  # no margin day on either side: the offset label then names the right month
        ax.set_xlim(days[0] - 0.75 * gap, days[-1] + 0.75 * gap)  # in days
    return fig


def bars_figure(bars: Bars) -> Figure:
    with rc_context({"font.family": [_font()], "axes.unicode_minus": False}):
        fig = Figure(figsize=(8.0, 0.45 * len(bars.labels) + 0.9), dpi=100,
                     layout="constrained")
        ax = fig.add_subplot()
        rows = list(range(len(bars.labels)))[::-1]
        ax.barh(rows, bars.values, color=COLORS["index"], height=0.6)
        ax.set_yticks(rows, labels=list(bars.labels))
        ax.set_xlim(0, bars.maximum)
        for row, value in zip(rows, bars.values, strict=True):
            ax.text(min(value, bars.maximum) + bars.maximum * 0.01, row, f"{value:.1f}",
                    va="center", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        return fig


def _drawn(block: Chart | Bars) -> Figure:
    return figure(block) if isinstance(block, Chart) else bars_figure(block)


def png(block: Chart | Bars, dpi: int = 200) -> bytes:
    out = io.BytesIO()
    with rc_context({"font.family": [_font()]}):
        _drawn(block).savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def svg(block: Chart | Bars) -> str:
    out = io.StringIO()
    with rc_context({"font.family": [_font()], "svg.fonttype": "path"}):
        _drawn(block).savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg"):]  # drop the XML declaration and doctype: inline use
