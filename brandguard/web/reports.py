"""Reports on the web: `GET /api/v1/reports/{brand}` and the dashboard's 报告 page.

Both read through the caller's `OrgView`, so a report holds only its organisation's
brands, documents and incidents, and a brand of another organisation answers 404.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from brandguard.reports.layout import compose
from brandguard.reports.period import NAMES, Period, PeriodError
from brandguard.reports.render import FORMATS
from brandguard.reports.render.html import css, fragment
from brandguard.reports.service import Rendered, choose_period, make
from brandguard.web import api, pages
from brandguard.web.scope import NotVisible, OrgView

if TYPE_CHECKING:
    from brandguard.web.context import WebContext

router = APIRouter(prefix="/api/v1", tags=["api"])
dashboard = APIRouter(include_in_schema=False)

PeriodName = Annotated[str | None, Query(pattern=f"^({'|'.join(NAMES)})$", description=(
    "The last full day, week (Monday–Sunday), month, quarter or year; default week"))]
First = Annotated[date | None, Query(alias="from", description="First day, inclusive")]
Last = Annotated[date | None, Query(alias="to", description="Last day, inclusive")]
Format = Annotated[str, Query(pattern=f"^({'|'.join(FORMATS)})$")]
PRESETS = (("week", "上周"), ("month", "上月"), ("quarter", "上季度"), ("year", "上年度"),
           ("day", "昨日"))


def _period(ctx: WebContext, name: str | None, first: date | None,
            last: date | None) -> Period:
    try:
        return choose_period(name, first, last, ctx.clock().astimezone(
            ctx.config.settings.tz).date())
    except PeriodError as exc:
        raise HTTPException(400, str(exc)) from exc


def _rendered(scope: OrgView, ctx: WebContext, brand_id: str, period: Period,
              fmt: str) -> Response:
    try:
        brand = scope.brand(brand_id)
    except NotVisible:
        raise api.NOT_FOUND from None
    return answer(make(scope, ctx.config, brand, period, fmt, ctx.clock()), fmt)


def answer(made: Rendered, fmt: str) -> Response:
    """The JSON figures, or the rendered file: PDF and Word as downloads, the rest shown."""
    if fmt == "json":
        return JSONResponse(made.figures)
    disposition = "attachment" if fmt in ("pdf", "docx") else "inline"
    return Response(made.body, media_type=made.media_type, headers={
        "content-disposition": f"{disposition}; filename*=UTF-8''{quote(made.filename)}"})


@router.get("/reports/{brand_id}", responses={200: {"content": {
    "application/json": {}, "application/pdf": {}, "text/html": {}, "text/markdown": {},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}})
def report(brand_id: api.BrandId, scope: api.View, ctx: api.Ctx, period: PeriodName = None,
           first: First = None, last: Last = None, format: Format = "json") -> Response:
    """The 舆情报告 of one brand: the JSON figures (ARCHITECTURE §4.6), or the rendered
    report with `format=pdf|docx|html|md`."""
    return _rendered(scope, ctx, brand_id, _period(ctx, period, first, last), format)


@dashboard.get("/reports")
def report_page(request: Request, ctx: pages.Ctx, who: pages.Who,
                brand: Annotated[str, Query(max_length=100)] = "",
                period: Annotated[str, Query(max_length=10)] = "",
                first: Annotated[str, Query(alias="from", max_length=10)] = "",
                last: Annotated[str, Query(alias="to", max_length=10)] = "") -> Response:
    """报告: pick a brand and a period, read the report, download PDF or Word."""
    scope = ctx.view(who.organization)
    try:
        chosen = scope.brand(brand) if brand else pages.default_brand(scope)
    except NotVisible:
        return pages.not_found_page(request)
    form = {"brand": chosen.id, "period": period, "from": first, "to": last}
    error, body = "", ""
    query: dict[str, Any] = {}
    try:
        days = (_day(first), _day(last))
        span = choose_period(period or None if days == (None, None) else None, *days,
                             ctx.clock().astimezone(ctx.config.settings.tz).date())
        query = ({"from": span.first.isoformat(), "to": span.last.isoformat()}
                 if span.name is None else {"period": span.name})
        made = make(scope, ctx.config, chosen, span, "json", ctx.clock())
        body = fragment(compose(made.figures, ctx.config.settings.tz, ctx.clock()))
        form |= {"from": span.first.isoformat(), "to": span.last.isoformat(),
                 "period": span.name or ""}
    except (PeriodError, ValueError) as exc:
        error = str(exc)
    links = {f: f"/api/v1/reports/{quote(chosen.id)}?" + urlencode({**query, "format": f})
             for f in ("pdf", "docx", "html", "json")} if query else {}
    return pages.render(request, "report.html", who, ctx, brand=chosen, brands=scope.brands,
                        form=form, presets=PRESETS, error=error, report_html=body,
                        report_css=css(), links=links)


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"无法识别的日期 {text!r}（应为 YYYY-MM-DD）") from None
