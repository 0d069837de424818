"""Key tables, their triggers and the keyset pages read through them, against brute force."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select

from sitroom.model import Document, DocumentResult, Event, Mention, Place
from sitroom.store import Store, _geo_plan, _keyset, schema
from sitroom.store import _geo_query as geo
from sitroom.store._indexes import (
    KEY_SPECS,
    KEY_TABLES,
    cells_covering,
    create_performance_indexes,
    grid_cell,
)
from sitroom.store._write import date_key, write_document

TYPES = ("ASSAULT", "PROTEST", "AID", "COERCE")
# Points that stress the grid: the poles, both sides of the antimeridian, cell edges, zero.
EDGE_POINTS = ((90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (-17.9, -179.99), (-17.8, 179.99))


@dataclass(frozen=True)
class Truth:
    """What brute force needs to know about one stored event."""

    document_id: str
    id: str
    idx: int
    day: str | None
    published: str | None
    type: str
    point: tuple[float, float] | None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.day or "", self.published or "", self.document_id, self.idx)


def _date(rng: random.Random, published: str | None) -> str | None:
    roll = rng.random()
    if roll < 0.5 or published is None:
        return f"2023-{rng.randint(1, 4):02d}-{rng.randint(1, 28):02d}"
    if roll < 0.6:
        return f"2023-{rng.randint(1, 4):02d}"
    if roll < 0.7:
        return "2023"
    return None  # falls back to the document's day


def _point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.2:
        return rng.choice(EDGE_POINTS)
    if rng.random() < 0.6:  # a dense cluster, as around a frontline town
        return round(48.5 + rng.gauss(0, 0.4), 4), round(35.0 + rng.gauss(0, 0.6), 4)
    return round(rng.uniform(-89, 89), 4), round(rng.uniform(-179.9, 179.9), 4)


def _pair(rng: random.Random, number: int) -> tuple[Document, DocumentResult, list[Truth]]:
    """An invented bulletin with 1-6 events, some at places, some at own points, some nowhere."""
    sentences = [f"Bulletin {number} sentence {i} about the valley." for i in range(8)]
    body = " ".join(sentences)
    published = None if number % 11 == 0 else f"2023-{1 + number % 4:02d}-{1 + number % 27:02d}"
    doc = Document(text=body, title=f"Bulletin {number}", source="Valley Post", published=published)
    span = Mention(start=0, end=len(sentences[0]), text=sentences[0])
    places = [
        Place(id=f"p{i}", name=f"Town {number}-{i}", lat=lat, lon=lon, mentions=[span])
        for i, (lat, lon) in enumerate(_point(rng) for _ in range(rng.randint(1, 3)))
    ]
    events, truths = [], []
    for i in range(rng.randint(1, 6)):
        place = rng.choice(places) if rng.random() < 0.7 else None
        own = _point(rng) if rng.random() < 0.15 else None
        event_date, event_type = _date(rng, published), rng.choice(TYPES)
        events.append(
            Event(
                id=f"e{i}",
                type=event_type,
                place=place.id if place else None,
                lat=own[0] if own else None,
                lon=own[1] if own else None,
                date=event_date,
                text=sentences[i],
                mentions=[span],
            )
        )
        point = own or ((place.lat, place.lon) if place else None)
        day = date_key(event_date) or (published[:10] if published else None)
        truths.append(Truth(doc.id, f"e{i}", i, day, published, event_type, point))  # type: ignore[arg-type]
    result = DocumentResult(document=doc.info(), places=places, events=events)
    return doc, result, truths


@pytest.fixture
def filled(store: Store) -> tuple[Store, list[Truth]]:
    rng = random.Random(20260705)
    truths: list[Truth] = []
    for number in range(70):
        doc, result, rows = _pair(rng, number)
        store.add(doc, result)
        truths += rows
    return store, truths


def _overlaps(day: str | None, since: str | None, until: str | None) -> bool:
    if day is None:
        return since is None and until is None
    return (since is None or day >= since[: len(day)]) and (
        until is None or day[: len(until)] <= until
    )


def _expected(truths: list[Truth], f: geo.ItemFilter) -> list[tuple[str, str]]:
    kept = []
    for t in sorted(truths, key=lambda t: t.key):
        if not _overlaps(t.day, f.since, f.until) or (f.type and t.type != f.type):
            continue
        if (f.near or f.bbox) and t.point is None:
            continue
        if f.near and geo.haversine_km(f.near.lat, f.near.lon, *t.point) > f.near.radius_km:  # type: ignore[misc]
            continue
        if f.bbox and t.point and not _in_bbox(f.bbox, *t.point):
            continue
        kept.append((t.document_id, t.id))
    return kept


def _in_bbox(b: geo.BBox, lat: float, lon: float) -> bool:
    inside_lon = b.min_lon <= lon <= b.max_lon
    if b.min_lon > b.max_lon:
        inside_lon = lon >= b.min_lon or lon <= b.max_lon
    return b.min_lat <= lat <= b.max_lat and inside_lon


def _walk(store: Store, f: geo.ItemFilter, limit: int) -> list[tuple[str, str]]:
    seen, after = [], None
    with geo.reading(store.engine, store.name) as connection:
        while True:
            rows, after = geo.page_items(connection, "events", f, after=after, limit=limit)
            seen += [(r["document_id"], r["id"]) for r in rows]
            if after is None:
                return seen


FILTERS = (
    geo.ItemFilter(),
    geo.ItemFilter(type="PROTEST"),
    geo.ItemFilter(since="2023-02-10", until="2023-03"),
    geo.ItemFilter(since="2023-03", type="ASSAULT"),
    geo.ItemFilter(until="2023-02-05"),
    geo.ItemFilter(near=geo.Near(48.5, 35.0, 40.0)),
    geo.ItemFilter(near=geo.Near(48.5, 35.0, 120.0), since="2023-02-15"),
    geo.ItemFilter(near=geo.Near(-17.85, 179.99, 60.0)),  # across the antimeridian
    geo.ItemFilter(near=geo.Near(89.9, 0.0, 50.0)),  # around the pole
    geo.ItemFilter(near=geo.Near(10.0, 10.0, 5000.0), type="AID"),
    geo.ItemFilter(bbox=geo.BBox(34.0, 48.0, 36.0, 49.0)),
    geo.ItemFilter(bbox=geo.BBox(179.0, -20.0, -179.0, -15.0), until="2023-04"),
    geo.ItemFilter(bbox=geo.BBox(-180.0, -90.0, 180.0, 90.0), type="COERCE"),
)


@pytest.mark.parametrize("max_cells", [0, 400], ids=["ordered-scan", "per-cell"])
@pytest.mark.parametrize("f", FILTERS, ids=lambda f: repr(f)[11:70])
def test_page_items_matches_brute_force(
    filled: tuple[Store, list[Truth]],
    f: geo.ItemFilter,
    max_cells: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, truths = filled
    monkeypatch.setattr(_geo_plan, "MAX_STREAM_CELLS", max_cells)
    expected = _expected(truths, f)
    assert _walk(store, f, limit=4) == expected
    assert _walk(store, f, limit=500) == expected


def test_page_items_near_reports_distance(filled: tuple[Store, list[Truth]]) -> None:
    store, _ = filled
    near = geo.Near(48.5, 35.0, 80.0)
    with geo.reading(store.engine, store.name) as connection:
        rows, _ = geo.page_items(connection, "events", geo.ItemFilter(near=near), limit=20)
    assert rows
    for row in rows:
        exact = geo.haversine_km(near.lat, near.lon, row["geo_lat"], row["geo_lon"])
        assert row["distance_km"] == pytest.approx(exact, abs=1e-3) and exact <= near.radius_km


def test_key_tables_follow_inserts_and_deletes(filled: tuple[Store, list[Truth]]) -> None:
    store, truths = filled
    with store.engine.begin() as connection:
        for kind in KEY_SPECS:
            items = connection.scalar(
                select(func.count()).select_from(schema.metadata.tables[kind])
            )
            keys = connection.scalar(select(func.count()).select_from(KEY_TABLES[kind]))
            assert keys == items
        gone = truths[0].document_id
        connection.execute(schema.documents.delete().where(schema.documents.c.id == gone))
        left = connection.scalar(
            select(func.count()).where(KEY_TABLES["events"].c.document_id == gone)
        )
    assert left == 0


def test_key_table_cells_match_python_grid(filled: tuple[Store, list[Truth]]) -> None:
    store, _ = filled
    keys = KEY_TABLES["places"]
    with store.engine.connect() as connection:
        rows = connection.execute(select(keys.c.lat, keys.c.lon, keys.c.cell)).all()
    assert {(lat, lon) for lat, lon, _ in rows} >= set(EDGE_POINTS)
    for lat, lon, cell in rows:
        assert cell == grid_cell(lat, lon)


def test_key_table_update_moves_the_key(filled: tuple[Store, list[Truth]]) -> None:
    store, truths = filled
    first = truths[0]
    events, keys = schema.events, KEY_TABLES["events"]
    with store.engine.begin() as connection:
        mine = (events.c.document_id == first.document_id) & (events.c.id == first.id)
        connection.execute(events.update().where(mine).values(date_key="2021-06-01"))
        day = connection.scalar(
            select(keys.c.day).where(keys.c.document_id == first.document_id, keys.c.id == first.id)
        )
    assert day == "2021-06-01"


def test_create_performance_indexes_fills_existing_rows() -> None:
    engine = create_engine("sqlite://")
    rng = random.Random(5)
    with engine.begin() as connection:
        schema.metadata.create_all(connection)
        pairs = [_pair(rng, n) for n in range(1, 6)]
        for doc, result, _ in pairs:
            write_document(connection, doc, result, "analysed")
        create_performance_indexes(connection)
        keys = connection.execute(select(KEY_TABLES["events"])).mappings().all()
    expected = {(t.document_id, t.id): t for _, _, truths in pairs for t in truths}
    assert {(k["document_id"], k["id"]) for k in keys} == set(expected)
    for k in keys:
        truth = expected[(k["document_id"], k["id"])]
        assert (k["day"], k["pub"], k["idx"]) == (*truth.key[:2], truth.idx)
        assert (k["lat"], k["lon"]) == (truth.point or (None, None))


def test_cells_covering_wraps_and_caps() -> None:
    west = cells_covering((0.0, 0.4), [(179.6, 180.0), (-180.0, -179.6)], 10)
    assert west is not None and grid_cell(0.2, 179.9) in west and grid_cell(0.2, -179.9) in west
    assert cells_covering((-90.0, 90.0), [(-180.0, 180.0)], 1000) is None


def _explained(store: Store, read: Any) -> list[str]:
    """Run ``read(connection)`` on SQLite and return the query plan of every statement it ran."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))

    def driver_rows(connection: Any, sql: str, args: Any) -> Any:  # pages bypass SQLAlchemy
        capture(None, None, sql, args, None, False)
        return sqlite_rows(connection, sql, args)

    sqlite_rows = _keyset._sqlite_rows
    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_keyset, "_sqlite_rows", driver_rows)
            with geo.reading(store.engine, store.name) as connection:
                read(connection)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as connection:
        return [
            " | ".join(
                str(row[-1])
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in statements
        ]


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(
    ("f", "index"),
    [
        (geo.ItemFilter(since="2023-02-01", until="2023-03-01", type="AID"), "class"),
        (geo.ItemFilter(near=geo.Near(48.5, 35.0, 40.0), since="2023-02"), "cell"),
        (geo.ItemFilter(until="2023-03"), "order"),
    ],
)
def test_page_keys_come_from_an_index_without_sorting(
    filled: tuple[Store, list[Truth]], f: geo.ItemFilter, index: str
) -> None:
    store, _ = filled
    plans = _explained(store, lambda c: geo.page_items(c, "events", f, limit=5))
    keys = [p for p in plans if "events_keys" in p]
    assert keys and all(f"COVERING INDEX ix_events_keys_{index}" in p for p in keys)
    assert not any("TEMP B-TREE" in p for p in keys)  # ordered by the index, not sorted
    assert not any("SCAN events " in p + " " for p in plans)  # rows load by primary key


@pytest.mark.parametrize("backend", ["sqlite"])
def test_documents_page_reads_the_keyset_index(filled: tuple[Store, list[Truth]]) -> None:
    store, _ = filled
    plans = _explained(store, lambda c: geo.page_documents(c, after=("2023-03", "d"), limit=5))
    assert "ix_documents_keyset" in plans[0] and "TEMP B-TREE" not in plans[0]


def _scans(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scan node of a PostgreSQL JSON plan."""
    found = [node] if "Scan" in node["Node Type"] else []
    for child in node.get("Plans", []):
        found += _scans(child)
    return found


@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.parametrize(
    "f",
    [
        geo.ItemFilter(since="2023-02-01", type="AID"),  # three date ranges
        geo.ItemFilter(near=geo.Near(48.5, 35.0, 120.0), since="2023-02-15"),  # cells x ranges
    ],
)
def test_page_keys_read_at_most_a_page_per_stream_on_postgresql(
    filled: tuple[Store, list[Truth]], f: geo.ItemFilter
) -> None:
    # PostgreSQL sorts the union of unlimited members (reading every matching row): each
    # stream must stop after the page's rows.
    store, _ = filled
    limit = 3
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if "events_keys" in sql and sql.lstrip().upper().startswith(("SELECT", "(")):
            statements.append((sql, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with geo.reading(store.engine, store.name) as connection:
            geo.page_items(connection, "events", f, limit=limit)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    assert statements
    with store.engine.connect() as connection:
        for sql, params in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            scans = _scans(plan.scalar()[0]["Plan"])
            fetched = params["n"]  # the statement's LIMIT: the page, or a near page's over-read
            assert scans and all(s["Actual Rows"] <= fetched for s in scans), (fetched, scans)
