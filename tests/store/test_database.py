"""Opening databases: files reopened, engines, migrations and clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text

from sitroom.errors import SchemaTooNew, StoreError
from sitroom.model import Document, DocumentResult, Mention, Statement
from sitroom.store import SCHEMA_VERSION, Store

BODY = 'The ferry captain said "we sail at noon" as fog lifted over the sound.'


def make_pair(body: str = BODY) -> tuple[Document, DocumentResult]:
    doc = Document(text=body, title="Fog lifts", source="Sound Gazette", published="2024-01-09")
    quote = "we sail at noon"
    start = body.index(quote)
    mention = Mention(start=start, end=start + len(quote), text=quote)
    statement = Statement(
        id="s1",
        kind="direct",
        text=quote,
        speaker="the ferry captain",
        start=start,
        end=mention.end,
        mentions=[mention],
    )
    return doc, DocumentResult(document=doc.info(), statements=[statement])


def test_store_file_reopened(tmp_path: Path) -> None:
    path = tmp_path / "situation.db"
    doc, result = make_pair(BODY)
    with Store(path) as store:
        assert store.add(doc, result)
    with Store(f"sqlite:///{path}") as reopened:
        assert reopened.result(doc.id) == result
        assert reopened.add(doc, result) is False
        assert reopened.search("noon")
        with reopened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_store_accepts_an_engine(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    store = Store(engine)
    doc, result = make_pair(BODY)
    assert store.add(doc, result) and store.stats()["documents"] == 1


def test_store_schema_too_new(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'x', 'now')"
        )
    with pytest.raises(SchemaTooNew, match=f"schema version 99, newer than the {SCHEMA_VERSION}"):
        Store(path)


def test_store_refuses_foreign_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE documents (name TEXT)")
    with pytest.raises(StoreError, match="not created by Sitroom"):
        Store(path)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing-dir/sub/x.db", "unable to open database file; check the path and permissions"),
        ("garbage.db", "file is not a database; is it a Sitroom database file?"),
        ("nosuchdriver://host/db", "cannot open database 'nosuchdriver://host/db'"),
    ],
)
def test_store_open_errors_are_clear(tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "garbage.db").write_bytes(b"this is not sqlite at all" * 100)
    location = target if "://" in target else str(tmp_path / target)
    with pytest.raises(StoreError, match=message.replace("?", r"\?")):
        Store(location)


def test_store_records_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "versions.db"
    Store(path).close()
    Store(path).close()  # reopening applies nothing twice
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT version, name FROM schema_version").fetchall()
    assert rows == [(1, "initial schema")]


def test_store_applies_new_migrations_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitroom.store import _migrations

    path = tmp_path / "upgrade.db"
    doc, result = make_pair()
    with Store(path) as store:
        store.add(doc, result)
    calls: list[int] = []

    def add_notes(connection: Connection) -> None:
        calls.append(1)
        connection.execute(text("CREATE TABLE analyst_notes (document_id TEXT, note TEXT)"))

    upgraded = (*_migrations.MIGRATIONS, _migrations.Migration(2, "analyst notes", add_notes))
    monkeypatch.setattr(_migrations, "MIGRATIONS", upgraded)
    monkeypatch.setattr(_migrations, "SCHEMA_VERSION", 2)
    for _ in range(2):
        with Store(path) as store:
            assert store.schema_version == 2 and store.result(doc.id) == result
    assert calls == [1]


def test_store_failed_migration_leaves_old_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitroom.store import _migrations

    path = tmp_path / "broken.db"
    Store(path).close()

    def broken(connection: Connection) -> None:
        connection.execute(text("CREATE TABLE half_done (x TEXT)"))
        raise RuntimeError("migration bug")

    upgraded = (*_migrations.MIGRATIONS, _migrations.Migration(2, "broken", broken))
    monkeypatch.setattr(_migrations, "MIGRATIONS", upgraded)
    monkeypatch.setattr(_migrations, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT MAX(version) FROM schema_version").fetchone() == (1,)
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables


def test_store_two_handles_on_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    first, second = Store(path), Store(str(path))
    doc, result = make_pair()
    assert first.add(doc, result) is True
    assert second.add(doc, result) is False
    assert second.stats()["documents"] == 1


@pytest.mark.parametrize("url", [":memory:", "sqlite://", "sqlite:///:memory:"])
def test_store_memory_spellings(url: str) -> None:
    store = Store(url)
    assert store.add(*make_pair()) and store.name == ":memory:"
