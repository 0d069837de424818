"""Security headers, hostile inputs, CSV formulas, search, and the package's public names."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

import sitroom.api
from sitroom.api import Settings, create_app
from sitroom.model import Document, DocumentResult, Statement
from sitroom.store import Store
from tests.api.conftest import Client

HOSTILE = (
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "%",
    "_",
    "\\",
    "1) UNION SELECT sql FROM sqlite_master --",
    "<script>alert(1)</script>",
    "NEAR(a b) OR title:* AND",
    "\u202e\u0000x",
    "ｓｅｌｅｃｔ",
)
TEXT_PARAMS = (
    ("/events", "claimed_by"),
    ("/events", "place"),
    ("/statements", "speaker"),
    ("/figures", "claimed_by"),
    ("/places", "name"),
    ("/entities", "name"),
    ("/documents", "source"),
    ("/documents", "language"),
)


@pytest.mark.parametrize(
    "path",
    ["/events", "/events.csv", "/places.geojson", "/nowhere", "/events?limit=0", "/openapi.json"],
)
def test_security_headers_on_every_response(client: Client, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(("path", "param"), TEXT_PARAMS)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_filters_match_nothing(
    client: Client, path: str, param: str, value: str
) -> None:
    response = client.get(path, params={param: value})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_search_and_ids_are_harmless(client: Client, value: str) -> None:
    before = client.get("/stats").json()
    assert client.get("/search", params={"q": value}).status_code == 200
    assert client.get(f"/events/{quote(value, safe='')}/v1").status_code in (404, 422)
    assert client.get(f"/documents/{quote(value, safe='')}").status_code in (404, 422)
    assert client.get("/stats").json() == before


def test_search_finds_statements_and_documents(client: Client) -> None:
    body = client.get("/search", params={"q": "road Velmora"}).json()
    kinds = {hit["kind"] for hit in body["items"]}
    assert body["query"] == "road Velmora" and "statement" in kinds
    assert all("Velmora" in hit["snippet"] for hit in body["items"])
    assert client.get("/search", params={"q": "zzqxj"}).json()["items"] == []


@pytest.mark.parametrize("query", [{"q": ""}, {}, {"q": "a", "limit": 0}, {"q": "x" * 501}])
def test_search_bad_queries_are_422(client: Client, query: dict[str, object]) -> None:
    response = client.get("/search", params=query)
    assert response.status_code == 422
    assert response.json()["error"] and response.json()["detail"]


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    text = 'The clerk wrote "=HYPERLINK(1)" on the board.'
    doc = Document(text=text, title="@risk", source="+Desk")
    formula = "=HYPERLINK(1)"
    start = text.index(formula)
    result = DocumentResult(
        document=doc.info(),
        statements=[
            Statement(id="s1", kind="direct", text=formula, start=start, end=start + len(formula))
        ],
    )
    store = Store.memory()
    store.add(doc, result)
    client = Client(create_app(store, Settings()))
    row = next(csv.DictReader(io.StringIO(client.get("/statements.csv").text)))
    assert (row["text"], row["title"], row["source"]) == ("'=HYPERLINK(1)", "'@risk", "'+Desk")
    assert client.get("/statements.jsonl").json()["text"] == formula  # JSON keeps the value


def test_stats_counts(client: Client) -> None:
    stats = client.get("/stats").json()
    assert stats["documents"] == 23 and stats["events"] == 46


def test_openapi_documents_every_parameter_and_response(client: Client) -> None:
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{method} {path} {parameter['name']}"
            assert "200" in operation["responses"] or "201" in operation["responses"]
            assert "422" in operation["responses"], f"{method} {path}"
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_api_all_is_complete() -> None:
    # The order (constants, classes, functions) is checked by ruff's RUF022.
    public = {n for n in dir(sitroom.api) if not n.startswith("_") and n.isidentifier()}
    modules = {"annotations"}
    assert set(sitroom.api.__all__) == {
        n for n in public - modules if not isinstance(getattr(sitroom.api, n), type(sitroom))
    }
