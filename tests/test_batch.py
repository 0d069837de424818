"""batch.analyse_and_store: the one-document path shared by feeds and the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sitroom import batch, model
from sitroom.batch import Status, analyse_and_store, merge_backlog
from sitroom.errors import AnalysisError, StoreError
from sitroom.ingest import document_from_text
from sitroom.merge._tables import merged_documents
from sitroom.store import Store

ENGLISH = "Aid convoys reached the northern district on Monday, officials said."
RUSSIAN = "Гуманитарные конвои прибыли в северный район в понедельник, сообщили чиновники."


class Counting:
    def __init__(self, fail: bool = False) -> None:
        self.calls, self.fail = 0, fail

    def analyse(self, document: model.Document) -> model.DocumentResult:
        self.calls += 1
        if self.fail:
            raise AnalysisError(document.origin, "boom")
        return model.DocumentResult(document=document.info())


def test_batch_analyse_and_store_stores_once_then_duplicate() -> None:
    analyser = Counting()
    with Store.memory() as store:
        first = analyse_and_store(document_from_text(ENGLISH), analyser, store)
        second = analyse_and_store(document_from_text(ENGLISH), analyser, store)
    assert (first.status, second.status) == (Status.stored, Status.duplicate)
    assert analyser.calls == 1


def test_batch_analyse_and_store_flags_non_english_without_analysing() -> None:
    analyser = Counting()
    with Store.memory() as store:
        outcome = analyse_and_store(document_from_text(RUSSIAN), analyser, store)
        assert store.documents(status="flagged")
    assert outcome.status is Status.flagged and analyser.calls == 0


def test_batch_analyse_and_store_failures_say_whether_to_retry() -> None:
    with Store.memory() as store:
        analysis = analyse_and_store(document_from_text(ENGLISH), Counting(fail=True), store)

        def refuse(*_args: object, **_kwargs: object) -> bool:
            raise StoreError("database is locked")

        store.add = refuse  # type: ignore[method-assign]
        write = analyse_and_store(document_from_text(ENGLISH), Counting(), store)
    assert (analysis.status, analysis.retry) == (Status.failed, False)
    assert (write.status, write.retry) == (Status.failed, True)


def _merged_ids(store: Store) -> set[str]:
    with store.engine.connect() as connection:
        return set(connection.scalars(select(merged_documents.c.document_id)))


def test_batch_stored_documents_are_merged_as_they_arrive() -> None:
    document = document_from_text(ENGLISH)
    with Store.memory() as store:
        analyse_and_store(document, Counting(), store)
        assert _merged_ids(store) == {document.id}


def test_batch_merge_failure_keeps_the_document_and_the_backlog_catches_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object) -> None:
        raise StoreError("database is locked")

    document = document_from_text(ENGLISH)
    with Store.memory() as store:
        monkeypatch.setattr(batch, "merge_stored", refuse)
        outcome = analyse_and_store(document, Counting(), store)
        assert outcome.status is Status.stored and "not merged yet" in outcome.message
        assert store.has(document.content_hash) and _merged_ids(store) == set()
        assert merge_backlog(store) == 1 and _merged_ids(store) == {document.id}
        assert merge_backlog(store) == 0


def test_batch_store_analysed_stores_and_merges_a_batch_in_order() -> None:
    first, second = document_from_text(ENGLISH), document_from_text(ENGLISH + " More later.")
    failed = document_from_text("Another text entirely, about harvests.")
    analysed: list[batch.Analysed] = [
        (first, model.DocumentResult(document=first.info()), None),
        (failed, AnalysisError(failed.origin, "boom"), None),
        (first, model.DocumentResult(document=first.info()), None),  # the same text again
        (second, model.DocumentResult(document=second.info()), None),
    ]
    with Store.memory() as store:
        outcomes = batch.store_analysed(store, analysed)
        assert [o.status for o in outcomes] == [
            Status.stored,
            Status.failed,
            Status.duplicate,
            Status.stored,
        ]
        assert _merged_ids(store) == {first.id, second.id}


def test_batch_store_analysed_a_failing_document_leaves_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy.exc import IntegrityError

    from sitroom.store import _write

    bad = document_from_text("This one cannot be written, the test says.")
    good = document_from_text(ENGLISH)
    real = _write.write_document

    def write(connection, document, result, status):  # type: ignore[no-untyped-def]
        real(connection, document, result, status)  # written, then refused: rolled back
        if document.id == bad.id:
            raise IntegrityError("INSERT", {}, Exception("constraint failed"))

    monkeypatch.setattr(_write, "write_document", write)
    with Store.memory() as store:
        outcomes = batch.store_analysed(
            store,
            [
                (bad, model.DocumentResult(document=bad.info()), None),
                (good, model.DocumentResult(document=good.info()), None),
            ],
        )
        assert [o.status for o in outcomes] == [Status.failed, Status.stored]
        assert outcomes[0].retry and "constraint failed" in outcomes[0].message
        assert not store.has(bad.content_hash) and store.has(good.content_hash)
        assert _merged_ids(store) == {good.id}


def test_batch_store_analysed_merge_failure_keeps_the_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy.exc import OperationalError

    def refuse(*_args: object) -> None:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    document = document_from_text(ENGLISH)
    monkeypatch.setattr(batch, "merge_document", refuse)
    with Store.memory() as store:
        outcomes = batch.store_analysed(
            store, [(document, model.DocumentResult(document=document.info()), None)]
        )
        assert outcomes[0].status is Status.stored and "not merged yet" in outcomes[0].message
        assert store.has(document.content_hash) and _merged_ids(store) == set()
        monkeypatch.undo()
        assert merge_backlog(store) == 1
