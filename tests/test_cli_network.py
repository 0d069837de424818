"""``sitroom ingest URL`` and ``sitroom watch`` against a local server on 127.0.0.1 only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from sitroom.cli import app
from tests.ingest._server import LocalServer, Route, start_server

HTML = (
    "<html><head><title>{title}</title>"
    '<meta property="article:published_time" content="2025-06-03T08:00:00Z"></head>'
    "<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
)
BODIES = {
    "/a1": "Shelling hit the port district of Odesa on Monday, the regional governor said, "
    "and rescue teams worked through the night to clear the rubble.",
    "/a2": "Talks on a prisoner exchange resumed in Istanbul on Tuesday, officials said, "
    "with both delegations reporting progress on a list of names.",
}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    state, stop = start_server()
    html = {"Content-Type": "text/html; charset=utf-8"}
    for path, body in BODIES.items():
        page = HTML.format(title=f"Report {path}", body=body).encode()
        state.routes[path] = Route(page, headers=html)
    items = "".join(
        f"<item><title>Report {p}</title><link>{state.url(p)}</link><guid>{p}</guid></item>"
        for p in BODIES
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )
    state.routes["/feed.xml"] = Route(
        feed.encode(), headers={"Content-Type": "application/rss+xml"}
    )
    yield state
    stop()


def _documents(runner: CliRunner, db: str) -> list[dict]:
    return json.loads(runner.invoke(app, ["documents", "--db", db, "--format", "json"]).stdout)


def test_cli_ingest_url_refuses_loopback_by_default(server: LocalServer, tmp_path) -> None:
    runner, db = CliRunner(), str(tmp_path / "x.db")
    refused = runner.invoke(app, ["ingest", server.url("/a1"), "--db", db])
    assert refused.exit_code == 1
    assert "127.0.0.1" in refused.stderr and "--allow-private" not in refused.stdout
    allowed = runner.invoke(app, ["ingest", server.url("/a1"), "--db", db, "--allow-private"])
    assert allowed.exit_code == 0, allowed.stderr
    [document] = _documents(runner, db)
    assert document["title"] == "Report /a1"
    assert document["published"].startswith("2025-06-03")


def test_cli_watch_once_ingests_new_items_then_nothing(server: LocalServer, tmp_path) -> None:
    runner, db = CliRunner(), str(tmp_path / "w.db")
    args = ["watch", server.url("/feed.xml"), "--db", db, "--once", "--allow-private"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert len(_documents(runner, db)) == 2
    assert (tmp_path / "w.db.watch.json").exists()
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "stored:" not in second.stderr
    assert len(_documents(runner, db)) == 2
