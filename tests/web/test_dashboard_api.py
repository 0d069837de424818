"""The dashboard's routes and files, in-process (no browser, no port)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

import sitroom.web
from sitroom.api import Settings, create_app
from sitroom.web import DashboardSettings, sentence_window, static_dir
from tests.api.conftest import Client

from .conftest import DAY_A, DAY_B, DAY_HOSTILE, SCRIPT


@pytest.fixture(scope="module")
def client(invented_store):
    store, _ = invented_store
    return Client(create_app(store, Settings(), dashboard=DashboardSettings()))


def _view(client, **params):
    response = client.get("/dashboard/view", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- view and timeline -------------------------------------------------------------------------


def test_view_without_filters_lists_every_kind(client):
    view = _view(client)
    assert view["totals"] == {"events": 3, "located_events": 3, "statements": 3, "figures": 3}
    assert [e["day"] for e in view["events"]] == [DAY_A, DAY_HOSTILE, DAY_B]
    assert {e["place_name"] for e in view["events"]} >= {"Dunmarrow", "Kelvarra"}


def test_view_date_range_keeps_items_of_those_days(client):
    view = _view(client, since=DAY_A, until=DAY_HOSTILE)
    assert {e["day"] for e in view["events"]} == {DAY_A, DAY_HOSTILE}
    assert {s["day"] for s in view["statements"]} == {DAY_A, DAY_HOSTILE}
    assert {row["day"] for row in view["timeline"]} == {DAY_A, DAY_HOSTILE}


def test_view_type_filter_applies_to_events_only(client):
    view = _view(client, type="PROTEST")
    assert [e["type"] for e in view["events"]] == ["PROTEST"]
    assert view["totals"]["statements"] == 3


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("kelvarra", {"March in Kelvarra"}),  # a place name, any case
        ("penhale", {"Rail yard hit"}),  # a speaker
        ("rail yard", {"Rail yard hit"}),  # words of the text and title
        ("100%_", set()),  # LIKE wildcards are taken literally
    ],
)
def test_view_text_filter_matches_text_names_and_places(client, q, titles):
    view = _view(client, q=q)
    found = {e["title"] for e in view["events"]} | {s["title"] for s in view["statements"]}
    assert found == titles


def test_view_caps_events_but_counts_them_all(client):
    view = _view(client, max_events=1)
    assert len(view["events"]) == 1
    assert view["totals"]["events"] == 3


def test_timeline_counts_events_per_day_and_type(client):
    rows = client.get("/dashboard/timeline").json()
    assert rows == [
        {"day": DAY_A, "type": "ASSAULT", "count": 1},
        {"day": DAY_HOSTILE, "type": "ASSAULT", "count": 1},
        {"day": DAY_B, "type": "PROTEST", "count": 1},
    ]


@pytest.mark.parametrize(
    "query", ["since=2023-13-01", "since=yesterday", "type=FIGHTING", "max_events=0"]
)
def test_view_rejects_bad_filters_with_a_message(client, query):
    response = client.get(f"/dashboard/view?{query}")
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


# --- evidence ----------------------------------------------------------------------------------


def test_evidence_marks_the_mention_inside_its_sentence(client, invented_store):
    _, made = invented_store
    doc, _ = made["rail_yard"]
    body = client.get(f"/dashboard/evidence/events/{doc.id}/v1").json()
    (passage,) = body["passages"]
    assert passage["text"] == "Rockets struck the rail yard in Dunmarrow on Sunday."
    assert passage["text"][passage["mark_start"] : passage["mark_end"]] == "struck"
    assert doc.text[passage["start"] : passage["end"]] == passage["text"]
    assert body["title"] == "Rail yard hit" and body["item"]["place_name"] == "Dunmarrow"


def test_evidence_of_a_figure_uses_its_offsets(client, invented_store):
    _, made = invented_store
    doc, _ = made["market_march"]
    body = client.get(f"/dashboard/evidence/figures/{doc.id}/f1").json()
    (passage,) = body["passages"]
    assert passage["text"][passage["mark_start"] : passage["mark_end"]] == "15 people"
    assert passage["text"].startswith("Organiser Bram Tethys said")


def test_evidence_returns_hostile_text_unchanged_as_json(client, invented_store):
    _, made = invented_store
    doc, _ = made["hostile"]
    body = client.get(f"/dashboard/evidence/events/{doc.id}/v1").json()
    assert SCRIPT in body["passages"][0]["text"] and SCRIPT in body["title"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dashboard/evidence/events/dnothere/v1", 404),
        ("/dashboard/evidence/tables/d1/v1", 422),
    ],
)
def test_evidence_of_unknown_items_is_a_json_error(client, invented_store, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_evidence_of_unknown_item_in_known_document_is_404(client, invented_store):
    _, made = invented_store
    doc, _ = made["rail_yard"]
    response = client.get(f"/dashboard/evidence/statements/{doc.id}/s99")
    assert response.status_code == 404 and "s99" in response.json()["detail"]


@pytest.mark.parametrize(
    ("text", "part", "expected"),
    [
        ("One. Two words here. Three.", "words", "Two words here."),
        ("Alpha beta.", "Alpha", "Alpha beta."),
        ("First line\nsecond line here\nthird", "second", "second line here"),
        ('He said "go now." Then left.', "go", 'He said "go now."'),
    ],
)
def test_sentence_window_finds_the_sentence(text, part, expected):
    start = text.index(part)
    window = sentence_window(text, start, start + len(part))
    assert window["text"] == expected
    assert window["text"][window["mark_start"] : window["mark_end"]] == part


def test_sentence_window_cuts_long_context():
    text = "x" * 2000 + " needle " + "y" * 2000
    start = text.index("needle")
    window = sentence_window(text, start, start + 6)
    assert window["cut_before"] and window["cut_after"]
    assert len(window["text"]) <= 2 * sitroom.web.MAX_CONTEXT_CHARS + 6


def test_sentence_window_clamps_offsets_outside_the_text():
    window = sentence_window("Short.", 3, 999)
    assert window["text"][window["mark_start"] : window["mark_end"]] == "rt."


# --- the page and its files --------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_has_no_inline_script_or_handlers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    parser = _Tags()
    parser.feed(response.text)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts and all(attrs.get("src", "").startswith("/static/") for attrs in scripts)
    for _tag, attrs in parser.tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs)
    assert not re.search(r"<script[^>]*>\s*[^<\s]", response.text)  # no inline body


@pytest.mark.parametrize(
    "path",
    [
        "/static/leaflet/leaflet.js",
        "/static/leaflet/leaflet.css",
        "/static/markercluster/leaflet.markercluster.js",
        "/static/markercluster/MarkerCluster.Default.css",
        "/static/sitroom/dashboard.js",
        "/static/sitroom/dashboard.css",
        "/static/sitroom/world_countries.geojson",
    ],
)
def test_page_files_are_served_locally(client, path):
    response = client.get(path)
    assert response.status_code == 200 and len(response.content) > 1000


def test_script_never_writes_html():
    script = (static_dir() / "dashboard.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script)


def test_basemap_is_closed_multipolygons_in_range():
    data = json.loads((static_dir() / "world_countries.geojson").read_text(encoding="utf-8"))
    features = data["features"]
    assert len(features) > 150
    names = [f["properties"]["name"] for f in features]
    assert len(names) == len(set(names))
    for feature in features:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
                assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
    assert (static_dir() / "world_countries_source.txt").exists()


# --- settings ----------------------------------------------------------------------------------


def test_config_reports_extent_and_offline_basemap(client):
    config = client.get("/dashboard/config").json()
    assert config["tile_url"] is None
    assert config["first_day"] == DAY_A and config["last_day"] == DAY_B
    assert config["documents"] == 3 and "ASSAULT" in config["event_types"]
    assert client.get(config["basemap_url"]).status_code == 200


def test_tile_url_is_allowed_by_csp_and_reported(invented_store):
    store, _ = invented_store
    tiles = DashboardSettings(tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    client = Client(create_app(store, Settings(), dashboard=tiles))
    csp = client.get("/").headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org" in csp
    assert "script-src 'self';" in csp  # nothing else loosened
    assert client.get("/dashboard/config").json()["tile_url"] == tiles.tile_url


@pytest.mark.parametrize(
    "url", ["ftp://x.org/{z}/{x}/{y}", "https://x.org/tiles.png", "javascript:{z}{x}{y}"]
)
def test_tile_url_must_be_an_http_template(url):
    with pytest.raises(ValueError, match="tile URL"):
        DashboardSettings(tile_url=url)


def test_tile_url_comes_from_the_environment():
    env = {sitroom.web.TILE_URL_ENV: "https://t.example.org/{z}/{x}/{y}.png"}
    assert DashboardSettings.from_env(env).tile_url == env[sitroom.web.TILE_URL_ENV]
    assert DashboardSettings.from_env({}).tile_url is None


def test_openapi_documents_the_dashboard_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/dashboard/config", "/dashboard/view", "/dashboard/timeline"):
        assert "200" in paths[path]["get"]["responses"]
    assert "/" not in paths


def test_web_exports_are_sorted_and_importable():
    names = sitroom.web.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(sitroom.web, name) for name in names)


def test_evidence_route_accepts_exactly_the_evidence_kinds(client):
    operation = client.get("/openapi.json").json()["paths"][
        "/dashboard/evidence/{kind}/{document_id}/{item_id}"
    ]["get"]
    (kind,) = [p for p in operation["parameters"] if p["name"] == "kind"]
    assert kind["schema"]["enum"] == list(sitroom.web.EVIDENCE_KINDS)
