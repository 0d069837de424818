"""The dashboard: one offline page (map, timeline, statements, figures, evidence) at ``/``.

``mount_dashboard(app, settings)`` serves the page and its files on a FastAPI app (``sitroom.api``
calls it); ``read_view``/``read_evidence`` are the reads behind its JSON routes. The page itself
is static: it asks the API for data and inserts every piece of article text as text.
"""

from ._evidence import EVIDENCE_KINDS, MAX_CONTEXT_CHARS, read_evidence, sentence_window
from ._mount import (
    BASEMAP_PATH,
    TILE_ATTRIBUTION_ENV,
    TILE_URL_ENV,
    DashboardSettings,
    mount_dashboard,
    static_dir,
)
from ._queries import (
    DEFAULT_MAX_EVENTS,
    DEFAULT_MAX_FIGURES,
    DEFAULT_MAX_STATEMENTS,
    ViewFilter,
    read_extent,
    read_timeline,
    read_view,
)
from ._server import free_port, running_server

__all__ = [
    "BASEMAP_PATH",
    "DEFAULT_MAX_EVENTS",
    "DEFAULT_MAX_FIGURES",
    "DEFAULT_MAX_STATEMENTS",
    "EVIDENCE_KINDS",
    "MAX_CONTEXT_CHARS",
    "TILE_ATTRIBUTION_ENV",
    "TILE_URL_ENV",
    "DashboardSettings",
    "ViewFilter",
    "free_port",
    "mount_dashboard",
    "read_evidence",
    "read_extent",
    "read_timeline",
    "read_view",
    "running_server",
    "sentence_window",
    "static_dir",
]
