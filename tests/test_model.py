"""The contract: models, closed vocabularies (checked against DESIGN.md) and the JSON Schema."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from pydantic import ValidationError

from sitroom import model
from tests.conftest import SHARED, require_path


def _design_vocabulary(label: str) -> set[str]:
    """The comma-separated words after ``label`` in DESIGN.md's vocabulary list."""
    text = require_path(SHARED / "DESIGN.md").read_text(encoding="utf-8")
    start = text.index(label) + len(label)
    chunk = re.split(r"\n- |;|\(|\n\n", text[start:], maxsplit=1)[0]
    return {w.strip(".") for w in re.split(r"[\s,]+", chunk.replace(":", " ")) if w.strip(".")}


@pytest.mark.parametrize(
    ("label", "enum"),
    [
        ("place `kind`:", model.PlaceKind),
        ("`stance`:", model.Stance),
        ("figure `metric`:", model.Metric),
        ("`qualifier`:", model.Qualifier),
    ],
)
def test_model_vocabularies_match_design(label: str, enum: type) -> None:
    assert {member.value for member in enum} == _design_vocabulary(label)


def test_model_event_types_match_design() -> None:
    words = _design_vocabulary("event `type` (PLOVER 2024):")
    words -= {"the", "older", "FIGHT", "folds", "into"}
    assert {t.value for t in model.EventType} == words | {"ASSAULT"}


def test_model_place_precision_matches_design() -> None:
    text = require_path(SHARED / "DESIGN.md").read_text(encoding="utf-8")
    found = re.search(r'"precision": ([a-z0-9|]+)', text)
    assert found is not None
    assert {p.value for p in model.PlacePrecision} == set(found.group(1).split("|"))


def test_model_result_serialises_with_schema_key() -> None:
    document = model.Document(text="Shelling resumed.", published="2022-02-25")
    data = json.loads(model.DocumentResult(document=document.info()).to_json())
    assert data["schema"] == "sitroom/1"
    assert set(data) == {
        "schema",
        "document",
        "entities",
        "places",
        "times",
        "statements",
        "events",
        "figures",
    }
    jsonschema.validate(data, model.json_schema())


def test_model_schema_rejects_unknown_vocabulary() -> None:
    document = model.Document(text="x").info().model_dump()
    bad = {
        "schema": "sitroom/1",
        "document": document,
        "figures": [{"id": "f1", "metric": "fatalities", "text": "x", "start": 0, "end": 1}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, model.json_schema())
    with pytest.raises(ValidationError):
        model.DocumentResult.model_validate(bad)


@pytest.mark.parametrize("value", ["2022-02-25", "2022-02-25T10:30:00+00:00", "2022-02-25T10:30Z"])
def test_model_timestamp_accepts_iso(value: str) -> None:
    assert model.Document(text="x", published=value).published == value


@pytest.mark.parametrize("value", ["25/02/2022", "yesterday", "2022-13-01", ""])
def test_model_timestamp_rejects_non_iso(value: str) -> None:
    with pytest.raises(ValidationError, match="ISO 8601"):
        model.Document(text="x", published=value)


def test_model_mention_rejects_reversed_span() -> None:
    with pytest.raises(ValidationError, match="before it starts"):
        model.Mention(start=5, end=2, text="")


def test_model_document_identity_is_content_hash() -> None:
    a = model.Document(text="Troops crossed the river.\n", origin="a.txt")
    b = model.Document(text="Troops crossed the river.", origin="b.txt", source="Other")
    assert a.id == b.id and a.content_hash == b.content_hash
    assert a.id != model.Document(text="Troops crossed the bridge.").id


def test_model_published_date_drops_time() -> None:
    document = model.Document(text="x", published="2022-02-25T23:10:00+02:00")
    assert document.published_date is not None
    assert document.published_date.isoformat() == "2022-02-25"


@pytest.mark.parametrize("field", ["text", "title", "source", "url"])
@pytest.mark.parametrize("bad", ["\ud800", "\udfff"])
def test_document_refuses_text_no_store_can_hold(field: str, bad: str) -> None:
    values = {"text": "Shelling hit the town overnight.", field: f"Shelling {bad} overnight."}
    with pytest.raises(ValidationError, match="cannot be stored"):
        model.Document(**values)
