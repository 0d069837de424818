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

from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    FromClause,
    Select,
    Table,
    case,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
)

from ..store import schema
from ..store._indexes import KEY_TABLES
from ..store._query import check_bound, contains, within

Row = dict[str, Any]

DEFAULT_MAX_EVENTS = 2000
"""Events sent to the page per view (the map clusters them; totals stay exact)."""
DEFAULT_MAX_STATEMENTS = 500
DEFAULT_MAX_FIGURES = 500

_DOCUMENTS_PER_READ = 500
"""Document ids per ``IN`` list when reading a page's rows (bound parameters stay few)."""
_AFTER_DIGITS = "~"
"""Sorts after every character of an ISO date: ``until + "~"`` bounds all its longer days."""

_docs = schema.documents
_place = schema.places.alias("event_place")  # one alias object: every event query joins it
_PUBLISHED_DAY = func.substr(_docs.c.published, 1, 10)


@dataclass(frozen=True)
class ViewFilter:
    """The dashboard's shared filters; ``type`` applies to events only."""

    since: str | None = None
    until: str | None = None
    type: str | None = None
    q: str | None = None

    def checked(self) -> ViewFilter:
        """A copy with normalised bounds; raise InvalidArgument naming a bad one."""
        q = (self.q or "").strip() or None
        return ViewFilter(
            since=check_bound(self.since, "since"),
            until=check_bound(self.until, "until"),
            type=self.type.upper() if self.type else None,
            q=q,
        )


def _day(table: Table) -> ColumnElement[Any]:
    """The item's own ISO date (day, month or year), else its document's publication day."""
    if "date_key" in table.c:
        return func.coalesce(table.c.date_key, _PUBLISHED_DAY)
    return _PUBLISHED_DAY


def _mention_count(table: Table) -> ColumnElement[Any]:
    mentions, column = schema.MENTION_TABLES[table.name]
    count = select(func.count()).where(
        mentions.c.document_id == table.c.document_id, mentions.c[column] == table.c.id
    )
    return count.scalar_subquery()


def _text_match(q: str | None, *columns: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    return [or_(*(contains(c, q) for c in columns))] if q else []


def _event_join(events_from: FromClause) -> FromClause:
    """``events_from`` (the events table, or a join ending in it) with documents and places."""
    events, place = schema.events, _place
    return events_from.join(_docs, _docs.c.id == events.c.document_id).outerjoin(
        place, (place.c.document_id == events.c.document_id) & (place.c.id == events.c.place)
    )


def _event_query(f: ViewFilter, *columns: Any) -> Select[Any]:
    events, place = schema.events, _place
    joined = _event_join(events)
    query = select(*columns).select_from(joined).where(*within(_day(events), f.since, f.until))
    if f.type:
        query = query.where(events.c.type == f.type)
    searched = (events.c.text, events.c.actor, events.c.target, events.c.claimed_by, place.c.name)
    return query.where(*_text_match(f.q, *searched, _docs.c.title))


def _event_point() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The event's own point, else its place's."""
    events = schema.events
    own = events.c.lat.is_not(None) & events.c.lon.is_not(None)
    return case((own, events.c.lat), else_=_place.c.lat), case(
        (own, events.c.lon), else_=_place.c.lon
    )


def _event_columns() -> list[Any]:
    events, place = schema.events, _place
    lat, lon = _event_point()
    return [
        events.c.document_id,
        events.c.id,
        events.c.type,
        events.c.mode,
        events.c.date,
        _day(events).label("day"),
        lat.label("lat"),
        lon.label("lon"),
        place.c.name.label("place_name"),
        events.c.actor,
        events.c.target,
        events.c.claimed_by,
        events.c.stance,
        events.c.text,
        _docs.c.title,
        _docs.c.source,
        _mention_count(events).label("mentions"),
    ]


def _item_query(
    table: Table, f: ViewFilter, searched: tuple[str, ...], items_from: FromClause | None = None
) -> Select[Any]:
    joined = (table if items_from is None else items_from).join(
        _docs, _docs.c.id == table.c.document_id
    )
    columns = [c for c in table.c if c.name not in {"pk", "idx", "date_key"}]
    extra = [_day(table).label("day"), _docs.c.title, _docs.c.source]
    if table.name in schema.MENTION_TABLES:
        extra.append(_mention_count(table).label("mentions"))
    query = select(*columns, *extra).select_from(joined)
    query = query.where(*within(_day(table), f.since, f.until))
    return query.where(*_text_match(f.q, *(table.c[name] for name in searched), _docs.c.title))


_STATEMENT_TEXT = ("text", "speaker")
_FIGURE_TEXT = ("text", "who", "claimed_by")


def _ordered(query: Select[Any], table: Table) -> Select[Any]:
    day = _day(table)  # undated items last: the lists read oldest first
    return query.order_by(day.is_(None), day, _docs.c.published, table.c.document_id, table.c.idx)


def _count(connection: Connection, query: Select[Any]) -> int:
    # Only the rows matter: the listed columns hold a subquery per row (the mention count).
    rows = query.with_only_columns(literal(1)).order_by(None).subquery()
    return int(connection.scalar(select(func.count()).select_from(rows)) or 0)


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
        return _scanned_view(connection, f, max_events, max_statements, max_figures)
    if f.q:
        return _matched_view(connection, f, max_events, max_statements, max_figures)
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


def _scanned_view(
    connection: Connection, f: ViewFilter, max_events: int, max_statements: int, max_figures: int
) -> dict[str, Any]:
    events = _ordered(_event_query(f, *_event_columns()), schema.events)
    statements = _ordered(_item_query(schema.statements, f, _STATEMENT_TEXT), schema.statements)
    figures = _ordered(_item_query(schema.figures, f, _FIGURE_TEXT), schema.figures)
    rows = {
        "events": _rows(connection, events, max_events),
        "statements": _rows(connection, statements, max_statements),
        "figures": _rows(connection, figures, max_figures),
    }
    totals = {
        "events": _count(connection, events),
        "located_events": _count(connection, events.where(_event_point()[0].is_not(None))),
        "statements": _count(connection, statements),
        "figures": _count(connection, figures),
    }
    return {**rows, "timeline": _scanned_timeline(connection, f), "totals": totals}


# --- reads from the key tables ----------------------------------------------------------------


def _key_filter(kind: str, f: ViewFilter) -> list[ColumnElement[bool]]:
    """``f`` on a key table: ranges its index can seek, then the exact overlap test."""
    keys = KEY_TABLES[kind]
    clauses: list[ColumnElement[bool]] = []
    if f.since or f.until:
        clauses.append(keys.c.day > "")  # '' is undated: outside every range
    if f.since:
        clauses.append(keys.c.day >= f.since[: len("YYYY")])
    if f.until:
        clauses.append(keys.c.day <= f.until + _AFTER_DIGITS)
    clauses += within(keys.c.day, f.since, f.until)
    if f.type and kind == "events":
        clauses.append(keys.c["class"] == f.type)
    if f.q:
        clauses.append(tuple_(keys.c.document_id, keys.c.id).in_(_text_matches(kind, f.q)))
    return clauses


_ITEM_TABLES = {"events": schema.events, "statements": schema.statements, "figures": schema.figures}
_SEARCHED = {
    "events": ("text", "actor", "target", "claimed_by"),
    "statements": _STATEMENT_TEXT,
    "figures": _FIGURE_TEXT,
}
"""The item columns the text filter looks in (besides the document title and event places)."""


def _text_matches(kind: str, q: str) -> CompoundSelect[Any]:
    """(document_id, id) of the items whose words, event place or document title contain ``q``.

    Three single-table scans joined by keys, rather than one scan of the joined tables: a
    million events are then read once, not looked up row by row in documents and places.
    """
    table = _ITEM_TABLES[kind]
    key = (table.c.document_id, table.c.id)
    own = select(*key).where(*_text_match(q, *(table.c[name] for name in _SEARCHED[kind])))
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
        query = select(*_event_columns()).select_from(_event_join(page.join(table, item)))
    else:
        query = _item_query(table, ViewFilter(), (), page.join(table, item))
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


# --- reads that scan the items (text filter) -------------------------------------------------


def _rows(connection: Connection, query: Select[Any], limit: int) -> list[Row]:
    return [dict(r) for r in connection.execute(query.limit(limit)).mappings()]


def read_timeline(connection: Connection, filters: ViewFilter) -> list[Row]:
    """How many events fall on each day (or month, year: the date as known), per type."""
    f = filters.checked()
    if f.q:
        return _timeline_of(_matched_keys(connection, "events", f))
    return _keyed_timeline(connection, f)


# --- reads under a text filter ----------------------------------------------------------------
# The matching items are found by one scan per kind (``_text_matches``); their keys are read
# once, and totals, the timeline and the page are made from them here, instead of repeating
# the scan in every query.


class _Key(NamedTuple):
    day: str
    pub: str
    document_id: str
    idx: int
    id: str
    kind: str | None
    located: bool


def _matched_keys(connection: Connection, kind: str, f: ViewFilter) -> list[_Key]:
    """The keys of the items matching ``f`` (text filter included), in list order."""
    keys = KEY_TABLES[kind]
    order = (keys.c.day, keys.c.pub, keys.c.document_id, keys.c.idx)
    query = select(*order, keys.c.id, keys.c["class"], keys.c.lat.is_not(None))
    found = [_Key(*row) for row in connection.execute(query.where(*_key_filter(kind, f)))]
    return sorted(found, key=lambda k: (k.day == "", k.day, k.pub, k.document_id, k.idx))


def _matched_view(
    connection: Connection, f: ViewFilter, max_events: int, max_statements: int, max_figures: int
) -> dict[str, Any]:
    caps = {"events": max_events, "statements": max_statements, "figures": max_figures}
    keys = {kind: _matched_keys(connection, kind, f) for kind in caps}
    rows = {
        kind: _rows_of(connection, _ITEM_TABLES[kind], found[: caps[kind]])
        for kind, found in keys.items()
    }
    totals = {
        "events": len(keys["events"]),
        "located_events": sum(k.located for k in keys["events"]),
        "statements": len(keys["statements"]),
        "figures": len(keys["figures"]),
    }
    return {**rows, "timeline": _timeline_of(keys["events"]), "totals": totals}


def _timeline_of(keys: list[_Key]) -> list[Row]:
    counts = Counter((k.day, k.kind) for k in keys)
    order = sorted(counts, key=lambda dk: (dk[0] == "", dk[0], dk[1] or ""))
    return [{"day": day or None, "type": kind, "count": counts[day, kind]} for day, kind in order]


def _rows_of(connection: Connection, table: Table, page: list[_Key]) -> list[Row]:
    """The rows of ``page``, in its order: read by document (the primary key's prefix)."""
    if not page:
        return []
    if table is schema.events:
        query = _event_query(ViewFilter(), *_event_columns())
    else:
        query = _item_query(table, ViewFilter(), ())
    documents = sorted({k.document_id for k in page})
    by_key: dict[tuple[str, str], Row] = {}
    for start in range(0, len(documents), _DOCUMENTS_PER_READ):
        chunk = documents[start : start + _DOCUMENTS_PER_READ]
        for r in connection.execute(query.where(table.c.document_id.in_(chunk))).mappings():
            by_key[(r["document_id"], r["id"])] = dict(r)
    return [by_key[(k.document_id, k.id)] for k in page if (k.document_id, k.id) in by_key]


def _scanned_timeline(connection: Connection, f: ViewFilter) -> list[Row]:
    day = _day(schema.events)
    query = _event_query(f, day.label("day"), schema.events.c.type, func.count().label("count"))
    query = query.group_by(day, schema.events.c.type)
    query = query.order_by(day.is_(None), day, schema.events.c.type)  # undated last
    return [dict(r) for r in connection.execute(query).mappings()]


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
