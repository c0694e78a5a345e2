"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.routes import (
    basemap,
    batches,
    coverage,
    health,
    imports,
    itineraries,
    lodging,
    places,
    roads,
    spots,
    themes,
)
from app.web import agency, pages
from app.web.i18n import Translator, request_lang

log = logging.getLogger("jinlv")
SWAGGER_JS = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "/static/vendor/swagger-ui/swagger-ui.css"
SWAGGER_FAVICON = "/static/vendor/swagger-ui/favicon-32x32.png"


class CachedStatic(StaticFiles):
    """Static files with a cache lifetime (URLs carry a version query, vendor files are pinned)."""

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
        return response


def _is_api(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith(("/api/", "/healthz", "/openapi"))
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Resume the agency batches left unfinished (a restart); stop the batch worker on shutdown."""
    from app.services.batches import unfinished_batches, worker
    from gis_data.db import get_engine, session_scope

    try:
        with session_scope(get_engine()) as session:
            if unfinished_batches(session):
                worker().start()
    except Exception as exc:  # no database yet (`jinlv data build` not run): nothing to resume
        log.info("agency batches not resumed: %s", exc)
    yield
    await run_in_threadpool(worker().stop)


def create_app() -> FastAPI:
    """Build the app: JSON API, pages and static assets (no CDN: ``make setup`` installs them)."""
    app = FastAPI(
        title="jinlv 晋旅",
        description="Itinerary planner for Shanxi's scenic spots and No.1 tourist roads. "
        "Road data © OpenStreetMap contributors (ODbL).",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    malformed = {400: {"description": "Malformed request body (not valid JSON or form data)"}}
    for module in (health, spots, roads, lodging, themes, places, itineraries, batches, coverage, basemap, imports):
        app.include_router(module.router, responses=malformed)
    app.include_router(pages.router)
    app.include_router(agency.router)
    app.mount("/static", CachedStatic(directory=pages.static_dir(), check_dir=False), name="static")
    if not pages.vendor_ready():
        log.warning("static/vendor is missing: run `make setup` (npm ci) or the maps and /docs will not load")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS,
            swagger_favicon_url=SWAGGER_FAVICON,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and not _is_api(request):
            t = Translator(request_lang(request))
            return pages.not_found(request, t("There is no page at {path}.", path=request.url.path))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            item = {k: v for k, v in err.items() if k in ("loc", "msg", "type")}
            if isinstance(err.get("input"), (str, int, float, bool)) or err.get("input") is None:
                item["input"] = err.get("input")
            if err.get("ctx"):
                item["ctx"] = {
                    k: v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in err["ctx"].items()
                }
            errors.append(item)
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if _is_api(request):
            return JSONResponse({"detail": "internal server error"}, status_code=500)
        return pages.render(request, "500.html", {}, status_code=500)

    return app
