"""The dashboard's view read by scanning the items: the plain reference for the key-table reads.

``tests/web/test_dashboard_keys.py`` checks that :func:`~sitroom.web._queries.read_view` returns
exactly this, in order, on every backend; it is never used to serve the page (it reads every
item joined to its document: a minute on a million events).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, Table, func, literal, select

from ..store import schema
from ._columns import (
    FIGURE_TEXT,
    STATEMENT_TEXT,
    Row,
    ViewFilter,
    event_columns,
    event_point,
    event_query,
    item_day,
    item_query,
)

_docs = schema.documents


def scanned_view(
    connection: Connection, f: ViewFilter, max_events: int, max_statements: int, max_figures: int
) -> dict[str, Any]:
    events = _ordered(event_query(f, *event_columns()), schema.events)
    statements = _ordered(item_query(schema.statements, f, STATEMENT_TEXT), schema.statements)
    figures = _ordered(item_query(schema.figures, f, FIGURE_TEXT), schema.figures)
    rows = {
        "events": _rows(connection, events, max_events),
        "statements": _rows(connection, statements, max_statements),
        "figures": _rows(connection, figures, max_figures),
    }
    totals = {
        "events": _count(connection, events),
        "located_events": _count(connection, events.where(event_point()[0].is_not(None))),
        "statements": _count(connection, statements),
        "figures": _count(connection, figures),
    }
    return {**rows, "timeline": _scanned_timeline(connection, f), "totals": totals}


def _ordered(query: Select[Any], table: Table) -> Select[Any]:
    day = item_day(table)  # undated items last: the lists read oldest first
    return query.order_by(day.is_(None), day, _docs.c.published, table.c.document_id, table.c.idx)


def _count(connection: Connection, query: Select[Any]) -> int:
    # Only the rows matter: the listed columns hold a subquery per row (the mention count).
    rows = query.with_only_columns(literal(1)).order_by(None).subquery()
    return int(connection.scalar(select(func.count()).select_from(rows)) or 0)


def _rows(connection: Connection, query: Select[Any], limit: int) -> list[Row]:
    return [dict(r) for r in connection.execute(query.limit(limit)).mappings()]


def _scanned_timeline(connection: Connection, f: ViewFilter) -> list[Row]:
    day = item_day(schema.events)
    query = event_query(f, day.label("day"), schema.events.c.type, func.count().label("count"))
    query = query.group_by(day, schema.events.c.type)
    query = query.order_by(day.is_(None), day, schema.events.c.type)  # undated last
    return [dict(r) for r in connection.execute(query).mappings()]
