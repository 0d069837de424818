"""Full-text search over document titles and text and over statements.

On SQLite the query is first tried as FTS5 syntax (``"exact phrase"``, ``OR``, ``prefix*``,
``title:word``); if SQLite rejects it, every word is quoted and the query is run again as plain
words, so hostile or mistyped input finds what it can and never raises. PostgreSQL answers the
same syntax with ``tsvector`` indexes (``_search_pg``). Other backends, and databases without
their full-text index, match every word as a case-insensitive substring instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, and_, exc, func, literal, select
from sqlalchemy.sql import text

from . import _search_pg, schema
from ._connect import is_postgresql, is_sqlite
from ._query import contains

Row = dict[str, Any]

SNIPPET_START = "**"
SNIPPET_END = "**"
"""Markers around matched words in ``snippet`` (Markdown bold)."""
SNIPPET_TOKENS = 16
_SNIPPET_CHARS = 120  # context kept either side of a substring match when FTS5 is absent

_DOCUMENT_SQL = f"""
SELECT 'document' AS kind, d.id AS document_id, NULL AS id, d.title, d.source, d.published,
       NULL AS speaker, NULL AS stance,
       snippet(documents_fts, 1, :mark_start, :mark_end, '…', {SNIPPET_TOKENS}) AS snippet,
       bm25(documents_fts) AS rank
FROM documents_fts JOIN documents d ON d.pk = documents_fts.rowid
WHERE documents_fts MATCH :query ORDER BY rank LIMIT :limit
"""

_STATEMENT_SQL = f"""
SELECT 'statement' AS kind, s.document_id, s.id, d.title, d.source, d.published,
       s.speaker, s.stance,
       snippet(statements_fts, 1, :mark_start, :mark_end, '…', {SNIPPET_TOKENS}) AS snippet,
       bm25(statements_fts) AS rank
FROM statements_fts JOIN statements s ON s.pk = statements_fts.rowid
JOIN documents d ON d.id = s.document_id
WHERE statements_fts MATCH :query ORDER BY rank LIMIT :limit
"""


FTS5 = "fts5"
TSVECTOR = "tsvector"


def search_index(connection: Connection) -> str | None:
    """The database's full-text index: :data:`FTS5`, :data:`TSVECTOR`, or None (substrings)."""
    if is_sqlite(connection.engine) and has_fts(connection):
        return FTS5
    if is_postgresql(connection.engine) and _search_pg.has_search(connection):
        return TSVECTOR
    return None


def search(engine: Engine, index: str | None, query: str, limit: int) -> list[Row]:
    """Documents and statements matching ``query``, best first, with the index there is."""
    if index == FTS5:
        return fts_search(engine, query, limit)
    if index == TSVECTOR:
        return _search_pg.search(engine, query, limit, marks=(SNIPPET_START, SNIPPET_END))
    with engine.connect() as connection:
        return like_search(connection, query, limit)


def quote_words(query: str) -> str:
    """Turn any input into an FTS5 query of quoted words (all must match)."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def fts_search(engine: Engine, query: str, limit: int) -> list[Row]:
    """Documents and statements matching ``query``, best first (lowest bm25 rank)."""
    # SQLite reads a bound string only up to a NUL character; no word contains one anyway.
    query = query.replace("\x00", " ")
    if not query.strip():
        return []
    rows: list[Row] = []
    for sql in (_DOCUMENT_SQL, _STATEMENT_SQL):
        # Each index on its own: "title:x" is valid for documents but not for statements.
        try:
            rows.extend(_fts(engine, sql, query, limit))
        except exc.OperationalError:
            # FTS5 syntax error, unknown column filter, stray operator...: retry as plain words.
            rows.extend(_fts(engine, sql, quote_words(query), limit))
    rows.sort(key=lambda row: row["rank"])
    return rows[:limit]


def _fts(engine: Engine, sql: str, query: str, limit: int) -> list[Row]:
    params = {"query": query, "limit": limit, "mark_start": SNIPPET_START, "mark_end": SNIPPET_END}
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(text(sql), params).mappings()]


def like_search(connection: Connection, query: str, limit: int) -> list[Row]:
    """Substring fallback: every word must occur in the title or text."""
    words = query.split()
    if not words:
        return []
    docs, stmts = schema.documents, schema.statements
    haystack = func.coalesce(docs.c.title, "") + literal(" ") + docs.c.text
    statement = (
        select(docs.c.id.label("document_id"), docs.c.title, docs.c.source, docs.c.published)
        .add_columns(docs.c.text)  # for the excerpt
        .where(and_(*(contains(haystack, w) for w in words)))
        .order_by(docs.c.published.desc())
        .limit(limit)
    )
    doc_rows = connection.execute(statement).mappings()
    rows = [
        _like_row("document", r, None, None, None, _excerpt(r["text"], words[0])) for r in doc_rows
    ]
    stmt_rows = connection.execute(
        select(
            stmts.c.document_id,
            stmts.c.id,
            stmts.c.speaker,
            stmts.c.stance,
            stmts.c.text,
            docs.c.title,
            docs.c.source,
            docs.c.published,
        )
        .join_from(stmts, docs, docs.c.id == stmts.c.document_id)
        .where(and_(*(contains(stmts.c.text, w) for w in words)))
        .limit(limit)
    ).mappings()
    rows.extend(
        _like_row("statement", r, r["id"], r["speaker"], r["stance"], r["text"]) for r in stmt_rows
    )
    return rows[:limit]


def _like_row(
    kind: str, r: Any, item_id: str | None, speaker: str | None, stance: str | None, snippet: str
) -> Row:
    return {
        "kind": kind,
        "document_id": r["document_id"],
        "id": item_id,
        "title": r["title"],
        "source": r["source"],
        "published": r["published"],
        "speaker": speaker,
        "stance": stance,
        "snippet": snippet,
        "rank": 0.0,
    }


def _excerpt(body: str, word: str) -> str:
    at = max(body.lower().find(word.lower()), 0)
    start, end = max(at - _SNIPPET_CHARS, 0), at + len(word) + _SNIPPET_CHARS
    return ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")


def has_fts(connection: Connection) -> bool:
    """True when the database has Sitroom's FTS5 tables."""
    names = [f"{table}_fts" for table in schema.FTS_TABLES]
    query = text("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN (:a, :b)")
    return connection.scalar(query, {"a": names[0], "b": names[1]}) == len(names)
