"""Item lists, filters, details and cursor pagination over a store of hand-made results."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import pytest

from sitroom.api import Settings, _deps, _items, create_app
from sitroom.store import Store, _geo_query
from sitroom.store._connect import on_sqlite3
from sitroom.store._geo_query import haversine_km
from tests.api.conftest import (
    CLAIMERS,
    EVENT_TYPES,
    N_DOCUMENTS,
    SPEAKERS,
    STANCES,
    TOWNS,
    Client,
    fill,
    make_pair,
)

KINDS = ("events", "statements", "figures", "places", "entities")


def walk(client: Client, path: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list, following cursors; also how many pages it took."""
    items: list[dict[str, Any]] = []
    cursor, pages = None, 0
    sep = "&" if "?" in path else "?"
    while True:
        url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages
        assert pages < 1000, f"{path} never ends"


def expected_count(kind: str, keep: Any = lambda pair, item: True) -> int:
    pairs = [make_pair(i) for i in range(N_DOCUMENTS)]
    return sum(1 for _, result in pairs for item in getattr(result, kind) if keep(result, item))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("limit", [1, 4, 500])
def test_items_pagination_walks_every_row_once(client: Client, kind: str, limit: int) -> None:
    items, pages = walk(client, f"/{kind}", limit)
    keys = [(i["document_id"], i["id"]) for i in items]
    assert len(keys) == len(set(keys)) == expected_count(kind)
    assert pages == -(-len(keys) // limit)  # no empty last page


def test_items_pagination_is_sorted_by_date(client: Client) -> None:
    items, _ = walk(client, "/events", 7)
    days = [i["date"] for i in items]
    assert days == sorted(days)


def test_items_pagination_with_filter_walks_filtered_rows_once(client: Client) -> None:
    items, _ = walk(client, "/events?type=ASSAULT", 2)
    assert {i["type"] for i in items} == {"ASSAULT"}
    want = expected_count("events", lambda r, e: e.type == "ASSAULT")
    assert len({(i["document_id"], i["id"]) for i in items}) == len(items) == want


@pytest.mark.parametrize("kind", KINDS)
def test_items_detail_matches_list_row(client: Client, kind: str) -> None:
    row = client.get(f"/{kind}", params={"limit": 3}).json()["items"][2]
    detail = client.get(f"/{kind}/{row['document_id']}/{row['id']}")
    assert detail.status_code == 200
    assert {k: v for k, v in detail.json().items() if k != "distance_km"} == {
        k: v for k, v in row.items() if k != "distance_km"
    }


@pytest.mark.parametrize("kind", KINDS)
def test_items_detail_unknown_is_404_json(client: Client, kind: str) -> None:
    response = client.get(f"/{kind}/dnope/x9")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not found"
    assert "'x9'" in body["detail"] and f"/{kind}" in body["detail"]


def test_events_filter_type(client: Client) -> None:
    items, _ = walk(client, "/events?type=PROTEST", 50)
    assert items and {i["type"] for i in items} == {"PROTEST"}
    assert len(items) == expected_count("events", lambda r, e: e.type == "PROTEST")


def test_events_filter_unknown_type_is_422_json(client: Client) -> None:
    response = client.get("/events", params={"type": "PICNIC"})
    assert response.status_code == 422
    assert "type" in response.json()["detail"]


def test_events_filter_claimed_by_is_case_insensitive_part(client: Client) -> None:
    items, _ = walk(client, "/events?claimed_by=MINISTRY", 50)
    assert items and {i["claimed_by"] for i in items} == {CLAIMERS[0]}


def test_events_filter_place_name(client: Client) -> None:
    items, _ = walk(client, "/events?place=brackwater", 50)
    assert items and {i["place_name"] for i in items} == {"Brackwater"}


def test_events_filter_since_until(client: Client) -> None:
    items, _ = walk(client, "/events?since=2023-05-10&until=2023-05-12", 50)
    assert items and all("2023-05-10" <= i["date"] <= "2023-05-12" for i in items)
    want = expected_count("events", lambda r, e: "2023-05-10" <= e.date <= "2023-05-12")
    assert len(items) == want


def test_events_filter_impossible_date_is_400_json(client: Client) -> None:
    response = client.get("/events", params={"since": "2023-02-30"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "bad request",
        "detail": "since='2023-02-30' is not an ISO date; use YYYY-MM-DD, YYYY-MM or YYYY",
    }


def test_events_filter_malformed_date_is_422_json(client: Client) -> None:
    response = client.get("/events", params={"until": "last tuesday"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(
        "query parameter 'until': 'last tuesday' is not an ISO year, month or day"
    )


def test_events_filter_near_keeps_rows_within_radius(client: Client) -> None:
    velmora, ostrel = TOWNS[0], TOWNS[1]
    gap = haversine_km(velmora.lat, velmora.lon, ostrel.lat, ostrel.lon)
    near = f"{velmora.lat},{velmora.lon}"
    close, _ = walk(client, f"/events?near={near}&radius_km={gap / 2}", 2)
    wide, _ = walk(client, f"/events?near={near}&radius_km={gap * 1.5}", 2)
    assert close and {i["place_name"] for i in close} == {"Velmora"}
    assert {i["place_name"] for i in wide} == {"Velmora", "Ostrel"}
    assert all(i["distance_km"] <= gap * 1.5 for i in wide)


def test_places_filter_near_crosses_antimeridian(client: Client) -> None:
    port, cove = TOWNS[3], TOWNS[4]
    items, _ = walk(client, f"/places?near={port.lat},{port.lon}&radius_km=200", 50)
    assert {i["name"] for i in items} == {port.name, cove.name}


def test_places_filter_bbox_crossing_antimeridian(client: Client) -> None:
    items, _ = walk(client, "/places?bbox=179,-20,-179,-15", 50)
    assert {i["name"] for i in items} == {TOWNS[4].name}
    items, _ = walk(client, "/places?bbox=178,-20,-179,-15", 50)
    assert {i["name"] for i in items} == {TOWNS[3].name, TOWNS[4].name}


def test_events_filter_bbox(client: Client) -> None:
    items, _ = walk(client, "/events?bbox=34,47,36,49", 50)
    assert items and {i["place_name"] for i in items} == {"Velmora", "Ostrel"}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"near": "48.1"}, "'near'"),
        ({"near": "nan,1"}, "'near'"),
        ({"near": "10,200"}, "out of range"),
        ({"near": "-91,0"}, "latitude must be within"),
        ({"bbox": "1,2,3"}, "'bbox'"),
        ({"bbox": "0,10,5,5"}, "min_lat is above max_lat"),
        ({"bbox": "0,0,181,5"}, "out of range"),
        ({"near": "1,1", "radius_km": "-3"}, "radius_km"),
    ],
)
def test_events_bad_geo_filters_are_clear_errors(
    client: Client, query: dict[str, str], words: str
) -> None:
    response = client.get("/events", params=query)
    assert response.status_code in (400, 422)
    assert words in response.json()["detail"]


def test_statements_filter_speaker_and_stance(client: Client) -> None:
    items, _ = walk(client, "/statements?speaker=marr&stance=deny", 50)
    assert items and {(i["speaker"], i["stance"]) for i in items} == {(SPEAKERS[0], "deny")}
    want = expected_count(
        "statements", lambda r, s: s.speaker == SPEAKERS[0] and s.stance == STANCES[0]
    )
    assert len(items) == want


def test_figures_filter_metric_and_claimed_by(client: Client) -> None:
    items, _ = walk(client, "/figures?metric=injured&claimed_by=officials", 50)
    assert items and {(i["metric"], i["claimed_by"]) for i in items} == {
        ("injured", "local officials")
    }


def test_entities_filter_type_and_name(client: Client) -> None:
    items, _ = walk(client, "/entities?type=PERSON&name=renn", 50)
    assert items and {i["name"] for i in items} == {"Tomas Renn"}
    assert client.get("/entities", params={"type": "GPE"}).json()["items"] == []


def test_places_filter_name(client: Client) -> None:
    items, _ = walk(client, "/places?name=cove", 50)
    assert items and {i["name"] for i in items} == {"Sennet Cove"}


def test_event_types_in_fixture_are_all_listed(client: Client) -> None:
    types = {i["type"] for i in walk(client, "/events", 500)[0]}
    assert types == {*EVENT_TYPES, "CONSULT"}


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.urlsafe_b64encode(b'["places","a","b","c",1]').decode(),  # another list's
        base64.urlsafe_b64encode(b'["events","a","b","c","1"]').decode(),  # wrong type
        base64.urlsafe_b64encode(b'{"events": 1}').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_items_foreign_or_tampered_cursor_is_400(client: Client, cursor: str) -> None:
    response = client.get("/events", params={"cursor": cursor})
    assert response.status_code == 400
    assert "next_cursor" in response.json()["detail"]


def test_items_limit_is_capped(client: Client) -> None:
    response = client.get("/events", params={"limit": 501})
    assert response.status_code == 422
    assert "limit" in response.json()["detail"]


def test_items_cursor_is_opaque_json_free(client: Client) -> None:
    cursor = client.get("/events", params={"limit": 1}).json()["next_cursor"]
    assert cursor and not set(cursor) - set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[0] == "events"


def _threads_of_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The threads ``read_page`` runs on, from now on."""
    threads: list[int] = []
    read_page = _items.read_page

    def recording(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return read_page(*args)

    monkeypatch.setattr(_items, "read_page", recording)
    return threads


@pytest.mark.parametrize(
    ("query", "key_only"),
    [
        ("/events?type=ASSAULT&since=2024-01-01", True),
        ("/places?near=48.1,35.2&radius_km=50", True),
        ("/events?claimed_by=ministry", False),
        ("/statements?speaker=marr", False),
    ],
)
def test_items_page_reads_inline_only_when_key_only_on_sqlite(
    client: Client, query: str, key_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A filter on the item table's own columns may walk the whole key table, and a PostgreSQL
    # read waits on the network: neither may hold the event loop (the worker's other requests).
    threads = _threads_of_reads(monkeypatch)
    sqlite = on_sqlite3(client.app.state.store.engine)
    assert client.get(query).status_code == 200
    # The test client runs the app with asyncio.run in this very thread.
    assert threads and (threads[0] == threading.get_ident()) is (key_only and sqlite)


def test_items_page_too_slow_inline_is_read_again_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store.memory()  # SQLite: only its reads can be interrupted
    fill(store, 6)
    client = Client(create_app(store, Settings()))
    query = "/events?type=ASSAULT&limit=3"
    expected = client.get(query).json()
    threads = _threads_of_reads(monkeypatch)
    monkeypatch.setattr(_deps, "INLINE_READ_SECONDS", 0.0)
    monkeypatch.setattr(_geo_query, "PROGRESS_STEPS", 1)  # look at the clock at every step
    response = client.get(query)
    assert response.status_code == 200 and response.json() == expected
    here = threading.get_ident()
    assert threads[0] == here and threads[1] != here  # interrupted inline, then in a thread
