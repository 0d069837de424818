"""SQL injection through every query parameter of every API route, the search and the ids.

The routes and their parameters are read from the app's own OpenAPI schema, so a filter added
later is attacked too. For each hostile value: no 500, no rows that a harmless non-matching
value would not return, and the database file's content is unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from sitroom.api import Settings, create_app
from sitroom.store import Store
from tests.api.conftest import TOKEN, Client, FakePipeline, fill

PAYLOADS = (
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE documents; --",
    "x'); DELETE FROM events; --",
    "1 UNION SELECT id, text, 1, 1 FROM documents --",
    "%' OR title LIKE '%",
    "%",
    "_",
    "\\' OR 1 --",
    "' || (SELECT sqlite_version()) || '",
    "1; ATTACH DATABASE '/tmp/pwn.db' AS pwn; --",
    "'/**/OR/**/1=1--",
    "\u02bc OR \u02bc1\u02bc=\u02bc1",  # a look-alike apostrophe
    "ａ' ＯＲ '1'='1",
)
SEARCH_PAYLOADS = (
    *PAYLOADS,
    'zzq" OR "',
    "zzq OR NOT zzq",
    "zzq*",
    "NEAR(zzq qqz)",
    "title:zzq",
    "{title text}: zzq",
    "^zzq",
    '"unterminated',
    "zzq AND (",
)


def _digest(path: Path) -> str:
    """A hash of every row of every table (the file itself may be touched by readers)."""
    with sqlite3.connect(path) as connection:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqli") / "target.db"
    with Store(path) as store:
        fill(store)
    return path


@pytest.fixture(scope="module")
def client(database: Path):
    store = Store(database)
    yield Client(create_app(store, Settings()), raise_bugs=False)
    store.close()


def _list_routes(client: Client) -> list[tuple[str, list[tuple[str, bool]]]]:
    """Every GET route without path parameters: its query parameters, and which are free text.

    A parameter the schema constrains (enum, pattern, number) is refused by validation before
    any query runs, so a few payloads prove it; free text gets every payload.
    """
    schema = client.get("/openapi.json").json()
    routes = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or "{" in path:
            continue
        params = []
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            shapes = parameter.get("schema", {}).get("anyOf", [parameter.get("schema", {})])
            free = any(
                s.get("type") == "string" and "pattern" not in s and "enum" not in s for s in shapes
            )
            params.append((parameter["name"], free))
        routes.append((path, params))
    return routes


def _rows(path: str, response) -> list:
    """The rows a list, export or GeoJSON response holds."""
    if path.endswith(".csv"):
        return response.text.splitlines()[1:]
    if path.endswith(".jsonl"):
        return response.text.splitlines()
    if "json" not in response.headers.get("content-type", ""):
        return []  # an HTML page (the dashboard): its escaping is the browser tests' job
    body = response.json()
    if isinstance(body, list):
        return body
    if "features" in body or "items" in body:
        return body.get("features", body.get("items"))
    return []  # a summary object (/stats): it has no rows a filter could add to


def test_every_filter_of_every_route_refuses_or_matches_nothing(
    client: Client, database: Path
) -> None:
    before = _digest(database)
    routes = _list_routes(client)
    attacked = 0
    for path, params in routes:
        for name, free_text in params:
            for payload in PAYLOADS if free_text else PAYLOADS[:4]:
                params = {name: payload}
                if path == "/search" and name != "q":
                    params["q"] = "zzq"
                response = client.get(path, params=params)
                attacked += 1
                where = f"GET {path}?{name}={payload!r}"
                assert response.status_code in (200, 400, 422), f"{where}: {response.text}"
                if response.status_code == 200:
                    assert _rows(path, response) == [], f"{where} returned rows"
    assert attacked > 300 and len(routes) >= 15  # the schema really was walked
    assert _digest(database) == before


@pytest.mark.parametrize("query", SEARCH_PAYLOADS)
def test_search_query_injection_is_harmless(client: Client, database: Path, query: str) -> None:
    before = _digest(database)
    response = client.get("/search", params={"q": query})
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code == 200:
        # No payload holds a word of the stored texts except "OR"-style syntax, so any hit
        # would mean the query escaped into SQL or FTS syntax with a wildcard.
        assert response.json()["items"] == [], query
    assert _digest(database) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ids_in_paths_are_not_sql(client: Client, payload: str) -> None:
    value = quote(payload, safe="")
    for path in (
        f"/documents/{value}",
        f"/documents/{value}/result",
        f"/events/{value}/v1",
        f"/statements/d0/{value}",
        f"/places/{value}/{value}",
    ):
        assert client.get(path).status_code in (404, 422), path


@pytest.mark.parametrize(
    ("forged", "status"),
    [
        (["events", "2023-05-01' OR 1=1 --", "d1", 1], 400),  # wrong key length
        (["events", "x", "y", "1; DROP TABLE events"], 400),  # not an integer
        (["statements", 1, 2, 3], 400),
        # Well-formed, hostile strings: bound as values, so simply a position past every row.
        (["documents", "' OR '1'='1", "x"], 200),
    ],
)
def test_forged_cursors_are_refused_or_bound_as_values(
    client: Client, forged: list, status: int
) -> None:
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    response = client.get(f"/{forged[0]}", params={"cursor": cursor})
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["items"] == []


def test_hostile_text_is_stored_literally_and_touches_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "write.db"
    with Store(path) as store:
        fill(store, 3)
    before = {
        table: rows
        for table, rows in _table_counts(path).items()
        if table in ("documents", "events", "statements")
    }
    store = Store(path)
    writer = Client(
        create_app(store, Settings(token=TOKEN, pipeline=FakePipeline)),
        headers={"Authorization": f"Bearer {TOKEN}"},
        raise_bugs=False,
    )
    title = "Robert'); DROP TABLE documents; --"
    text = f'The clerk wrote "{PAYLOADS[3]}" on the board, officials said.'
    response = writer.post("/documents", json={"text": text, "title": title, "source": "%"})
    assert response.status_code == 201, response.text
    stored = writer.get(f"/documents/{response.json()['document_id']}").json()
    assert (stored["title"], stored["source"], stored["text"]) == (title, "%", text)
    store.close()
    after = _table_counts(path)
    assert after["documents"] == before["documents"] + 1
    assert after["events"] == before["events"]
    assert after["statements"] == before["statements"] + 1  # the fake pipeline's one quote


def _table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
