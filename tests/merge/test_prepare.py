"""The merge input: computed from a result alone (a Dask worker), equal to the read-back one."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from sitroom.merge import MergeInput, merge_document, prepare_merge
from sitroom.merge import _read_back as read_back
from sitroom.model import (
    Document,
    DocumentResult,
    Event,
    EventType,
    Figure,
    Metric,
    Place,
    PlacePrecision,
    Qualifier,
    Statement,
    StatementKind,
)
from sitroom.store import Store
from tests.conftest import mention

BODY = (
    "Militia fighters shelled the grain depot near Varenka on 3 May, the regional governor said."
    " \u201cWe will rebuild the depot within a month,\u201d Governor Ilse Marov told reporters."
    " At least 12 civilians were killed in the shelling, according to the health office."
)
MERGE_TABLES = (
    "merged_events",
    "event_members",
    "merged_statements",
    "statement_members",
    "figure_groups",
    "figure_claims",
    "document_minhash",
    "document_lsh_bands",
)


def analysed(
    body: str = BODY, published: str = "2024-05-04T08:00"
) -> tuple[Document, DocumentResult]:
    document = Document(text=body, source="Wire", published=published)
    place = Place(
        id="p0", name="Varenka", lat=48.2, lon=31.4, country="UA", precision=PlacePrecision("exact")
    )
    quote = body[body.index("\u201c") : body.index("\u201d") + 1]
    result = DocumentResult(
        document=document.info(),
        places=[place],
        events=[
            Event(
                id="v0",
                type=EventType("ASSAULT"),
                actor="Militia fighters",
                target="the grain depot",
                place="p0",
                date="2024-05-03",
                text=body[: body.index(".") + 1],
                mentions=[mention(body, "shelled")],
            ),
            Event(
                id="v1",
                type=EventType("ASSAULT"),
                text=body[body.index("At least") :],
                mentions=[mention(body, "shelling")],
            ),
        ],
        statements=[
            Statement(
                id="s0",
                kind=StatementKind("direct"),
                text=quote,
                speaker="Governor Ilse Marov",
                start=body.index(quote),
                end=body.index(quote) + len(quote),
                mentions=[mention(body, quote)],
            )
        ],
        figures=[
            Figure(
                id="f0",
                metric=Metric("killed"),
                value=12,
                qualifier=Qualifier("at_least"),
                who="civilians",
                place="p0",
                claimed_by="the health office",
                text="At least 12 civilians",
                start=body.index("At least"),
                end=body.index("At least") + len("At least 12 civilians"),
            )
        ],
    )
    return document, result


def dump(connection: Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every merge table's rows, timestamps left out, in a stable order."""
    return {
        name: sorted(
            tuple(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {name}"))
        )
        for name in MERGE_TABLES
    }


def test_prepare_merge_equals_what_is_read_back_from_the_store() -> None:
    document, result = analysed()
    prepared = prepare_merge(document, result)
    with Store.memory() as store:
        store.add(document, result)
        row = {"id": document.id, "published": document.published, "source": document.source}
        with store.engine.connect() as connection:
            assert read_back(connection, row) == prepared
    assert [e.features.event_id for e in prepared.events] == ["v0", "v1"]
    assert prepared.events[0].features.cell != ""  # the exact place located the event
    assert prepared.events[0].features.country == "UA"
    assert prepared.statements[0].speaker_key == "marov"
    assert prepared.figures[0].key == ("killed", "varenka", "civilian")
    assert prepared.sketch.shingles > 0 and len(prepared.sketch.bands) > 1


def test_merge_document_with_prepared_input_writes_the_same_rows() -> None:
    first, first_result = analysed()
    second, second_result = analysed(BODY.replace("Militia", "Armed"), "2024-05-05T09:30")
    tables = []
    for given in (False, True):
        with Store.memory() as store:
            for document, result in ((first, first_result), (second, second_result)):
                store.add(document, result)
                prepared = prepare_merge(document, result) if given else None
                with store.engine.begin() as connection:
                    merge_document(connection, document.id, prepared)
            with store.engine.connect() as connection:
                tables.append(dump(connection))
    assert tables[0] == tables[1]
    assert len(tables[0]["event_members"]) == 4
    assert len(tables[0]["merged_events"]) < 4  # the second report joined the first


def test_merge_document_refuses_the_input_of_another_document() -> None:
    document, result = analysed()
    other = prepare_merge(*analysed(BODY + " More follows.", "2024-05-04T08:00"))
    with Store.memory() as store:
        store.add(document, result)
        with store.engine.begin() as connection, pytest.raises(ValueError, match="merge input"):
            merge_document(connection, document.id, other)


def test_prepare_merge_pickles_small_for_a_dask_worker() -> None:
    import pickle

    prepared = prepare_merge(*analysed())
    assert isinstance(pickle.loads(pickle.dumps(prepared)), MergeInput)
    assert len(pickle.dumps(prepared)) < 4 * len(BODY) + 4096


def test_prepared_batch_merges_a_second_report_on_both_backends(store: Store) -> None:
    from sitroom.batch import Status, store_analysed

    first = analysed()
    second = analysed(BODY.replace("Militia", "Armed"), "2024-05-05T09:30")
    outcomes = store_analysed(store, [(*pair, prepare_merge(*pair)) for pair in (first, second)])
    assert [o.status for o in outcomes] == [Status.stored, Status.stored]
    with store.engine.connect() as connection:
        counts = {name: len(rows) for name, rows in dump(connection).items()}
    assert counts["event_members"] == 4 and counts["merged_events"] < 4
    assert counts["statement_members"] == 2 and counts["merged_statements"] == 1
    assert counts["figure_claims"] == 2 and counts["figure_groups"] == 1
