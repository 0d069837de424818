"""What the dashboard reads: one filtered view (events, statements, figures, events per day).

The REST lists page through one kind at a time; the dashboard shows every kind under one set of
filters (date range, event type, a text filter), so it reads them here in one pass, with bounded
row counts and exact totals. Rows are plain dicts; the API layer validates them into its response
models. This module does not open databases or know about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, case, func, or_, select

from ..store import schema
from ..store._query import check_bound, contains, within

Row = dict[str, Any]

DEFAULT_MAX_EVENTS = 2000
"""Events sent to the page per view (the map clusters them; totals stay exact)."""
DEFAULT_MAX_STATEMENTS = 500
DEFAULT_MAX_FIGURES = 500

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


def _event_query(f: ViewFilter, *columns: Any) -> Select[Any]:
    events, place = schema.events, _place
    joined = events.join(_docs, _docs.c.id == events.c.document_id).outerjoin(
        place, (place.c.document_id == events.c.document_id) & (place.c.id == events.c.place)
    )
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


def _item_query(table: Table, f: ViewFilter, searched: tuple[str, ...]) -> Select[Any]:
    joined = table.join(_docs, _docs.c.id == table.c.document_id)
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
    return int(connection.scalar(select(func.count()).select_from(query.subquery())) or 0)


def read_view(
    connection: Connection,
    filters: ViewFilter,
    *,
    max_events: int = DEFAULT_MAX_EVENTS,
    max_statements: int = DEFAULT_MAX_STATEMENTS,
    max_figures: int = DEFAULT_MAX_FIGURES,
) -> dict[str, Any]:
    """Events, statements, figures and events per day under ``filters``, with exact totals."""
    f = filters.checked()
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
    return {**rows, "timeline": read_timeline(connection, f), "totals": totals}


def _rows(connection: Connection, query: Select[Any], limit: int) -> list[Row]:
    return [dict(r) for r in connection.execute(query.limit(limit)).mappings()]


def read_timeline(connection: Connection, filters: ViewFilter) -> list[Row]:
    """How many events fall on each day (or month, year: the date as known), per type."""
    f = filters.checked()
    day = _day(schema.events)
    query = _event_query(f, day.label("day"), schema.events.c.type, func.count().label("count"))
    query = query.group_by(day, schema.events.c.type).order_by(day, schema.events.c.type)
    return [dict(r) for r in connection.execute(query).mappings()]


def read_extent(connection: Connection) -> dict[str, Any]:
    """The first and last day any event, statement or figure is dated, and the document count."""
    days: list[str] = []
    for table in (schema.events, schema.statements, schema.figures):
        joined = table.join(_docs, _docs.c.id == table.c.document_id)
        day = func.substr(_day(table), 1, 10)
        low, high = connection.execute(
            select(func.min(day), func.max(day)).select_from(joined)
        ).one()
        days += [d for d in (low, high) if d]
    documents = int(connection.scalar(select(func.count()).select_from(_docs)) or 0)
    return {
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "documents": documents,
    }
