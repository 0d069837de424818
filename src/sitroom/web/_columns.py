"""The dashboard's item columns, joins and filters, shared by its key-table reads and the scan.

Rows are what the page shows of an item: its columns, its day (its own date, else its
document's publication day), its document's title and source and its number of mentions; an
event also gets its point (its own, else its place's) and its place's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, Table, case, func, or_, select

from ..store import schema
from ..store._query import check_bound, contains, within

STATEMENT_TEXT = ("text", "speaker")
FIGURE_TEXT = ("text", "who", "claimed_by")
EVENT_TEXT = ("text", "actor", "target", "claimed_by")
Row = dict[str, Any]
"""The item columns the text filter looks in (besides the document title and event places)."""

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


def item_day(table: Table) -> ColumnElement[Any]:
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


def text_match(q: str | None, *columns: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    """A clause matching ``q`` in any of ``columns`` (none without ``q``)."""
    return [or_(*(contains(c, q) for c in columns))] if q else []


def event_join(events_from: FromClause) -> FromClause:
    """``events_from`` (the events table, or a join ending in it) with documents and places."""
    events, place = schema.events, _place
    return events_from.join(_docs, _docs.c.id == events.c.document_id).outerjoin(
        place, (place.c.document_id == events.c.document_id) & (place.c.id == events.c.place)
    )


def event_query(f: ViewFilter, *columns: Any) -> Select[Any]:
    """Events under ``f`` with ``columns``, joined to their documents and places."""
    events, place = schema.events, _place
    joined = event_join(events)
    query = select(*columns).select_from(joined).where(*within(item_day(events), f.since, f.until))
    if f.type:
        query = query.where(events.c.type == f.type)
    searched = [events.c[name] for name in EVENT_TEXT]
    return query.where(*text_match(f.q, *searched, place.c.name, _docs.c.title))


def event_point() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The event's own point, else its place's."""
    events = schema.events
    own = events.c.lat.is_not(None) & events.c.lon.is_not(None)
    return case((own, events.c.lat), else_=_place.c.lat), case(
        (own, events.c.lon), else_=_place.c.lon
    )


def event_columns() -> list[Any]:
    """What the page shows of an event (see the module docstring)."""
    events, place = schema.events, _place
    lat, lon = event_point()
    return [
        events.c.document_id,
        events.c.id,
        events.c.type,
        events.c.mode,
        events.c.date,
        item_day(events).label("day"),
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


def item_query(
    table: Table, f: ViewFilter, searched: tuple[str, ...], items_from: FromClause | None = None
) -> Select[Any]:
    """Statements or figures under ``f``; ``items_from`` replaces the table in the join."""
    joined = (table if items_from is None else items_from).join(
        _docs, _docs.c.id == table.c.document_id
    )
    columns = [c for c in table.c if c.name not in {"pk", "idx", "date_key"}]
    extra = [item_day(table).label("day"), _docs.c.title, _docs.c.source]
    if table.name in schema.MENTION_TABLES:
        extra.append(_mention_count(table).label("mentions"))
    query = select(*columns, *extra).select_from(joined)
    query = query.where(*within(item_day(table), f.since, f.until))
    return query.where(*text_match(f.q, *(table.c[name] for name in searched), _docs.c.title))
