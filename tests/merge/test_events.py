"""Merging events across paragraphs and documents: wording, triggers, places, days, limits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sitroom.errors import NotFound
from sitroom.merge import merge_document, merge_pending, merge_stored, merged_events
from sitroom.merge._event_score import EventFeatures, score
from sitroom.merge._events import context
from sitroom.merge._tables import event_members
from sitroom.model import Document, DocumentResult, Event, Place
from sitroom.store import Store
from tests.conftest import SEED, mention, require_path


def sentence(body: str, word: str) -> str:
    at = body.index(word)
    begin = body.rfind(". ", 0, at)
    end = body.find(".", at)
    return body[begin + 2 if begin >= 0 else 0 : end + 1]


def add(
    store: Store,
    body: str,
    events: list[tuple[str, str, dict[str, object]]],
    *,
    published: str | None,
    source: str,
    places: tuple[Place, ...] = (),
    merge: bool = True,
) -> str:
    """Store ``body`` with one event per (type, trigger word, extra fields), then merge it."""
    document = Document(text=body, source=source, published=published)
    items = [
        Event(
            id=f"v{i}",
            type=kind,
            text=sentence(body, word),
            mentions=[mention(body, word)],
            **extra,  # type: ignore[arg-type]
        )
        for i, (kind, word, extra) in enumerate(events)
    ]
    result = DocumentResult(document=document.info(), events=items, places=list(places))
    store.add(document, result)
    if merge:
        merge_stored(store, document.id)
    return document.id


def groups(store: Store) -> list[list[tuple[str, str]]]:
    with store.engine.connect() as connection:
        return [sorted(e.reported.members) for e in merged_events(connection)]


FIRST = (
    "Rebel gunners shelled the water pumping station in Dorvan on Monday night, cutting supplies"
    " to the eastern districts, the city council said. Repairs could take a week."
)
SECOND = (
    "The council in Dorvan said rebel artillery shelled the city's water pumping station late on"
    " Monday, leaving eastern districts without water."
)
OTHER = (
    "Separately, a drone hit a bakery in the old town of Dorvan on Monday, the police said. Nobody"
    " was hurt in the strike on the bakery."
)


def test_merge_same_event_across_documents() -> None:
    store = Store.memory()
    first = add(
        store,
        FIRST,
        [("ASSAULT", "shelled", {"actor": "Rebel gunners", "target": "pumping station"})],
        published="2024-04-02T08:00",
        source="Wire A",
    )
    second = add(
        store,
        SECOND,
        [("ASSAULT", "shelled", {"actor": "rebel artillery", "target": "water pumping station"})],
        published="2024-04-02T15:00",
        source="Wire B",
    )
    with store.engine.connect() as connection:
        [event] = merged_events(connection)
    assert sorted(event.reported.members) == sorted([(first, "v0"), (second, "v0")])
    assert (event.reported.reports, event.reported.sources) == (2, ("Wire A", "Wire B"))
    assert (event.first_published, event.last_published) == ("2024-04-02T08:00", "2024-04-02T15:00")


def test_merge_undated_events_stay_in_their_document() -> None:
    # No date and no publication date: nothing says the two reports are of one time.
    store = Store.memory()
    shelled = {"actor": "Rebel gunners", "target": "pumping station"}
    repeated = FIRST + " Earlier: " + FIRST
    first = add(store, repeated, [("ASSAULT", "shelled", shelled)], published=None, source="A")
    second = add(store, SECOND, [("ASSAULT", "shelled", shelled)], published=None, source="B")
    later = (
        "Rebel gunners shelled a pumping station in Dorvan, officials in the eastern districts"
        " reported, adding that crews were assessing the damage to its pipes and pumps."
    )
    dated = add(store, later, [("ASSAULT", "shelled", shelled)], published="2024-04-02", source="C")
    assert sorted(groups(store)) == sorted([[(first, "v0")], [(second, "v0")], [(dated, "v0")]])
    # Within one document, an undated event still joins its earlier telling.
    twice = add(
        store,
        repeated.replace("Rebel", "Militia"),
        [("ASSAULT", "shelled", shelled), ("ASSAULT", "shelled", shelled)],
        published=None,
        source="D",
    )
    assert [(twice, "v0"), (twice, "v1")] in groups(store)


def test_merge_keeps_different_events_apart() -> None:
    store = Store.memory()
    station = {"target": "water pumping station"}
    add(store, FIRST, [("ASSAULT", "shelled", station)], published="2024-04-02", source="A")
    add(
        store,
        OTHER,
        [("ASSAULT", "hit", {"target": "bakery"}), ("ASSAULT", "strike", {"target": "bakery"})],
        published="2024-04-02",
        source="B",
    )
    found = groups(store)
    # The bakery's two mentions (hit, strike: synonyms) are one event; the pumping station another.
    assert len(found) == 2 and sorted(len(g) for g in found) == [1, 2]


def test_merge_two_events_of_one_sentence_stay_apart() -> None:
    store = Store.memory()
    body = "Witnesses heard explosions and gunfire near the port of Lessa on Friday."
    add(
        store,
        body,
        [("ASSAULT", "explosions", {}), ("ASSAULT", "gunfire", {})],
        published="2024-05-03",
        source="A",
    )
    assert len(groups(store)) == 2


def test_merge_second_strike_is_another_event() -> None:
    store = Store.memory()
    add(
        store,
        "Drones struck the fuel depot in Amsel on Tuesday, officials said.",
        [("ASSAULT", "struck", {"target": "fuel depot"})],
        published="2024-05-07",
        source="A",
    )
    add(
        store,
        "Drones struck the fuel depot in Amsel again on Thursday, officials said.",
        [("ASSAULT", "struck", {"target": "fuel depot"})],
        published="2024-05-09",
        source="B",
    )
    assert len(groups(store)) == 2


def place(name: str, lat: float, lon: float) -> Place:
    return Place(id="p1", name=name, lat=lat, lon=lon, precision="exact", country="UA")


def groups_placed_at(first: Place, second: Place) -> int:
    """How many merged events two reports of one shelling make, placed at ``first``/``second``."""
    store = Store.memory()
    for body, where, source in ((FIRST, first, "A"), (SECOND, second, "B")):
        add(
            store,
            body,
            [("ASSAULT", "shelled", {"place": where.id})],
            published="2024-04-02",
            source=source,
            places=(where,),
        )
    return len(groups(store))


def test_merge_places_far_apart_are_different_events() -> None:
    far = place("Dorvan", 50.0, 30.0)  # ~500 km away: another place of that name
    assert groups_placed_at(place("Dorvan", 48.0, 37.0), far) == 2


def test_merge_places_nearby_are_one_event() -> None:
    assert groups_placed_at(place("Dorvan", 48.0, 37.0), place("Dorvan city", 48.1, 37.1)) == 1


def test_merge_days_beyond_the_window_are_different_events() -> None:
    store = Store.memory()
    add(store, FIRST, [("ASSAULT", "shelled", {})], published="2024-04-02", source="A")
    add(store, SECOND, [("ASSAULT", "shelled", {})], published="2024-05-20", source="B")
    assert len(groups(store)) == 2


def test_merge_synonymous_triggers_join_across_types() -> None:
    store = Store.memory()
    add(
        store,
        "Gunmen abducted 12 aid workers from their convoy near Tessa on Sunday, the agency said.",
        [("ASSAULT", "abducted", {})],
        published="2024-06-02",
        source="A",
    )
    add(
        store,
        "Twelve aid workers were kidnapped from a convoy near Tessa on Sunday, their agency said.",
        [("COERCE", "kidnapped", {})],
        published="2024-06-03",
        source="B",
    )
    assert len(groups(store)) == 1


def features(**changes: object) -> EventFeatures:
    values: dict[str, object] = dict(
        document_id="d1",
        event_id="v1",
        type="ASSAULT",
        day="2024-01-01",
        cell="",
        lat=None,
        lon=None,
        country=None,
        trigger="struck",
        actor=None,
        target=None,
        text="Drones struck the depot.",
        context="Drones struck the depot.",
        mentions=1,
    )
    return EventFeatures(**(values | changes))  # type: ignore[arg-type]


def test_merge_score_rules() -> None:
    same = features(document_id="d2")
    assert score(features(), same) > 0.85
    assert score(features(), features(document_id="d2", country="RU")) > 0.85
    assert score(features(country="UA"), features(document_id="d2", country="RU")) == 0.0
    freed = features(document_id="d2", trigger="freed", type="RETREAT")
    assert score(features(), freed) == 0.0  # different types, words of different classes


def test_merge_context_is_the_triggers_clause() -> None:
    body = (
        "Hours after the talks in the capital failed on Monday, heavy artillery shelled the old"
        " bridge over the river at dawn, cutting the only road into the valley towns."
    )
    at = body.index("shelled")
    words = context(body, body, (at, at + 7, "shelled")).split()
    before, after = "in the capital failed on Monday, heavy artillery", "shelled the old bridge"
    assert words == f"{before} {after} over the river at dawn,".split()
    assert context(body, "not in the text", (at, at + 7, "shelled")) == "not in the text"


def test_merge_document_is_idempotent_and_checks_the_id() -> None:
    store = Store.memory()
    doc_id = add(store, FIRST, [("ASSAULT", "shelled", {})], published="2024-04-02", source="A")
    with store.engine.begin() as connection:
        again = merge_document(connection, doc_id)
        assert again.already_merged
        assert connection.scalar(select(func.count()).select_from(event_members)) == 1
        with pytest.raises(NotFound, match="no document 'nope'"):
            merge_document(connection, "nope")


def test_merge_pending_merges_in_storage_order() -> None:
    store = Store.memory()
    add(store, FIRST, [("ASSAULT", "shelled", {})], published="2024-04-02", source="A", merge=False)
    add(
        store, SECOND, [("ASSAULT", "shelled", {})], published="2024-04-02", source="B", merge=False
    )
    with store.engine.begin() as connection:
        summaries = merge_pending(connection)
        assert [s.events_joined for s in summaries] == [0, 1]
        assert merge_pending(connection) == []


def test_merge_candidates_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from sitroom.merge import _events

    monkeypatch.setattr(_events, "MAX_EVENT_CANDIDATES", 3)
    store = Store.memory()
    for k in range(6):
        add(
            store,
            f"Report {k}: shelling in sector {k}.",
            [("ASSAULT", "shelling", {})],
            published="2024-04-02",
            source=f"S{k}",
        )
    seen: list[int] = []
    original = _events._candidates

    def counting(connection, event, *read):  # type: ignore[no-untyped-def]
        found = original(connection, event, *read)
        seen.append(len(found))
        return found

    monkeypatch.setattr(_events, "_candidates", counting)
    add(
        store,
        "Report 9: shelling in sector 9.",
        [("ASSAULT", "shelling", {})],
        published="2024-04-02",
        source="S9",
    )
    assert seen and max(seen) <= 3 * 2  # one bounded query per blocking key


def test_issue6_seed_airfield_told_twice_is_one_event(pipeline) -> None:
    text = require_path(SEED).read_text(encoding="utf-8")
    document = Document(text=text, published="2022-02-25", source="AFP")
    store = Store.memory()
    store.add(document, pipeline.analyse(document))
    merge_stored(store, document.id)
    starts = [text.index("attacked an airfield"), text.index("assaulted an airfield")]
    with store.engine.connect() as connection:
        events = merged_events(connection)
    by_trigger = {}
    for row in store.events():
        for found in row["mentions"]:
            if any(found["start"] <= s + 9 and s <= found["end"] for s in starts):
                by_trigger[found["start"]] = (row["document_id"], row["id"])
    assert len(by_trigger) == 2, "the extractor finds both airfield assaults"
    [airfield] = [e for e in events if set(by_trigger.values()) <= set(e.reported.members)]
    assert airfield.type == "ASSAULT" and airfield.reported.mentions >= 2


def test_merge_event_dated_by_a_year_keeps_its_year() -> None:
    # A background event ("seized the towns in 2012") is of its year, not of the report's day.
    store = Store.memory()
    body = "Separatists seized the northern towns in 2012. Separatists seized the depot today."
    add(
        store,
        body,
        [
            ("COERCE", "seized", {"date": "2012", "date_precision": "year"}),
            ("COERCE", "seized the depot", {}),
        ],
        published="2025-02-18T11:05",
        source="Wire",
    )
    with store.engine.connect() as connection:
        days = sorted(event.day or "" for event in merged_events(connection))
    assert days == ["2012", "2025-02-18"]
