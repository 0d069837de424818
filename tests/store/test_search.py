"""Full-text search: FTS5 syntax when valid, plain words otherwise, never a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sitroom.model import Document, DocumentResult, Mention, Statement
from sitroom.store import SNIPPET_END, SNIPPET_START, InvalidArgument, Store


def add(store: Store, body: str, title: str, quote: str | None = None, speaker: str = "") -> None:
    doc = Document(text=body, title=title, source="Valley Post", published="2024-03-01")
    statements = []
    if quote:
        start = body.index(quote)
        mention = Mention(start=start, end=start + len(quote), text=quote)
        statements.append(
            Statement(
                id="s1",
                kind="direct",
                text=quote,
                speaker=speaker,
                start=start,
                end=mention.end,
                mentions=[mention],
            )
        )
    store.add(doc, DocumentResult(document=doc.info(), statements=statements))


@pytest.fixture
def store() -> Store:
    store = Store.memory()
    add(store, "Floodwater reached the granary at dawn.", "Granary flooded")
    add(
        store,
        'The governor said "convoys will cross the ridge tomorrow" after the attacks.',
        "Convoys to resume",
        quote="convoys will cross the ridge tomorrow",
        speaker="Governor Ilse Brandt",
    )
    add(store, "Power returned to the eastern suburbs overnight.", "Power restored")
    return store


def kinds(rows: list[dict[str, object]]) -> set[tuple[object, object]]:
    return {(row["kind"], row["title"]) for row in rows}


def test_search_finds_documents_and_statements(store: Store) -> None:
    rows = store.search("convoys")
    assert kinds(rows) == {("document", "Convoys to resume"), ("statement", "Convoys to resume")}
    statement = next(r for r in rows if r["kind"] == "statement")
    assert statement["speaker"] == "Governor Ilse Brandt" and statement["id"] == "s1"
    assert f"{SNIPPET_START}convoys{SNIPPET_END}" in statement["snippet"]
    assert rows == sorted(rows, key=lambda r: r["rank"])


def test_search_stems_words(store: Store) -> None:
    assert kinds(store.search("attack")) == {("document", "Convoys to resume")}
    assert kinds(store.search("flooding")) == {("document", "Granary flooded")}


def test_search_honours_fts_syntax(store: Store) -> None:
    assert len(kinds(store.search("granary OR suburbs"))) == 2
    assert kinds(store.search("gran*")) == {("document", "Granary flooded")}
    assert kinds(store.search('"eastern suburbs"')) == {("document", "Power restored")}
    assert store.search('"suburbs eastern"') == []
    assert kinds(store.search("title:power")) == {("document", "Power restored")}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND OR",
        "*",
        "'; DROP TABLE documents; --",
        "NEAR(",
        "granary)",
        "nosuchcolumn:granary",
        "^",
        "-",
        "\x00",
        "' OR 1=1 --",
    ],
)
def test_search_hostile_queries_never_crash(store: Store, query: str) -> None:
    before = store.stats()
    rows = store.search(query)
    assert isinstance(rows, list)
    assert store.stats() == before


def test_search_falls_back_to_plain_words(store: Store) -> None:
    # Invalid FTS5 (unbalanced parenthesis): searched as the words 'granary)' and 'dawn'.
    assert kinds(store.search("granary) dawn")) == {("document", "Granary flooded")}
    assert kinds(store.search('ridge "tomorrow')) == {
        ("document", "Convoys to resume"),
        ("statement", "Convoys to resume"),
    }


def test_search_empty_query_and_limit(store: Store) -> None:
    assert store.search("   ") == []
    assert len(store.search("the", limit=1)) == 1
    with pytest.raises(InvalidArgument, match="limit=-1"):
        store.search("the", limit=-1)


def test_search_without_fts_uses_substrings(store: Store) -> None:
    store._fts = False  # what a backend without FTS5 (PostgreSQL for now) runs
    assert kinds(store.search("GRANARY dawn")) == {("document", "Granary flooded")}
    assert ("statement", "Convoys to resume") in kinds(store.search("ridge"))
    assert store.search("%") == [] and store.search("_") == []


def test_search_index_follows_deletes(store: Store) -> None:
    doc_id = store.search("granary")[0]["document_id"]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM documents WHERE id = :id"), {"id": doc_id})
    assert store.search("granary") == []
    assert store.stats()["documents"] == 2


@pytest.mark.parametrize("table", ["documents", "statements"])
def test_search_index_is_found_by_datasette(store: Store, table: str) -> None:
    # The detection query Datasette runs to offer a search box on a table.
    detect = text(
        "SELECT name FROM sqlite_master WHERE rootpage = 0"
        " AND sql LIKE '%VIRTUAL TABLE%USING FTS%content=\"' || :table || '\"%'"
    )
    with store.engine.connect() as connection:
        assert connection.execute(detect, {"table": table}).scalar() == f"{table}_fts"
