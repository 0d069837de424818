"""Read queries: documents and items as plain dicts with the contract's field names.

Item rows also carry ``document_id`` and the document's ``published``, ``source`` and ``title``;
items with mentions carry them as a list of ``{start, end, text}``. ``since``/``until`` compare
the item's own date (ISO day, month or year) when it has one, else the document's published day;
a month or year matches a bound it overlaps (``2022-02`` is within ``since="2022-02-10"``).
Filter values containing NUL match nothing: PostgreSQL cannot store or compare NUL in text, and
Sitroom's readers strip it. NULLs sort first (ascending) on every backend, as SQLite does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    Text,
    false,
    func,
    literal,
    or_,
    select,
)

from ..model import is_iso_date_value
from . import schema
from ._errors import InvalidArgument

Row = dict[str, Any]

_HIDDEN = {"pk", "idx", "date_key"}
_CHUNK = 500  # ids per IN (...) list, far below SQLite's bound-parameter limit
_COUNTED = ("entities", "places", "times", "statements", "events", "figures")

_docs = schema.documents
_published_day = func.substr(_docs.c.published, 1, 10)


def check_bound(value: str | None, name: str) -> str | None:
    """Normalise a since/until bound to an ISO year, month or day; raise InvalidArgument."""
    if value is None:
        return None
    bound = value.strip()[:10]
    try:
        if not is_iso_date_value(bound):
            raise ValueError
        year, month, day = [*bound.split("-"), "01", "01"][:3]
        date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidArgument(
            f"{name}={value!r} is not an ISO date; use YYYY-MM-DD, YYYY-MM or YYYY"
        ) from None
    return bound


def check_limit(limit: int | None) -> int | None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidArgument(f"limit={limit!r} must be a positive integer or None")
    return limit


def within(
    expression: ColumnElement[Any], since: str | None, until: str | None
) -> list[ColumnElement[bool]]:
    """Clauses keeping rows whose date (day, month or year) overlaps [since, until]."""
    clauses: list[ColumnElement[bool]] = []
    if since:
        clauses.append(expression >= func.substr(literal(since, Text), 1, func.length(expression)))
    if until:
        clauses.append(func.substr(expression, 1, len(until)) <= until)
    return clauses


def unmatchable(*values: object) -> bool:
    """True when a filter value holds NUL: it matches nothing (PostgreSQL cannot compare it)."""
    return any(isinstance(value, str) and "\x00" in value for value in values)


def equals(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """``column = value``; false for a value with NUL, which PostgreSQL cannot even compare."""
    if unmatchable(value):
        return false()
    return column == value


def contains(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """Case-insensitive substring match, with LIKE wildcards in ``value`` taken literally."""
    if unmatchable(value):
        return false()
    return column.ilike(like_pattern(value), escape=LIKE_ESCAPE)


LIKE_ESCAPE = "\\"


def like_pattern(value: str) -> str:
    """The ``ILIKE`` pattern (escaped with :data:`LIKE_ESCAPE`) matching ``value`` anywhere."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _counts() -> list[ColumnElement[Any]]:
    columns: list[ColumnElement[Any]] = []
    for name in _COUNTED:
        table = schema.metadata.tables[name]
        count = select(func.count()).where(table.c.document_id == _docs.c.id)
        columns.append(count.scalar_subquery().label(name))
    return columns


def _document_row(mapping: Any) -> Row:
    row = dict(mapping)
    row["warnings"] = json.loads(row["warnings"])
    return row


def list_documents(
    connection: Connection,
    *,
    since: str | None,
    until: str | None,
    language: str | None,
    status: str | None,
    limit: int | None,
) -> list[Row]:
    """Documents without their text, newest first, with item counts."""
    columns = [c for c in _docs.c if c.name not in {"pk", "text"}]
    query = select(*columns, *_counts()).where(*within(_published_day, since, until))
    if language:
        query = query.where(equals(_docs.c.language, language))
    if status:
        query = query.where(equals(_docs.c.status, status))
    query = query.order_by(
        _docs.c.published.desc().nulls_last(), _docs.c.ingested_at.desc(), _docs.c.id
    )
    rows = connection.execute(query.limit(limit)).mappings()
    return [_document_row(r) for r in rows]


def get_document(connection: Connection, doc_id: str) -> Row | None:
    columns = [c for c in _docs.c if c.name != "pk"]
    query = select(*columns, *_counts()).where(equals(_docs.c.id, doc_id))
    mapping = connection.execute(query).mappings().first()
    return None if mapping is None else _document_row(mapping)


def get_result_json(connection: Connection, doc_id: str) -> str | None:
    table = schema.document_results
    return connection.scalar(select(table.c.json).where(equals(table.c.document_id, doc_id)))


def _items(table: Table, *extra: ColumnElement[Any]) -> Select[Any]:
    columns = [c for c in table.c if c.name not in _HIDDEN]
    doc_columns = (_docs.c.published, _docs.c.source, _docs.c.title)
    joined = table.join(_docs, _docs.c.id == table.c.document_id)
    return select(*columns, *extra, *doc_columns).select_from(joined)


def _item_day(table: Table) -> ColumnElement[Any]:
    if "date_key" in table.c:
        return func.coalesce(table.c.date_key, _published_day)
    return _published_day


def _run(
    connection: Connection,
    table: Table,
    query: Select[Any],
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Row]:
    day = _item_day(table)
    order = table.c.idx if "idx" in table.c else table.c.start
    query = query.where(*within(day, since, until))
    query = query.order_by(
        day.nulls_first(), _docs.c.published.nulls_first(), table.c.document_id, order
    ).limit(limit)
    rows = [dict(r) for r in connection.execute(query).mappings()]
    if table.name in schema.MENTION_TABLES:
        _attach_mentions(connection, table.name, rows)
    return rows


def _attach_mentions(connection: Connection, table_name: str, rows: list[Row]) -> None:
    mentions, column = schema.MENTION_TABLES[table_name]
    found: dict[tuple[str, str], list[Row]] = defaultdict(list)
    doc_ids = sorted({r["document_id"] for r in rows})
    for chunk in _chunks(doc_ids):
        query = (
            select(mentions)
            .where(mentions.c.document_id.in_(chunk))
            .order_by(mentions.c.document_id, mentions.c[column], mentions.c.idx)
        )
        for m in connection.execute(query).mappings():
            found[(m["document_id"], m[column])].append(
                {"start": m["start"], "end": m["end"], "text": m["text"]}
            )
    for row in rows:
        row["mentions"] = found.get((row["document_id"], row["id"]), [])


def _chunks(values: Sequence[str]) -> list[Sequence[str]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def list_statements(
    connection: Connection,
    *,
    speaker: str | None,
    stance: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Row]:
    table = schema.statements
    query = _items(table)
    if speaker:
        query = query.where(contains(table.c.speaker, speaker))
    if stance:
        query = query.where(equals(table.c.stance, stance.lower()))
    return _run(connection, table, query, since, until, limit)


def list_events(
    connection: Connection,
    *,
    type: str | None,
    place: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Row]:
    table, places = schema.events, schema.places.alias("event_place")
    query = _items(table, places.c.name.label("place_name")).outerjoin(
        places, (places.c.document_id == table.c.document_id) & (places.c.id == table.c.place)
    )
    if type:
        query = query.where(equals(table.c.type, type.upper()))
    if place:
        query = query.where(or_(equals(table.c.place, place), contains(places.c.name, place)))
    return _run(connection, table, query, since, until, limit)


def list_figures(
    connection: Connection,
    *,
    metric: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Row]:
    table = schema.figures
    query = _items(table)
    if metric:
        query = query.where(equals(table.c.metric, metric.lower()))
    return _run(connection, table, query, since, until, limit)


def list_places(
    connection: Connection,
    *,
    name: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Row]:
    table = schema.places
    query = _items(table)
    if name:
        query = query.where(contains(table.c.name, name))
    return _run(connection, table, query, since, until, limit)


def list_times(
    connection: Connection, *, since: str | None, until: str | None, limit: int | None
) -> list[Row]:
    return _run(connection, schema.times, _items(schema.times), since, until, limit)


def list_entities(
    connection: Connection,
    *,
    type: str | None,
    name: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Row]:
    table = schema.entities
    query = _items(table)
    if type:
        query = query.where(equals(table.c.type, type.upper()))
    if name:
        query = query.where(or_(contains(table.c.name, name), contains(table.c.aliases, name)))
    rows = _run(connection, table, query, since, until, limit)
    for row in rows:
        row["aliases"] = json.loads(row["aliases"])
    return rows


def stats(connection: Connection) -> dict[str, int]:
    """Row counts: documents (and by status), sources, items and mentions."""
    counts: dict[str, int] = {}
    docs = connection.execute(select(_docs.c.status, func.count()).group_by(_docs.c.status)).all()
    by_status = {status: n for status, n in docs}
    counts["documents"] = sum(by_status.values())
    for status in schema.STATUSES:
        counts[status] = by_status.get(status, 0)
    counts["sources"] = connection.scalar(select(func.count(func.distinct(_docs.c.source)))) or 0
    for name in _COUNTED:
        counts[name] = (
            connection.scalar(select(func.count()).select_from(schema.metadata.tables[name])) or 0
        )
    counts["mentions"] = sum(
        connection.scalar(select(func.count()).select_from(table)) or 0
        for table, _ in schema.MENTION_TABLES.values()
    )
    return counts
