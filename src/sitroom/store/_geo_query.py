"""Keyset-paginated reads with the filters the API needs: claimed_by, near and bbox.

``Store``'s list methods return every row up to a ``limit``; a web client needs pages it can walk
with a cursor, and geographic filters. Items are sorted by ``(day, published, document_id, idx)``
(``day``: the item's own date, else its document's publication day, as in ``_query``), and a page
starts strictly after the last row of the previous one.

A page is read in two steps. First its keys come from the kind's key table (``_indexes``), whose
indexes return rows already in order: one ordered scan per *stream* (a date segment, times a
grid cell for ``near``/``bbox``), merged in Python, so no query sorts or counts the whole table.
Then the page's rows are loaded by primary key. Distances are great-circle (haversine)
kilometres, checked in Python after a bounding-box prefilter in SQL, so any SQLAlchemy backend
works. This module neither opens databases nor knows about HTTP.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, func, literal_column, select, tuple_

from . import _keyset, _query, schema
from ._connect import translate_errors
from ._errors import InvalidArgument
from ._indexes import KEY_COLUMNS, KEY_SPECS, cells_covering
from ._keyset import LIKE_FIELDS, Shape

Row = dict[str, Any]
Key = tuple[Any, ...]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius used for great-circle distances."""
MAX_STREAM_CELLS = 36
"""Above this many grid cells, a geographic filter scans in key order instead of per cell."""
UNION_CHUNK = 8
"""Most streams read by one statement."""
MIN_FETCH = 8
"""Fewest key rows one stream reads in the first round of a merge."""
MAX_FETCH = 4_000
"""Most key rows one stream reads per round while merging."""

ITEM_KINDS = ("events", "statements", "figures", "places", "entities")

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


@contextmanager
def reading(engine: Engine, name: str) -> Iterator[Connection]:
    """A read connection whose database errors surface as ``StoreError`` naming ``name``."""
    with translate_errors("read", name), engine.connect() as connection:
        yield connection


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def page_items(
    connection: Connection,
    kind: str,
    filters: ItemFilter,
    *,
    after: Key | None = None,
    limit: int,
) -> tuple[list[Row], Key | None]:
    """Up to ``limit`` rows of ``kind`` sorted after ``after``, and the key to continue from.

    The returned key is None when no row is left. Rows have the shape of ``Store.events()`` and
    friends, plus ``geo_lat``/``geo_lon`` for events and places (the event's own point, else its
    place's) and ``distance_km`` when ``near`` is given.
    """
    if kind not in ITEM_KINDS:
        raise InvalidArgument(f"kind={kind!r} is not one of {', '.join(ITEM_KINDS)}")
    _query.check_limit(limit)
    since, until = (
        _query.check_bound(filters.since, "since"),
        _query.check_bound(filters.until, "until"),
    )
    if _query.unmatchable(
        *vars(filters).values(), *(after or ())
    ):  # NUL: PostgreSQL cannot compare it
        return [], None
    plan = _plan(kind, replace(filters, since=since, until=until))
    keys = _page_keys(connection, plan, after, limit + 1)
    more = len(keys) > limit
    keys = keys[:limit]
    rows = _load_rows(connection, kind, keys)
    next_key = tuple(keys[-1][c] for c in KEY_COLUMNS) if more and keys else None
    return rows, next_key


def page_documents(
    connection: Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    language: str | None = None,
    status: str | None = None,
    source: str | None = None,
    after: Key | None = None,
    limit: int,
) -> tuple[list[Row], Key | None]:
    """Documents without text, newest first (undated last), and the key to continue from."""
    _query.check_limit(limit)
    since, until = _query.check_bound(since, "since"), _query.check_bound(until, "until")
    if _query.unmatchable(language, status, source):  # NUL: PostgreSQL cannot compare it
        return [], None
    docs = schema.documents
    # Spelled exactly as ix_documents_keyset (a literal, not a bound parameter), so the index
    # serves the order.
    published = func.coalesce(docs.c.published, literal_column("''"))
    columns = [c for c in docs.c if c.name not in {"pk", "text"}]
    query = select(*columns, *_query._counts(), published.label("_k_pub")).where(
        *_query.within(_query._published_day, since, until)
    )
    for column, value in ((docs.c.language, language), (docs.c.status, status)):
        if value:
            query = query.where(column == value)
    if source:
        query = query.where(_query.contains(docs.c.source, source))
    if after is not None:
        query = query.where(tuple_(published, docs.c.id) < tuple_(*after))
    query = query.order_by(published.desc(), docs.c.id.desc()).limit(limit + 1)
    rows = [_query._document_row(r) for r in connection.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = (rows[-1]["_k_pub"], rows[-1]["id"]) if more else None
    for row in rows:
        del row["_k_pub"]
    return rows, next_key


def key_length(kind: str) -> int:
    """How many values a continuation key of ``kind`` (an item kind or ``documents``) has."""
    return 2 if kind == "documents" else len(KEY_COLUMNS)


# --- planning: which ordered scans answer a filter ------------------------------------------

_NO_UPPER = "~"
"""Sorts after every ``day`` (ISO digits and hyphens) and before none of them."""
_DATED = "0"
"""Sorts before every dated ``day`` and after the undated ``''``."""


_EMPTY = {"lo": "", "hi": "", "cell": -1}
"""A stream with no rows (``day < ''``), to pad a union to a compiled size."""


@dataclass
class _Plan:
    """The ordered scans (streams) of a key table whose merge is the filtered list."""

    shape: Shape
    params: dict[str, Any]
    streams: list[dict[str, Any]]  # per stream: its day range (lo, hi) and grid cell
    near: Near | None = None


def _plan(kind: str, f: ItemFilter) -> _Plan:
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
    days = _day_ranges(f.since, f.until)
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
    return _Plan(shape, params, streams, f.near if geo else None)


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


def _day_ranges(since: str | None, until: str | None) -> list[dict[str, Any]]:
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


# --- reading keys: merging ordered streams ---------------------------------------------------


def _page_keys(connection: Connection, plan: _Plan, after: Key | None, want: int) -> list[Row]:
    """The first ``want`` key rows after ``after`` in the union of the plan's streams.

    Each round reads up to ``fetch`` rows from every stream not yet exhausted. Up to the
    smallest last key among streams that filled their quota (the frontier), the merged rows are
    complete; rows past it are kept only from streams that are exhausted.
    """
    found: list[Row] = []
    pending: list[Row] = []
    active = list(range(len(plan.streams)))
    # Many streams rarely all hold a page each: start small, double where a stream runs dry.
    fetch = min(want, max(MIN_FETCH, 2 * want // len(active) + 1))
    while True:
        fresh = _fetch(connection, plan, active, after, fetch)
        counts: dict[int, int] = {}
        last: dict[int, Key] = {}
        for row in fresh:
            stream = row["_s"]
            counts[stream] = counts.get(stream, 0) + 1
            key: Key = row["_key"]
            last[stream] = max(last.get(stream, key), key)
        full = [s for s in active if counts.get(s, 0) >= fetch]
        rows = sorted([*fresh, *pending], key=lambda r: r["_key"])
        if not full:
            found += _within_radius(rows, plan.near)
            return found[:want]
        frontier = min(last[s] for s in full)
        done = set(full)
        found += _within_radius([r for r in rows if r["_key"] <= frontier], plan.near)
        if len(found) >= want:
            return found[:want]
        pending = [r for r in rows if r["_key"] > frontier and r["_s"] not in done]
        after, active, fetch = frontier, full, min(fetch * 2, MAX_FETCH)


def _fetch(
    connection: Connection, plan: _Plan, streams: Sequence[int], after: Key | None, fetch: int
) -> list[Row]:
    """Up to ``fetch`` key rows after ``after`` from each of ``streams``, tagged ``_s``."""
    rows: list[Row] = []
    for first in range(0, len(streams), UNION_CHUNK):
        chunk = streams[first : first + UNION_CHUNK]
        # Padded to a power of two with empty streams, so few statements are ever compiled.
        members = 1 << (len(chunk) - 1).bit_length()
        params = {**plan.params, "n": fetch}
        for member in range(members):
            stream = plan.streams[chunk[member]] if member < len(chunk) else _EMPTY
            params |= {f"{name}_{member}": value for name, value in stream.items()}
            # Below every key of the stream's first day: an empty pub and document id sort first.
            start: Key = (stream["lo"], "", "", -1)
            if after is not None and tuple(after) > start:
                start = tuple(after)
            params |= {f"a{j}_{member}": value for j, value in enumerate(start)}
        shape = replace(plan.shape, members=members)
        for row in _keyset.run(connection, ("keys", shape), params):
            row["_s"] = chunk[row["_s"]]
            row["_key"] = tuple(row[c] for c in KEY_COLUMNS)
            rows.append(row)
    return rows


def _within_radius(rows: Sequence[Row], near: Near | None) -> list[Row]:
    if near is None:
        return list(rows)
    kept = []
    for row in rows:
        distance = haversine_km(near.lat, near.lon, row["lat"], row["lon"])
        if distance <= near.radius_km:
            row["distance_km"] = round(distance, 3)
            kept.append(row)
    return kept


# --- loading the page's rows -----------------------------------------------------------------


def _load_rows(connection: Connection, kind: str, keys: Sequence[Row]) -> list[Row]:
    """The full rows of ``keys``, in their order, with their mentions and ``distance_km``."""
    if not keys:
        return []
    size, params = _keyset.pair_params([(k["document_id"], k["id"]) for k in keys])
    found = {
        (r["document_id"], r["id"]): r
        for r in _keyset.run(connection, ("rows", kind, size), params)
    }
    mentions: dict[tuple[str, str], list[Row]] = {}
    if kind in schema.MENTION_TABLES:
        for m in _keyset.run(connection, ("mentions", kind, size), params):
            mention = {"start": m["start"], "end": m["end"], "text": m["text"]}
            mentions.setdefault((m["document_id"], m["item_id"]), []).append(mention)
    rows = []
    for key in keys:
        pair = (key["document_id"], key["id"])
        row = found.get(pair)
        if row is None:  # deleted between the two reads
            continue
        if "distance_km" in key:
            row["distance_km"] = key["distance_km"]
        if kind == "entities":
            row["aliases"] = json.loads(row["aliases"])
        if kind in schema.MENTION_TABLES:
            row["mentions"] = mentions.get(pair, [])
        rows.append(row)
    return rows
