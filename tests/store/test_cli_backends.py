"""The ``sitroom`` commands open either backend from ``--db`` (a path or a URL) alike."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.store import Store
from tests.store.test_store import BODY, make_pair


def cli_url(store_url: str) -> str:
    """The URL as a user types it: libpq style for PostgreSQL, a plain path for SQLite."""
    return store_url.replace("postgresql+psycopg://", "postgresql://").removeprefix("sqlite:///")


def test_cli_reads_a_database_on_each_backend(store_url: str) -> None:
    doc, result = make_pair(BODY)
    with Store(store_url) as store:
        store.add(doc, result)
    runner, db = CliRunner(), cli_url(store_url)
    found = runner.invoke(app, ["search", "port stays", "--db", db, "--format", "json"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    assert {hit["kind"] for hit in hits} == {"document", "statement"}
    assert all(hit["document_id"] == doc.id for hit in hits)
    events = runner.invoke(app, ["events", "--db", db, "--format", "json"])
    assert [e["type"] for e in json.loads(events.stdout)] == ["ASSAULT"]
    report = runner.invoke(app, ["report", "--db", db])
    assert report.exit_code == 0 and "Raiders shelled Marlowe Bay" in report.stdout


def test_cli_names_an_unreachable_postgresql_server() -> None:
    from sitroom.web import free_port

    url = f"postgresql://reader:hunter2@127.0.0.1:{free_port()}/sitroom"
    done = CliRunner().invoke(app, ["documents", "--db", url])
    assert done.exit_code == 1
    assert "is the PostgreSQL server running" in done.output and "hunter2" not in done.output
