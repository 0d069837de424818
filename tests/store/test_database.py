"""Opening databases: files reopened, engines, Alembic migrations and clear errors.

Tests taking ``store_url`` run on a new SQLite file and a new PostgreSQL database.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text

from sitroom.errors import SchemaTooNew, StoreError
from sitroom.model import Document, DocumentResult, Mention, Statement
from sitroom.store import SCHEMA_VERSION, Store, _alembic, _migrations
from sitroom.store._alembic import VERSION_TABLE, revision_id
from sitroom.web import free_port
from tests._postgres import PostgresServer

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


def test_store_accepts_an_engine(store_url: str) -> None:
    engine = create_engine(store_url)
    store = Store(engine)
    doc, result = make_pair(BODY)
    assert store.add(doc, result) and store.stats()["documents"] == 1
    store.close()


def test_store_reopened_on_each_backend(store_url: str) -> None:
    doc, result = make_pair(BODY)
    with Store(store_url) as store:
        assert store.add(doc, result) and store.schema_version == SCHEMA_VERSION
    with Store(store_url) as reopened:
        assert reopened.result(doc.id) == result
        assert reopened.add(doc, result) is False
        assert reopened.search("noon")[0]["document_id"] == doc.id


def test_store_schema_too_new(store_url: str) -> None:
    Store(store_url).close()
    with create_engine(store_url).begin() as connection:
        connection.execute(
            text("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'x', 'now')")
        )
    with pytest.raises(SchemaTooNew, match=f"schema version 99, newer than the {SCHEMA_VERSION}"):
        Store(store_url)


def test_store_refuses_foreign_database(store_url: str) -> None:
    with create_engine(store_url).begin() as connection:
        connection.execute(text("CREATE TABLE documents (name TEXT)"))
    with pytest.raises(StoreError, match="not created by Sitroom"):
        Store(store_url)


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


def test_store_postgresql_errors_are_clear(postgres_server: PostgresServer) -> None:
    missing = postgres_server.url("no_such_database")
    with pytest.raises(StoreError, match='database "no_such_database" does not exist; create it'):
        Store(missing)
    closed = f"postgresql://sitroom:secret@127.0.0.1:{free_port()}/sitroom"
    with pytest.raises(StoreError, match="is the PostgreSQL server running") as raised:
        Store(closed)
    assert "secret" not in str(raised.value)  # the URL is named without its password


def test_store_libpq_urls_use_psycopg(postgres_server: PostgresServer) -> None:
    with postgres_server.database() as url:
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with Store(plain) as store:
            assert store.engine.dialect.driver == "psycopg"
            assert store.add(*make_pair())


def test_store_records_schema_version(store_url: str) -> None:
    Store(store_url).close()
    Store(store_url).close()  # reopening applies nothing twice
    with create_engine(store_url).connect() as connection:
        rows = connection.execute(text("SELECT version, name FROM schema_version")).all()
        head = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    assert sorted(rows) == [(m.version, m.name) for m in _migrations.MIGRATIONS]
    assert head == revision_id(SCHEMA_VERSION)


def test_store_revision_files_match_migrations() -> None:
    script = _alembic.script_directory()
    _alembic.check_revisions(script)  # raises when a migration has no revision file
    for revision in script.walk_revisions():
        source = Path(revision.path).read_text(encoding="utf-8")
        assert "apply_revision(revision)" in source and len(source.splitlines()) < 20


def test_store_missing_revision_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = _migrations.Migration(SCHEMA_VERSION + 1, "notes", lambda connection: None)
    monkeypatch.setattr(_migrations, "MIGRATIONS", (*_migrations.MIGRATIONS, extra))
    wanted = revision_id(SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match=f"no revision file for {wanted}"):
        _alembic.check_revisions(_alembic.script_directory())


def add_revision(
    monkeypatch: pytest.MonkeyPatch, folder: Path, apply: Callable[[Connection], None]
) -> int:
    """Add migration SCHEMA_VERSION + 1 and its revision file, as docs/postgres.md says."""
    version = SCHEMA_VERSION + 1
    (folder / f"{revision_id(version)}_analyst_notes.py").write_text(
        f'"""Analyst notes."""\n\nfrom sitroom.store._alembic import apply_revision\n\n'
        f"revision = {revision_id(version)!r}\ndown_revision = {revision_id(SCHEMA_VERSION)!r}\n"
        "\n\ndef upgrade() -> None:\n    apply_revision(revision)\n",
        encoding="utf-8",
    )
    config = _alembic.alembic_config()
    shipped = Path(_alembic.script_directory().versions)
    config.set_main_option("version_locations", os.pathsep.join((str(shipped), str(folder))))
    script = ScriptDirectory.from_config(config)
    upgraded = (*_migrations.MIGRATIONS, _migrations.Migration(version, "analyst notes", apply))
    monkeypatch.setattr(_migrations, "MIGRATIONS", upgraded)
    monkeypatch.setattr(_migrations, "SCHEMA_VERSION", version)
    monkeypatch.setattr(_alembic, "script_directory", lambda: script)
    return version


def test_store_applies_new_migrations_once(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, result = make_pair()
    with Store(store_url) as store:
        store.add(doc, result)
    calls: list[int] = []

    def add_notes(connection: Connection) -> None:
        calls.append(1)
        connection.execute(text("CREATE TABLE analyst_notes (document_id TEXT, note TEXT)"))

    version = add_revision(monkeypatch, tmp_path, add_notes)
    for _ in range(2):
        with Store(store_url) as store:
            assert store.schema_version == version and store.result(doc.id) == result
    assert calls == [1]
    with create_engine(store_url).connect() as connection:
        head = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    assert head == revision_id(version)


def test_store_failed_migration_leaves_old_schema(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store(store_url).close()

    def broken(connection: Connection) -> None:
        connection.execute(text("CREATE TABLE half_done (x TEXT)"))
        raise RuntimeError("migration bug")

    add_revision(monkeypatch, tmp_path, broken)
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(store_url)
    engine = create_engine(store_url)
    with engine.connect() as connection:
        newest = connection.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
        head = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    assert (newest, head) == (SCHEMA_VERSION, revision_id(SCHEMA_VERSION))
    assert "half_done" not in inspect(engine).get_table_names()
    engine.dispose()


def test_store_upgrades_a_database_made_before_alembic(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The home-made runner recorded schema_version only: no Alembic version table.
    Store(store_url).close()
    with create_engine(store_url).begin() as connection:
        connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))
    notes: list[int] = []
    version = add_revision(monkeypatch, tmp_path, lambda connection: notes.append(1))
    with Store(store_url) as store:  # stamps the recorded version, then applies only the new one
        assert store.schema_version == version
    assert notes == [1]


def test_store_concurrent_first_opens_migrate_once(store_url: str) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        stores = list(pool.map(lambda _: Store(store_url), range(3)))
    for store in stores:
        assert store.schema_version == SCHEMA_VERSION
        store.close()
    with create_engine(store_url).connect() as connection:
        versions = connection.execute(text("SELECT version FROM schema_version")).scalars().all()
    assert sorted(versions) == [m.version for m in _migrations.MIGRATIONS]


def test_store_two_handles_on_one_database(store_url: str) -> None:
    first, second = Store(store_url), Store(store_url)
    doc, result = make_pair()
    assert first.add(doc, result) is True
    assert second.add(doc, result) is False
    assert second.stats()["documents"] == 1
    first.close()
    second.close()


def test_store_nul_in_text(store: Store, backend: str) -> None:
    doc, result = make_pair(BODY + " \x00")
    if backend == "sqlite":
        assert store.add(doc, result) and store.result(doc.id) == result
        return
    with pytest.raises(StoreError, match=r"NUL.*remove NUL characters"):
        store.add(doc, result)
    assert store.stats()["documents"] == 0
    assert store.statements(speaker="\x00") == [] and store.search("\x00") == []


@pytest.mark.parametrize("url", [":memory:", "sqlite://", "sqlite:///:memory:"])
def test_store_memory_spellings(url: str) -> None:
    store = Store(url)
    assert store.add(*make_pair()) and store.name == ":memory:"


def test_store_read_only_postgresql_user_reads(postgres_server: PostgresServer) -> None:
    with postgres_server.database() as url:
        with Store(url) as store:
            store.add(*make_pair())
        with create_engine(url).begin() as connection:
            for statement in (
                "DROP ROLE IF EXISTS reader",
                "CREATE ROLE reader LOGIN",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader",
            ):
                connection.exec_driver_sql(statement)
        reader_url = url.replace("//sitroom@", "//reader@")
        try:
            with Store(reader_url) as store:  # up to date: opening writes nothing
                assert store.stats()["documents"] == 1 and store.search("noon")
                with pytest.raises(StoreError, match=r"permission denied.*grant the user"):
                    store.add(*make_pair(BODY + " Later."))
        finally:
            with create_engine(url).begin() as connection:
                connection.exec_driver_sql("DROP OWNED BY reader")
                connection.exec_driver_sql("DROP ROLE reader")


def test_store_in_its_own_postgresql_schema(postgres_server: PostgresServer) -> None:
    with postgres_server.database(migrated=False) as url:
        with create_engine(url).begin() as connection:
            connection.exec_driver_sql("CREATE SCHEMA newsroom")
        with Store(f"{url}?options=-csearch_path%3Dnewsroom") as store:
            store.add(*make_pair())
            assert store.search("noon")[0]["kind"] in ("document", "statement")
        with create_engine(url).connect() as connection:
            assert "documents" in inspect(connection).get_table_names(schema="newsroom")
            assert "documents" not in inspect(connection).get_table_names(schema="public")


def test_store_many_concurrent_first_opens_of_a_new_sqlite_file(tmp_path: Path) -> None:
    # Switching a brand-new file to WAL fails at once ("database is locked") while another
    # connection creates it; without waiting, about one round in ten failed.
    for round_ in range(15):
        url = str(tmp_path / f"new-{round_}.db")
        with ThreadPoolExecutor(max_workers=6) as pool:
            stores = list(pool.map(Store, [url] * 6))
        assert {store.schema_version for store in stores} == {SCHEMA_VERSION}
        for store in stores:
            store.close()
