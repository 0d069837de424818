"""Any valid DocumentResult comes back from the store exactly as it went in, on each backend."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from sitroom.model import (
    Document,
    DocumentResult,
    Entity,
    EntityType,
    Event,
    EventType,
    Figure,
    Mention,
    Metric,
    Place,
    PlaceKind,
    PlacePrecision,
    Qualifier,
    SpeakerType,
    Stance,
    Statement,
    StatementKind,
    TimeExpression,
    TimePrecision,
)
from sitroom.store import Store

words = st.text(min_size=0, max_size=12)
maybe = st.none() | words
offsets = st.integers(min_value=0, max_value=10_000)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
ids = st.text(alphabet="abcdefxyz0123456789", min_size=1, max_size=6)


@st.composite
def mentions(draw: Any) -> Mention:
    start = draw(offsets)
    return Mention(start=start, end=start + draw(st.integers(0, 50)), text=draw(words))


def unique_by_id(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, max_size=4, unique_by=lambda item: item.id)


entities = st.builds(
    Entity,
    id=ids,
    name=words,
    type=st.sampled_from(EntityType),
    aliases=st.lists(words, max_size=3),
    mentions=st.lists(mentions(), max_size=3),
)
places = st.builds(
    Place,
    id=ids,
    name=words,
    lat=st.none() | st.floats(-90, 90),
    lon=st.none() | st.floats(-180, 180),
    country=st.none() | st.from_regex(r"\A[A-Z]{2}\Z"),
    kind=st.none() | st.sampled_from(PlaceKind),
    geonameid=st.none() | st.integers(0, 2**31 - 1),
    precision=st.sampled_from(PlacePrecision),
    mentions=st.lists(mentions(), max_size=3),
)
times = st.builds(
    TimeExpression,
    text=words,
    start=offsets,
    end=offsets,
    value=st.none() | st.sampled_from(["2022", "2022-02", "2022-02-24", "P3D", "2022-W08"]),
    precision=st.none() | st.sampled_from(TimePrecision),
)
statements = st.builds(
    Statement,
    id=ids,
    kind=st.sampled_from(StatementKind),
    text=words,
    speaker=maybe,
    speaker_type=st.sampled_from(SpeakerType),
    speaker_entity=maybe,
    cue=maybe,
    stance=st.sampled_from(Stance),
    start=offsets,
    end=offsets,
    mentions=st.lists(mentions(), max_size=3),
)
events = st.builds(
    Event,
    id=ids,
    type=st.sampled_from(EventType),
    mode=maybe,
    actor=maybe,
    target=maybe,
    place=maybe,
    lat=st.none() | st.floats(-90, 90),
    lon=st.none() | st.floats(-180, 180),
    date=st.none() | st.sampled_from(["2022-02-24", "2022-02", "soon"]),
    date_precision=st.none() | st.sampled_from(TimePrecision),
    claimed_by=maybe,
    stance=st.none() | st.sampled_from(Stance),
    text=words,
    mentions=st.lists(mentions(), max_size=3),
)
figures = st.builds(
    Figure,
    id=ids,
    metric=st.sampled_from(Metric),
    value=st.none() | floats,
    low=st.none() | floats,
    high=st.none() | floats,
    qualifier=st.sampled_from(Qualifier),
    unit=maybe,
    who=maybe,
    place=maybe,
    date=maybe,
    claimed_by=maybe,
    text=words,
    start=offsets,
    end=offsets,
)


# One store for every example (the fixture is per test), emptied after each example.
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    body=st.text(min_size=1, max_size=200).filter(str.strip),
    title=maybe,
    published=st.none() | st.sampled_from(["2022-02-25", "2022-02-25T10:30:00+00:00"]),
    entity_list=unique_by_id(entities),
    place_list=unique_by_id(places),
    time_list=st.lists(times, max_size=4),
    statement_list=unique_by_id(statements),
    event_list=unique_by_id(events),
    figure_list=unique_by_id(figures),
)
def test_store_result_round_trips_generated(
    store: Store,
    backend: str,
    body: str,
    title: str | None,
    published: str | None,
    entity_list: list[Entity],
    place_list: list[Place],
    time_list: list[TimeExpression],
    statement_list: list[Statement],
    event_list: list[Event],
    figure_list: list[Figure],
) -> None:
    doc = Document(text=body, title=title, published=published)
    result = DocumentResult(
        document=doc.info(),
        entities=entity_list,
        places=place_list,
        times=time_list,
        statements=statement_list,
        events=event_list,
        figures=figure_list,
    )
    # PostgreSQL text cannot hold NUL (the store says so: tests/store/test_database.py).
    assume(backend == "sqlite" or "\\u0000" not in result.to_json() + json.dumps(body))
    try:
        assert store.add(doc, result)
        stored = store.result(doc.id)
        assert stored == result
        assert stored.to_json() == result.to_json()
        assert len(store.statements()) == len(statement_list)
        assert sum(len(e["mentions"]) for e in store.entities()) == sum(
            len(e.mentions) for e in entity_list
        )
        assert store.document(doc.id)["text"] == body
    finally:
        with store.engine.begin() as connection:  # every other row cascades from its document
            connection.execute(text("DELETE FROM documents"))
