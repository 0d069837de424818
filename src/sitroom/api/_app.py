"""The app factory, security headers and the ``serve`` entry point for the CLI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..store import Store
from ..web import DashboardSettings, mount_dashboard
from . import _documents, _items, _search, _web
from ._errors import add_error_handlers
from ._keepalive import KeepAliveLimit
from ._settings import DEFAULT_HOST, DEFAULT_PORT, TOKEN_ENV, Settings

API_DESCRIPTION = """\
Sitroom's knowledge base over HTTP: documents, and the events, statements, figures, places and
entities extracted from them, each with character offsets into its document's text.

Lists are paged: pass a page's `next_cursor` as `cursor`. `.csv` and `.jsonl` routes stream every
matching row; `.geojson` routes return located rows as RFC 7946 FeatureCollections. Reads are
open; `POST /documents` needs `Authorization: Bearer <SITROOM_TOKEN>`. Errors are JSON
`{"error": ..., "detail": ...}`.
"""


def security_headers(content_security_policy: str) -> list[tuple[bytes, bytes]]:
    """The headers every response carries, error pages included."""
    return [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", content_security_policy.encode("latin-1")),
    ]


class SecurityHeaders:
    """ASGI middleware adding security headers to every HTTP response (streamed ones too)."""

    def __init__(self, app: ASGIApp, *, content_security_policy: str) -> None:
        self.app = app
        self.headers = security_headers(content_security_policy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def tidy_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Document the media type that ``.geojson``/``.csv``/``.jsonl`` routes really return.

    FastAPI documents a 200 as JSON unless the route's ``response_class`` says otherwise, and a
    ``response_class`` would also relabel the JSON error responses; so the 200 is fixed here.
    """
    for path, operations in schema.get("paths", {}).items():
        media = next((m for end, m in _items.MEDIA_TYPES.items() if path.endswith(end)), None)
        if media is None:
            continue
        for operation in operations.values():
            content = operation["responses"]["200"]["content"]
            json_body = content.pop("application/json", None)
            if media not in content and json_body is not None:
                content[media] = json_body
    return schema


def create_app(
    store: Store, settings: Settings | None = None, *, dashboard: DashboardSettings | None = None
) -> FastAPI:
    """The Sitroom API and dashboard over ``store``; ``settings`` default to read-only.

    ``dashboard`` defaults to :meth:`DashboardSettings.from_env` (``SITROOM_TILE_URL``).
    """
    settings = settings or Settings()
    dashboard = dashboard or DashboardSettings.from_env()
    app = FastAPI(
        title="Sitroom",
        version=__version__,
        description=API_DESCRIPTION,
        # The interactive docs load scripts from a CDN; the dashboard must work offline and
        # the CSP forbids other origins, so only the schema itself is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.pipeline = _documents.PipelineHolder(settings)
    add_error_handlers(app)
    app.include_router(_documents.router)
    for router in _items.ROUTERS:
        app.include_router(router)
    app.include_router(_search.router)
    app.include_router(_web.router)
    mount_dashboard(app, dashboard)
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = tidy_openapi(original())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
    # A configured tile server is the one other origin the page may load (images only).
    csp = dashboard.content_security_policy(settings.content_security_policy)
    app.add_middleware(SecurityHeaders, content_security_policy=csp)
    # A 500 is answered by Starlette's outermost middleware, outside SecurityHeaders: the
    # error handler adds the same headers itself.
    app.state.security_headers = security_headers(csp)
    app.add_middleware(KeepAliveLimit, requests=settings.keepalive_requests)
    return app


SERVE_DB_ENV = "SITROOM_SERVE_DB"
"""How ``serve`` tells its worker processes which database to open."""
WORKER_START_SECONDS = 60
"""How long uvicorn waits for a worker's health check: a worker imports the whole app before it
answers, which can take more than uvicorn's 5 s on a busy machine."""


def serve(
    store_url: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    workers: int = 1,
    dashboard: DashboardSettings | None = None,
    access_log: bool = True,
) -> None:
    """Open the store and serve the API with uvicorn until interrupted.

    ``token`` enables ``POST /documents`` (the CLI passes ``SITROOM_TOKEN``); without it the
    server is read-only. ``workers`` above 1 runs that many processes, each with its own store
    connection, on the same port. ``dashboard`` defaults to the environment's tile settings.
    ``access_log=False`` skips uvicorn's line per request (a benchmark's server). uvicorn runs on
    uvloop and httptools (dependencies of Sitroom).
    """
    import uvicorn

    if workers > 1:
        # uvicorn starts each worker from an import string; the settings travel in the
        # environment that the workers inherit.
        os.environ[SERVE_DB_ENV] = str(store_url)
        if token is not None:
            os.environ[TOKEN_ENV] = token
        if dashboard is not None:
            dashboard.export(os.environ)
        target = f"{__name__}:app_from_environment"
        uvicorn.run(
            target,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            timeout_worker_healthcheck=WORKER_START_SECONDS,
        )
        return
    with Store(store_url) as store:
        # One process: no other worker to spread connections to (see _keepalive).
        app = create_app(store, Settings(token=token, keepalive_requests=0), dashboard=dashboard)
        uvicorn.run(app, host=host, port=port, access_log=access_log)


def app_from_environment() -> FastAPI:
    """The app of one ``serve`` worker process (database and token from the environment)."""
    store = Store(os.environ[SERVE_DB_ENV])
    app = create_app(store, Settings(token=os.environ.get(TOKEN_ENV)))
    app.router.add_event_handler("shutdown", store.close)
    return app
