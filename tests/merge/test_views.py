"""Command-line views of merged data: `figures --history` and `eval merge`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.merge import merge_stored, merged_statements
from sitroom.model import Document, DocumentResult, Figure, Mention, Statement
from sitroom.store import Store


def test_cli_figures_history(tmp_path) -> None:
    db = str(tmp_path / "t.db")
    store = Store(db)
    for published, source, value in (("2024-03-01", "A", 12.0), ("2024-03-02", "B", 9.0)):
        document = Document(text=f"{source}: {value} killed", published=published, source=source)
        figure = Figure(
            id="f1", metric="killed", value=value, who="people", text="x", start=0, end=1
        )
        store.add(document, DocumentResult(document=document.info(), figures=[figure]))
        merge_stored(store, document.id)
    store.close()
    result = CliRunner().invoke(app, ["figures", "--db", db, "--history", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["claimant"], r["value"], r["current"]) for r in rows] == [
        ("A", 12.0, 9.0),
        ("B", 9.0, 9.0),
    ]
    assert len({r["group"] for r in rows}) == 1


def test_cli_eval_merge_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["eval", "merge", "--help"])
    assert result.exit_code == 0
    assert "sitroom eval merge --data tests/data/merge" in result.stdout


def test_merged_statements_speaker_filter_takes_wildcards_literally() -> None:
    text = "The mayor said the bridge was closed."
    document = Document(text=text, published="2024-03-01", source="A")
    statement = Statement(
        id="s1",
        kind="indirect",
        text="the bridge was closed",
        speaker="Ana Lopez",
        start=15,
        end=36,
        mentions=[Mention(start=15, end=36, text=text[15:36])],
    )
    with Store.memory() as store:
        store.add(document, DocumentResult(document=document.info(), statements=[statement]))
        merge_stored(store, document.id)
        with store.engine.connect() as connection:
            assert len(merged_statements(connection, speaker="lopez")) == 1
            assert merged_statements(connection, speaker="%") == []
