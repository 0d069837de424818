"""Domain errors to HTTP responses: every error is JSON ``{"error": ..., "detail": ...}``.

The store and the library raise ``sitroom.errors`` exceptions; only this module knows their HTTP
status. A 500 means a bug: it is logged with its traceback and answered without internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from ..errors import IngestError, NotFound, StoreError
from ..store import InvalidArgument
from ._deps import PARAMETER_SHAPES
from ._schemas import ErrorBody

logger = logging.getLogger("sitroom.api")

MAX_VALIDATION_MESSAGES = 5


def _describe(text: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": text}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _describe("a filter, cursor or value is not valid (the detail says which)"),
    404: _describe("no such item or document"),
    422: _describe("a parameter has the wrong type or is out of range"),
    503: _describe("the database could not be read"),
}
"""Documented on every read route."""

WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _describe("the text or metadata cannot be ingested"),
    401: _describe("no bearer token was sent"),
    403: _describe("the token is wrong, or writes are disabled (no token configured)"),
    422: _describe("the body is not valid JSON of the documented shape"),
    501: _describe("ingest by URL is not implemented yet"),
    503: _describe("the database could not be written"),
}


def error_response(
    status: int, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A JSON error with the status's standard phrase as ``error``."""
    phrase = (
        HTTPStatus(status).phrase.lower() if status in HTTPStatus._value2member_map_ else "error"
    )
    body = ErrorBody(error=phrase, detail=detail).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    messages = []
    for error in exc.errors()[:MAX_VALIDATION_MESSAGES]:
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "JSON decode error")
            messages.append(f"the body is not valid JSON ({reason})")
            continue
        where = [str(p) for p in error.get("loc", ())]
        place = f"{where[0]} parameter {'.'.join(where[1:])!r}" if len(where) > 1 else "request"
        if where and where[0] == "body":
            place = f"body field {'.'.join(where[1:]) or '(whole body)'!r}"
        message = error.get("msg", "invalid")
        if error.get("type") == "string_pattern_mismatch" and where[-1] in PARAMETER_SHAPES:
            message = f"{error.get('input')!r} is not {PARAMETER_SHAPES[where[-1]]}"
        messages.append(f"{place}: {message}")
    return "; ".join(messages) or "the request is not valid"


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, _validation_message(exc) + "; see /openapi.json")


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code in (404, 405) and detail == HTTPStatus(exc.status_code).phrase:
        # Raised by routing, not by a route: say which path or method is unknown.
        what = "no such path" if exc.status_code == 404 else f"{request.method} is not allowed on"
        detail = f"{what} {request.url.path!r}; the routes are listed in /openapi.json"
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return error_response(exc.status_code, detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


async def _on_invalid(_request: Request, exc: Exception) -> JSONResponse:
    return error_response(400, str(exc))


async def _on_ingest(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IngestError)
    return error_response(400, exc.reason)


async def _on_not_found(_request: Request, exc: Exception) -> JSONResponse:
    # NotFound is also a KeyError, whose str() adds quotes; take the message itself.
    return error_response(404, str(exc.args[0]) if exc.args else "not found")


async def _on_store(_request: Request, exc: Exception) -> JSONResponse:
    logger.error("database error: %s", exc)
    return error_response(503, str(exc))


async def _on_bug(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = error_response(500, "an internal error occurred; it has been logged")
    for name, value in getattr(request.app.state, "security_headers", []):
        response.headers[name.decode("latin-1")] = value.decode("latin-1")
    return response


def add_error_handlers(app: FastAPI) -> None:
    """Register the handlers, most specific first (Starlette picks by the exception's MRO)."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(InvalidArgument, _on_invalid)
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(IngestError, _on_ingest)
    app.add_exception_handler(StoreError, _on_store)
    app.add_exception_handler(Exception, _on_bug)
