"""The app factory: independent apps, the catch-all 500, and ``serve``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

import sitroom.api
from sitroom.api import DEFAULT_HOST, DEFAULT_PORT, Settings, create_app, serve
from sitroom.store import Store
from tests.api.conftest import Client, fill


def test_create_app_apps_are_independent() -> None:
    full, empty = Store.memory(), Store.memory()
    fill(full, 2)
    assert Client(create_app(full)).get("/stats").json()["documents"] == 2
    assert Client(create_app(empty)).get("/stats").json()["documents"] == 0


def test_create_app_store_can_be_overridden() -> None:
    other = Store.memory()
    fill(other, 3)
    app = create_app(Store.memory())
    app.dependency_overrides[sitroom.api.get_store] = lambda: other
    assert len(Client(app).get("/documents").json()["items"]) == 3


def test_unexpected_error_is_logged_json_500(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Store.memory())

    def broken() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/broken", broken)
    with caplog.at_level(logging.ERROR, logger="sitroom.api"):
        response = Client(app, raise_bugs=False).get("/broken")
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal server error",
        "detail": "an internal error occurred; it has been logged",
    }
    assert "secret" not in response.text
    assert any("GET /broken" in r.getMessage() for r in caplog.records)


def test_database_error_is_503_naming_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "gone.db")
    app = create_app(store)
    store.engine.dispose()
    (tmp_path / "gone.db").write_bytes(b"not a database at all" * 100)
    response = Client(app).get("/events")
    assert response.status_code == 503
    assert "gone.db" in response.json()["detail"]


def test_serve_runs_uvicorn_on_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def run(app: Any, **options: Any) -> None:
        calls.append({"app": app, **options})
        assert Client(app).get("/stats").status_code == 200

    monkeypatch.setattr("uvicorn.run", run)
    serve(tmp_path / "served.db", token="s3cret")
    (call,) = calls
    assert (call["host"], call["port"]) == (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8000)
    assert call["app"].state.settings == Settings(token="s3cret", keepalive_requests=0)


def test_app_closes_a_connection_after_its_keepalive_requests() -> None:
    app = create_app(Store.memory(), Settings(keepalive_requests=3))
    client = Client(app)  # every request comes from the same client address and port
    said = [client.get("/events?limit=1").headers.get("connection") for _ in range(7)]
    assert said == [None, None, "close", None, None, "close", None]
    endless = Client(create_app(Store.memory(), Settings(keepalive_requests=0)))
    assert all("connection" not in endless.get("/stats").headers for _ in range(5))
