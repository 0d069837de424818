"""The write endpoint's token, the server's default bind address, and the security headers on
every kind of response (success, client error, server error, streamed export)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sitroom.api import DEFAULT_HOST, Settings, create_app
from sitroom.api._deps import get_store
from sitroom.cli import app as cli_app
from sitroom.store import Store
from tests.api.conftest import TOKEN, Client, FakePipeline, fill

BODY = {"text": "Officials said the bridge reopened on Friday after repairs.", "title": "Bridge"}


@pytest.fixture
def store() -> Store:
    store = Store.memory()
    fill(store, 3)
    return store


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": TOKEN}, 401),
        ({"X-Token": TOKEN}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": f"Bearer {TOKEN.upper()}"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
        ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 403),
        ({"Authorization": f"Bearer {TOKEN} {TOKEN}"}, 403),
    ],
)
def test_write_without_the_right_token_is_refused_and_stores_nothing(
    store: Store, headers: dict[str, str], status: int
) -> None:
    fake = FakePipeline()
    client = Client(create_app(store, Settings(token=TOKEN, pipeline=lambda: fake)), headers)
    before = client.get("/stats").json()
    response = client.post("/documents", json=BODY)
    assert response.status_code == status, response.text
    assert response.json()["error"] and response.json()["detail"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/stats").json() == before and fake.calls == 0


def test_token_in_the_query_string_is_not_accepted(store: Store) -> None:
    client = Client(create_app(store, Settings(token=TOKEN, pipeline=FakePipeline)))
    assert client.post(f"/documents?token={TOKEN}", json=BODY).status_code == 401
    assert client.post(f"/documents?access_token={TOKEN}", json=BODY).status_code == 401


def test_server_without_a_token_refuses_every_write(store: Store) -> None:
    client = Client(create_app(store, Settings(pipeline=FakePipeline)))
    for token in (TOKEN, "", "None", "null"):
        response = client.post(
            "/documents", json=BODY, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code in (401, 403), token
    assert (
        "writes are disabled"
        in client.post(
            "/documents", json=BODY, headers={"Authorization": f"Bearer {TOKEN}"}
        ).json()["detail"]
    )


def test_right_token_writes_and_reads_stay_open(store: Store) -> None:
    client = Client(
        create_app(store, Settings(token=TOKEN, pipeline=FakePipeline)),
        {"Authorization": f"Bearer {TOKEN}"},
    )
    assert client.post("/documents", json=BODY).status_code == 201
    anonymous = Client(client.app)
    assert anonymous.get("/documents").status_code == 200


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_no_other_write_method_exists(store: Store, method: str) -> None:
    client = Client(create_app(store, Settings(token=TOKEN)), {"Authorization": f"Bearer {TOKEN}"})
    for path in ("/documents", "/documents/d0000000000000000", "/events", "/stats"):
        assert client.request(method, path).status_code in (404, 405), (method, path)


def test_serve_binds_loopback_unless_told_otherwise() -> None:
    assert DEFAULT_HOST == "127.0.0.1"
    help_text = CliRunner().invoke(cli_app, ["serve", "--help"]).stdout
    assert "127.0.0.1" in help_text
    # The subprocess test in test_server_load.py checks the socket really bound there.


# --- security headers ------------------------------------------------------------------------


def _assert_security_headers(response, what: str) -> None:
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", what
    csp = headers.get("content-security-policy", "")
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    script = directives.get("script-src", directives.get("default-src", ""))
    assert script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, what
    assert "*" not in script.split() and "data:" not in script, what
    assert directives.get("object-src") == "'none'", what
    assert directives.get("frame-ancestors") == "'none'", what


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/documents", {}, 200),
        ("GET", "/events.csv", {}, 200),
        ("GET", "/places.jsonl", {}, 200),
        ("GET", "/places.geojson", {}, 200),
        ("GET", "/openapi.json", {}, 200),
        ("GET", "/events?cursor=not-a-cursor", {}, 400),
        ("GET", "/documents/dffffffffffffffff", {}, 404),
        ("GET", "/no/such/path", {}, 404),
        ("DELETE", "/documents", {}, 405),
        ("GET", "/events?limit=0", {}, 422),
        ("POST", "/documents", {"json": BODY}, 401),
        ("POST", "/documents", {"json": BODY, "headers": {"Authorization": "Bearer x"}}, 403),
        (
            "POST",
            "/documents",
            {"content": b"{not json", "headers": {"Authorization": f"Bearer {TOKEN}"}},
            422,
        ),
        (
            "POST",
            "/documents",
            {"json": BODY, "headers": {"Authorization": f"Bearer {TOKEN}"}},
            201,
        ),
        ("HEAD", "/documents", {}, 405),
        ("OPTIONS", "/documents", {}, 405),
    ],
)
def test_security_headers_on_every_kind_of_response(
    store: Store, method: str, path: str, kwargs: dict, status: int
) -> None:
    client = Client(create_app(store, Settings(token=TOKEN, pipeline=FakePipeline)))
    response = client.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    _assert_security_headers(response, f"{method} {path}")


class _BrokenStore:
    """A store whose every read fails with a bug (not a database error): a 500."""

    name = "broken"

    @property
    def engine(self):
        raise RuntimeError("simulated bug")

    def __getattr__(self, name: str):
        raise RuntimeError("simulated bug")


def test_internal_errors_are_500_without_details() -> None:
    app = create_app(Store.memory(), Settings())
    app.dependency_overrides[get_store] = _BrokenStore
    response = Client(app, raise_bugs=False).get("/events")
    assert response.status_code == 500
    assert "simulated bug" not in response.text and "Traceback" not in response.text


def test_security_headers_on_a_500() -> None:
    app = create_app(Store.memory(), Settings())
    app.dependency_overrides[get_store] = _BrokenStore
    response = Client(app, raise_bugs=False).get("/events")
    assert response.status_code == 500
    _assert_security_headers(response, "500")
