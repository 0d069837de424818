"""Turn a Document and its DocumentResult into rows, and write them in one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from ..model import Document, DocumentResult, Mention, is_iso_date_value
from . import schema
from ._query import equals

Row = dict[str, Any]


def exists(connection: Connection, content_hash: str) -> bool:
    query = select(schema.documents.c.id).where(
        equals(schema.documents.c.content_hash, content_hash)
    )
    return connection.execute(query).first() is not None


def content_hashes(connection: Connection) -> frozenset[str]:
    """Every stored document's content hash."""
    rows = connection.execute(select(schema.documents.c.content_hash))
    return frozenset(row[0] for row in rows)


def write_document(
    connection: Connection, document: Document, result: DocumentResult, status: str
) -> None:
    """Insert every row of one document; the caller owns the transaction."""
    doc_id = document.id
    connection.execute(insert(schema.documents), [_document_row(document, status)])
    connection.execute(
        insert(schema.document_results),
        [{"document_id": doc_id, "schema": result.schema_, "json": result.to_json()}],
    )
    for table, rows in _item_rows(doc_id, result):
        if rows:  # executemany: one prepared statement per table, not one per row
            connection.execute(insert(table), rows)


def _document_row(document: Document, status: str) -> Row:
    return {
        "id": document.id,
        "content_hash": document.content_hash,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": document.published,
        "language": document.language,
        "chars": len(document.text),
        "text": document.text,
        "status": status,
        "origin": document.origin,
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "warnings": json.dumps(document.warnings, ensure_ascii=False),
    }


def _item_rows(doc_id: str, result: DocumentResult) -> Iterable[tuple[Table, list[Row]]]:
    """(table, rows) in foreign-key order: every item before its mentions."""
    entities = [
        _fields(e, doc_id, i, exclude={"aliases"})
        | {"aliases": json.dumps(e.aliases, ensure_ascii=False)}
        for i, e in enumerate(result.entities)
    ]
    yield schema.entities, entities
    yield schema.entity_mentions, _mentions(doc_id, "entity_id", result.entities)
    yield schema.places, [_fields(p, doc_id, i) for i, p in enumerate(result.places)]
    yield schema.place_mentions, _mentions(doc_id, "place_id", result.places)
    yield (
        schema.times,
        [
            _fields(t, doc_id, i) | {"date_key": date_key(t.value)}
            for i, t in enumerate(result.times)
        ],
    )
    yield schema.statements, [_fields(s, doc_id, i) for i, s in enumerate(result.statements)]
    yield schema.statement_mentions, _mentions(doc_id, "statement_id", result.statements)
    yield (
        schema.events,
        [
            _fields(e, doc_id, i) | {"date_key": date_key(e.date)}
            for i, e in enumerate(result.events)
        ],
    )
    yield schema.event_mentions, _mentions(doc_id, "event_id", result.events)
    yield (
        schema.figures,
        [
            _fields(f, doc_id, i) | {"date_key": date_key(f.date)}
            for i, f in enumerate(result.figures)
        ],
    )


def date_key(value: str | None) -> str | None:
    """The ISO date, month or year an item is filtered on, or None when it has none."""
    if value and is_iso_date_value(value[:10]):
        return value[:10]
    return None


def _fields(item: Any, doc_id: str, idx: int, exclude: set[str] | None = None) -> Row:
    row: Row = item.model_dump(mode="json", exclude={"mentions", *(exclude or ())})
    return row | {"document_id": doc_id, "idx": idx}


def _mentions(doc_id: str, column: str, items: Sequence[Any]) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        mentions: list[Mention] = item.mentions
        rows.extend(
            {
                "document_id": doc_id,
                column: item.id,
                "idx": idx,
                "start": m.start,
                "end": m.end,
                "text": m.text,
            }
            for idx, m in enumerate(mentions)
        )
    return rows
