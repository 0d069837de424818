"""The dashboard's key-table reads answer exactly what a scan of the items answers.

Without a text filter the view reads pages, totals and the timeline from the store's key tables
(index range scans); with ``scan=True`` it reads the item tables directly, the plain reference.
Both must agree item for item, in order, on both backends, for dates of every precision.
"""

from __future__ import annotations

import random

import pytest

from sitroom.model import Document, DocumentResult, Event, Figure, Place, Statement
from sitroom.store import Store
from sitroom.web import ViewFilter, read_timeline, read_view
from tests.conftest import mention

TYPES = ("ASSAULT", "PROTEST", "AID", "COERCE")
DATES = ("2023-05-01", "2023-05-02", "2023-05-17", "2023-05", "2023-06-03", "2023", "2024-01-09")


def _document(number: int, rng: random.Random) -> tuple[Document, DocumentResult]:
    town = f"Town{number % 5}"
    sentences = [f"Crowds gathered in {town} on day {number}.", f"Officials said {number} died."]
    text = " ".join(sentences)
    # Some documents are undated, whose items then have no day at all.
    published = None if number % 9 == 0 else f"2023-05-{1 + number % 28:02d}T0{number % 10}:00"
    place = Place(
        id="p1",
        name=town,
        lat=50.0 + number % 5 if number % 4 else None,
        lon=30.0 + number % 5 if number % 4 else None,
        kind="town",
        precision="exact" if number % 4 else "unresolved",
        mentions=[mention(text, town)],
    )
    events = []
    for index in range(rng.randint(0, 3)):
        day = rng.choice((*DATES, None)) if published else None
        events.append(
            Event(
                id=f"v{index}",
                type=rng.choice(TYPES),
                place="p1" if rng.random() < 0.7 else None,
                date=day,
                date_precision=None if day is None else "day" if len(day) == 10 else "month",
                text=sentences[0],
                mentions=[mention(text, "gathered")],
            )
        )
    statement = Statement(
        id="s1",
        kind="indirect",
        text=f"{number} died",
        speaker="Officials",
        speaker_type="organization",
        stance="assert",
        start=text.index(f"{number} died"),
        end=text.index(f"{number} died") + len(f"{number} died"),
        mentions=[mention(text, f"{number} died")],
    )
    start = text.index(f"{number} died")
    figure = Figure(
        id="f1",
        metric="killed",
        value=float(number),
        qualifier="exact",
        text=f"{number} died",
        start=start,
        end=start + len(f"{number} died"),
        date=rng.choice((*DATES, None)) if published else None,
    )
    doc = Document(text=text, title=f"Report {number}", source="Test Wire", published=published)
    result = DocumentResult(
        document=doc.info(), places=[place], events=events, statements=[statement], figures=[figure]
    )
    return doc, result


@pytest.fixture
def filled(store: Store) -> Store:
    rng = random.Random(5)
    for number in range(1, 46):
        store.add(*_document(number, rng))
    return store


FILTERS = [
    ViewFilter(),
    ViewFilter(type="ASSAULT"),
    ViewFilter(since="2023-05-02"),
    ViewFilter(until="2023-05-17"),
    ViewFilter(since="2023-05-02", until="2023-05-17"),
    ViewFilter(since="2023-05", until="2023-05"),
    ViewFilter(since="2023-06-03", type="AID"),
    ViewFilter(since="2024"),
    ViewFilter(until="2022-12-31"),
    ViewFilter(q="town3"),  # a place name (events) and words of the text
    ViewFilter(q="REPORT 1"),  # a title, any case
    ViewFilter(q="officials"),  # a speaker
    ViewFilter(q="7 died", since="2023-05"),
    ViewFilter(q="100%_"),  # wildcards taken literally
]


@pytest.mark.parametrize("view_filter", FILTERS, ids=str)
@pytest.mark.parametrize("cap", [1000, 7])
def test_keyed_view_equals_scanned_view(filled, view_filter, cap):
    with filled.engine.connect() as connection:
        keyed = read_view(connection, view_filter, max_events=cap, max_figures=cap)
        scanned = read_view(connection, view_filter, max_events=cap, max_figures=cap, scan=True)
    assert keyed["totals"] == scanned["totals"]
    assert keyed["events"] == scanned["events"]
    assert keyed["statements"] == scanned["statements"]
    assert keyed["figures"] == scanned["figures"]
    assert keyed["timeline"] == scanned["timeline"]


def test_keyed_view_is_not_empty_where_data_exists(filled):
    # Guard against two empty answers agreeing: the data has items of every kind and day kind.
    with filled.engine.connect() as connection:
        view = read_view(connection, ViewFilter())
        days = {row["day"] for row in read_timeline(connection, ViewFilter())}
    assert view["totals"]["events"] > 20 and view["totals"]["located_events"] > 5
    assert view["totals"]["figures"] == 45
    assert {"2023", "2023-05"} <= days and None in days
    assert view["events"][-1]["day"] is None  # undated items come last
