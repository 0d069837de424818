"""Planning a keyset page: which ordered scans (streams) of a key table answer a filter.

A filter becomes a :class:`~sitroom.store._keyset.Shape` (what the SQL looks like), its bind
values, and the streams whose merge is the filtered list: a date segment, times a grid cell for
``near``/``bbox``. Used by ``_geo_query``, which reads and merges the streams.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from . import _query, schema
from ._indexes import KEY_SPECS, cells_covering
from ._keyset import LIKE_FIELDS, Shape

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius used for great-circle distances."""
MAX_STREAM_CELLS = 36
"""Above this many grid cells, a geographic filter scans in key order instead of per cell: each
cell is one more ordered scan for the page's statement to start and merge."""
MAX_STREAMS = 128
"""Most ordered scans one page statement merges (36 cells x 3 date ranges fit; SQLite allows
500 terms in a compound SELECT)."""
_CLASS_FILTERS = {"type": str.upper, "metric": str.lower, "stance": str.lower}
"""ItemFilter field stored as a key table's ``class``, and how its value is normalised."""


@dataclass(frozen=True)
class Near:
    """A circle: rows within ``radius_km`` great-circle kilometres of (lat, lon)."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class BBox:
    """A lon/lat box; ``min_lon > max_lon`` means it crosses the antimeridian."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class ItemFilter:
    """Filters for item lists; each applies only to the kinds that have the field."""

    since: str | None = None
    until: str | None = None
    type: str | None = None
    speaker: str | None = None
    stance: str | None = None
    claimed_by: str | None = None
    place: str | None = None
    metric: str | None = None
    name: str | None = None
    near: Near | None = None
    bbox: BBox | None = None
    located: bool = False
    document_id: str | None = None
    item_id: str | None = None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


_NO_UPPER = "~"
"""Sorts after every ``day`` (ISO digits and hyphens) and before none of them."""
_DATED = "0"
"""Sorts before every dated ``day`` and after the undated ``''``."""


EMPTY_STREAM = {"lo": "", "hi": "", "cell": -1}
"""A stream with no rows (``day < ''``), to pad a union to a compiled size."""


@dataclass
class Plan:
    """The ordered scans (streams) of a key table whose merge is the filtered list."""

    shape: Shape
    params: dict[str, Any]
    streams: list[dict[str, Any]]  # per stream: its day range (lo, hi) and grid cell
    near: Near | None = None


def plan_page(kind: str, f: ItemFilter) -> Plan:
    """The streams, statement shape and bind values that answer ``f`` for ``kind``."""
    spec = KEY_SPECS[kind]
    params: dict[str, Any] = {"document_id": f.document_id, "item_id": f.item_id}
    index: str | None = f"ix_{kind}_keys_order"
    klass = bool(spec.class_column and getattr(f, spec.class_column))
    if klass:
        assert spec.class_column is not None
        params["class"] = _CLASS_FILTERS[spec.class_column](getattr(f, spec.class_column))
        index = f"ix_{kind}_keys_class"
    residual = _residual(kind, f, spec.class_column, params)
    geo = spec.geo and bool(f.located or f.near or f.bbox)
    boxes = _boxes(f) if geo else []
    cells: list[int] | None = None
    for b, ((south, north), lons) in enumerate(boxes):
        params |= {f"b{b}s": south, f"b{b}n": north}
        for j, (west, east) in enumerate(lons):
            params |= {f"b{b}w{j}": west, f"b{b}e{j}": east}
        found = cells_covering((south, north), lons, MAX_STREAM_CELLS)
        if found is not None and (cells is None or len(found) < len(cells)):
            cells = found
    days = day_ranges(f.since, f.until)
    if cells is not None and len(cells) * len(days) > MAX_STREAMS:
        cells = None
    streams = days if cells is None else [{**d, "cell": c} for c in cells for d in days]
    if cells is not None:
        index = f"ix_{kind}_keys_cell"
    if f.document_id is not None or f.item_id is not None:
        index = None  # the primary key finds them
    shape = Shape(
        kind, index, document=f.document_id is not None, item=f.item_id is not None,
        klass=klass, located=geo, boxes=tuple(len(lons) for _, lons in boxes),
        residual=residual, cells=cells is not None,
    )  # fmt: skip
    return Plan(shape, params, streams, f.near if geo else None)


def index_only(kind: str, f: ItemFilter) -> bool:
    """Whether ``f`` filters only on the key table's columns, so a page is likely short.

    A filter on the item table's own columns (a speaker, a place name...) may walk far through
    the keys before a page is full. Key-only pages are usually a page of index rows, but not
    always (a rare type in a dense grid cell, a small circle beside a dense point): callers
    that must not wait long read them with a time limit (``_geo_query.reading``).
    """
    return not _residual(kind, f, KEY_SPECS[kind].class_column, {})


def _residual(
    kind: str, f: ItemFilter, class_column: str | None, params: dict[str, Any]
) -> tuple[str, ...]:
    """Filters on the item table's own columns (not in the key table); their values go in params."""
    columns = schema.metadata.tables[kind].c
    fields = []
    for name in ("type", "speaker", "stance", "claimed_by", "metric", "name", "place"):
        value = getattr(f, name)
        if not value or name == class_column:
            continue
        if name == "place":
            if kind != "events":
                continue
            params["r_place_id"] = value
        elif name not in columns:
            continue
        if name in ("place", *LIKE_FIELDS):
            params[f"r_{name}"] = _query.like_pattern(value)
        else:
            params[f"r_{name}"] = _CLASS_FILTERS[name](value)
        fields.append(name)
    return tuple(fields)


def day_ranges(since: str | None, until: str | None) -> list[dict[str, Any]]:
    """Index ranges ``lo <= day < hi`` whose union is ``_query.within``'s overlap rule.

    A day, month or year ``d`` overlaps ``[since, ...)`` when ``d >= since`` or ``d`` is the
    year or month of ``since``; and it is within ``(..., until]`` when ``d < until'``, ``until'``
    being the smallest string after every string that starts with ``until``. Without bounds the
    range also keeps undated items (``day = ''``).
    """
    end = until[:-1] + chr(ord(until[-1]) + 1) if until else _NO_UPPER
    if not since:
        return [{"lo": _DATED if until else "", "hi": end}]
    # A year or month of ``since`` is its own range, holding that one value.
    prefixes = sorted({since[:n] for n in (4, 7) if n < len(since)})
    exact = [{"lo": p, "hi": p + " "} for p in prefixes if p < end]
    return [*exact, {"lo": since, "hi": end}]


Box = tuple[tuple[float, float], list[tuple[float, float]]]
"""A latitude range and one or two longitude ranges (two when crossing the antimeridian)."""


def _boxes(f: ItemFilter) -> list[Box]:
    boxes: list[Box] = []
    if f.bbox is not None:
        b = f.bbox
        lons = [(b.min_lon, b.max_lon)]
        if b.min_lon > b.max_lon:
            lons = [(b.min_lon, 180.0), (-180.0, b.max_lon)]
        boxes.append(((b.min_lat, b.max_lat), lons))
    if f.near is not None:
        boxes.append(_near_box(f.near))
    return boxes


def _near_box(near: Near) -> Box:
    """A box that contains the circle (a prefilter; the exact test is in Python)."""
    dlat = math.degrees(near.radius_km / EARTH_RADIUS_KM)
    lats = (max(-90.0, near.lat - dlat), min(90.0, near.lat + dlat))
    cos_lat = math.cos(math.radians(min(abs(near.lat) + dlat, 90.0)))
    if cos_lat <= 1e-6 or dlat / cos_lat >= 180:
        return lats, [(-180.0, 180.0)]
    dlon = dlat / cos_lat
    west, east = near.lon - dlon, near.lon + dlon
    if west >= -180 and east <= 180:
        return lats, [(west, east)]
    west, east = _wrap(west), _wrap(east)  # the box crosses the antimeridian
    return lats, [(west, 180.0), (-180.0, east)]


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0
