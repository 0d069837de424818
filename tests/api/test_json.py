"""JSON pages encoded straight from rows: the same bytes as the response models would give."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from sitroom.api._items import ROUTERS
from sitroom.api._json import page_body, projector
from sitroom.api._schemas import (
    EntityRow,
    EventRow,
    FigureRow,
    Page,
    PlaceRow,
    StatementRow,
)
from sitroom.store import Store
from sitroom.store._geo_query import ItemFilter, Near, page_items, reading
from tests.api.conftest import TOWNS, Client

ROW_MODELS: dict[str, type[BaseModel]] = {
    "events": EventRow,
    "statements": StatementRow,
    "figures": FigureRow,
    "places": PlaceRow,
    "entities": EntityRow,
}


def model_body(model: type[BaseModel], rows: list[dict[str, Any]], cursor: str | None) -> bytes:
    """What FastAPI sends for ``response_model=Page[model]``: the models' own JSON."""
    page = Page[model](  # type: ignore[valid-type]
        items=[model.model_validate(r) for r in rows], next_cursor=cursor, limit=len(rows) or 1
    )
    return page.model_dump_json().encode("utf-8")


def event_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "document_id": "d1",
        "id": "v1",
        "idx": 0,  # a store column the model ignores
        "type": "ASSAULT",
        "text": "Shells fell on the quay.",
        "published": "2024-03-02",
        "mentions": [{"start": 0, "end": 6, "text": "Shells"}],
    }
    return row | changes


@pytest.mark.parametrize("kind", sorted(ROW_MODELS))
def test_json_page_matches_model_bytes(filled_store: Store, kind: str) -> None:
    model = ROW_MODELS[kind]
    with reading(filled_store.engine, "test") as connection:
        rows, _ = page_items(connection, kind, ItemFilter(), limit=500)
    assert rows
    assert page_body(model, rows, "abc", len(rows)) == model_body(model, rows, "abc")


def test_json_near_page_matches_model_bytes(filled_store: Store) -> None:
    town = TOWNS[0]
    near = ItemFilter(near=Near(town.lat, town.lon, 60.0))
    with reading(filled_store.engine, "test") as connection:
        rows, _ = page_items(connection, "events", near, limit=500)
    assert rows and all(isinstance(r["distance_km"], float) for r in rows)
    assert page_body(EventRow, rows, None, len(rows)) == model_body(EventRow, rows, None)


@pytest.mark.parametrize("kind", sorted(ROW_MODELS))
def test_json_response_items_validate_as_row_model(client: Client, kind: str) -> None:
    model = ROW_MODELS[kind]
    response = client.get(f"/{kind}?limit=7")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    page = response.json()
    assert set(page) == {"items", "next_cursor", "limit"} and page["limit"] == 7
    for item in page["items"]:
        assert list(item) == list(model.model_fields)  # every field, in the model's order
        assert model.model_validate(item).model_dump(mode="json") == item


def test_json_projector_builds_for_every_list_route() -> None:
    # A model the projection cannot handle would silently send every page through the models.
    for router in ROUTERS:
        for route in router.routes:
            page_model = getattr(route, "response_model", None)
            if page_model is not None and page_model.__name__.startswith("Page["):
                item_model = page_model.model_fields["items"].annotation.__args__[0]
                assert callable(projector(item_model))


def test_json_whole_number_in_float_field_is_a_float() -> None:
    row = event_row(lat=48, lon=35, geo_lat=48, geo_lon=35, distance_km=0)
    body = page_body(EventRow, [row], None, 1)
    assert b'"lat":48.0' in body and b'"distance_km":0.0' in body
    assert body == model_body(EventRow, [row], None)


def test_json_missing_optional_fields_take_model_defaults() -> None:
    row = {"document_id": "d2", "id": "s1", "kind": "direct", "text": "We hold.", "start": 0}
    row["end"] = 8
    body = page_body(StatementRow, [row], None, 1)
    item = json.loads(body)["items"][0]
    assert item["stance"] == "assert" and item["speaker_type"] == "unknown"
    assert item["mentions"] == [] and item["title"] is None
    assert body == model_body(StatementRow, [row], None)


def test_json_missing_required_field_raises_the_model_error() -> None:
    row = event_row()
    del row["text"]
    with pytest.raises(ValidationError, match="text"):
        page_body(EventRow, [row], None, 1)


def test_json_unexpected_value_type_falls_back_to_the_model() -> None:
    row = event_row(lat="48.5")  # a driver handing back text: the model converts it
    body = page_body(EventRow, [row], None, 1)
    assert json.loads(body)["items"][0]["lat"] == 48.5
    assert body == model_body(EventRow, [row], None)


def test_json_empty_page() -> None:
    assert page_body(FigureRow, [], None, 50) == b'{"items":[],"next_cursor":null,"limit":50}'


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
numbers = st.one_of(st.none(), st.integers(-(10**15), 10**15), st.floats(allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(
    text=texts,
    unit=st.one_of(st.none(), texts),
    value=numbers,
    low=numbers,
    start=st.integers(0, 10**9),
)
def test_json_figure_bytes_match_model(
    text: str, unit: str | None, value: Any, low: Any, start: int
) -> None:
    row = {
        "document_id": "d9",
        "id": "f1",
        "metric": "killed",
        "value": value,
        "low": low,
        "unit": unit,
        "text": text,
        "start": start,
        "end": start + len(text),
        "title": text[:5],
    }
    assert page_body(FigureRow, [row], "c", 1) == model_body(FigureRow, [row], "c")
