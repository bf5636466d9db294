"""/api/v1: brands, mentions, series, facets, incidents, actions, deliveries.

Every route reads through the caller's `OrgView`; anything outside it is 404. Writes made
with a session cookie must carry the CSRF token. Times in query strings are ISO 8601;
naive ones are in the configured zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from brandguard.asked_time import asked_time
from brandguard.configuration.models import parse_duration
from brandguard.errors import InputError, NotFound
from brandguard.incident import ConcurrentUpdate
from brandguard.reports.authors import top_authors
from brandguard.risk.actions import IncidentActions
from brandguard.store.base import SearchQuery
from brandguard.web.auth import CSRF_HEADER, Caller, csrf_ok
from brandguard.web.context import WebContext
from brandguard.web.query_model import openapi_parameters, read_query
from brandguard.web.schemas import (
    SINCE_HELP,
    UNTIL_HELP,
    ActionIn,
    BrandOut,
    CategoryPoint,
    DeliveryOut,
    DocumentOut,
    IncidentDetail,
    IncidentOut,
    Me,
    MentionsQuery,
    SearchOut,
    Series,
    SeriesPoint,
    StoryOut,
    TermCount,
    TopAuthorsOut,
)
from brandguard.web.scope import NotVisible, OrgView

if TYPE_CHECKING:
    from brandguard.configuration.models import Brand
    from brandguard.incident import Incident

MAX_BUCKETS = 2000
NOT_FOUND = HTTPException(404, "not found")


# Dependencies are `async def`: FastAPI runs a plain `def` dependency on the thread pool, one
# hop per dependency per request, and under load those hops (and the GIL hand-offs between
# them) cost more than the query. Store work goes through `on_store`.

T = TypeVar("T")


async def on_store(ctx: WebContext, work: Callable[[], T], *, heavy: bool = False) -> T:
    """Run store work inline for an embedded store, on the thread pool for a remote one.

    A SQLite query by brand and time is a few milliseconds of this process's CPU: on two
    cores, handing it to a thread only adds the hand-off and GIL contention (the busiest
    route answered 15 % more requests, with a shorter tail, inline). An Elasticsearch query
    is a wait on the network, and a `heavy` one (a full-text search may read many index
    pages) could take long enough to hold up every other request: both go to the pool.
    """
    if ctx.pool.local and not heavy:
        return work()
    return await run_in_threadpool(work)


async def web(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


async def caller(request: Request, ctx: Annotated[WebContext, Depends(web)]) -> Caller:
    found = await on_store(ctx, lambda: ctx.auth.caller(request, ctx.pool.get()))
    if found is None:
        raise HTTPException(401, "a valid API token (Authorization: Bearer …) or dashboard "
                                 "session is required", headers={"WWW-Authenticate": "Bearer"})
    return found


async def view(ctx: Annotated[WebContext, Depends(web)],
               who: Annotated[Caller, Depends(caller)]) -> OrgView:
    return ctx.view(who.organization)


View = Annotated[OrgView, Depends(view)]
Who = Annotated[Caller, Depends(caller)]
Ctx = Annotated[WebContext, Depends(web)]
BrandId = Annotated[str, Path(max_length=100)]
IncidentId = Annotated[str, Path(max_length=200)]
Since = Annotated[str | None, Query(max_length=64, description=SINCE_HELP)]
Until = Annotated[str | None, Query(max_length=64, description=UNTIL_HELP)]

router = APIRouter(prefix="/api/v1", tags=["api"])


def time_range(ctx: WebContext, since: str | None, until: str | None,
               default_days: int = 30) -> tuple[datetime, datetime]:
    tz = ctx.config.settings.tz
    end = _when(until, ctx) if until else ctx.clock() + timedelta(minutes=1)
    start = _when(since, ctx) if since else end - timedelta(days=default_days)
    if start >= end:
        raise HTTPException(400, f"起始时间须早于截止时间 / since ({start.isoformat()}) must "
                                 f"be before until ({end.isoformat()})")
    return start.astimezone(tz), end.astimezone(tz)


def _when(value: str, ctx: WebContext) -> datetime:
    """`since`/`until` as the CLI reads them (`brandguard.asked_time`); 400 when unusable."""
    try:
        return asked_time(value, ctx.config.settings.tz, ctx.clock())
    except InputError as exc:
        raise HTTPException(400, str(exc)) from exc


def _brand_out(brand: Brand, scope: OrgView) -> BrandOut:
    return BrandOut(id=brand.id, name=brand.name, kind=brand.kind, parent=brand.parent,
                    aliases=list(brand.aliases),
                    members=[b.id for b in scope.brands.values() if b.parent == brand.id])


def incident_out(incident: Incident, ctx: WebContext) -> dict[str, Any]:
    out = incident.to_json()
    out["category_label"] = ctx.config.category_label(incident.category)
    return out


def _visible(fn: Any) -> Any:
    """Run fn(); an object outside the caller's organisation is 404."""
    try:
        return fn()
    except NotVisible:
        raise NOT_FOUND from None


@router.get("/me", response_model=Me)
def me(ctx: Ctx, who: Who) -> Me:
    org = next((o for o in ctx.config.organizations if o.id == who.organization), None)
    return Me(organization=who.organization, organization_name=org.name if org else "",
              name=who.name, kind=who.kind, csrf=who.csrf or None)


@router.get("/brands", response_model=list[BrandOut])
def brands(scope: View) -> list[BrandOut]:
    return [_brand_out(b, scope) for b in scope.brands.values()]


@router.get("/brands/{brand_id}", response_model=BrandOut)
def brand(brand_id: BrandId, scope: View) -> BrandOut:
    return _brand_out(_visible(lambda: scope.brand(brand_id)), scope)


@router.get("/mentions", response_model=SearchOut,
            openapi_extra={"parameters": openapi_parameters(MentionsQuery)})
async def mentions(request: Request) -> Response:
    """The busiest route, so it reads its parameters with one model and resolves the
    caller without FastAPI's dependency chain (web/query_model.py says what that saves);
    the answers, the 401, 404 and 422 ones included, are those of the other routes."""
    ctx = await web(request)
    scope = await view(ctx, await caller(request, ctx))
    asked = read_query(MentionsQuery, request)
    query = SearchQuery(text=asked.q, brands=tuple(asked.brand or ()),
                        since=_when(asked.since, ctx) if asked.since else None,
                        until=_when(asked.until, ctx) if asked.until else None,
                        polarity=asked.polarity, category=asked.category,
                        source=asked.source, kind=asked.kind, author=asked.author,
                        min_reach=asked.min_reach,
                        include_duplicates=asked.include_duplicates,
                        limit=asked.limit, offset=asked.offset)
    total, hits = await on_store(ctx, lambda: _visible(lambda: scope.search_json(query)),
                                 heavy=query.text is not None)
    # Returned as a Response: FastAPI then skips re-validating and re-encoding every hit
    # (the hits are built from the stored JSON, and tests hold them to the schema); the
    # model still documents the route. orjson encodes it several times faster than json.
    return Response(orjson.dumps({"total": total, "limit": asked.limit,
                                  "offset": asked.offset, "hits": hits}),
                    media_type="application/json")


@router.get("/mentions/{doc_id}", response_model=DocumentOut)
def mention(doc_id: Annotated[str, Path(max_length=200)], scope: View) -> dict[str, Any]:
    return dict(_visible(lambda: scope.document(doc_id)).to_json())


def _bucket(text: str) -> timedelta:
    try:
        size = parse_duration(text)
    except ValueError as exc:
        raise HTTPException(400, f"bucket: {exc}") from exc
    if size < timedelta(minutes=5):
        raise HTTPException(400, "bucket: at least 5m")
    return size


Bucket = Annotated[str, Query(description="Bucket size: 1h, 1d, 7d …", max_length=10)]


Members = Annotated[bool, Query(description=(
    "Add the member enterprises' mentions (a document naming several of the brands counts "
    "once per brand: these are mentions, not documents)"))]


SeriesRow: TypeAlias = "tuple[datetime, int, int, int, int, float | None]"


@router.get("/brands/{brand_id}/timeseries", response_model=Series)
async def timeseries(brand_id: BrandId, scope: View, ctx: Ctx, since: Since = None,
                     until: Until = None, bucket: Bucket = "1d", members: Members = False,
                     ) -> Response:
    """Mention volume and sentiment per time bucket.

    Encoded here, as `/mentions` is: validating and serialising 90 points through the
    model took a fifth of the route's CPU (`bench api`); the model still documents the
    route, and tests hold the answer to it (UTC offsets as "Z", as pydantic writes them)."""
    found = await on_store(
        ctx, lambda: _series_points(brand_id, scope, ctx, since, until, bucket, members))
    return Response(series_json(*found), media_type="application/json")


def series_json(brand: str, seconds: int, points: list[SeriesRow]) -> bytes:
    """The `Series` model's JSON, written directly."""
    return orjson.dumps({"brand": brand, "bucket_seconds": seconds, "points": [
        {"bucket": when, "total": total, "positive": pos, "neutral": neu, "negative": neg,
         "sentiment_index": index} for when, total, pos, neu, neg, index in points]},
        option=orjson.OPT_UTC_Z)


def series(brand_id: str, scope: OrgView, ctx: WebContext, since: str | None,
           until: str | None, bucket: str, members: bool) -> Series:
    """The time series as the overview page charts it."""
    brand, seconds, points = _series_points(brand_id, scope, ctx, since, until, bucket,
                                            members)
    return Series(brand=brand, bucket_seconds=seconds, points=[
        SeriesPoint(bucket=when, total=total, positive=pos, neutral=neu, negative=neg,
                    sentiment_index=index) for when, total, pos, neu, neg, index in points])


def _series_points(brand_id: str, scope: OrgView, ctx: WebContext, since: str | None,
                   until: str | None, bucket: str, members: bool,
                   ) -> tuple[str, int, list[SeriesRow]]:
    """The brand, the bucket in seconds and per bucket (bucket start, total, positive,
    neutral, negative, sentiment index): the time series route's work."""
    scope_brand = _visible(lambda: scope.brand(brand_id))
    ids = _with_members(scope, brand_id) if members else [scope_brand.id]
    size = _bucket(bucket)
    start, end = time_range(ctx, since, until)
    if (end - start) / size > MAX_BUCKETS:
        raise HTTPException(400, f"bucket: more than {MAX_BUCKETS} buckets; use a larger one")
    per: dict[datetime, dict[str, int]] = defaultdict(dict)
    for row in scope.counts(ids, start, end, size):
        per[row.bucket][row.polarity] = per[row.bucket].get(row.polarity, 0) + row.count
    points: list[SeriesRow] = []
    for when in _buckets(start, end, size):
        c = per.get(when, {})
        pos, neu, neg = c.get("positive", 0), c.get("neutral", 0), c.get("negative", 0)
        total = pos + neu + neg
        points.append((when, total, pos, neu, neg,
                       round((pos - neg) / total, 4) if total else None))
    return scope_brand.id, int(size.total_seconds()), points


def _buckets(start: datetime, end: datetime, size: timedelta) -> list[datetime]:
    """Every bucket start in [start, end), aligned as the store aligns them (to the zone's
    midnight), so empty buckets come back as zeros and charts show the gaps."""
    step = int(size.total_seconds())
    offset = int((start.utcoffset() or timedelta()).total_seconds())
    first = (int(start.timestamp()) + offset) // step * step - offset
    last = int(end.timestamp())
    return [datetime.fromtimestamp(t, start.tzinfo) for t in range(first, last, step)]


@router.get("/brands/{brand_id}/categories", response_model=list[CategoryPoint])
def categories(brand_id: BrandId, scope: View, ctx: Ctx, since: Since = None,
               until: Until = None, bucket: Bucket = "3650d",
               members: Members = False) -> list[CategoryPoint]:
    """Documents per trust-damage category (and bucket): the breakdown chart."""
    scope_brand = _visible(lambda: scope.brand(brand_id))
    ids = _with_members(scope, brand_id) if members else [scope_brand.id]
    start, end = time_range(ctx, since, until)
    labels = ctx.config.lexicon.categories
    return [CategoryPoint(bucket=r.bucket, category=r.category, count=r.count,
                          label=labels[r.category].label if r.category in labels else r.category)
            for r in scope.damage_counts(ids, start, end, _bucket(bucket))]


Limit = Annotated[int, Query(ge=1, le=100)]


@router.get("/brands/{brand_id}/keywords", response_model=list[TermCount])
def keywords(brand_id: BrandId, scope: View, ctx: Ctx, since: Since = None,
             until: Until = None, limit: Limit = 30) -> list[TermCount]:
    """Hot keywords among the brand's (and its members') recent mentions."""
    return _top(scope.top_keywords, scope, ctx, brand_id, since, until, limit)


@router.get("/brands/{brand_id}/sources", response_model=list[TermCount])
def sources(brand_id: BrandId, scope: View, ctx: Ctx, since: Since = None,
            until: Until = None, limit: Limit = 10) -> list[TermCount]:
    """Sources publishing the most about the brand (and its members)."""
    return _top(scope.top_sources, scope, ctx, brand_id, since, until, limit)


@router.get("/brands/{brand_id}/authors", response_model=TopAuthorsOut)
def authors(brand_id: BrandId, scope: View, ctx: Ctx, since: Since = None,
            until: Until = None, limit: Limit = 10) -> TopAuthorsOut:
    """Top authors (KOL) by reach among the social posts about the brand (and its members)."""
    ids = _with_members(scope, brand_id)
    start, end = time_range(ctx, since, until)
    top = top_authors(scope, ids, start, end, limit)
    return TopAuthorsOut.model_validate(top.to_json())


@router.get("/brands/{brand_id}/stories", response_model=list[StoryOut])
def stories(brand_id: BrandId, scope: View, ctx: Ctx, since: Since = None,
            until: Until = None, limit: Limit = 10,
            min_documents: Annotated[int, Query(ge=1, le=100_000)] = 2) -> list[StoryOut]:
    """Stories (事件) about the brand (and its members) meeting the period, the most
    documents first: first source (首发), sources, reposts, peak and timeline."""
    ids = _with_members(scope, brand_id)
    start, end = time_range(ctx, since, until)
    return [StoryOut.model_validate(s.to_json())
            for s in scope.list_stories(ids, start, end, limit, min_documents)]


Facet = Callable[[Sequence[str], datetime, datetime, int], list[tuple[str, int]]]


def _top(facet: Facet, scope: OrgView, ctx: WebContext, brand_id: str,
         since: str | None, until: str | None, limit: int) -> list[TermCount]:
    ids = _with_members(scope, brand_id)
    start, end = time_range(ctx, since, until)
    return [TermCount(term=t, count=n) for t, n in facet(ids, start, end, limit)]


def _with_members(scope: OrgView, brand_id: str) -> list[str]:
    own = _visible(lambda: scope.brand(brand_id))
    return [own.id, *(b.id for b in scope.brands.values() if b.parent == own.id)]


@router.get("/incidents", response_model=list[IncidentOut])
def incidents(scope: View, ctx: Ctx, brand: Annotated[list[str] | None, Query()] = None,
              status: Annotated[str | None, Query(pattern="^(open|acknowledged|resolved)$")]
              = None) -> list[dict[str, Any]]:
    found = _visible(lambda: scope.incidents(tuple(brand or ()), status))
    return [incident_out(i, ctx) for i in found]


def incident_detail(scope: OrgView, ctx: WebContext, found: Incident) -> dict[str, Any]:
    """An incident (already checked to be the caller's) with its evidence and deliveries."""
    out = incident_out(found, ctx)
    documents = []
    for doc_id in found.evidence:
        try:
            documents.append(scope.document(doc_id).to_json())
        except NotVisible:
            continue
    out["evidence_documents"] = documents
    parent = ctx.config.brand(found.brand)
    upper = scope.incidents([parent.parent]) if parent and parent.parent in scope.brands else []
    out["linked_from"] = [i.id for i in upper if found.id in i.linked]  # the regional roll-up
    out["deliveries"] = [d.to_json() for d in scope.deliveries(found.id)]
    return out


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def incident(incident_id: IncidentId, scope: View, ctx: Ctx) -> dict[str, Any]:
    return incident_detail(scope, ctx, _visible(lambda: scope.incident(incident_id)))


@router.get("/incidents/{incident_id}/deliveries", response_model=list[DeliveryOut])
def incident_deliveries(incident_id: IncidentId, scope: View) -> list[dict[str, Any]]:
    return [d.to_json() for d in _visible(lambda: scope.deliveries(incident_id))]


@router.get("/deliveries", response_model=list[DeliveryOut])
def deliveries(scope: View, limit: Limit = 50) -> list[dict[str, Any]]:
    return [d.to_json() for d in scope.deliveries(limit=limit)]


Transition = Callable[[IncidentActions, str, str, str], "Incident"]  # actions, id, actor, note


def acknowledging(actions: IncidentActions, incident_id: str, actor: str, note: str) -> Incident:
    return actions.acknowledge(incident_id, actor)


def resolving(actions: IncidentActions, incident_id: str, actor: str, note: str) -> Incident:
    return actions.resolve(incident_id, actor, note)


def checking(step_id: str) -> Transition:
    def check(actions: IncidentActions, incident_id: str, actor: str, note: str) -> Incident:
        return actions.check_step(incident_id, step_id, actor, note)
    return check


def act(request: Request, ctx: WebContext, scope: OrgView, who: Caller, incident_id: str,
        body: ActionIn, transition: Transition, csrf: str | None = None) -> dict[str, Any]:
    """Apply one transition for the caller; shared by the API and the dashboard forms
    (which send the CSRF token as a form field rather than a header)."""
    if not csrf_ok(who, csrf if csrf is not None else request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, "CSRF token missing or wrong (send X-CSRF-Token)")
    found = _visible(lambda: scope.incident(incident_id))
    actor = who.name if who.kind == "session" else (body.by or "").strip()
    if not actor:
        raise HTTPException(400, "by: required with an API token (who acts, a staff name)")
    actions = IncidentActions(scope.store, ctx.config, clock=ctx.clock)
    try:
        updated = transition(actions, found.id, actor, body.note)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except InputError as exc:
        raise HTTPException(409, str(exc)) from exc
    except ConcurrentUpdate as exc:
        raise HTTPException(409, f"{exc}; reload and try again") from exc
    return incident_detail(scope, ctx, updated)


@router.post("/incidents/{incident_id}/acknowledge", response_model=IncidentDetail)
def acknowledge(incident_id: IncidentId, body: ActionIn, request: Request, scope: View,
                ctx: Ctx, who: Who) -> dict[str, Any]:
    return act(request, ctx, scope, who, incident_id, body, acknowledging)


@router.post("/incidents/{incident_id}/resolve", response_model=IncidentDetail)
def resolve(incident_id: IncidentId, body: ActionIn, request: Request, scope: View,
            ctx: Ctx, who: Who) -> dict[str, Any]:
    return act(request, ctx, scope, who, incident_id, body, resolving)


@router.post("/incidents/{incident_id}/checklist/{step_id}", response_model=IncidentDetail)
def check_step(incident_id: IncidentId, step_id: Annotated[str, Path(max_length=100)],
               body: ActionIn, request: Request, scope: View, ctx: Ctx,
               who: Who) -> dict[str, Any]:
    """Check a contingency-plan step off, with a note."""
    return act(request, ctx, scope, who, incident_id, body, checking(step_id))
