"""The dashboard (仪表盘): login, brand overview, incidents, incident page, history search.

Pages are rendered on the server with Jinja autoescaping, so every crawled string is
escaped by default (no `|safe` on stored fields). Charts draw from a JSON data block
(`<script type="application/json">`, which never runs) with the packaged ECharts; actions
are plain form posts carrying the session's CSRF token, answered with a redirect.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from brandguard import labels
from brandguard.document_json import query_time
from brandguard.durations import duration_zh
from brandguard.errors import InputError
from brandguard.labels import label
from brandguard.reports.layout import KINDS, count_zh
from brandguard.store.base import SearchQuery
from brandguard.web import api
from brandguard.web.auth import LOGIN_COOKIE, SESSION_COOKIE, Caller, csrf_ok
from brandguard.web.context import WebContext
from brandguard.web.highlight import snippet
from brandguard.web.schemas import ActionIn
from brandguard.web.scope import NotVisible, OrgView

if TYPE_CHECKING:
    from brandguard.configuration.models import Brand
    from brandguard.incident import Incident
    from brandguard.store.base import StoredDocument

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("brandguard.web") / "templates"))
templates.env.globals["level_class"] = lambda level: f"level-{level}"
templates.env.filters["status_label"] = lambda s: label(labels.STATUS, s)
templates.env.filters["action_label"] = lambda a: label(labels.ACTIONS, a)
templates.env.filters["event_label"] = lambda e: label(labels.EVENTS, e)
templates.env.filters["delivery_label"] = lambda d: label(labels.DELIVERY, d)
templates.env.filters["seconds_zh"] = lambda s: duration_zh(timedelta(seconds=int(s)))


def when_zh(doc: dict[str, Any]) -> str:
    """A stored document's time as the page shows it. An undated one (a review, a post without
    a stamp) is counted on the day it was collected: say so, instead of a bare date that reads
    like its publication."""
    if doc.get("published_at"):
        return str(doc["published_at"])[:16].replace("T", " ")
    collected = str(doc.get("ingested_at") or "")[:16].replace("T", " ")
    return f"采集于 {collected}（未注明发布时间）" if collected else "时间不详"


templates.env.filters["when_zh"] = when_zh
templates.env.filters["count_zh"] = count_zh
templates.env.filters["polarity_label"] = lambda p: label(labels.POLARITY, p)
PAGE_SIZE = 20
OVERVIEW_DAYS = 30


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


async def to_login(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)


def not_found_page(request: Request) -> Response:
    """404, with the navigation when the visitor is logged in (so they can go on)."""
    ctx: WebContext = request.app.state.web
    found = ctx.auth.caller(request, ctx.pool.get())
    who = found if found is not None and found.kind == "session" else None
    response = render(request, "not_found.html", who, ctx)
    response.status_code = 404
    return response


async def page_caller(request: Request, ctx: Annotated[WebContext, Depends(api.web)],
                      ) -> Caller:
    """As `api.caller`: async, the lookup through `api.on_store`."""
    found = await api.on_store(ctx, lambda: ctx.auth.caller(request, ctx.pool.get()))
    if found is None or found.kind != "session":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return found


Ctx = Annotated[WebContext, Depends(api.web)]
Who = Annotated[Caller, Depends(page_caller)]


def _scope(ctx: WebContext, who: Caller) -> OrgView:
    return ctx.view(who.organization)


def _local(target: str | None) -> str:
    """Only same-site paths after login: no open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def render(request: Request, name: str, who: Caller | None, ctx: WebContext,
           **values: Any) -> Response:
    org = next((o for o in ctx.config.organizations if who and o.id == who.organization), None)
    return templates.TemplateResponse(request, name, {
        "who": who, "org": org, "csrf": who.csrf if who else "", **values})


# -- login --------------------------------------------------------------------------------
LOGIN_ERRORS = {"expired": "表单已过期，请重试", "throttled": "尝试次数过多，请 15 分钟后再试",
                "wrong": "用户名或密码错误"}


def error_query(who: Caller, message: str) -> str:
    """`error=…&sig=…` for a redirect back to a page: the message, signed with the session's
    CSRF secret, so a link crafted by someone else cannot make a page say what they want."""
    message = message[:300]
    return urlencode({"error": message, "sig": _signature(who, message)})


def shown_error(who: Caller, error: str, sig: str) -> str:
    """The error to show: only one this session's own redirect signed."""
    if not error:
        return ""
    return error if hmac.compare_digest(_signature(who, error), sig) else ""


def _signature(who: Caller, message: str) -> str:
    return hmac.new(who.csrf.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


@router.get("/login")
def login_form(request: Request, ctx: Ctx, next: str = "/", error: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, ctx, next=_local(next),
                      error=LOGIN_ERRORS.get(error, ""),  # codes only: no text from a link
                      login_csrf=token)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=_secure(request, ctx))
    return response


@router.post("/login")
def login(request: Request, ctx: Ctx, username: Annotated[str, Form(max_length=100)],
          password: Annotated[str, Form(max_length=200)],
          csrf: Annotated[str, Form(max_length=100)] = "",
          next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    target = _local(next)
    if not cookie or not secrets.compare_digest(cookie, csrf):
        return _back_to_login(target, "expired")
    if ctx.auth.throttle.blocked(username):
        return _back_to_login(target, "throttled")
    found = ctx.auth.login(ctx.pool.get(), username, password)
    if found is None:
        ctx.auth.throttle.failed(username)
        return _back_to_login(target, "wrong")
    ctx.auth.throttle.succeeded(username)
    secret, _session = found
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax",
                        secure=_secure(request, ctx),
                        max_age=int(ctx.auth.session_lifetime.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _back_to_login(target: str, error: str) -> Response:
    return RedirectResponse(f"/login?{urlencode({'next': target, 'error': error})}",
                            status_code=303)


def _secure(request: Request, ctx: WebContext) -> bool:
    return ctx.secure_cookies or request.url.scheme == "https"


@router.post("/logout")
def logout(request: Request, ctx: Ctx, who: Who,
           csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    if not csrf_ok(who, csrf):
        raise HTTPException(403, "CSRF token missing or wrong")
    ctx.auth.logout(request, ctx.pool.get())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- overview -----------------------------------------------------------------------------
@router.get("/")
def overview(request: Request, ctx: Ctx, who: Who,
             brand: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    scope = _scope(ctx, who)
    if not scope.brands:
        return render(request, "overview.html", who, ctx, brand=None, data={})
    try:
        chosen = scope.brand(brand) if brand else default_brand(scope)
    except NotVisible:
        return not_found_page(request)
    until = ctx.clock() + timedelta(minutes=1)
    since = until - timedelta(days=OVERVIEW_DAYS)
    group = [chosen, *(b for b in scope.brands.values() if b.parent == chosen.id)]
    # the brand's incidents, and its members' for a regional brand: not the organisation's
    open_incidents = [i for i in scope.incidents([b.id for b in group]) if i.is_open]
    span = since.isoformat(), until.isoformat()  # the API's parameters, as it reads them
    series = api.series(chosen.id, scope, ctx, *span, "1d", members=True)
    cats = api.categories(chosen.id, scope, ctx, *span, f"{OVERVIEW_DAYS + 1}d", members=True)
    data = {
        "series": [p.model_dump(mode="json") for p in series.points],
        "categories": _sum_by(cats),
    }
    return render(request, "overview.html", who, ctx, brand=chosen,
                  regional=[b for b in scope.brands.values() if b.kind == "regional"],
                  members=_member_rows(scope, group, open_incidents, since, until),
                  sources=api.sources(chosen.id, scope, ctx, *span, 10),
                  authors=api.authors(chosen.id, scope, ctx, *span, 5).authors,
                  keywords=_cloud(api.keywords(chosen.id, scope, ctx, *span, 40)),
                  incidents=[api.incident_out(i, ctx) for i in open_incidents],
                  brands=scope.brands, days=OVERVIEW_DAYS, data=data,
                  group=" ".join(b.id for b in group))


def default_brand(scope: OrgView) -> Brand:
    regional = [b for b in scope.brands.values() if b.kind == "regional"]
    return (regional or list(scope.brands.values()))[0]


def _sum_by(rows: list[Any]) -> list[dict[str, Any]]:
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.label] = totals.get(r.label, 0) + r.count
    return [{"name": k, "value": v} for k, v in sorted(totals.items(), key=lambda kv: -kv[1])]


def _member_rows(scope: OrgView, group: list[Brand], open_incidents: list[Incident],
                 since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Regional brand vs its member enterprises: volume, negatives, open incidents."""
    ids = {b.id for b in group}
    counts = scope.counts([b.id for b in group], since, until, until - since)
    rows = []
    for b in group:
        mine = [r for r in counts if r.brand == b.id]
        total = sum(r.count for r in mine)
        pos = sum(r.count for r in mine if r.polarity == "positive")
        neg = sum(r.count for r in mine if r.polarity == "negative")
        rows.append({"brand": b, "total": total, "negative": neg,
                     "nested": b.parent is not None and b.parent in ids,  # └ under its parent
                     "index": round((pos - neg) / total, 2) if total else None,
                     "incidents": sum(1 for i in open_incidents if i.brand == b.id)})
    return rows


def _cloud(terms: list[Any]) -> list[dict[str, Any]]:
    """Keyword cloud: font size by frequency, in five steps."""
    if not terms:
        return []
    top = max(t.count for t in terms)
    return [{"term": t.term, "count": t.count, "size": 1 + round(4 * t.count / top)}
            for t in terms]


# -- incidents ----------------------------------------------------------------------------
@router.get("/incidents")
def incident_list(request: Request, ctx: Ctx, who: Who,
                  status: Annotated[str | None,
                                    Query(pattern="^(open|acknowledged|resolved)$")] = None,
                  ) -> Response:
    scope = _scope(ctx, who)
    found = [api.incident_out(i, ctx) for i in scope.incidents((), status)]
    return render(request, "incidents.html", who, ctx, incidents=found, status=status,
                  brands=scope.brands)


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: str, ctx: Ctx, who: Who,
                  error: Annotated[str, Query(max_length=300)] = "",
                  sig: Annotated[str, Query(max_length=64)] = "") -> Response:
    scope = _scope(ctx, who)
    try:
        found = scope.incident(incident_id)
    except NotVisible:
        return not_found_page(request)
    detail = api.incident_detail(scope, ctx, found)
    return render(request, "incident.html", who, ctx, incident=detail,
                  stories=_stories(scope, found),
                  brand=scope.brands[found.brand], error=shown_error(who, error, sig),
                  now=ctx.clock().astimezone(ctx.config.settings.tz).isoformat(),
                  data={"signal": _signal(scope, ctx, found.brand, found.category,
                                          found.opened_at, found.last_evidence_at)})


STORIES_SHOWN = 5


def around(opened: datetime, last: datetime) -> tuple[datetime, datetime]:
    """The span shown around an incident: three days before it opened (the build-up) to a
    day after its last evidence."""
    return opened - timedelta(days=3), max(last, opened) + timedelta(days=1)


def _stories(scope: OrgView, incident: Incident) -> list[dict[str, Any]]:
    """The incident's stories: its brand's, around it, in its category, the largest first."""
    since, until = around(incident.opened_at, incident.last_evidence_at)
    found = scope.list_stories([incident.brand], since, until, limit=50)
    return [s.to_json() for s in found if incident.category in s.categories][:STORIES_SHOWN]


def _signal(scope: OrgView, ctx: WebContext, brand: str, category: str, opened: datetime,
            last: datetime) -> list[dict[str, Any]]:
    """Reports in the incident's category around it: what the spike looked like."""
    since, until = around(opened, last)
    bucket = timedelta(hours=1) if until - since <= timedelta(days=60) else timedelta(days=1)
    return [{"bucket": r.bucket.isoformat(), "count": r.count}
            for r in scope.damage_counts([brand], since, until, bucket)
            if r.category == category]


def _action(request: Request, ctx: WebContext, who: Caller, incident_id: str,
            csrf: str, note: str, transition: api.Transition) -> Response:
    if not csrf_ok(who, csrf):
        raise HTTPException(403, "CSRF token missing or wrong")
    scope = _scope(ctx, who)
    target = f"/incidents/{quote(incident_id, safe='')}"
    try:
        api.act(request, ctx, scope, who, incident_id, ActionIn(note=note), transition,
                csrf=csrf)
    except HTTPException as exc:
        if exc.status_code == 404 and exc.detail == api.NOT_FOUND.detail:  # not this incident
            return not_found_page(request)  # (a missing step is the form's error, shown below)
        return RedirectResponse(f"{target}?{error_query(who, str(exc.detail))}",
                                status_code=303)
    return RedirectResponse(target, status_code=303)


Csrf = Annotated[str, Form(max_length=100)]
Note = Annotated[str, Form(max_length=2000)]


@router.post("/incidents/{incident_id}/acknowledge")
def acknowledge(request: Request, incident_id: str, ctx: Ctx, who: Who, csrf: Csrf = "",
                ) -> Response:
    return _action(request, ctx, who, incident_id, csrf, "", api.acknowledging)


@router.post("/incidents/{incident_id}/resolve")
def resolve(request: Request, incident_id: str, ctx: Ctx, who: Who, csrf: Csrf = "",
            note: Note = "") -> Response:
    return _action(request, ctx, who, incident_id, csrf, note, api.resolving)


@router.post("/incidents/{incident_id}/checklist/{step_id}")
def check_step(request: Request, incident_id: str, step_id: str, ctx: Ctx, who: Who,
               csrf: Csrf = "", note: Note = "") -> Response:
    return _action(request, ctx, who, incident_id, csrf, note, api.checking(step_id))


# -- history search -----------------------------------------------------------------------
@router.get("/search")
def search(request: Request, ctx: Ctx, who: Who,
           q: Annotated[str, Query(max_length=200)] = "",
           brand: Annotated[str, Query(max_length=100)] = "",
           since: Annotated[str, Query(max_length=30)] = "",
           until: Annotated[str, Query(max_length=30)] = "",
           polarity: Annotated[str, Query(pattern="^(|positive|neutral|negative)$")] = "",
           category: Annotated[str, Query(max_length=100)] = "",
           source: Annotated[str, Query(max_length=200)] = "",
           kind: Annotated[str, Query(pattern="^(|news|review|social|rss)$")] = "",
           author: Annotated[str, Query(max_length=200)] = "",
           page: Annotated[int, Query(ge=1, le=500)] = 1) -> Response:
    scope = _scope(ctx, who)
    form = {"q": q, "brand": brand, "since": since, "until": until, "polarity": polarity,
            "category": category, "source": source, "kind": kind, "author": author}
    error = ""
    result = None
    try:
        query = SearchQuery(
            text=q or None, brands=(brand,) if brand else (),
            since=_day(since, ctx), until=_day(until, ctx, end=True),
            polarity=polarity or None,  # type: ignore[arg-type]
            category=category or None, source=source or None, kind=kind or None,
            author=author or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        result = scope.search(query)
    except NotVisible:
        error = "未知品牌 (unknown brand)"
    except ValueError as exc:
        error = str(exc)
    hits = [{"doc": h.to_json(), "snippet": snippet(h.document.text, q),
             "title": snippet(h.document.title or h.document.text, q, width=60),
             "url": _safe_url(h.document.url), "polarity": _polarity(h, brand)}
            for h in (result.hits if result else [])]
    pages = -(-result.total // PAGE_SIZE) if result else 0
    return render(request, "search.html", who, ctx, form=form, hits=hits, error=error,
                  total=result.total if result else 0, page=page, pages=pages,
                  brands=scope.brands, categories=ctx.config.lexicon.categories, kinds=KINDS,
                  page_url=lambda n: "/search?" + urlencode({**form, "page": n}))


def _polarity(hit: StoredDocument, brand: str) -> str:
    """The card's polarity: the brand mention's when a brand is filtered on (what the
    polarity filter matched), else the document's."""
    if brand:
        mention = next((m for m in hit.analysis.mentions if m.brand == brand), None)
        if mention is not None:
            return str(mention.polarity)
    return str(hit.analysis.polarity)


def _day(text: str, ctx: WebContext, end: bool = False) -> datetime | None:
    """A date (or date-time) from the form; an end date includes that whole day."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"无法识别的日期 {text!r} (expected YYYY-MM-DD)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ctx.config.settings.tz)
    try:
        value = query_time(value)
    except InputError:
        raise ValueError(f"日期超出可检索范围 {text!r}") from None
    return value + timedelta(days=1) if end and len(text) <= 10 else value


def _safe_url(url: str | None) -> str | None:
    """Links only to http(s): a crawled `javascript:` URL is shown as text, not linked."""
    return url if url and url.lower().startswith(("http://", "https://")) else None
