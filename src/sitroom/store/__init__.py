"""The Sitroom database: documents, their extracted items and mentions, full-text search.

SQLite (one file, WAL, FTS5, readable views for Datasette) by default; PostgreSQL by a
``postgresql://`` URL (psycopg 3, tsvector full-text search). The schema is migrated on open by
Alembic revisions shipped in the package. Writes are idempotent on the document's content hash
and atomic per document.
"""

from __future__ import annotations

from ..errors import NotFound, SchemaTooNew, StoreError
from ._errors import InvalidArgument
from ._migrations import SCHEMA_VERSION
from ._search import SNIPPET_END, SNIPPET_START
from ._store import DEFAULT_DB_URL, DEFAULT_SEARCH_LIMIT, Store

__all__ = [
    "DEFAULT_DB_URL",
    "DEFAULT_SEARCH_LIMIT",
    "SCHEMA_VERSION",
    "SNIPPET_END",
    "SNIPPET_START",
    "InvalidArgument",
    "NotFound",
    "SchemaTooNew",
    "Store",
    "StoreError",
]
