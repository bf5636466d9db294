"""The ASGI app: REST API, dashboard, static files, health, metrics and security headers.

FastAPI's interactive docs are switched off: they load scripts from a CDN, which the
Content-Security-Policy forbids and an offline server can't reach; /openapi.json stays.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders

from brandguard import __version__
from brandguard.web import api, evaluations, pages, reports
from brandguard.web.invalid import invalid_request
from brandguard.web.metrics import Metrics
from brandguard.web.schemas import Health

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from brandguard.web.context import WebContext

# Scripts only from this server (no inline script, so injected markup can't run). ECharts
# positions its tooltips with inline style attributes, hence 'unsafe-inline' for styles.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI middleware (Starlette's BaseHTTPMiddleware costs a task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith(("/api/", "/login"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if private or headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(ctx: WebContext) -> FastAPI:
    app = FastAPI(title="brandguard API", version=__version__, docs_url=None,
                  redoc_url=None, description=(
                      "区域品牌舆情监测 REST API. Bearer tokens are bound to one organisation "
                      "(`brandguard token create --org ID`); every read and write is scoped "
                      "to it, and objects of other organisations answer 404."))
    app.state.web = ctx
    metrics = Metrics(ctx)
    app.add_middleware(metrics.middleware)
    app.add_middleware(SecurityHeaders)
    app.include_router(api.router)
    app.include_router(reports.router)
    app.include_router(evaluations.router)
    app.include_router(pages.router)
    app.include_router(reports.dashboard)
    app.include_router(evaluations.dashboard)
    static = resources.files("brandguard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/metrics", tags=["ops"], response_class=Response,
             responses={200: {"content": {"text/plain": {}}}})
    def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4")

    app.add_exception_handler(pages.LoginRequired, pages.to_login)  # type: ignore[arg-type]
    app.add_exception_handler(404, _not_found)
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        detail = getattr(exc, "detail", "not found")
        return JSONResponse({"detail": detail}, status_code=404)
    return pages.not_found_page(request)
