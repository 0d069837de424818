"""Serving the dashboard: its settings, the page at ``/`` and the static files it needs.

The page, its script and style sheet, and the offline basemap ship in ``static/``; Leaflet and
Leaflet.markercluster come from the ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster``
packages. Nothing is fetched from another host unless a tile URL is configured.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

TILE_URL_ENV = "SITROOM_TILE_URL"
"""Environment variable naming a raster tile URL template for online use."""
TILE_ATTRIBUTION_ENV = "SITROOM_TILE_ATTRIBUTION"
STATIC_PREFIX = "/static"
BASEMAP_PATH = f"{STATIC_PREFIX}/sitroom/world_countries.geojson"
TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


def static_dir() -> Path:
    """The folder holding the page, its script, style sheet and basemap."""
    return Path(str(files("sitroom.web") / "static"))


@dataclass(frozen=True)
class DashboardSettings:
    """How the dashboard draws its map.

    ``tile_url`` is a Leaflet tile template (``https://tile.example.org/{z}/{x}/{y}.png``,
    ``{s}`` for a subdomain); without it the page draws the bundled country outlines and
    makes no request to another host.
    """

    tile_url: str | None = None
    tile_attribution: str | None = None

    def __post_init__(self) -> None:
        if self.tile_url is None:
            return
        parts = urlsplit(self.tile_url)
        missing = [p for p in TILE_PLACEHOLDERS if p not in self.tile_url]
        if parts.scheme not in ("http", "https") or not parts.netloc or missing:
            raise ValueError(
                f"tile URL {self.tile_url!r} is not an http(s) template with {{z}}, {{x}} and"
                " {y}; e.g. https://tile.example.org/{z}/{x}/{y}.png"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DashboardSettings:
        """Settings from ``SITROOM_TILE_URL`` and ``SITROOM_TILE_ATTRIBUTION`` (both optional)."""
        environ = os.environ if environ is None else environ
        return cls(
            tile_url=environ.get(TILE_URL_ENV) or None,
            tile_attribution=environ.get(TILE_ATTRIBUTION_ENV) or None,
        )

    def export(self, environ: MutableMapping[str, str]) -> None:
        """Write these settings where :meth:`from_env` reads them (for server worker processes)."""
        for name, value in (
            (TILE_URL_ENV, self.tile_url),
            (TILE_ATTRIBUTION_ENV, self.tile_attribution),
        ):
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value

    def tile_source(self) -> str | None:
        """The tile server as a CSP source (``https://*.tile.example.org``), or None."""
        if self.tile_url is None:
            return None
        parts = urlsplit(self.tile_url.replace("{s}", "*"))
        return f"{parts.scheme}://{parts.netloc}"

    def content_security_policy(self, base: str) -> str:
        """``base`` with the tile server allowed as an image source, when one is set."""
        source = self.tile_source()
        if source is None:
            return base
        directives = [d.strip() for d in base.split(";")]
        for i, directive in enumerate(directives):
            if directive.split(" ", 1)[0] == "img-src":
                directives[i] = f"{directive} {source}"
                break
        else:
            directives.append(f"img-src 'self' data: {source}")
        return "; ".join(directives)


def mount_dashboard(app: FastAPI, settings: DashboardSettings) -> None:
    """Serve the page at ``/`` and its files under ``/static``."""
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    app.state.dashboard = settings
    folder = static_dir()
    page = folder / "index.html"

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        # no-cache: after an upgrade the page must ask for the new script, not reuse the old one.
        return FileResponse(page, media_type="text/html", headers={"Cache-Control": "no-cache"})

    app.mount(f"{STATIC_PREFIX}/sitroom", StaticFiles(directory=folder), name="sitroom-static")
    app.mount(f"{STATIC_PREFIX}/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount(
        f"{STATIC_PREFIX}/markercluster",
        StaticFiles(directory=markercluster.BASE_DIR),
        name="markercluster",
    )
