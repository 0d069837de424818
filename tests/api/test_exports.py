"""GeoJSON, CSV and JSON Lines: valid documents holding exactly the rows the lists hold."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sitroom.store import Store
from tests.api.conftest import TOWNS, Client

KINDS = ("events", "statements", "figures", "places", "entities")


def all_rows(client: Client, kind: str, query: str = "") -> list[dict[str, object]]:
    rows, cursor = [], ""
    while True:
        page = client.get(f"/{kind}?limit=500{query}{cursor}").json()
        rows += page["items"]
        if not page["next_cursor"]:
            return rows
        cursor = f"&cursor={page['next_cursor']}"


def check_feature_collection(body: dict[str, object]) -> list[dict[str, object]]:
    """Assert the RFC 7946 shape we promise; return the features."""
    assert body["type"] == "FeatureCollection"
    features = body["features"]
    assert isinstance(features, list)
    for feature in features:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str) and "/" in feature["id"]
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert isinstance(feature["properties"], dict)
    return features


@pytest.mark.parametrize("kind", ["events", "places"])
def test_geojson_holds_every_located_row(client: Client, kind: str) -> None:
    response = client.get(f"/{kind}.geojson", params={"limit": 500})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    features = check_feature_collection(response.json())
    located = [r for r in all_rows(client, kind) if r.get("geo_lat", r.get("lat")) is not None]
    assert {f["id"] for f in features} == {f"{r['document_id']}/{r['id']}" for r in located}
    assert len(features) < len(all_rows(client, kind)) or kind == "places"


def test_geojson_points_are_lon_lat(client: Client) -> None:
    body = client.get("/places.geojson", params={"name": TOWNS[2].name}).json()
    features = check_feature_collection(body)
    assert features
    assert {tuple(f["geometry"]["coordinates"]) for f in features} == {(TOWNS[2].lon, TOWNS[2].lat)}
    assert {f["properties"]["kind"] for f in features} == {"town"}


def test_geojson_pages_with_cursor(client: Client) -> None:
    ids, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = client.get("/events.geojson", params=params).json()
        ids += [f["id"] for f in check_feature_collection(body)]
        cursor = body["next_cursor"]
        if not cursor:
            break
    full = check_feature_collection(client.get("/events.geojson?limit=500").json())
    assert ids == [f["id"] for f in full]


def test_geojson_filters_apply(client: Client) -> None:
    body = client.get("/events.geojson", params={"bbox": "34,47,36,49", "type": "ASSAULT"}).json()
    features = check_feature_collection(body)
    assert features
    assert {f["properties"]["type"] for f in features} == {"ASSAULT"}


@pytest.mark.parametrize("kind", KINDS)
def test_csv_export_matches_list(client: Client, kind: str) -> None:
    response = client.get(f"/{kind}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{kind}.csv"' in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    rows = all_rows(client, kind)
    assert [(r["document_id"], r["id"]) for r in table] == [
        (r["document_id"], r["id"]) for r in rows
    ]
    assert "mentions" not in table[0]


@pytest.mark.parametrize("kind", KINDS)
def test_jsonl_export_matches_list(client: Client, kind: str) -> None:
    response = client.get(f"/{kind}.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == all_rows(client, kind)


def test_exports_apply_filters_and_limit(client: Client) -> None:
    lines = client.get("/statements.jsonl", params={"stance": "deny", "limit": 2}).text
    rows = [json.loads(line) for line in lines.splitlines()]
    assert len(rows) == 2 and {r["stance"] for r in rows} == {"deny"}
    table = list(csv.DictReader(io.StringIO(client.get("/events.csv?type=AID").text)))
    assert table and {r["type"] for r in table} == {"AID"}


def test_exports_of_empty_store() -> None:
    from sitroom.api import create_app

    client = Client(create_app(Store.memory()))
    assert client.get("/events.jsonl").text == ""
    header = client.get("/events.csv").text.splitlines()
    assert len(header) == 1 and header[0].startswith("document_id,")
    assert client.get("/events.geojson").json() == {
        "type": "FeatureCollection",
        "features": [],
        "next_cursor": None,
    }


def test_export_errors_before_streaming(client: Client) -> None:
    response = client.get("/events.csv", params={"since": "2023-13"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("since='2023-13'")
