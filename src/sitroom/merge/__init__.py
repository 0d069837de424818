"""Cross-document merging: one event, statement or figure group with all its reports.

:func:`merge_document` runs once per stored document, as it arrives. It links the document to a
near-duplicate already stored (MinHash LSH over word shingles), attaches each of its events and
statements to the same event or statement reported before (in this document or another), or
starts a new one, and files each figure under the group of claims about the same quantity.
Every lookup is an indexed query on a blocking key, so the cost per document stays flat as the
database grows. The per-document items in the store are never changed: merged items point at
them. Rules and thresholds: ``docs/merge.md``.

This package does not extract anything and never opens a database itself: callers pass an open
SQLAlchemy connection (inside their transaction) or a :class:`~sitroom.store.Store`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, exc, insert, select

from ..errors import NotFound, StoreError
from ..model import Document, DocumentInfo, DocumentResult
from ..store import schema
from ._event_score import EVENT_MATCH, EVENT_RADIUS_KM
from ._events import EVENT_DAY_WINDOW, PreparedEvent, merge_events, prepare_events
from ._figures import FIGURE_PERIOD_DAYS, PreparedFigure, group_figures, prepare_figures
from ._minhash import DUPLICATE_CONTAINMENT, DUPLICATE_JACCARD, Sketch, link_document, sketch
from ._query import (
    FigureClaim,
    FigureGroup,
    MergedEvent,
    MergedStatement,
    Reports,
    list_duplicates,
    list_figure_history,
    list_merged_events,
    list_merged_statements,
)
from ._statements import PreparedStatement, merge_statements, prepare_statements
from ._tables import create_merge_tables, merged_documents

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "DUPLICATE_CONTAINMENT",
    "DUPLICATE_JACCARD",
    "EVENT_DAY_WINDOW",
    "EVENT_MATCH",
    "EVENT_RADIUS_KM",
    "FIGURE_PERIOD_DAYS",
    "FigureClaim",
    "FigureGroup",
    "MergeInput",
    "MergeSummary",
    "MergedEvent",
    "MergedStatement",
    "Reports",
    "create_merge_tables",
    "duplicates_of",
    "figure_history",
    "merge_document",
    "merge_pending",
    "merge_stored",
    "merged_events",
    "merged_statements",
    "prepare_merge",
]

merged_events = list_merged_events
merged_statements = list_merged_statements
figure_history = list_figure_history
duplicates_of = list_duplicates


@dataclass(frozen=True)
class MergeSummary:
    """What merging one document did."""

    document_id: str
    duplicate_of: str | None  # the stored document it is a near-duplicate of
    events_joined: int  # events attached to an event already known
    statements_joined: int
    figures_grouped: int  # figures filed under an existing group
    already_merged: bool = False


@dataclass(frozen=True)
class MergeInput:
    """What merging needs of one document, computed from its result alone (no database).

    A Dask worker computes it beside the analysis and ships it with the result, so the writer
    only reads and writes the database; :func:`merge_document` computes it when not given.
    """

    document_id: str
    sketch: Sketch
    events: list[PreparedEvent]
    statements: list[PreparedStatement]
    figures: list[PreparedFigure]


def prepare_merge(document: Document, result: DocumentResult) -> MergeInput:
    """The :class:`MergeInput` of a document and its result (pure computation)."""
    return _prepare(document.id, document.text, document.published, result)


def _prepare(
    document_id: str, text: str, published: str | None, result: DocumentResult
) -> MergeInput:
    return MergeInput(
        document_id=document_id,
        sketch=sketch(text),
        events=prepare_events(document_id, text, published, result),
        statements=prepare_statements(result),
        figures=prepare_figures(published, result),
    )


def merge_document(
    connection: Connection, document_id: str, prepared: MergeInput | None = None
) -> MergeSummary:
    """Merge one stored document into the merged items; idempotent. Raises NotFound.

    Run it inside the transaction that stored the document, or right after it, in the order
    documents arrive. The caller owns the transaction. ``prepared`` is
    :func:`prepare_merge` of the stored document and result; without it, both are read back
    from the store.
    """
    if prepared is not None and prepared.document_id != document_id:
        raise ValueError(
            f"prepared merge input is for {prepared.document_id!r}, not {document_id!r}"
        )
    row = connection.execute(_READ_DOCUMENT, {"document_id": document_id}).mappings().first()
    if row is None:
        raise NotFound(f"no document {document_id!r} to merge; store it first (Store.add)")
    if row["merged"] is not None:
        return MergeSummary(document_id, None, 0, 0, 0, already_merged=True)
    document: dict[str, Any] = dict(row)
    if prepared is None:
        prepared = _read_back(connection, document)
    duplicate = link_document(connection, document_id, prepared.sketch)
    report_id = duplicate.duplicate_of if duplicate else document_id
    summary = MergeSummary(
        document_id=document_id,
        duplicate_of=duplicate.duplicate_of if duplicate else None,
        events_joined=merge_events(connection, document, report_id, prepared.events),
        statements_joined=merge_statements(connection, document, report_id, prepared.statements),
        figures_grouped=group_figures(connection, document, report_id, prepared.figures),
    )
    connection.execute(
        insert(merged_documents),
        [{"document_id": document_id, "merged_at": datetime.now(UTC).isoformat()}],
    )
    return summary


_READ_DOCUMENT = (
    select(
        schema.documents.c.id,
        schema.documents.c.source,
        schema.documents.c.published,
        merged_documents.c.document_id.label("merged"),
    )
    .outerjoin(merged_documents, merged_documents.c.document_id == schema.documents.c.id)
    .where(schema.documents.c.id == bindparam("document_id"))
)


def _read_back(connection: Connection, document: dict[str, Any]) -> MergeInput:
    """The merge input of a stored document, from its text and its result as stored."""
    docs, results = schema.documents, schema.document_results
    text, stored = connection.execute(
        select(docs.c.text, results.c.json)
        .outerjoin(results, results.c.document_id == docs.c.id)
        .where(docs.c.id == document["id"])
    ).one()
    if stored is None:
        result = DocumentResult(document=DocumentInfo(id=document["id"], language="", chars=0))
    else:
        result = DocumentResult.model_validate_json(stored)
    return _prepare(document["id"], text, document["published"], result)


def merge_pending(connection: Connection) -> list[MergeSummary]:
    """Merge every stored document not merged yet, in the order they were stored."""
    docs = schema.documents
    pending = (
        select(docs.c.id)
        .outerjoin(merged_documents, merged_documents.c.document_id == docs.c.id)
        .where(merged_documents.c.document_id.is_(None))
        .order_by(docs.c.pk)
    )
    return [merge_document(connection, doc_id) for doc_id in connection.scalars(pending).all()]


def merge_stored(
    store: Store, document_id: str, prepared: MergeInput | None = None
) -> MergeSummary:
    """Merge one document of ``store`` in its own transaction; raises NotFound, StoreError."""
    try:
        with store.engine.begin() as connection:
            return merge_document(connection, document_id, prepared)
    except exc.SQLAlchemyError as error:
        raise StoreError(
            f"cannot merge document {document_id!r} in database {store.name!r}: {error.orig}"
            if isinstance(error, exc.DBAPIError)
            else f"cannot merge document {document_id!r} in database {store.name!r}: {error}"
        ) from error
