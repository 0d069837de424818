"""Keyset-paginated reads with the filters the API needs: claimed_by, near and bbox.

``Store``'s list methods return every row up to a ``limit``; a web client needs pages it can walk
with a cursor, and geographic filters. This module builds on ``_query`` (same joins, same
``since``/``until`` rules, same row shape) and adds, per item kind, a stable sort key so that a
page can start strictly after the last row of the previous one. Distances are great-circle
(haversine) kilometres, checked in Python after a bounding-box prefilter in SQL, so any SQLAlchemy
backend works. This module neither opens databases nor knows about HTTP.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    Table,
    and_,
    case,
    func,
    or_,
    select,
    tuple_,
)

from . import _query, schema
from ._connect import translate_errors
from ._errors import InvalidArgument

Row = dict[str, Any]
Key = tuple[Any, ...]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius used for great-circle distances."""

ITEM_KINDS = ("events", "statements", "figures", "places", "entities")

_GEO_KINDS = {"events", "places"}
_KEY_COLUMNS = ("_k_day", "_k_pub", "document_id", "_k_idx")
_SCAN_FACTOR = 4  # rows read per wanted row while a Python-side distance filter thins them


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
    query, table = _item_query(kind, replace(filters, since=since, until=until))
    rows: list[Row] = []
    scan = limit + 1 if filters.near is None else (limit + 1) * _SCAN_FACTOR
    while len(rows) <= limit:
        batch_query = query if after is None else query.where(_key_expr(table) > tuple_(*after))
        batch = [dict(r) for r in connection.execute(batch_query.limit(scan)).mappings()]
        if not batch:
            break
        after = _row_key(batch[-1])
        rows.extend(_within_radius(batch, filters.near))
        if len(batch) < scan:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    if table.name in schema.MENTION_TABLES:
        _query._attach_mentions(connection, table.name, rows)
    next_key = _row_key(rows[-1]) if more and rows else None
    for row in rows:
        for column in _KEY_COLUMNS:
            if column.startswith("_"):
                del row[column]
        if kind == "entities":
            row["aliases"] = json.loads(row["aliases"])
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
    docs = schema.documents
    published = func.coalesce(docs.c.published, "")
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
    return 2 if kind == "documents" else len(_KEY_COLUMNS)


# --- building the query ---------------------------------------------------------------------


def _item_query(kind: str, filters: ItemFilter) -> tuple[Select[Any], Table]:
    table: Table = schema.metadata.tables[kind]
    extra: list[ColumnElement[Any]] = []
    place_table = None
    if kind == "events":
        place_table = schema.places.alias("event_place")
        extra.append(place_table.c.name.label("place_name"))
    lat, lon = _coordinates(table, place_table)
    if lat is not None and lon is not None:
        extra += [lat.label("geo_lat"), lon.label("geo_lon")]
    day = _query._item_day(table)
    keys = [func.coalesce(day, "").label("_k_day"), func.coalesce(_query._docs.c.published, "")]
    query = _query._items(
        table, *extra, keys[0], keys[1].label("_k_pub"), table.c.idx.label("_k_idx")
    )
    if place_table is not None:
        query = query.outerjoin(
            place_table,
            (place_table.c.document_id == table.c.document_id)
            & (place_table.c.id == table.c.place),
        )
    query = query.where(*_query.within(day, filters.since, filters.until))
    query = query.where(*_clauses(table, place_table, filters, lat, lon))
    query = query.order_by(*_key_parts(table))
    return query, table


def _key_parts(table: Table) -> list[ColumnElement[Any]]:
    day = func.coalesce(_query._item_day(table), "")
    return [day, func.coalesce(_query._docs.c.published, ""), table.c.document_id, table.c.idx]


def _key_expr(table: Table) -> ColumnElement[Any]:
    return tuple_(*_key_parts(table))


def _row_key(row: Row) -> Key:
    return tuple(row[c] for c in _KEY_COLUMNS)


def _coordinates(
    table: Table, place_table: Any
) -> tuple[ColumnElement[Any] | None, ColumnElement[Any] | None]:
    if table.name == "places":
        return table.c.lat, table.c.lon
    if table.name != "events":
        return None, None
    own = table.c.lat.is_not(None) & table.c.lon.is_not(None)
    return (
        case((own, table.c.lat), else_=place_table.c.lat),
        case((own, table.c.lon), else_=place_table.c.lon),
    )


def _clauses(
    table: Table,
    place_table: Any,
    f: ItemFilter,
    lat: ColumnElement[Any] | None,
    lon: ColumnElement[Any] | None,
) -> list[ColumnElement[bool]]:
    c = table.c
    clauses: list[ColumnElement[bool]] = []
    if f.document_id is not None:
        clauses.append(c.document_id == f.document_id)
    if f.item_id is not None:
        clauses.append(c.id == f.item_id)
    if f.type and "type" in c:
        clauses.append(c.type == f.type.upper())
    if f.speaker and "speaker" in c:
        clauses.append(_query.contains(c.speaker, f.speaker))
    if f.stance and "stance" in c:
        clauses.append(c.stance == f.stance.lower())
    if f.claimed_by and "claimed_by" in c:
        clauses.append(_query.contains(c.claimed_by, f.claimed_by))
    if f.metric and "metric" in c:
        clauses.append(c.metric == f.metric.lower())
    if f.name and "name" in c:
        name = _query.contains(c.name, f.name)
        clauses.append(or_(name, _query.contains(c.aliases, f.name)) if "aliases" in c else name)
    if f.place and place_table is not None:
        clauses.append(or_(c.place == f.place, _query.contains(place_table.c.name, f.place)))
    if table.name in _GEO_KINDS and lat is not None and lon is not None:
        clauses += _geo_clauses(f, lat, lon)
    return clauses


def _geo_clauses(
    f: ItemFilter, lat: ColumnElement[Any], lon: ColumnElement[Any]
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if f.located or f.near or f.bbox:
        clauses += [lat.is_not(None), lon.is_not(None)]
    if f.bbox is not None:
        b = f.bbox
        clauses.append(lat.between(b.min_lat, b.max_lat))
        if b.min_lon <= b.max_lon:
            clauses.append(lon.between(b.min_lon, b.max_lon))
        else:
            clauses.append(or_(lon >= b.min_lon, lon <= b.max_lon))
    if f.near is not None:
        clauses += _near_box(f.near, lat, lon)
    return clauses


def _near_box(
    near: Near, lat: ColumnElement[Any], lon: ColumnElement[Any]
) -> list[ColumnElement[bool]]:
    """A box that contains the circle (a prefilter; the exact test is in Python)."""
    dlat = math.degrees(near.radius_km / EARTH_RADIUS_KM)
    clauses: list[ColumnElement[bool]] = [lat.between(near.lat - dlat, near.lat + dlat)]
    cos_lat = math.cos(math.radians(min(abs(near.lat) + dlat, 90.0)))
    if cos_lat > 1e-6:
        dlon = dlat / cos_lat
        if dlon < 180 and near.lon - dlon >= -180 and near.lon + dlon <= 180:
            clauses.append(lon.between(near.lon - dlon, near.lon + dlon))
        elif dlon < 180:  # the box crosses the antimeridian
            west, east = _wrap(near.lon - dlon), _wrap(near.lon + dlon)
            clauses.append(or_(lon >= west, lon <= east))
    return [and_(*clauses)]


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def _within_radius(rows: Sequence[Row], near: Near | None) -> list[Row]:
    if near is None:
        return list(rows)
    kept = []
    for row in rows:
        distance = haversine_km(near.lat, near.lon, row["geo_lat"], row["geo_lon"])
        if distance <= near.radius_km:
            row["distance_km"] = round(distance, 3)
            kept.append(row)
    return kept
