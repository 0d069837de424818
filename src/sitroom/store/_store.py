"""The :class:`Store`: one object that owns a database connection and answers for it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, exc

from ..errors import NotFound, StoreError
from ..model import Document, DocumentResult
from . import _query, _search, _write
from ._alembic import ensure_schema
from ._connect import create_store_engine, describe, translate_errors, write_transaction
from ._errors import InvalidArgument
from .schema import STATUSES

DEFAULT_DB_URL = "sqlite:///sitroom.db"
"""The database used when neither ``--db`` nor ``SITROOM_DB`` names one."""

DEFAULT_SEARCH_LIMIT = 20

Row = dict[str, Any]


class Store:
    """A Sitroom database: SQLite file by default, PostgreSQL by URL, or an Engine.

    Opening creates or upgrades the schema (raising ``SchemaTooNew`` for a database written by
    a newer Sitroom). Every database error surfaces as :class:`StoreError` naming the database.
    """

    def __init__(self, url: str | Path | Engine = DEFAULT_DB_URL) -> None:
        self.engine = create_store_engine(url)
        self.name = describe(self.engine)
        try:
            with self._errors("open"):
                self.schema_version = ensure_schema(self.engine, self.name)
                with self.engine.connect() as connection:
                    self._fts = _search.search_index(connection)
        except BaseException:
            if not isinstance(url, Engine):  # ours to release; a caller's Engine stays open
                self.engine.dispose()
            raise

    @classmethod
    def memory(cls) -> Store:
        """A fresh in-memory SQLite database (tests, one-off runs)."""
        return cls("sqlite://")

    def __repr__(self) -> str:
        return f"<Store {self.name!r}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release every pooled connection (of an Engine passed in, too)."""
        self.engine.dispose()

    # --- writing ---------------------------------------------------------------------------

    def add(
        self, document: Document, result: DocumentResult | None, *, status: str = "analysed"
    ) -> bool:
        """Store one document and its result in one transaction; False if already stored.

        Idempotent on ``document.content_hash``: a second add of the same text writes nothing.
        ``status="flagged"`` stores a document that was not analysed (e.g. not English); its
        ``result`` may then be None. A failure part-way leaves nothing of the document.
        """
        result = _checked_result(document, result, status)
        with self._errors(f"write document {document.id} to"):
            try:
                with write_transaction(self.engine) as connection:
                    if _write.exists(connection, document.content_hash):
                        return False
                    _write.write_document(connection, document, result, status)
            except exc.IntegrityError:
                # A concurrent writer stored the same text first (backends without BEGIN
                # IMMEDIATE); anything else is a real constraint failure.
                if self.has(document.content_hash):
                    return False
                raise
        return True

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction for many :meth:`write` calls: one commit for a whole batch.

        It holds the write lock from its start (SQLite) and commits at exit; an error rolls
        everything back and surfaces as :class:`StoreError`.
        """
        with self._errors("write to"), write_transaction(self.engine) as connection:
            yield connection

    def write(
        self,
        connection: Connection,
        document: Document,
        result: DocumentResult | None,
        *,
        status: str = "analysed",
    ) -> bool:
        """:meth:`add` inside a :meth:`writing` transaction; False if already stored.

        The document is written behind a savepoint: if it fails (StoreError), nothing of it is
        left and the transaction goes on with the next one.
        """
        result = _checked_result(document, result, status)
        with self._errors(f"write document {document.id} to"), connection.begin_nested():
            if _write.exists(connection, document.content_hash):
                return False
            _write.write_document(connection, document, result, status)
        return True

    # --- reading ---------------------------------------------------------------------------

    def has(self, content_hash: str) -> bool:
        """True if a document with this content hash is stored."""
        with self._read() as connection:
            return _write.exists(connection, content_hash)

    def content_hashes(self) -> frozenset[str]:
        """Content hashes of every stored document: what a resumed batch must skip."""
        with self._read() as connection:
            return _write.content_hashes(connection)

    def documents(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Documents (without text), newest first, with their item counts."""
        if status is not None and status not in STATUSES:
            raise InvalidArgument(f"status={status!r} is not one of {', '.join(STATUSES)}")
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_documents(connection, language=language, status=status, **filters)

    def document(self, doc_id: str) -> Row:
        """One document with its text and item counts; raises NotFound."""
        with self._read() as connection:
            row = _query.get_document(connection, doc_id)
        if row is None:
            raise NotFound(f"no document {doc_id!r} in {self.name!r}; list ids with documents()")
        return row

    def result(self, doc_id: str) -> DocumentResult:
        """The stored ``DocumentResult`` exactly as it was added; raises NotFound."""
        with self._read() as connection:
            stored = _query.get_result_json(connection, doc_id)
        if stored is None:
            raise NotFound(f"no document {doc_id!r} in {self.name!r}; list ids with documents()")
        try:
            return DocumentResult.model_validate_json(stored)
        except ValidationError as error:
            raise StoreError(
                f"stored result of {doc_id!r} in {self.name!r} is not valid sitroom/1 JSON"
                f" ({error.error_count()} errors); re-ingest the document"
            ) from error

    def statements(
        self,
        *,
        speaker: str | None = None,
        stance: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Statements; ``speaker`` matches a case-insensitive part of the name."""
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_statements(connection, speaker=speaker, stance=stance, **filters)

    def events(
        self,
        *,
        type: str | None = None,
        since: str | None = None,
        until: str | None = None,
        place: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Events; ``place`` matches a place id or part of the place's name."""
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_events(connection, type=type, place=place, **filters)

    def figures(
        self,
        *,
        metric: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Figures (killed, displaced, ...)."""
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_figures(connection, metric=metric, **filters)

    def places(
        self,
        *,
        name: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Places, one row per document that mentions them."""
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_places(connection, name=name, **filters)

    def times(
        self, *, since: str | None = None, until: str | None = None, limit: int | None = None
    ) -> list[Row]:
        """Time expressions, filtered on their resolved value."""
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_times(connection, **filters)

    def entities(
        self,
        *,
        type: str | None = None,
        name: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Named entities; ``name`` matches part of the name or of an alias."""
        filters = self._filters(since, until, limit)
        with self._read() as connection:
            return _query.list_entities(connection, type=type, name=name, **filters)

    def search(self, query: str, *, limit: int = DEFAULT_SEARCH_LIMIT) -> list[Row]:
        """Documents and statements matching ``query``, best first.

        Rows: ``kind`` (document|statement), ``document_id``, ``id`` (statement id),
        ``title``, ``source``, ``published``, ``speaker``, ``stance``, ``snippet``, ``rank``.
        FTS5 syntax is honoured when valid (on SQLite and PostgreSQL alike); anything else is
        searched as plain words. ``rank`` orders rows (lower is better) within one backend.
        """
        _query.check_limit(limit)
        with self._errors("search"):
            return _search.search(self.engine, self._fts, query, limit)

    def stats(self) -> dict[str, int]:
        """Counts of documents (total, analysed, flagged), sources, items and mentions."""
        with self._read() as connection:
            return _query.stats(connection)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _filters(since: str | None, until: str | None, limit: int | None) -> dict[str, Any]:
        return {
            "since": _query.check_bound(since, "since"),
            "until": _query.check_bound(until, "until"),
            "limit": _query.check_limit(limit),
        }

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        with translate_errors(action, self.name):
            yield

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._errors("read"), self.engine.connect() as connection:
            yield connection


def _checked_result(
    document: Document, result: DocumentResult | None, status: str
) -> DocumentResult:
    if status not in STATUSES:
        raise InvalidArgument(f"status={status!r} is not one of {', '.join(STATUSES)}")
    if result is None:
        if status != "flagged":
            raise InvalidArgument(f"document {document.id}: an analysed document needs a result")
        return DocumentResult(document=document.info())
    if result.document.id != document.id:
        raise InvalidArgument(
            f"result is for document {result.document.id!r}, not {document.id!r};"
            " pass the result made from this document"
        )
    return result
