"""What the dashboard reads: one filtered view (events, statements, figures, events per day).

The REST lists page through one kind at a time; the dashboard shows every kind under one set of
filters (date range, event type, a text filter), so it reads them here in one pass, with bounded
row counts and exact totals. Rows are plain dicts; the API layer validates them into its response
models. This module does not open databases or know about HTTP.

Lists, totals and the timeline are read from the key tables the store keeps for API pages
(``store._indexes``): index range scans, so the view of a database of a million events takes a
fraction of a second. A text filter must look at every item's words: it adds one scan of the
items, titles and place names per read (seconds on a million events).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Table,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
)

from ..store import schema
from ..store._geo_plan import day_ranges
from ..store._indexes import KEY_TABLES
from ..store._query import contains
from ._columns import (
    EVENT_TEXT,
    FIGURE_TEXT,
    STATEMENT_TEXT,
    Row,
    ViewFilter,
    event_columns,
    event_join,
    item_query,
    text_match,
)
from ._scan import scanned_view

_docs = schema.documents

DEFAULT_MAX_EVENTS = 2000
"""Events sent to the page per view (the map clusters them; totals stay exact)."""
DEFAULT_MAX_STATEMENTS = 500
DEFAULT_MAX_FIGURES = 500


def read_view(
    connection: Connection,
    filters: ViewFilter,
    *,
    max_events: int = DEFAULT_MAX_EVENTS,
    max_statements: int = DEFAULT_MAX_STATEMENTS,
    max_figures: int = DEFAULT_MAX_FIGURES,
    scan: bool = False,
) -> dict[str, Any]:
    """Events, statements, figures and events per day under ``filters``, with exact totals.

    ``scan`` reads the item tables even without a text filter (the reference the key-table
    reads are tested against).
    """
    f = filters.checked()
    if scan:
        return scanned_view(connection, f, max_events, max_statements, max_figures)
    rows = {
        "events": _keyed_rows(connection, schema.events, f, max_events),
        "statements": _keyed_rows(connection, schema.statements, f, max_statements),
        "figures": _keyed_rows(connection, schema.figures, f, max_figures),
    }
    events, located = _keyed_count(connection, "events", f)
    totals = {
        "events": events,
        "located_events": located,
        "statements": _keyed_count(connection, "statements", f)[0],
        "figures": _keyed_count(connection, "figures", f)[0],
    }
    return {**rows, "timeline": _keyed_timeline(connection, f), "totals": totals}


# --- reads from the key tables ----------------------------------------------------------------


def _key_filter(kind: str, f: ViewFilter) -> list[ColumnElement[bool]]:
    """``f`` on a key table: date bounds as the index ranges the API's pages seek too."""
    keys = KEY_TABLES[kind]
    clauses: list[ColumnElement[bool]] = []
    if f.since or f.until:
        ranges = day_ranges(f.since, f.until)
        day = keys.c.day
        clauses.append(or_(*((day >= r["lo"]) & (day < r["hi"]) for r in ranges)))
    if f.type and kind == "events":
        clauses.append(keys.c["class"] == f.type)
    if f.q:
        clauses.append(tuple_(keys.c.document_id, keys.c.id).in_(_text_matches(kind, f.q)))
    return clauses


_ITEM_TABLES = {"events": schema.events, "statements": schema.statements, "figures": schema.figures}
_SEARCHED = {"events": EVENT_TEXT, "statements": STATEMENT_TEXT, "figures": FIGURE_TEXT}


def _text_matches(kind: str, q: str) -> CompoundSelect[Any]:
    """(document_id, id) of the items whose words, event place or document title contain ``q``.

    Three single-table scans joined by keys, rather than one scan of the joined tables: a
    million events are then read once, not looked up row by row in documents and places.
    """
    table = _ITEM_TABLES[kind]
    key = (table.c.document_id, table.c.id)
    own = select(*key).where(*text_match(q, *(table.c[name] for name in _SEARCHED[kind])))
    titled = select(_docs.c.id).where(contains(_docs.c.title, q))
    matches = [own, select(*key).where(table.c.document_id.in_(titled))]
    if kind == "events":
        places = schema.places
        named = select(places.c.document_id, places.c.id).where(contains(places.c.name, q))
        matches.append(select(*key).where(tuple_(table.c.document_id, table.c.place).in_(named)))
    return union(*matches)


def _keyed_count(connection: Connection, kind: str, f: ViewFilter) -> tuple[int, int]:
    """How many items match ``f``, and how many of them have a point (one index scan)."""
    keys = KEY_TABLES[kind]
    query = select(func.count(), func.count(keys.c.lat)).where(*_key_filter(kind, f))
    items, located = connection.execute(query).one()
    return int(items or 0), int(located or 0)


def _keyed_rows(connection: Connection, table: Table, f: ViewFilter, limit: int) -> list[Row]:
    """The first ``limit`` items in list order: dated items, then (unbounded) undated ones."""
    rows = _keyed_page(connection, table, f, limit, dated=True)
    if len(rows) < limit and not (f.since or f.until):
        rows += _keyed_page(connection, table, f, limit - len(rows), dated=False)
    return rows


def _keyed_page(
    connection: Connection, table: Table, f: ViewFilter, limit: int, *, dated: bool
) -> list[Row]:
    """A page of keys from the key table's index, joined to its items by primary key."""
    keys = KEY_TABLES[table.name]
    order = (keys.c.day, keys.c.pub, keys.c.document_id, keys.c.idx)
    which = keys.c.day > "" if dated else keys.c.day == ""
    page = (
        select(*order, keys.c.id)
        .where(*_key_filter(table.name, f), which)
        .order_by(*order)
        .limit(limit)
        .subquery("page")
    )
    item = (table.c.document_id == page.c.document_id) & (table.c.id == page.c.id)
    if table is schema.events:
        query = select(*event_columns()).select_from(event_join(page.join(table, item)))
    else:
        query = item_query(table, ViewFilter(), (), page.join(table, item))
    query = query.order_by(page.c.day, page.c.pub, page.c.document_id, page.c.idx)
    return [dict(r) for r in connection.execute(query).mappings()]


def _keyed_timeline(connection: Connection, f: ViewFilter) -> list[Row]:
    keys = KEY_TABLES["events"]
    day = func.nullif(keys.c.day, literal(""))
    query = (
        select(day.label("day"), keys.c["class"].label("type"), func.count().label("count"))
        .where(*_key_filter("events", f))
        .group_by(keys.c.day, keys.c["class"])
        .order_by(keys.c.day == "", keys.c.day, keys.c["class"])  # undated last
    )
    return [dict(r) for r in connection.execute(query).mappings()]


def read_timeline(connection: Connection, filters: ViewFilter) -> list[Row]:
    """How many events fall on each day (or month, year: the date as known), per type."""
    return _keyed_timeline(connection, filters.checked())


def read_extent(connection: Connection) -> dict[str, Any]:
    """The first and last day any event, statement or figure is dated, and the document count."""
    days: list[str] = []
    for kind in ("events", "statements", "figures"):
        keys = KEY_TABLES[kind]
        dated = select(keys.c.day).where(keys.c.day > "").limit(1)  # ends of the day index
        low = connection.scalar(dated.order_by(keys.c.day))
        high = connection.scalar(dated.order_by(keys.c.day.desc()))
        days += [d[:10] for d in (low, high) if d]
    documents = int(connection.scalar(select(func.count()).select_from(_docs)) or 0)
    return {
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "documents": documents,
    }
