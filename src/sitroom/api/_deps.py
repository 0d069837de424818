"""Dependencies and shared query parameters: the store, paging cursors, date and geo filters."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from ..store import InvalidArgument, Store
from ..store._geo_query import BBox, Key, Near, ReadTooSlow, key_length
from ._settings import MAX_PAGE_SIZE

MAX_FILTER_CHARS = 200
"""Longest text filter value accepted (names, speakers, places)."""
DEFAULT_RADIUS_KM = 50.0
MAX_RADIUS_KM = 20_038.0
"""Half the Earth's circumference: every point is within it."""
MAX_CURSOR_CHARS = 2_000
INLINE_READ_SECONDS = 0.02
"""Longest an inline read may hold the event loop before it moves to the thread pool."""

T = TypeVar("T")


PARAMETER_SHAPES = {
    "since": "an ISO year, month or day (2022, 2022-02 or 2022-02-24)",
    "until": "an ISO year, month or day (2022, 2022-02 or 2022-02-24)",
    "near": "'lat,lon' in decimal degrees (e.g. 50.45,30.52)",
    "bbox": "'min_lon,min_lat,max_lon,max_lat' in decimal degrees (e.g. 22.1,44.3,40.2,52.4)",
}
"""What a pattern-checked parameter should look like, for validation messages."""


async def get_store(request: Request) -> Store:
    """The app's store (tests may swap it with ``app.dependency_overrides``).

    ``async`` only so FastAPI calls it on the event loop: a plain ``def`` dependency costs a
    hop to the thread pool on every request.
    """
    store: Store = request.app.state.store
    return store


async def run_read(read: Callable[[float | None], T], *, inline: bool = False) -> T:
    """``read(time_limit)``: inline with :data:`INLINE_READ_SECONDS` if ``inline``, else (or
    when that runs out) in the thread pool without a limit.

    The thread pool keeps the event loop serving the worker's other requests while a read
    runs. But under load, the hop to a thread and the threads' contention for the interpreter
    cost more CPU than a short page itself; so pages likely to be short are read inline on
    SQLite, interrupted if they pass the limit (``_geo_query.ReadTooSlow``) and read again in a
    thread. An inline read stalls the loop at most that long.
    """
    if inline:
        try:
            return read(INLINE_READ_SECONDS)
        except ReadTooSlow:
            pass  # the work so far is lost; the thread pool reads it without a limit
    return await run_in_threadpool(read, None)


StoreDep = Annotated[Store, Depends(get_store)]


# --- shared query parameters (documented once, used by every list) ---------------------------

ISO_BOUND = r"^\d{4}(-\d{2}(-\d{2})?)?$"
"""A year, month or day, as ``since``/``until`` take them."""
NUMBER = r"-?\d+(\.\d+)?"

Since = Annotated[
    str | None,
    Query(
        description="keep items dated on or after this ISO day, month or year (the item's own"
        " date, else its document's publication day)",
        examples=["2022-02-24"],
        pattern=ISO_BOUND,
    ),
]
Until = Annotated[
    str | None,
    Query(
        description="keep items dated on or before this ISO day, month or year",
        examples=["2022-03"],
        pattern=ISO_BOUND,
    ),
]
Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description=f"rows per page (at most {MAX_PAGE_SIZE})"),
]
Cursor = Annotated[
    str | None,
    Query(
        description="the `next_cursor` of the previous page; omit for the first page",
        max_length=MAX_CURSOR_CHARS,
    ),
]
ExportLimit = Annotated[
    int | None,
    Query(ge=1, description="stop after this many rows (default: every matching row)"),
]


def text_filter(description: str, example: str | None = None) -> Any:
    """A documented, length-bounded text query parameter."""
    examples = [example] if example else None
    return Query(description=description, examples=examples, max_length=MAX_FILTER_CHARS)


def enum_filter(description: str) -> Any:
    """A documented query parameter whose type (an enum) lists the allowed values."""
    return Query(description=description)


NearParam = Annotated[
    str | None,
    Query(
        description="'lat,lon' in decimal degrees: keep rows within `radius_km` of it",
        examples=["50.45,30.52"],
        pattern=f"^{NUMBER},{NUMBER}$",
    ),
]
RadiusParam = Annotated[
    float,
    Query(gt=0, le=MAX_RADIUS_KM, description="radius of `near`, in kilometres"),
]
BBoxParam = Annotated[
    str | None,
    Query(
        description="'min_lon,min_lat,max_lon,max_lat' in decimal degrees; min_lon > max_lon"
        " crosses the antimeridian",
        examples=["22.1,44.3,40.2,52.4"],
        pattern=f"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$",
    ),
]


# --- parsing -----------------------------------------------------------------------------------


def _numbers(value: str, name: str, count: int, shape: str) -> list[float]:
    parts = value.split(",")
    try:
        if len(parts) != count:
            raise ValueError
        numbers = [float(p) for p in parts]
    except ValueError:
        raise InvalidArgument(f"{name}={value!r} is not {shape}") from None
    if not all(math.isfinite(n) for n in numbers):
        raise InvalidArgument(f"{name}={value!r} is not {shape}: numbers must be finite")
    return numbers


def _check_lat_lon(lat: float, lon: float, name: str, value: str) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidArgument(
            f"{name}={value!r} is out of range: latitude must be within ±90, longitude ±180"
        )


def parse_near(value: str | None, radius_km: float) -> Near | None:
    """``'lat,lon'`` to a :class:`Near`; raise InvalidArgument naming the value."""
    if value is None:
        return None
    lat, lon = _numbers(value, "near", 2, "'lat,lon' (e.g. near=50.45,30.52)")
    _check_lat_lon(lat, lon, "near", value)
    return Near(lat, lon, radius_km)


def parse_bbox(value: str | None) -> BBox | None:
    """``'min_lon,min_lat,max_lon,max_lat'`` to a :class:`BBox`."""
    if value is None:
        return None
    shape = "'min_lon,min_lat,max_lon,max_lat' (e.g. bbox=22.1,44.3,40.2,52.4)"
    min_lon, min_lat, max_lon, max_lat = _numbers(value, "bbox", 4, shape)
    _check_lat_lon(min_lat, min_lon, "bbox", value)
    _check_lat_lon(max_lat, max_lon, "bbox", value)
    if min_lat > max_lat:
        raise InvalidArgument(f"bbox={value!r}: min_lat is above max_lat; swap them")
    return BBox(min_lon, min_lat, max_lon, max_lat)


def encode_cursor(kind: str, key: Key | None) -> str | None:
    """An opaque, URL-safe cursor for the row after ``key`` (None at the end)."""
    if key is None:
        return None
    raw = json.dumps([kind, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> Key | None:
    """The key inside ``cursor``; raise InvalidArgument for anything this API did not make."""
    if cursor is None:
        return None
    problem = f"cursor={cursor[:60]!r} is not a cursor of this list; pass `next_cursor` unchanged"
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidArgument(problem) from None
    expected = key_length(kind)
    if not (isinstance(values, list) and len(values) == expected + 1 and values[0] == kind):
        raise InvalidArgument(problem)
    key = values[1:]
    texts = key if kind == "documents" else key[:-1]
    if not all(isinstance(v, str) for v in texts):
        raise InvalidArgument(problem)
    if kind != "documents" and (type(key[-1]) is not int or abs(key[-1]) > 2**62):
        raise InvalidArgument(problem)
    return tuple(key)
