"""Run a batch of sources through ingest, the NLP pipeline and (optionally) the store.

The loop the ``extract`` and ``ingest`` commands share, kept out of the CLI so that the API and
the Dask runner can call it too. A bad file, a document the pipeline chokes on or a failed write
is recorded as a failed outcome and the batch goes on; what was stored stays stored (one
transaction per document, or per batch with :func:`store_analysed`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from . import model
from .errors import AnalysisError, IngestError, StoreError
from .ingest import IngestOptions, iter_documents
from .merge import MergeInput, merge_document, merge_pending, merge_stored
from .model import Analyser
from .pipeline import Pipeline, is_analysable
from .store import Store


class Status(StrEnum):
    analysed = "analysed"  # analysed, not stored (no store given)
    stored = "stored"  # analysed and written
    duplicate = "duplicate"  # same content already in the store: nothing done
    flagged = "flagged"  # not English: kept (stored when there is a store), not analysed
    failed = "failed"  # unreadable, analysis or write failed


@dataclass(frozen=True)
class Outcome:
    """What happened to one document (or to one unreadable source)."""

    origin: str
    status: Status
    message: str = ""
    result: model.DocumentResult | None = None
    document: model.Document | None = None
    retry: bool = False  # a passing failure (the database): trying again later may work


@dataclass
class BatchSummary:
    """Counts per status, and the messages of the documents that did not go through."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Outcome] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status in (Status.failed, Status.flagged):
            self.problems.append(outcome)

    @property
    def ok(self) -> bool:
        """True when every document went through and none was flagged."""
        return not self.problems

    def describe(self) -> str:
        parts = [f"{self.counts[s]} {s.value}" for s in Status if self.counts[s]]
        return ", ".join(parts) if parts else "no documents"


def run_batch(
    sources: Sequence[str | Path],
    pipeline: Pipeline,
    *,
    options: IngestOptions | None = None,
    store: Store | None = None,
    stdin: BinaryIO | None = None,
    allow_private: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchSummary:
    """Ingest ``sources``, analyse each document once, store it if a store is given.

    ``sources`` may mix paths, directories, ``-`` and http(s) URLs; URLs on private or local
    addresses are refused unless ``allow_private``.
    """
    summary = BatchSummary()
    if store is not None:
        merge_backlog(store)
    items = iter_documents(
        sources, options or IngestOptions(), stdin=stdin, allow_private=allow_private
    )
    for outcome in _outcomes(items, pipeline, store):
        summary.record(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return summary


def _outcomes(
    items: Iterable[model.Document | IngestError], pipeline: Pipeline, store: Store | None
) -> Iterator[Outcome]:
    unreadable: list[Outcome] = []

    def documents() -> Iterator[model.Document]:
        # Failures and duplicates are filtered out here, before analysis; they are reported
        # as soon as the next analysed document comes out (nlp.pipe buffers a batch).
        for item in items:
            if isinstance(item, IngestError):
                unreadable.append(Outcome(item.source, Status.failed, item.reason))
            elif store is not None and store.has(item.content_hash):
                unreadable.append(Outcome(item.origin, Status.duplicate, "already stored"))
            else:
                yield item

    for document, result in pipeline.analyse_many(documents()):
        yield from _drain(unreadable)
        yield finish_outcome(document, result, store)
    yield from _drain(unreadable)


def _drain(pending: list[Outcome]) -> Iterator[Outcome]:
    while pending:
        yield pending.pop(0)


def finish_outcome(
    document: model.Document,
    result: model.DocumentResult | AnalysisError,
    store: Store | None,
    prepared: MergeInput | None = None,
) -> Outcome:
    """Store one analysed document (when a store is given) and say what happened to it.

    ``prepared`` is :func:`~sitroom.merge.prepare_merge` of the document, when already made.
    """
    if isinstance(result, AnalysisError):
        return Outcome(document.origin, Status.failed, result.reason)
    flagged, message = _flag(document)
    if store is None:
        status = Status.flagged if flagged else Status.analysed
        return Outcome(document.origin, status, message, result, document)
    try:
        added = store.add(document, result, status="flagged" if flagged else "analysed")
    except StoreError as exc:
        return Outcome(document.origin, Status.failed, str(exc), document=document, retry=True)
    if not added:
        return Outcome(document.origin, Status.duplicate, "already stored", document=document)
    status = Status.flagged if flagged else Status.stored
    try:
        merge_stored(store, document.id, prepared)
    except StoreError as exc:
        # The document is safe; only its cross-document links wait for 'sitroom merge'.
        message = "; ".join(filter(None, [message, f"stored, not merged yet ({exc})"]))
    return Outcome(document.origin, status, message, result, document)


def _flag(document: model.Document) -> tuple[bool, str]:
    """Whether a document is kept unanalysed (not English), and the message to report."""
    if not is_analysable(document):
        return True, f"language detected as {document.language!r}; kept, not analysed as English"
    return False, "; ".join(document.warnings)


Analysed = tuple[model.Document, model.DocumentResult | AnalysisError, MergeInput | None]
"""A document, its result (or why it has none) and its merge input when already made."""


def store_analysed(store: Store, analysed: Sequence[Analysed]) -> list[Outcome]:
    """Store and merge analysed documents in one transaction; one outcome each, in order.

    One commit for the batch instead of two per document. Each document is written and merged
    behind savepoints, so a failing one is reported and the others go on. If the transaction
    itself fails, nothing of it stays and the documents are stored one by one instead.
    """
    try:
        with store.writing() as connection:
            outcomes = [_store_in(connection, store, *item) for item in analysed]
    except StoreError:
        return [finish_outcome(*item[:2], store, item[2]) for item in analysed]
    return outcomes


def _store_in(
    connection: Connection,
    store: Store,
    document: model.Document,
    result: model.DocumentResult | AnalysisError,
    prepared: MergeInput | None,
) -> Outcome:
    if isinstance(result, AnalysisError):
        return Outcome(document.origin, Status.failed, result.reason)
    flagged, message = _flag(document)
    try:
        added = store.write(
            connection, document, result, status="flagged" if flagged else "analysed"
        )
    except StoreError as exc:
        return Outcome(document.origin, Status.failed, str(exc), document=document, retry=True)
    if not added:
        return Outcome(document.origin, Status.duplicate, "already stored", document=document)
    try:
        with connection.begin_nested():
            merge_document(connection, document.id, prepared)
    except SQLAlchemyError as exc:
        # The document is safe; only its cross-document links wait for 'sitroom merge'.
        message = "; ".join(filter(None, [message, f"stored, not merged yet ({exc})"]))
    status = Status.flagged if flagged else Status.stored
    return Outcome(document.origin, status, message, result, document)


def merge_backlog(store: Store) -> int:
    """Merge stored documents a crash left unmerged; returns how many. Raises StoreError."""
    try:
        with store.engine.begin() as connection:
            return len(merge_pending(connection))
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot merge the documents of {store.name!r}: {exc}") from exc


def analyse_and_store(document: model.Document, analyser: Analyser, store: Store) -> Outcome:
    """Analyse one document and store it, unless the same content is already stored.

    The one-at-a-time path (feeds, the API); batches use :func:`run_batch`.
    """
    if store.has(document.content_hash):
        return Outcome(document.origin, Status.duplicate, "already stored", document=document)
    result: model.DocumentResult | AnalysisError
    if not is_analysable(document):  # never handed to an English analyser: kept, flagged
        result = model.DocumentResult(document=document.info())
    else:
        try:
            result = analyser.analyse(document)
        except AnalysisError as exc:
            result = exc
    return finish_outcome(document, result, store)
