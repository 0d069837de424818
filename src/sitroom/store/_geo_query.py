"""Keyset-paginated reads with the filters the API needs: claimed_by, near and bbox.

``Store``'s list methods return every row up to a ``limit``; a web client needs pages it can walk
with a cursor, and geographic filters. Items are sorted by ``(day, published, document_id, idx)``
(``day``: the item's own date, else its document's publication day, as in ``_query``), and a page
starts strictly after the last row of the previous one.

A page is read in two steps. First its keys come from the kind's key table (``_indexes``), whose
indexes return rows already in order: one ordered scan per *stream* (a date segment, times a
grid cell for ``near``/``bbox``), merged by the database in one statement that stops after the
page, so no query sorts or counts the whole table.
Then the page's rows are loaded by primary key. Distances are great-circle (haversine)
kilometres, checked in Python after a bounding-box prefilter in SQL, so any SQLAlchemy backend
works. Which streams answer a filter is planned in ``_geo_plan``. This module neither opens
databases nor knows about HTTP.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, exc, func, literal_column, select, tuple_

from . import _keyset, _query, schema
from ._connect import on_sqlite3, translate_errors
from ._errors import InvalidArgument
from ._geo_plan import (
    EARTH_RADIUS_KM,
    EMPTY_STREAM,
    BBox,
    ItemFilter,
    Near,
    Plan,
    haversine_km,
    index_only,
    plan_page,
)
from ._indexes import KEY_COLUMNS

__all__ = [
    "EARTH_RADIUS_KM",
    "BBox",
    "ItemFilter",
    "Key",
    "Near",
    "ReadTooSlow",
    "haversine_km",
    "index_only",
    "key_length",
    "page_documents",
    "page_items",
    "reading",
]

Row = dict[str, Any]
Key = tuple[Any, ...]

NEAR_OVERREAD = 1.3
"""Key rows read per wanted row of a ``near`` page: a circle fills ~79% of its bounding box."""
MAX_FETCH = 4_000
"""Most key rows read per statement while a ``near`` page drops rows outside its circle."""

READ_MMAP_BYTES = 1 << 30
"""How much of an SQLite file a read connection maps into memory (address space, not RAM)."""
_MAPPED = "sitroom_mmap"

ITEM_KINDS = ("events", "statements", "figures", "places", "entities")


PROGRESS_STEPS = 5_000
"""SQLite virtual-machine steps between two looks at the clock of a time-limited read."""


class ReadTooSlow(Exception):
    """A time-limited read ran out of time and was interrupted; nothing was returned."""


@contextmanager
def reading(engine: Engine, name: str, *, time_limit: float | None = None) -> Iterator[Connection]:
    """A read connection, in one transaction, whose database errors surface as ``StoreError``.

    ``time_limit`` (seconds, SQLite only) interrupts the statements once it has passed and
    raises :class:`ReadTooSlow`: a caller on an event loop reads inline only while that is
    short, and otherwise reads again in a thread.
    """
    with translate_errors("read", name), engine.connect() as connection:
        if engine.dialect.name == "sqlite" and not connection.info.get(_MAPPED):
            # Pages touch rows all over a large file; reading it through a memory map spares
            # a system call and a copy per page that SQLite's small cache misses.
            connection.exec_driver_sql(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")
            connection.info[_MAPPED] = True  # kept with the pooled DBAPI connection
        if not connection.in_transaction():
            # One transaction (rolled back on close), so a page's statements see one snapshot:
            # those run on the driver's cursor would not begin it.
            connection.begin()
        if time_limit is None or not on_sqlite3(engine):
            yield connection
            return
        with _interrupted_after(connection, time_limit) as expired:
            try:
                yield connection
            except (sqlite3.OperationalError, exc.OperationalError):
                if expired():
                    raise ReadTooSlow(f"a read of {name!r} took over {time_limit} s") from None
                raise


@contextmanager
def _interrupted_after(connection: Connection, seconds: float) -> Iterator[Callable[[], bool]]:
    """SQLite statements on ``connection`` stop with "interrupted" once ``seconds`` have passed."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    ends = time.perf_counter() + seconds

    def expired() -> bool:
        return time.perf_counter() > ends

    driver.set_progress_handler(expired, PROGRESS_STEPS)  # a true return interrupts
    try:
        yield expired
    finally:
        driver.set_progress_handler(None, 0)  # the connection goes back to the pool


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


# --- reading keys: one merged, ordered scan of the plan's streams ---------------------------


class KeyRow(NamedTuple):
    """One key-table row: its sort key, its item id and point, and its distance from ``near``."""

    key: Key
    id: str
    lat: float | None
    lon: float | None
    distance_km: float | None = None


def _page_keys(connection: Connection, plan: Plan, after: Key | None, want: int) -> list[KeyRow]:
    """The first ``want`` key rows after ``after`` in the union of the plan's streams.

    One statement merges the streams in key order and stops after ``fetch`` rows. Only the
    radius test of ``near`` drops rows after that (the box prefilter is in SQL), so a circle
    reads a little more at first and continues from its last row if it kept too few.
    """
    found: list[KeyRow] = []
    fetch = want if plan.near is None else min(MAX_FETCH, math.ceil(want * NEAR_OVERREAD))
    while True:
        rows = _fetch(connection, plan, after, fetch)
        found += _within_radius(rows, plan.near)
        if len(found) >= want or len(rows) < fetch:
            return found[:want]
        after, fetch = rows[-1].key, min(fetch * 2, MAX_FETCH)


def _fetch(connection: Connection, plan: Plan, after: Key | None, fetch: int) -> list[KeyRow]:
    """The first ``fetch`` key rows after ``after`` of all streams together, in key order."""
    # Padded to a power of two with empty streams, so few statements are ever compiled.
    members = 1 << (len(plan.streams) - 1).bit_length()
    params = {**plan.params, "n": fetch}
    for member in range(members):
        stream = plan.streams[member] if member < len(plan.streams) else EMPTY_STREAM
        params |= {f"{name}_{member}": value for name, value in stream.items()}
        # Below every key of the stream's first day: an empty pub and document id sort first.
        start: Key = (stream["lo"], "", "", -1)
        if after is not None and tuple(after) > start:
            start = tuple(after)
        params |= {f"a{j}_{member}": value for j, value in enumerate(start)}
    shape = replace(plan.shape, members=members)
    # In key order (the statement's ORDER BY; key text compares byte by byte on every backend,
    # as Python compares it).
    return [
        KeyRow((day, pub, document_id, idx), item, lat, lon)
        for day, pub, document_id, idx, item, lat, lon in _keyset.run_tuples(
            connection, ("keys", shape), params
        )
    ]


def _within_radius(rows: Sequence[KeyRow], near: Near | None) -> list[KeyRow]:
    if near is None:
        return list(rows)
    kept = []
    for row in rows:
        assert row.lat is not None and row.lon is not None  # located=True in the scan
        distance = haversine_km(near.lat, near.lon, row.lat, row.lon)
        if distance <= near.radius_km:  # (NamedTuple._replace costs several times more)
            kept.append(KeyRow(row.key, row.id, row.lat, row.lon, round(distance, 3)))
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
