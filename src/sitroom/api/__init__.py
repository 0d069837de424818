"""The HTTP API: ``create_app(store, settings)`` returns a FastAPI app over a :class:`Store`.

Reads are open; ``POST /documents`` needs a bearer token. The app holds no global state: every
call builds a new app, and the spaCy pipeline is loaded on the first posted document only.
This package does not render HTML (that is ``sitroom.web``).
"""

from ._app import SecurityHeaders, create_app, serve
from ._deps import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, StoreDep, get_store
from ._settings import (
    DEFAULT_CSP,
    DEFAULT_HOST,
    DEFAULT_MAX_CHARS,
    DEFAULT_PAGE_SIZE,
    DEFAULT_PORT,
    MAX_PAGE_SIZE,
    TOKEN_ENV,
    Analyser,
    Settings,
)

__all__ = [
    "DEFAULT_CSP",
    "DEFAULT_HOST",
    "DEFAULT_MAX_CHARS",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_PORT",
    "DEFAULT_RADIUS_KM",
    "MAX_PAGE_SIZE",
    "MAX_RADIUS_KM",
    "TOKEN_ENV",
    "Analyser",
    "SecurityHeaders",
    "Settings",
    "StoreDep",
    "create_app",
    "get_store",
    "serve",
]
