"""The yearly evaluation on the web: `/api/v1/evaluations/…` and the 年度评价 page.

Reads go through the caller's `OrgView` (another organisation's brand is 404); writes are
the CLI's checked actions (`brandguard.evaluation.actions`), recorded under the session's
user or the token's `by`, with the session's CSRF token for cookie writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from brandguard.errors import InputError
from brandguard.evaluation.actions import Actions
from brandguard.evaluation.build import EvaluationBuilder
from brandguard.evaluation.layout import compose
from brandguard.evaluation.service import make, public
from brandguard.reports.render import FORMATS
from brandguard.reports.render.html import css, fragment
from brandguard.web import api, pages, reports
from brandguard.web.auth import CSRF_HEADER, Caller, csrf_ok
from brandguard.web.scope import NotVisible, OrgView

if TYPE_CHECKING:
    from brandguard.evaluation.records import EvaluationEntry

router = APIRouter(prefix="/api/v1", tags=["api"])
dashboard = APIRouter(include_in_schema=False)
Year = Annotated[int, Path(ge=2000, le=2100)]
Format = Annotated[str, Query(pattern=f"^({'|'.join(FORMATS)})$")]
By = Field(default=None, max_length=100, description=(
    "Who records it (a staff name). Required with an API token; a session acts as its user."))


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: str = Field(max_length=64)
    value: str = Field(max_length=32, description="A number: 42, 0.98 or 98%")
    by: str | None = By
    note: str = Field(default="", max_length=2000)


class MeasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=500)
    owner: str = Field(max_length=100)
    due: str = Field(max_length=10, description="YYYY-MM-DD")
    indicator: str | None = Field(default=None, max_length=64)
    by: str | None = By


class DropIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: str = Field(max_length=64)
    by: str | None = By
    note: str = Field(default="", max_length=2000)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member: str = Field(max_length=100)
    decision: Literal["keep", "warn", "suspend"]
    by: str | None = By
    note: str = Field(default="", max_length=2000)


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: str | None = By
    note: str = Field(default="", max_length=2000)


def _visible(scope: OrgView, brand_id: str) -> Any:
    try:
        return scope.brand(brand_id)
    except NotVisible:
        raise api.NOT_FOUND from None


def _actor(request: Request, who: Caller, by: str | None, csrf: str | None = None) -> str:
    if not csrf_ok(who, csrf if csrf is not None else request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, "CSRF token missing or wrong (send X-CSRF-Token)")
    actor = who.name if who.kind == "session" else (by or "").strip()
    if not actor:
        raise HTTPException(400, "by: required with an API token (who records, a staff name)")
    return actor


def _recorded(entry: EvaluationEntry) -> dict[str, Any]:
    return entry.to_json() | ({"measure": f"M{entry.seq}"} if entry.kind == "measure" else {})


def _write(action: Any) -> dict[str, Any]:
    try:
        return _recorded(action())
    except InputError as exc:
        raise HTTPException(409, str(exc)) from exc


@router.get("/evaluations/{brand_id}/{year}", responses={200: {"content": {
    "application/json": {}, "application/pdf": {}, "text/html": {}, "text/markdown": {},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}})
def evaluation(brand_id: api.BrandId, year: Year, scope: api.View, ctx: api.Ctx,
               format: Format = "json") -> Response:
    """The yearly evaluation (ARCHITECTURE §4.6), or its report with `format=pdf|docx|…`."""
    return reports.answer(make(scope, ctx.config, _visible(scope, brand_id), year, format,
                               ctx.clock()), format)


@router.post("/evaluations/{brand_id}/{year}/values")
def set_value(brand_id: api.BrandId, year: Year, body: ValueIn, request: Request,
              scope: api.View, ctx: api.Ctx, who: api.Who) -> dict[str, Any]:
    """Record a manual indicator's value (the latest counts; the history is kept)."""
    brand, actor = _visible(scope, brand_id), _actor(request, who, body.by)
    return _write(lambda: Actions(scope.store, ctx.config, ctx.clock()).set_value(
        brand, year, body.indicator, body.value, actor, body.note))


@router.post("/evaluations/{brand_id}/{year}/measures")
def add_measure(brand_id: api.BrandId, year: Year, body: MeasureIn, request: Request,
                scope: api.View, ctx: api.Ctx, who: api.Who) -> dict[str, Any]:
    """Accept or write an improvement measure."""
    brand, actor = _visible(scope, brand_id), _actor(request, who, body.by)
    return _write(lambda: Actions(scope.store, ctx.config, ctx.clock()).add_measure(
        brand, year, body.text, body.owner, body.due, actor, body.indicator))


@router.post("/evaluations/{brand_id}/{year}/dropped")
def drop(brand_id: api.BrandId, year: Year, body: DropIn, request: Request, scope: api.View,
         ctx: api.Ctx, who: api.Who) -> dict[str, Any]:
    """Drop the measure proposed for an indicator below target."""
    brand, actor = _visible(scope, brand_id), _actor(request, who, body.by)
    return _write(lambda: Actions(scope.store, ctx.config, ctx.clock()).drop_proposal(
        brand, year, body.indicator, actor, body.note))


@router.post("/evaluations/{brand_id}/{year}/decisions")
def decide(brand_id: api.BrandId, year: Year, body: DecisionIn, request: Request,
           scope: api.View, ctx: api.Ctx, who: api.Who) -> dict[str, Any]:
    """Record the member review's decision on a member (keep, warn, suspend)."""
    brand, actor = _visible(scope, brand_id), _actor(request, who, body.by)
    return _write(lambda: Actions(scope.store, ctx.config, ctx.clock()).decide(
        brand, year, body.member, body.decision, actor, body.note))


@router.post("/measures/{measure_id}/done")
def measure_done(measure_id: Annotated[str, Path(max_length=20)], body: DoneIn,
                 request: Request, scope: api.View, ctx: api.Ctx,
                 who: api.Who) -> dict[str, Any]:
    """Record an improvement measure as done."""
    actions = Actions(scope.store, ctx.config, ctx.clock())
    try:
        actions.measure(measure_id, scope.org_id)
    except InputError:
        raise api.NOT_FOUND from None
    actor = _actor(request, who, body.by)
    return _write(lambda: actions.finish_measure(measure_id, actor, body.note, scope.org_id))


# -- the 年度评价 page ------------------------------------------------------------------------
@dashboard.get("/evaluations")
def evaluation_page(request: Request, ctx: pages.Ctx, who: pages.Who,
                    brand: Annotated[str, Query(max_length=100)] = "",
                    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                    error: Annotated[str, Query(max_length=300)] = "",
                    sig: Annotated[str, Query(max_length=64)] = "") -> Response:
    scope = ctx.view(who.organization)
    try:
        chosen = scope.brand(brand) if brand else pages.default_brand(scope)
    except NotVisible:
        return pages.not_found_page(request)
    now = ctx.clock()
    year = year or now.astimezone(ctx.config.settings.tz).year
    full = EvaluationBuilder(scope, ctx.config).build(chosen, year, now)
    body = fragment(compose(full, ctx.config.settings.tz, now))
    links = {f: f"/api/v1/evaluations/{quote(chosen.id)}/{year}?format={f}"
             for f in ("pdf", "docx", "json")}
    manual = [r for r in full["indicators"] if r["source"] == "manual"]
    return pages.render(request, "evaluation.html", who, ctx, brand=chosen,
                        brands=scope.brands, year=year, evaluation=public(full),
                        manual=manual, report_html=body, report_css=css(), links=links,
                        error=pages.shown_error(who, error, sig))


@dashboard.post("/evaluations/{brand_id}/{year}/values")
def value_form(request: Request, brand_id: str, year: Year, ctx: pages.Ctx, who: pages.Who,
               indicator: Annotated[str, Form(max_length=64)],
               value: Annotated[str, Form(max_length=32)],
               csrf: Annotated[str, Form(max_length=200)] = "",
               note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """The page's form: one manual value, recorded under the logged-in user."""
    scope = ctx.view(who.organization)
    try:
        brand = scope.brand(brand_id)
    except NotVisible:
        return pages.not_found_page(request)
    actor = _actor(request, who, None, csrf)
    target = f"/evaluations?brand={quote(brand.id)}&year={year}"
    try:
        Actions(scope.store, ctx.config, ctx.clock()).set_value(brand, year, indicator, value,
                                                                actor, note)
    except InputError as exc:
        target += f"&{pages.error_query(who, str(exc))}"
    return RedirectResponse(target, status_code=303)

