"""Store: writing (idempotent, atomic), reading with filters, round-trips, files and errors.

``store`` (tests/conftest.py) is an empty store on each backend: in-memory SQLite and a fresh
database on the throwaway PostgreSQL server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

import sitroom.store
from sitroom.errors import NotFound, StoreError
from sitroom.model import (
    Document,
    DocumentResult,
    Entity,
    Event,
    Figure,
    Mention,
    Place,
    Statement,
    TimeExpression,
)
from sitroom.store import InvalidArgument, Store
from sitroom.store.schema import VIEWS

TABLES = (
    "documents",
    "document_results",
    "entities",
    "entity_mentions",
    "places",
    "place_mentions",
    "times",
    "statements",
    "statement_mentions",
    "events",
    "event_mentions",
    "figures",
)


def make_pair(
    body: str, *, published: str | None = "2023-05-12", source: str = "Harbour Wire", **kw: str
) -> tuple[Document, DocumentResult]:
    """A document about an invented town, with one item of each kind found by offsets."""
    doc = Document(
        text=body,
        title=kw.get("title", "Dockside update"),
        source=source,
        published=published,
        language=kw.get("language", "en"),
    )

    def span(part: str) -> Mention:
        start = body.index(part)
        return Mention(start=start, end=start + len(part), text=part)

    quote, place, when = span("the port stays open"), span("Marlowe Bay"), span("Tuesday")
    result = DocumentResult(
        document=doc.info(),
        entities=[
            Entity(
                id="e1",
                name="Ada Quint",
                type="PERSON",
                aliases=["Mayor Quint"],
                mentions=[span("Ada Quint")],
            )
        ],
        places=[
            Place(
                id="p1",
                name="Marlowe Bay",
                country="NZ",
                kind="town",
                lat=-41.2,
                lon=174.8,
                geonameid=4242,
                precision="exact",
                mentions=[place, place],
            )
        ],
        times=[
            TimeExpression(
                text="Tuesday",
                start=when.start,
                end=when.end,
                value=kw.get("time_value", "2023-05-09"),
                precision="day",
            )
        ],
        statements=[
            Statement(
                id="s1",
                kind="direct",
                text=quote.text,
                speaker="Ada Quint",
                speaker_type="person",
                speaker_entity="e1",
                cue="said",
                stance=kw.get("stance", "announce"),
                start=quote.start,
                end=quote.end,
                mentions=[quote],
            )
        ],
        events=[
            Event(
                id="v1",
                type="ASSAULT",
                actor="raiders",
                place="p1",
                date=kw.get("event_date", "2023-05-09"),
                date_precision="day",
                text="Raiders shelled Marlowe Bay on Tuesday.",
                mentions=[span("Raiders shelled Marlowe Bay on Tuesday.")],
            )
        ],
        figures=[
            Figure(
                id="f1",
                metric=kw.get("metric", "injured"),
                value=14,
                qualifier="at_least",
                who="dock workers",
                claimed_by="Ada Quint",
                text="at least 14 dock workers were hurt",
                start=0,
                end=10,
            )
        ],
    )
    return doc, result


BODY = (
    'Raiders shelled Marlowe Bay on Tuesday. Mayor Ada Quint said "the port stays open" and'
    " that at least 14 dock workers were hurt. Marlowe Bay is calm tonight."
)


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES}


def test_store_exports_complete() -> None:
    # ruff (RUF022) keeps the order; this checks the list names what the package offers.
    exported = set(sitroom.store.__all__)
    assert len(exported) == len(sitroom.store.__all__)
    public = {n for n in vars(sitroom.store) if not n.startswith("_")} - {"annotations", "schema"}
    assert exported == public


def test_store_add_is_idempotent_on_content(store: Store) -> None:
    doc, result = make_pair(BODY)
    assert store.add(doc, result) is True
    before = counts(store)
    assert all(before[t] >= 1 for t in TABLES), before
    assert store.add(doc, result) is False
    # Same text with surrounding whitespace and other metadata: same content hash.
    again, _ = make_pair("  " + BODY + "\n", source="Other Wire")
    assert store.has(again.content_hash)
    assert store.add(again, result.model_copy(update={"document": again.info()})) is False
    assert counts(store) == before


def test_store_result_round_trips_exactly(store: Store) -> None:
    doc, result = make_pair(BODY)
    store.add(doc, result)
    stored = store.result(doc.id)
    assert stored == result
    assert stored.to_json() == result.to_json()


def test_store_rows_carry_contract_fields(store: Store) -> None:
    doc, result = make_pair(BODY)
    store.add(doc, result)
    for rows, items in (
        (store.statements(), result.statements),
        (store.events(), result.events),
        (store.figures(), result.figures),
        (store.places(), result.places),
        (store.entities(), result.entities),
        (store.times(), result.times),
    ):
        assert len(rows) == len(items) == 1
        expected = items[0].model_dump(mode="json")
        assert {k: rows[0][k] for k in expected} == expected
        assert rows[0]["document_id"] == doc.id
        assert (rows[0]["source"], rows[0]["published"]) == ("Harbour Wire", "2023-05-12")
    assert len(store.places()[0]["mentions"]) == 2
    assert store.events()[0]["place_name"] == "Marlowe Bay"


def test_store_document_has_text_counts_and_warnings(store: Store) -> None:
    doc, result = make_pair(BODY)
    doc = doc.model_copy(update={"warnings": ["boilerplate removed"], "origin": "dock.txt"})
    store.add(doc, result)
    row = store.document(doc.id)
    assert row["text"] == BODY and row["chars"] == len(BODY)
    assert row["warnings"] == ["boilerplate removed"] and row["origin"] == "dock.txt"
    assert (row["statements"], row["figures"], row["status"]) == (1, 1, "analysed")
    assert "text" not in store.documents()[0]


def test_store_missing_document_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no document 'dnope'"):
        store.document("dnope")
    with pytest.raises(NotFound, match="no document 'dnope'"):
        store.result("dnope")


@pytest.fixture
def filled(store: Store) -> Store:
    for day, source, extra in (
        ("2023-05-10", "Harbour Wire", {}),
        ("2023-05-12", "Coast Radio", {"stance": "deny", "metric": "killed"}),
        ("2023-06-02", "Harbour Wire", {"event_date": "2023-06", "time_value": "2023"}),
    ):
        doc, result = make_pair(f"{BODY} Filed {day}.", published=day, source=source, **extra)
        store.add(doc, result)
    flagged = Document(text="Le port reste ouvert.", language="fr", published="2023-05-11")
    store.add(flagged, None, status="flagged")
    return store


def test_store_documents_filters(filled: Store) -> None:
    assert [d["published"] for d in filled.documents()] == [
        "2023-06-02",
        "2023-05-12",
        "2023-05-11",
        "2023-05-10",
    ]
    assert len(filled.documents(since="2023-05-11", until="2023-05-12")) == 2
    assert len(filled.documents(since="2023-06")) == 1
    assert len(filled.documents(until="2023-05")) == 3
    assert [d["language"] for d in filled.documents(status="flagged")] == ["fr"]
    assert len(filled.documents(language="en")) == 3
    assert len(filled.documents(limit=2)) == 2


def test_store_flagged_document_stored_without_items(filled: Store) -> None:
    flagged = filled.documents(status="flagged")[0]
    assert flagged["statements"] == 0 and flagged["entities"] == 0
    assert filled.document(flagged["id"])["text"] == "Le port reste ouvert."
    assert filled.result(flagged["id"]).statements == []


def test_store_statement_filters(filled: Store) -> None:
    assert len(filled.statements(speaker="quint")) == 3
    assert len(filled.statements(speaker="nobody")) == 0
    assert [s["source"] for s in filled.statements(stance="deny")] == ["Coast Radio"]
    # Statements have no date of their own: the document's published day decides.
    assert len(filled.statements(since="2023-05-11")) == 2


def test_store_item_dates_before_published_dates(filled: Store) -> None:
    # Events dated 2023-05-09 (twice) and 2023-06 (month precision).
    assert len(filled.events(until="2023-05-09")) == 2
    assert [e["date"] for e in filled.events(since="2023-06-15")] == ["2023-06"]
    assert filled.events(since="2023-05-10", until="2023-05-31") == []
    assert [t["value"] for t in filled.times(since="2023-01")] == [
        "2023",
        "2023-05-09",
        "2023-05-09",
    ]
    # Figures have no date here: they fall back to the published day.
    assert len(filled.figures(since="2023-05-11")) == 2


def test_store_item_filters(filled: Store) -> None:
    assert len(filled.events(type="assault")) == 3
    assert filled.events(type="PROTEST") == []
    assert len(filled.events(place="marlowe")) == 3 and len(filled.events(place="p1")) == 3
    assert filled.events(place="Elsewhere") == []
    assert [f["source"] for f in filled.figures(metric="killed")] == ["Coast Radio"]
    assert len(filled.places(name="bay")) == 3 and filled.places(name="%") == []
    assert len(filled.entities(name="mayor quint", type="person")) == 3
    assert len(filled.times(limit=1)) == 1


@pytest.mark.parametrize("bound", ["yesterday", "2023-13", "2023-02-30", "23-05-01", ""])
def test_store_bad_date_bound_raises(store: Store, bound: str) -> None:
    with pytest.raises(InvalidArgument, match="is not an ISO date"):
        store.statements(since=bound)
    with pytest.raises(ValueError):
        store.documents(until=bound)


def test_store_bad_arguments_raise(store: Store) -> None:
    doc, result = make_pair(BODY)
    with pytest.raises(InvalidArgument, match="status='pending'"):
        store.add(doc, result, status="pending")
    with pytest.raises(InvalidArgument, match="limit=0"):
        store.figures(limit=0)
    with pytest.raises(InvalidArgument, match="needs a result"):
        store.add(doc, None)
    other, _ = make_pair(BODY + " More.")
    with pytest.raises(InvalidArgument, match="not 'd"):
        store.add(other, result)


def _failing_trigger(dialect: str, table: str) -> tuple[list[str], list[str]]:
    """DDL of a trigger that makes every insert into ``table`` fail, and of its removal."""
    if dialect == "sqlite":
        create = (
            f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table}"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
        return [create], [f"DROP TRIGGER fail_{table}"]
    function = (
        f"CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
    )
    trigger = (
        f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION fail_{table}()"
    )
    return [function, trigger], [
        f"DROP TRIGGER fail_{table} ON {table}",
        f"DROP FUNCTION fail_{table}",
    ]


def test_store_failure_mid_write_leaves_nothing(store: Store) -> None:
    create, drop = _failing_trigger(store.engine.dialect.name, "figures")
    with store.engine.begin() as connection:
        for statement in create:
            connection.exec_driver_sql(statement)
    doc, result = make_pair(BODY)
    with pytest.raises(StoreError, match=f"cannot write document {doc.id}.*injected failure"):
        store.add(doc, result)
    assert set(counts(store).values()) == {0}
    assert not store.has(doc.content_hash)
    with store.engine.begin() as connection:
        for statement in drop:
            connection.exec_driver_sql(statement)
    assert store.add(doc, result) is True


def test_store_python_error_mid_write_rolls_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitroom.store import _write

    def explode(*args: object) -> list[object]:
        raise RuntimeError("boom while building mentions")

    monkeypatch.setattr(_write, "_mentions", explode)
    doc, result = make_pair(BODY)
    with pytest.raises(RuntimeError, match="boom"):
        store.add(doc, result)
    assert set(counts(store).values()) == {0}


def test_store_duplicate_item_ids_are_rejected_atomically(store: Store) -> None:
    doc, result = make_pair(BODY)
    result.statements.append(result.statements[0])
    # SQLite: "UNIQUE constraint failed: statements..."; PostgreSQL: "duplicate key value
    # violates unique constraint "uq_statements_document_id_id"".
    with pytest.raises(StoreError, match=r"(?i)unique constraint.*statements"):
        store.add(doc, result)
    assert counts(store)["documents"] == 0


def test_store_foreign_keys_enforced(store: Store) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"), store.engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO place_mentions (document_id, place_id, idx, start, "end", text)'
                " VALUES ('dmissing', 'p1', 0, 0, 1, 'x')"
            )
        )


def test_store_views_are_readable(filled: Store) -> None:
    with filled.engine.connect() as connection:
        for view in VIEWS:
            assert connection.execute(text(f"SELECT * FROM {view}")).all(), view
        mentions = connection.execute(text("SELECT mentions FROM statement_list")).scalars()
        assert set(mentions) == {1}
        place = connection.execute(text("SELECT documents, mentions FROM place_list")).one()
        assert tuple(place) == (3, 6)


def test_store_stats(filled: Store) -> None:
    stats = filled.stats()
    assert stats["documents"] == 4 and (stats["analysed"], stats["flagged"]) == (3, 1)
    assert stats["sources"] == 2  # Harbour Wire, Coast Radio; the flagged one has none
    assert stats["statements"] == 3 and stats["mentions"] == 3 * (1 + 2 + 1 + 1)


def test_store_memory_stores_are_independent() -> None:
    first, second = Store.memory(), Store.memory()
    first.add(*make_pair(BODY))
    assert first.stats()["documents"] == 1 and second.stats()["documents"] == 0


def test_store_deleting_a_document_cascades(filled: Store) -> None:
    doc_id = filled.statements(stance="deny")[0]["document_id"]
    with filled.engine.begin() as connection:
        connection.execute(text("DELETE FROM documents WHERE id = :id"), {"id": doc_id})
    remaining = counts(filled)
    assert remaining["statements"] == 2 and remaining["place_mentions"] == 4
    assert all(s["document_id"] != doc_id for s in filled.statements())
