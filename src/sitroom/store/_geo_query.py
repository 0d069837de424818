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
works. Which streams answer a filter is planned in ``_geo_plan``. This module neither opens
databases nor knows about HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, func, literal_column, select, tuple_

from . import _keyset, _query, schema
from ._connect import translate_errors
from ._errors import InvalidArgument
from ._geo_plan import (
    EARTH_RADIUS_KM,
    EMPTY_STREAM,
    MAX_STREAM_CELLS,
    BBox,
    ItemFilter,
    Near,
    Plan,
    haversine_km,
    plan_page,
)
from ._indexes import KEY_COLUMNS

__all__ = [
    "EARTH_RADIUS_KM",
    "MAX_STREAM_CELLS",
    "BBox",
    "ItemFilter",
    "Key",
    "Near",
    "haversine_km",
    "key_length",
    "page_documents",
    "page_items",
    "reading",
]

Row = dict[str, Any]
Key = tuple[Any, ...]

UNION_CHUNK = 8
"""Most streams read by one statement."""
MIN_FETCH = 8
"""Fewest key rows one stream reads in the first round of a merge."""
MAX_FETCH = 4_000
"""Most key rows one stream reads per round while merging."""

READ_MMAP_BYTES = 1 << 30
"""How much of an SQLite file a read connection maps into memory (address space, not RAM)."""
_MAPPED = "sitroom_mmap"

ITEM_KINDS = ("events", "statements", "figures", "places", "entities")


@contextmanager
def reading(engine: Engine, name: str) -> Iterator[Connection]:
    """A read connection whose database errors surface as ``StoreError`` naming ``name``."""
    with translate_errors("read", name), engine.connect() as connection:
        if engine.dialect.name == "sqlite" and not connection.info.get(_MAPPED):
            # Pages touch rows all over a large file; reading it through a memory map spares
            # a system call and a copy per page that SQLite's small cache misses.
            connection.exec_driver_sql(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")
            connection.info[_MAPPED] = True  # kept with the pooled DBAPI connection
        yield connection


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
    plan = plan_page(kind, replace(filters, since=since, until=until))
    keys = _page_keys(connection, plan, after, limit + 1)
    more = len(keys) > limit
    keys = keys[:limit]
    rows = _load_rows(connection, kind, keys)
    next_key = keys[-1].key if more and keys else None
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


# --- reading keys: merging ordered streams ---------------------------------------------------


class KeyRow(NamedTuple):
    """One key-table row: its sort key, the stream it came from, its item id and point."""

    key: Key
    stream: int
    id: str
    lat: float | None
    lon: float | None
    distance_km: float | None = None


def _page_keys(connection: Connection, plan: Plan, after: Key | None, want: int) -> list[KeyRow]:
    """The first ``want`` key rows after ``after`` in the union of the plan's streams.

    Each round reads up to ``fetch`` rows from every stream not yet exhausted. Up to the
    smallest last key among streams that filled their quota (the frontier), the merged rows are
    complete; rows past it are kept only from streams that are exhausted.
    """
    found: list[KeyRow] = []
    pending: list[KeyRow] = []
    active = list(range(len(plan.streams)))
    # Many streams rarely all hold a page each: start small, double where a stream runs dry.
    fetch = min(want, max(MIN_FETCH, 2 * want // len(active) + 1))
    while True:
        fresh = _fetch(connection, plan, active, after, fetch)
        counts: dict[int, int] = {}
        last: dict[int, Key] = {}
        for row in fresh:
            counts[row.stream] = counts.get(row.stream, 0) + 1
            last[row.stream] = max(last.get(row.stream, row.key), row.key)
        full = [s for s in active if counts.get(s, 0) >= fetch]
        rows = sorted([*fresh, *pending])  # by key: (day, pub, document_id, idx) is unique
        if not full:
            found += _within_radius(rows, plan.near)
            return found[:want]
        frontier = min(last[s] for s in full)
        done = set(full)
        found += _within_radius([r for r in rows if r.key <= frontier], plan.near)
        if len(found) >= want:
            return found[:want]
        pending = [r for r in rows if r.key > frontier and r.stream not in done]
        after, active, fetch = frontier, full, min(fetch * 2, MAX_FETCH)


def _fetch(
    connection: Connection, plan: Plan, streams: Sequence[int], after: Key | None, fetch: int
) -> list[KeyRow]:
    """Up to ``fetch`` key rows after ``after`` from each of ``streams``."""
    rows: list[KeyRow] = []
    for first in range(0, len(streams), UNION_CHUNK):
        chunk = streams[first : first + UNION_CHUNK]
        # Padded to a power of two with empty streams, so few statements are ever compiled.
        members = 1 << (len(chunk) - 1).bit_length()
        params = {**plan.params, "n": fetch}
        for member in range(members):
            stream = plan.streams[chunk[member]] if member < len(chunk) else EMPTY_STREAM
            params |= {f"{name}_{member}": value for name, value in stream.items()}
            # Below every key of the stream's first day: an empty pub and document id sort first.
            start: Key = (stream["lo"], "", "", -1)
            if after is not None and tuple(after) > start:
                start = tuple(after)
            params |= {f"a{j}_{member}": value for j, value in enumerate(start)}
        shape = replace(plan.shape, members=members)
        # Plain tuples: a page may read hundreds of key rows (see _keyset._keys_statement).
        for day, pub, document_id, idx, item, lat, lon, s in _keyset.run_tuples(
            connection, ("keys", shape), params
        ):
            rows.append(KeyRow((day, pub, document_id, idx), chunk[s], item, lat, lon))
    return rows


def _within_radius(rows: Sequence[KeyRow], near: Near | None) -> list[KeyRow]:
    if near is None:
        return list(rows)
    kept = []
    for row in rows:
        assert row.lat is not None and row.lon is not None  # located=True in the scan
        distance = haversine_km(near.lat, near.lon, row.lat, row.lon)
        if distance <= near.radius_km:  # (NamedTuple._replace costs several times more)
            kept.append(KeyRow(row.key, row.stream, row.id, row.lat, row.lon, round(distance, 3)))
    return kept


# --- loading the page's rows -----------------------------------------------------------------


def _load_rows(connection: Connection, kind: str, keys: Sequence[KeyRow]) -> list[Row]:
    """The full rows of ``keys``, in their order, with their mentions and ``distance_km``."""
    if not keys:
        return []
    size, params = _keyset.pair_params([(k.key[2], k.id) for k in keys])
    found = {
        (r["document_id"], r["id"]): r
        for r in _keyset.run(connection, ("rows", kind, size), params)
    }
    mentions: dict[tuple[str, str], list[Row]] = {}
    if kind in schema.MENTION_TABLES:
        statement = ("mentions", kind, size)
        for document_id, item, start, end, text in _keyset.run_tuples(
            connection, statement, params
        ):
            mention = {"start": start, "end": end, "text": text}
            mentions.setdefault((document_id, item), []).append(mention)
    rows = []
    for key in keys:
        pair = (key.key[2], key.id)
        row = found.get(pair)
        if row is None:  # deleted between the two reads
            continue
        if key.distance_km is not None:
            row["distance_km"] = key.distance_km
        if kind == "entities":
            row["aliases"] = json.loads(row["aliases"])
        if kind in schema.MENTION_TABLES:
            row["mentions"] = mentions.get(pair, [])
        rows.append(row)
    return rows
