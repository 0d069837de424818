"""Key tables and indexes that keep API pages fast on databases of millions of items.

An API page is sorted by ``(day, published, document_id, idx)``, where ``day`` is the item's own
date or else its document's publication day. That key spans two tables, so no index on the item
table can serve it. Each item kind therefore gets a narrow ``<kind>_keys`` table with one row per
item: the sort key, the column most lists filter on (``class``: an event's type, a figure's
metric...), and for events and places the point and its grid ``cell``. Its indexes answer a page
with an index range scan that stops after the page (no sort, no OFFSET, no COUNT), and a ``near``
or ``bbox`` query with one short ordered scan per grid cell.

Triggers created with the tables fill them on every insert or update of an item, on SQLite and
PostgreSQL alike, so writers need not know they exist; rows go away with their item by a
cascading foreign key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

CELL_DEGREES = 0.5
"""Side of a grid cell in degrees (about 55 km north-south)."""
GRID_ROWS = int(180 / CELL_DEGREES)
GRID_COLUMNS = int(360 / CELL_DEGREES)

KEY_COLUMNS = ("day", "pub", "document_id", "idx")
"""The sort key of every item list, as stored in a key table."""


@dataclass(frozen=True)
class KeySpec:
    """How one item table's key rows are made from its rows."""

    kind: str
    class_column: str | None  # the item column copied to ``class`` (filtered by equality)
    dated: bool  # the item has a ``date_key`` of its own
    geo: bool  # the item has a point (events: their own, else their place's)


KEY_SPECS: dict[str, KeySpec] = {
    "entities": KeySpec("entities", "type", dated=False, geo=False),
    "events": KeySpec("events", "type", dated=True, geo=True),
    "figures": KeySpec("figures", "metric", dated=True, geo=False),
    "places": KeySpec("places", None, dated=False, geo=True),
    "statements": KeySpec("statements", "stance", dated=False, geo=False),
}
"""Item kinds that have a key table (every kind the API pages through)."""

metadata = MetaData()

_KEY_TEXT = Text().with_variant(Text(collation="C"), "postgresql")
"""Key text compares byte by byte on every backend (SQLite's default), as Python compares the
keys it merges; a locale collation would order ``2022-02`` and ``2022-02-01`` differently."""


def _key_table(spec: KeySpec) -> Table:
    # The item table, declared here only so the foreign key resolves; never created here.
    Table(
        spec.kind,
        metadata,
        Column("document_id", Text),
        Column("id", Text),
        PrimaryKeyConstraint("document_id", "id"),
    )
    order = ["day", "pub", "document_id", "idx", "id"]
    point = ["lat", "lon"] if spec.geo else []
    # Trailing columns make the indexes covering: a page's keys come from the index alone.
    indexes = [Index(f"ix_{spec.kind}_keys_order", *order, "class", *point)]
    if spec.class_column:
        indexes.append(Index(f"ix_{spec.kind}_keys_class", "class", *order, *point))
    if spec.geo:
        indexes.append(Index(f"ix_{spec.kind}_keys_cell", "cell", *order, "class", *point))
    return Table(
        f"{spec.kind}_keys",
        metadata,
        Column("document_id", _KEY_TEXT, nullable=False),
        Column("id", _KEY_TEXT, nullable=False),
        Column("idx", Integer, nullable=False),
        Column("day", _KEY_TEXT, nullable=False),  # '' when neither item nor document is dated
        Column("pub", _KEY_TEXT, nullable=False),  # the document's published value, '' if none
        Column("class", _KEY_TEXT),
        Column("lat", Float),
        Column("lon", Float),
        Column("cell", Integer),
        PrimaryKeyConstraint("document_id", "id"),
        ForeignKeyConstraint(
            ["document_id", "id"],
            [f"{spec.kind}.document_id", f"{spec.kind}.id"],
            ondelete="CASCADE",
        ),
        *indexes,
    )


KEY_TABLES: dict[str, Table] = {kind: _key_table(spec) for kind, spec in KEY_SPECS.items()}


def grid_cell(lat: float, lon: float) -> int:
    """The grid cell of a point; the same arithmetic as the triggers' SQL."""
    return grid_row(lat) * GRID_COLUMNS + grid_column(lon)


def grid_row(lat: float) -> int:
    return min(max(int((lat + 90.0) / CELL_DEGREES), 0), GRID_ROWS - 1)


def grid_column(lon: float) -> int:
    return min(max(int((lon + 180.0) / CELL_DEGREES), 0), GRID_COLUMNS - 1)


# --- DDL ---------------------------------------------------------------------------------------

_INSERT_COLUMNS = "document_id, id, idx, day, pub, class, lat, lon, cell"


def _cell_sql(dialect: str) -> str:
    # Truncation equals floor here: the operand is clamped to be non-negative first.
    if dialect == "sqlite":
        row = f"MAX(0, MIN(CAST((g.lat + 90.0) / {CELL_DEGREES} AS INTEGER), {GRID_ROWS - 1}))"
        col = f"MAX(0, MIN(CAST((g.lon + 180.0) / {CELL_DEGREES} AS INTEGER), {GRID_COLUMNS - 1}))"
    else:
        row = f"GREATEST(0, LEAST(CAST(FLOOR((g.lat + 90.0) / {CELL_DEGREES}) AS INTEGER),"
        row += f" {GRID_ROWS - 1}))"
        col = f"GREATEST(0, LEAST(CAST(FLOOR((g.lon + 180.0) / {CELL_DEGREES}) AS INTEGER),"
        col += f" {GRID_COLUMNS - 1}))"
    cell = f"{row} * {GRID_COLUMNS} + {col}"
    return f"CASE WHEN g.lat IS NULL OR g.lon IS NULL THEN NULL ELSE {cell} END"


def _key_insert(spec: KeySpec, dialect: str, *, row: str | None) -> str:
    """``INSERT INTO <kind>_keys`` of the key rows of one new item (``row``: new/NEW) or all."""
    item = row or "src"
    day = f"COALESCE({item}.date_key, SUBSTR(d.published, 1, 10), '')"
    if not spec.dated:
        day = "COALESCE(SUBSTR(d.published, 1, 10), '')"
    klass = f"{item}.{spec.class_column}" if spec.class_column else "NULL"
    joins = ""
    if spec.kind == "events":
        own = f"{item}.lat IS NOT NULL AND {item}.lon IS NOT NULL"
        lat = f"CASE WHEN {own} THEN {item}.lat ELSE p.lat END"
        lon = f"CASE WHEN {own} THEN {item}.lon ELSE p.lon END"
        joins = f" LEFT JOIN places p ON p.document_id = {item}.document_id AND p.id = {item}.place"
    elif spec.geo:
        lat, lon = f"{item}.lat", f"{item}.lon"
    else:
        lat = lon = "CAST(NULL AS FLOAT)"
    if row is None:
        source = f"{spec.kind} src JOIN documents d ON d.id = src.document_id{joins}"
        where = ""
    else:
        source = f"documents d{joins}"
        where = f" WHERE d.id = {row}.document_id"
    inner = (
        f"SELECT {item}.document_id AS document_id, {item}.id AS id, {item}.idx AS idx,"
        f" {day} AS day, COALESCE(d.published, '') AS pub, {klass} AS class,"
        f" {lat} AS lat, {lon} AS lon FROM {source}{where}"
    )
    return (
        f"INSERT INTO {spec.kind}_keys ({_INSERT_COLUMNS}) SELECT g.document_id, g.id, g.idx,"
        f" g.day, g.pub, g.class, g.lat, g.lon, {_cell_sql(dialect)} FROM ({inner}) g"
    )


def _sqlite_triggers(spec: KeySpec) -> list[str]:
    insert = _key_insert(spec, "sqlite", row="new")
    delete = f"DELETE FROM {spec.kind}_keys WHERE document_id = old.document_id AND id = old.id;"
    name = f"{spec.kind}_keys"
    return [
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {spec.kind} BEGIN {insert}; END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE ON {spec.kind} BEGIN {delete} {insert}; END",
    ]


def _postgresql_triggers(spec: KeySpec) -> list[str]:
    name = f"{spec.kind}_keys_sync"
    insert = _key_insert(spec, "postgresql", row="NEW")
    delete = f"DELETE FROM {spec.kind}_keys WHERE document_id = OLD.document_id AND id = OLD.id;"
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN"
        f" IF TG_OP = 'UPDATE' THEN {delete} END IF; {insert}; RETURN NULL; END $body$",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE ON {spec.kind}"
        f" FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


DOCUMENT_ORDER_INDEX = "CREATE INDEX ix_documents_keyset ON documents (COALESCE(published, ''), id)"
"""Serves the documents list, newest first; queries must spell the expression the same way."""


def create_performance_indexes(connection: Connection) -> None:
    """Migration 3: key tables (filled from existing rows), their triggers and indexes."""
    dialect = connection.dialect.name
    metadata.create_all(connection, tables=list(KEY_TABLES.values()))
    for spec in KEY_SPECS.values():
        connection.exec_driver_sql(_key_insert(spec, dialect, row=None))
        triggers = _sqlite_triggers(spec) if dialect == "sqlite" else _postgresql_triggers(spec)
        for statement in triggers:
            connection.exec_driver_sql(statement)
    connection.exec_driver_sql(DOCUMENT_ORDER_INDEX)


def cells_covering(
    lat_range: tuple[float, float], lon_ranges: list[tuple[float, float]], max_cells: int
) -> list[int] | None:
    """Every grid cell meeting a lat/lon box, or None if there would be more than ``max_cells``."""
    rows = range(grid_row(lat_range[0]), grid_row(lat_range[1]) + 1)
    columns = [
        c for west, east in lon_ranges for c in range(grid_column(west), grid_column(east) + 1)
    ]
    if len(rows) * len(columns) > max_cells:
        return None
    return sorted({row * GRID_COLUMNS + column for row in rows for column in columns})
