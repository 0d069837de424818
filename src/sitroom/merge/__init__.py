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

from sqlalchemy import Connection, exc, insert, select

from ..errors import NotFound, StoreError
from ..store import schema
from ._event_score import EVENT_MATCH, EVENT_RADIUS_KM
from ._events import EVENT_DAY_WINDOW, merge_events
from ._figures import FIGURE_PERIOD_DAYS, group_figures
from ._minhash import DUPLICATE_CONTAINMENT, DUPLICATE_JACCARD, link_document
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
from ._statements import merge_statements
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


def merge_document(connection: Connection, document_id: str) -> MergeSummary:
    """Merge one stored document into the merged items; idempotent. Raises NotFound.

    Run it inside the transaction that stored the document, or right after it, in the order
    documents arrive. The caller owns the transaction.
    """
    docs = schema.documents
    document = (
        connection.execute(
            select(docs.c.id, docs.c.source, docs.c.published, docs.c.text).where(
                docs.c.id == document_id
            )
        )
        .mappings()
        .first()
    )
    if document is None:
        raise NotFound(f"no document {document_id!r} to merge; store it first (Store.add)")
    done = select(merged_documents.c.document_id).where(
        merged_documents.c.document_id == document_id
    )
    if connection.execute(done).first() is not None:
        return MergeSummary(document_id, None, 0, 0, 0, already_merged=True)
    row: dict[str, Any] = dict(document)
    duplicate = link_document(connection, document_id, row["text"])
    report_id = duplicate.duplicate_of if duplicate else document_id
    summary = MergeSummary(
        document_id=document_id,
        duplicate_of=duplicate.duplicate_of if duplicate else None,
        events_joined=merge_events(connection, row, report_id),
        statements_joined=merge_statements(connection, row, report_id),
        figures_grouped=group_figures(connection, row, report_id),
    )
    connection.execute(
        insert(merged_documents),
        [{"document_id": document_id, "merged_at": datetime.now(UTC).isoformat()}],
    )
    return summary


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


def merge_stored(store: Store, document_id: str) -> MergeSummary:
    """Merge one document of ``store`` in its own transaction; raises NotFound, StoreError."""
    try:
        with store.engine.begin() as connection:
            return merge_document(connection, document_id)
    except exc.SQLAlchemyError as error:
        raise StoreError(
            f"cannot merge document {document_id!r} in database {store.name!r}: {error.orig}"
            if isinstance(error, exc.DBAPIError)
            else f"cannot merge document {document_id!r} in database {store.name!r}: {error}"
        ) from error
