"""Full-text search: FTS5 syntax when valid, plain words otherwise, never a crash.

Every test runs on SQLite (FTS5) and PostgreSQL (tsvector + GIN), which must agree.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sitroom.model import Document, DocumentResult, Mention, Statement
from sitroom.store import SNIPPET_END, SNIPPET_START, InvalidArgument, Store
from sitroom.store._search_pg import to_tsquery_text


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
def store(store: Store) -> Store:
    """The empty store of each backend (tests/conftest.py) with three documents."""
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
    store._fts = None  # what a database without its full-text index runs
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
def test_search_index_is_found_by_datasette(table: str) -> None:
    store = Store.memory()  # Datasette reads SQLite files only
    # The detection query Datasette runs to offer a search box on a table.
    detect = text(
        "SELECT name FROM sqlite_master WHERE rootpage = 0"
        " AND sql LIKE '%VIRTUAL TABLE%USING FTS%content=\"' || :table || '\"%'"
    )
    with store.engine.connect() as connection:
        assert connection.execute(detect, {"table": table}).scalar() == f"{table}_fts"


def test_search_folds_accents_both_ways(store: Store) -> None:
    add(store, "The Café Zürich reopened near the Kraków road.", "Reopened")
    assert kinds(store.search("cafe zurich")) == {("document", "Reopened")}
    assert kinds(store.search("Krakow")) == {("document", "Reopened")}
    assert kinds(store.search("café")) == {("document", "Reopened")}


def test_search_has_no_stop_words(store: Store) -> None:
    # FTS5 indexes every word; the PostgreSQL configuration must too ("the", "at", "will").
    assert kinds(store.search('"at dawn"')) == {("document", "Granary flooded")}
    assert ("statement", "Convoys to resume") in kinds(store.search("will"))


def test_search_ranks_denser_matches_first(store: Store) -> None:
    add(store, "Ferries ran late. " + "Other news of the day. " * 30 + "A ferry sank.", "Long")
    add(store, "Ferry, ferry, ferry: the ferry strike is over.", "Short")
    rows = store.search("ferry")
    assert [r["title"] for r in rows] == ["Short", "Long"]
    assert rows[0]["rank"] < rows[1]["rank"]


def test_search_snippet_marks_context_with_ellipses(store: Store) -> None:
    body = " ".join(f"Word{i}" for i in range(60)) + " the lighthouse keeper left. " + "End " * 40
    add(store, body, "Lighthouse")
    snippet = store.search("lighthouse")[0]["snippet"]
    assert f"{SNIPPET_START}lighthouse{SNIPPET_END}" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert store.search("granary")[0]["snippet"].startswith("Floodwater")  # the text's start


def test_search_column_filter_on_statements(store: Store) -> None:
    assert kinds(store.search("speaker:brandt")) == {("statement", "Convoys to resume")}
    assert store.search("speaker:convoys") == []  # the word is in the text, not the speaker


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("granary", "'granary'"),
        ("granary OR suburbs", "'granary' | 'suburbs'"),
        ("ice NOT fog", "'ice' & ! 'fog'"),
        ('"eastern suburbs" power', "'eastern suburbs' & 'power'"),
        ("gran*", "'gran':*"),
        ("title:power", "'power':A"),
        ("title:pow*", "'pow':*A"),
        ('text:"at dawn"', "'at dawn':B"),
        ("(a OR b) c", "( 'a' | 'b' ) & 'c'"),
        ("it's", "'it''s'"),
        ("back\\slash", "'back\\\\slash'"),
    ],
)
def test_tsquery_translation(query: str, expected: str) -> None:
    assert to_tsquery_text(query, ("title", "text")) == expected


@pytest.mark.parametrize(
    "query",
    ['"', "AND OR", "granary)", "(granary", "OR x", "x NOT", "*", "^", "nope:x", '"a'],
)
def test_tsquery_translation_refuses_what_fts5_refuses(query: str) -> None:
    with pytest.raises(ValueError):
        to_tsquery_text(query, ("title", "text"))


@pytest.mark.postgresql
@pytest.mark.parametrize("table", ["documents", "statements"])
def test_search_uses_the_gin_index_on_postgresql(
    request: pytest.FixtureRequest, table: str
) -> None:
    from sitroom.store._search_pg import _sql
    from tests.conftest import open_store

    with open_store(request, "postgresql") as store, store.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.execute(
            text("EXPLAIN " + _sql(table, "to_tsquery")),
            {"query": "'granary'", "limit": 5, "edge": 10, "options": ""},
        ).scalars()
        assert f"{table}_fts" in "\n".join(plan)
