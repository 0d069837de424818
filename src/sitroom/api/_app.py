"""The app factory, security headers and the ``serve`` entry point for the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..store import Store
from . import _documents, _items, _search
from ._errors import add_error_handlers
from ._settings import DEFAULT_HOST, DEFAULT_PORT, Settings

API_DESCRIPTION = """\
Sitroom's knowledge base over HTTP: documents, and the events, statements, figures, places and
entities extracted from them, each with character offsets into its document's text.

Lists are paged: pass a page's `next_cursor` as `cursor`. `.csv` and `.jsonl` routes stream every
matching row; `.geojson` routes return located rows as RFC 7946 FeatureCollections. Reads are
open; `POST /documents` needs `Authorization: Bearer <SITROOM_TOKEN>`. Errors are JSON
`{"error": ..., "detail": ...}`.
"""


class SecurityHeaders:
    """ASGI middleware adding security headers to every HTTP response (streamed ones too)."""

    def __init__(self, app: ASGIApp, *, content_security_policy: str) -> None:
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", content_security_policy.encode("latin-1")),
        ]

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


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    """The Sitroom API over ``store``; ``settings`` default to read-only (no token)."""
    settings = settings or Settings()
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
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = tidy_openapi(original())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
    app.add_middleware(SecurityHeaders, content_security_policy=settings.content_security_policy)
    return app


def serve(
    store_url: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
) -> None:
    """Open the store and serve the API with uvicorn until interrupted.

    ``token`` enables ``POST /documents`` (the CLI passes ``SITROOM_TOKEN``); without it the
    server is read-only.
    """
    import uvicorn

    with Store(store_url) as store:
        app = create_app(store, Settings(token=token))
        uvicorn.run(app, host=host, port=port)
