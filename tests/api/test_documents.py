"""Documents: list, detail and result; POST /documents with its bearer token."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from sitroom.api import Settings, create_app
from sitroom.model import DocumentResult
from sitroom.store import Store
from tests.api.conftest import N_DOCUMENTS, TOKEN, Client, FakePipeline, make_pair

ARTICLE = (
    'HALDOR — The river ferry resumed service on Monday, the port captain said. "We are sailing'
    ' again," Captain Brin Ostago told reporters in Haldor.'
)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_documents_list_newest_first_and_walks_once(client: Client) -> None:
    seen, cursor = [], None
    while True:
        params = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = client.get("/documents", params=params).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len({d["id"] for d in seen}) == N_DOCUMENTS
    dates = [d["published"] for d in seen]
    assert dates == sorted(dates, reverse=True)
    assert "text" not in seen[0] and seen[0]["events"] == 2


def test_documents_list_filters(client: Client) -> None:
    page = client.get("/documents", params={"source": "harbour", "since": "2023-05-20"}).json()
    assert page["items"]
    assert all(
        d["source"] == "Harbour Wire" and d["published"] >= "2023-05-20" for d in page["items"]
    )
    assert client.get("/documents", params={"status": "flagged"}).json()["items"] == []
    assert client.get("/documents", params={"status": "lost"}).status_code == 422


def test_documents_detail_has_text_and_counts(client: Client) -> None:
    doc, result = make_pair(3)
    body = client.get(f"/documents/{doc.id}").json()
    assert body["text"] == doc.text and body["title"] == doc.title
    assert body["statements"] == len(result.statements)


def test_documents_result_round_trips_the_contract(client: Client) -> None:
    doc, result = make_pair(5)
    response = client.get(f"/documents/{doc.id}/result")
    assert response.status_code == 200
    assert DocumentResult.model_validate(response.json()) == result
    assert response.json()["schema"] == "sitroom/1"


@pytest.mark.parametrize("path", ["/documents/dmissing", "/documents/dmissing/result"])
def test_documents_unknown_is_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "dmissing" in response.json()["detail"]


# --- writing ---------------------------------------------------------------------------------


def test_post_without_token_is_401(write_app: FastAPI) -> None:
    response = Client(write_app).post("/documents", json={"text": ARTICLE})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer wrong", f"Bearer {TOKEN}x", f"Basic {TOKEN}", f"bearer {TOKEN[:-1]}"]
)
def test_post_with_wrong_token_is_refused(write_app: FastAPI, header: str) -> None:
    response = Client(write_app).post(
        "/documents", json={"text": ARTICLE}, headers={"Authorization": header}
    )
    assert response.status_code in (401, 403)
    assert Client(write_app).get("/stats").json()["documents"] == 0


def test_post_without_configured_token_refuses_writes() -> None:
    app = create_app(Store.memory(), Settings(pipeline=FakePipeline))
    response = Client(app).post("/documents", json={"text": ARTICLE}, headers=AUTH)
    assert response.status_code == 403
    assert "SITROOM_TOKEN" in response.json()["detail"]


def test_post_stores_then_reports_duplicate(
    write_app: FastAPI, fake_pipeline: FakePipeline
) -> None:
    client = Client(write_app, headers=AUTH)
    body = {
        "text": ARTICLE,
        "title": "Ferry back",
        "source": "River Desk",
        "published": "2024-03-04",
    }
    first = client.post("/documents", json=body)
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["status"] == "stored" and created["counts"]["statements"] == 1
    stored = client.get(f"/documents/{created['document_id']}").json()
    assert (stored["title"], stored["source"], stored["published"]) == (
        "Ferry back",
        "River Desk",
        "2024-03-04",
    )
    assert client.get("/statements").json()["items"][0]["text"] == "We are sailing again,"
    again = client.post("/documents", json=body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert fake_pipeline.calls == 1


def test_post_non_english_is_stored_flagged_not_analysed(
    write_app: FastAPI, fake_pipeline: FakePipeline
) -> None:
    text = (
        "Le traversier a repris son service lundi, a déclaré le capitaine du port. Nous naviguons"
        " de nouveau, a dit le capitaine aux journalistes, où les habitants attendaient depuis"
        " des semaines."
    )
    client = Client(write_app, headers=AUTH)
    response = client.post("/documents", json={"text": text})
    assert response.status_code == 201
    assert response.json()["status"] == "flagged" and "'fr'" in response.json()["message"]
    assert fake_pipeline.calls == 0
    listed = client.get("/documents", params={"status": "flagged"}).json()["items"]
    assert [d["id"] for d in listed] == [response.json()["document_id"]]


def test_post_builds_the_pipeline_once(write_app: FastAPI) -> None:
    built: list[FakePipeline] = []

    def factory() -> FakePipeline:
        built.append(FakePipeline())
        return built[-1]

    app = create_app(Store.memory(), Settings(token=TOKEN, pipeline=factory))
    client = Client(app, headers=AUTH)
    assert built == []  # nothing loaded before the first write
    for n in range(3):
        assert client.post("/documents", json={"text": f"{ARTICLE} ({n})"}).status_code == 201
    assert len(built) == 1 and built[0].calls == 3


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"url": "https://example.invalid/a"}, 501, "not implemented"),
        ({}, 400, "'text'"),
        ({"text": "   "}, 400, "empty"),
        ({"text": ARTICLE, "published": "someday"}, 400, "published"),
        ({"text": ARTICLE, "colour": "red"}, 422, "colour"),
        ({"text": 7}, 422, "text"),
    ],
)
def test_post_bad_bodies_are_clear_errors(
    write_app: FastAPI, body: dict[str, object], status: int, words: str
) -> None:
    response = Client(write_app, headers=AUTH).post("/documents", json=body)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_post_not_json_is_422(write_app: FastAPI) -> None:
    response = Client(write_app, headers=AUTH).post(
        "/documents", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


def test_post_too_long_text_is_400(fake_pipeline: FakePipeline) -> None:
    app = create_app(
        Store.memory(), Settings(token=TOKEN, pipeline=lambda: fake_pipeline, max_chars=50)
    )
    response = Client(app, headers=AUTH).post("/documents", json={"text": ARTICLE})
    assert response.status_code == 400 and "limit" in response.json()["detail"]
    assert fake_pipeline.calls == 0


def test_post_with_real_pipeline_extracts(pipeline: object) -> None:
    app = create_app(Store.memory(), Settings(token=TOKEN, pipeline=lambda: pipeline))
    client = Client(app, headers=AUTH)
    response = client.post("/documents", json={"text": ARTICLE, "published": "2024-03-04"})
    assert response.status_code == 201, response.text
    doc_id = response.json()["document_id"]
    result = DocumentResult.model_validate(client.get(f"/documents/{doc_id}/result").json())
    assert result.entities, "the real pipeline finds named entities"
    assert response.json()["counts"]["entities"] == len(result.entities)
    assert any("sailing" in s.text for s in result.statements)
