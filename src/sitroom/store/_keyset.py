"""The statements behind a page: key-table scans, row loads and mentions, compiled once.

Building and compiling a SQLAlchemy statement costs more CPU than SQLite spends answering a
page. So each statement is built from a small hashable *shape* with named bind parameters,
compiled once per dialect, and then run as driver SQL with the request's values. The SQL stays
SQLAlchemy-generated and portable; only the work of generating it is cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

from . import _query, schema
from ._connect import on_sqlite3
from ._indexes import KEY_COLUMNS, KEY_TABLES

Row = dict[str, Any]

COMPILED_CACHE_SIZE = 2_048
"""Compiled statements kept per process (shapes are few; pair counts are powers of two)."""

LIKE_FIELDS = ("speaker", "claimed_by", "name")
"""Residual filters matched as case-insensitive substrings; the others are equalities."""


@dataclass(frozen=True)
class Shape:
    """Everything that changes the SQL of a key-table scan (values are bind parameters)."""

    kind: str
    index: str | None  # SQLite index to scan (INDEXED BY); None lets the planner choose
    document: bool = False
    item: bool = False
    klass: bool = False
    located: bool = False
    boxes: tuple[int, ...] = ()  # per lat/lon box, how many longitude ranges it has
    residual: tuple[str, ...] = ()  # ItemFilter fields checked on the item table
    cells: bool = False
    members: int = 1


def run(connection: Connection, key: Hashable, params: Mapping[str, Any]) -> list[Row]:
    """Rows of the statement named by ``key`` (see :func:`_build`) with ``params`` bound."""
    columns, rows = _execute(connection, key, params)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def run_tuples(
    connection: Connection, key: Hashable, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Like :func:`run`, as the driver's tuples in the statement's column order."""
    return _execute(connection, key, params)[1]


def _execute(
    connection: Connection, key: Hashable, params: Mapping[str, Any]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    sql, names, defaults = _compiled(connection.dialect, key)
    values = {**defaults, **params}
    args: Any = values if names is None else tuple(values[name] for name in names)
    if on_sqlite3(connection.engine):
        return _sqlite_rows(connection, sql, args)
    result = connection.exec_driver_sql(sql, args)
    try:  # plain DBAPI tuples: SQLAlchemy's row objects cost more than the query here
        columns = [column[0] for column in result.cursor.description]
        rows = cast(list[tuple[Any, ...]], result.cursor.fetchall())
    finally:
        result.close()
    return columns, rows


def _sqlite_rows(
    connection: Connection, sql: str, args: Any
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` on the sqlite3 connection itself, inside the connection's transaction.

    SQLAlchemy's execution context costs about as much as SQLite answering a page's statement.
    Errors are ``sqlite3.Error``, which ``translate_errors`` turns into StoreError as it does
    SQLAlchemy's. SQLAlchemy's events (``before_cursor_execute``, echo) do not see these
    statements.
    """
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, args)
        return [column[0] for column in cursor.description], cursor.fetchall()
    finally:
        cursor.close()


def pair_params(pairs: Sequence[tuple[str, str]]) -> tuple[int, dict[str, Any]]:
    """Bind values for ``pairs``, padded to a power of two so few statements are compiled."""
    size = 1 << max(0, len(pairs) - 1).bit_length()
    padded = [*pairs, *[pairs[-1]] * (size - len(pairs))]
    params: dict[str, Any] = {}
    for i, (document_id, item_id) in enumerate(padded):
        params[f"d{i}"], params[f"i{i}"] = document_id, item_id
    return size, params


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compiled(dialect: Dialect, key: Any) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """SQL text, the order of its parameters (positional drivers) and their defaults."""
    compiled = _build(key, dialect.name).compile(dialect=dialect)
    names = tuple(compiled.positiontup or ()) if dialect.positional else None
    sql = compiled.string
    index = key[1].index if key[0] == "keys" else None
    if index is not None and dialect.name == "sqlite":
        # SQLAlchemy renders no table hints for SQLite; without statistics its planner may
        # pick an index that does not give the order, and sort a million rows.
        table = KEY_TABLES[key[1].kind].name
        sql = re.sub(rf"\bFROM {table}\b", f"FROM {table} INDEXED BY {index}", sql)
    return sql, names, dict(compiled.params)


def _build(key: Any, dialect: str) -> Any:
    if key[0] == "keys":
        return _keys_statement(key[1], lazy_merge=dialect == "sqlite")
    if key[0] == "rows":
        return _rows_statement(key[1], key[2])
    if key[0] == "mentions":
        return _mentions_statement(key[1], key[2])
    raise ValueError(f"unknown statement {key!r}")


# --- key-table scans ---------------------------------------------------------------------------


def _keys_statement(shape: Shape, *, lazy_merge: bool) -> Executable:
    """The first ``:n`` rows, in key order, of the union of ``shape.members`` ordered scans.

    Each member is an index range scan already in key order. With ``lazy_merge`` (SQLite) the
    compound's ``ORDER BY ... LIMIT`` merges the members as they are read and stops after
    ``n`` rows, whatever the number of streams. PostgreSQL would instead sort every row of
    every member, so there each member gets its own ``ORDER BY ... LIMIT :n`` (merged by a Merge
    Append): at most ``n`` rows per stream. (Member limits make SQLite's merge slower.)
    """
    keys = KEY_TABLES[shape.kind]
    order = [keys.c[c] for c in KEY_COLUMNS]
    # Labelled, so the compound's ORDER BY names them whatever the join (SQLite matches the
    # ORDER BY of a compound against the result's column names).
    columns = [c.label(c.name) for c in (*order, keys.c.id, keys.c.lat, keys.c.lon)]
    source, common = _residual(shape, keys)
    common += _common(shape, keys)
    members = []
    for i in range(shape.members):
        # The lower bound is a row value: the larger of the cursor and the stream's first day,
        # so the index seek starts where the stream's rows start (given both a row value and a
        # plain ``day >=``, SQLite seeks by the row value).
        after = tuple_(*(bindparam(f"a{j}_{i}") for j in range(len(order))))
        where = [*common, tuple_(*order) > after, keys.c.day < bindparam(f"hi_{i}")]
        if shape.cells:
            where.append(keys.c.cell == bindparam(f"cell_{i}"))
        members.append(select(*columns).select_from(source).where(*where))
    limit = bindparam("n", type_=Integer)
    if len(members) == 1:
        return members[0].order_by(*order).limit(limit)
    if not lazy_merge:
        members = [select(m.order_by(*order).limit(limit).subquery()) for m in members]
    return union_all(*members).order_by(*(literal_column(c) for c in KEY_COLUMNS)).limit(limit)


def _common(shape: Shape, keys: Table) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if shape.document:
        clauses.append(keys.c.document_id == bindparam("document_id"))
    if shape.item:
        clauses.append(keys.c.id == bindparam("item_id"))
    if shape.klass:
        clauses.append(keys.c["class"] == bindparam("class"))
    if shape.located:
        clauses += [keys.c.lat.is_not(None), keys.c.lon.is_not(None)]
    for b, ranges in enumerate(shape.boxes):
        lons = [
            keys.c.lon.between(bindparam(f"b{b}w{j}"), bindparam(f"b{b}e{j}"))
            for j in range(ranges)
        ]
        clauses.append(
            and_(keys.c.lat.between(bindparam(f"b{b}s"), bindparam(f"b{b}n")), or_(*lons))
        )
    return clauses


def _residual(shape: Shape, keys: Table) -> tuple[Any, list[ColumnElement[bool]]]:
    """The join to the item table (and an event's place) and the filters that need it."""
    if not shape.residual:
        return keys, []
    table: Table = schema.metadata.tables[shape.kind]
    source = keys.join(
        table, (table.c.document_id == keys.c.document_id) & (table.c.id == keys.c.id)
    )
    clauses: list[ColumnElement[bool]] = []
    for name in shape.residual:
        value: Any = bindparam(f"r_{name}")
        if name == "place":
            place = schema.places.alias("event_place")
            source = source.outerjoin(
                place, (place.c.document_id == table.c.document_id) & (place.c.id == table.c.place)
            )
            like = place.c.name.ilike(value, escape=_query.LIKE_ESCAPE)
            clauses.append(or_(table.c.place == bindparam("r_place_id"), like))
        elif name == "name" and "aliases" in table.c:
            clauses.append(
                or_(
                    table.c.name.ilike(value, escape=_query.LIKE_ESCAPE),
                    table.c.aliases.ilike(value, escape=_query.LIKE_ESCAPE),
                )
            )
        elif name in LIKE_FIELDS:
            clauses.append(table.c[name].ilike(value, escape=_query.LIKE_ESCAPE))
        else:
            clauses.append(table.c[name] == value)
    return source, clauses


# --- loading a page's rows and mentions -------------------------------------------------------


def _pairs(table: Table, column: str, size: int) -> ColumnElement[bool]:
    # An OR of primary-key equalities: an index lookup each, on every backend (a row-value IN
    # list makes SQLite scan the table).
    return or_(
        *(
            and_(table.c.document_id == bindparam(f"d{i}"), table.c[column] == bindparam(f"i{i}"))
            for i in range(size)
        )
    )


def _rows_statement(kind: str, size: int) -> Select[Any]:
    query, table = item_query(kind)
    return query.where(_pairs(table, "id", size))


def _mentions_statement(kind: str, size: int) -> Select[Any]:
    mentions, column = schema.MENTION_TABLES[kind]
    c = mentions.c
    query = select(c.document_id, c[column].label("item_id"), c.start, c.end, c.text)
    return query.where(_pairs(mentions, column, size)).order_by(c.document_id, c[column], c.idx)


def item_query(kind: str) -> tuple[Select[Any], Table]:
    """Item rows with their document's fields, an event's place name and every row's point."""
    table: Table = schema.metadata.tables[kind]
    extra: list[ColumnElement[Any]] = []
    place_table = None
    if kind == "events":
        place_table = schema.places.alias("event_place")
        own = table.c.lat.is_not(None) & table.c.lon.is_not(None)
        extra += [
            place_table.c.name.label("place_name"),
            case((own, table.c.lat), else_=place_table.c.lat).label("geo_lat"),
            case((own, table.c.lon), else_=place_table.c.lon).label("geo_lon"),
        ]
    elif kind == "places":
        extra += [table.c.lat.label("geo_lat"), table.c.lon.label("geo_lon")]
    query = _query._items(table, *extra)
    if place_table is not None:
        query = query.outerjoin(
            place_table,
            (place_table.c.document_id == table.c.document_id)
            & (place_table.c.id == table.c.place),
        )
    return query, table
