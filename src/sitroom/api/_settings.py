"""The API's settings object and its named defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Analyser

DEFAULT_HOST = "127.0.0.1"
"""Reads are open, so the server listens on the loopback interface unless told otherwise."""
DEFAULT_PORT = 8000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
"""Largest ``limit`` of a JSON or GeoJSON page."""
MAX_SEARCH_RESULTS = 100
DEFAULT_MAX_CHARS = 1_000_000
"""Largest text accepted by ``POST /documents``, in characters."""
KEEPALIVE_REQUESTS = 100
"""Responses on one HTTP connection before the server closes it (spreads clients over the
``serve`` workers; see ``_keepalive``)."""
TOKEN_ENV = "SITROOM_TOKEN"
"""Environment variable the CLI reads the write token from."""

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""No inline script, nothing from another origin (the dashboard works offline)."""


def _default_pipeline() -> Analyser:
    # Imported here: loading spaCy costs seconds and is only needed once a document is posted.
    from ..pipeline import build_pipeline

    return build_pipeline()


@dataclass(frozen=True)
class Settings:
    """How an app behaves. ``token=None`` refuses every write (reads stay open).

    ``pipeline`` builds the analyser on the first ``POST /documents`` (once per app); tests pass
    a light fake or the session's real pipeline.
    """

    token: str | None = None
    pipeline: Callable[[], Analyser] = _default_pipeline
    max_chars: int = DEFAULT_MAX_CHARS
    content_security_policy: str = DEFAULT_CSP
    keepalive_requests: int = KEEPALIVE_REQUESTS  # 0: connections stay open
