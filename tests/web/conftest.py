"""Dashboard fixtures: invented documents (one of them hostile) and a store holding them.

The towns, people and outlets are made up; the hostile document carries markup in its title,
text, speaker, place name and URL, each of which would set ``window.__xss`` if a page ran it.
"""

from __future__ import annotations

import pytest

from sitroom.model import (
    Document,
    DocumentResult,
    Event,
    Figure,
    Place,
    Statement,
)
from sitroom.store import Store
from tests.conftest import mention

SCRIPT = "<script>window.__xss = 'script'</script>"
IMG = "<img src=x onerror=\"window.__xss = 'img'\">"

DAY_A, DAY_HOSTILE, DAY_B = "2023-04-02", "2023-04-05", "2023-04-09"


def _place(text: str, name: str, lat: float, lon: float) -> Place:
    return Place(
        id="p1",
        name=name,
        lat=lat,
        lon=lon,
        kind="town",
        precision="exact",
        mentions=[mention(text, name)],
    )


def _event(
    text: str, kind: str, day: str, sentence: str, trigger: str, claimed_by: str | None = None
) -> Event:
    """A document's one event: in the sentence ``sentence``, at its place ``p1``, on ``day``."""
    return Event(
        id="v1",
        type=kind,
        place="p1",
        date=day,
        date_precision="day",
        claimed_by=claimed_by,
        text=sentence,
        mentions=[mention(text, trigger)],
    )


def _document(
    text: str,
    *,
    title: str,
    published: str,
    place: Place,
    event: Event,
    speaker: str,
    quote: str,
    figure: str,
    url: str | None = None,
    source: str = "Lowfield Courier",
) -> tuple[Document, DocumentResult]:
    doc = Document(text=text, title=title, source=source, published=published, url=url)
    statement = Statement(
        id="s1",
        kind="direct",
        text=quote,
        speaker=speaker,
        speaker_type="person",
        stance="deny",
        start=text.index(quote),
        end=text.index(quote) + len(quote),
        mentions=[mention(text, quote)],
    )
    figures = [
        Figure(
            id="f1",
            metric="killed",
            value=float(figure.split()[0]),
            qualifier="exact",
            claimed_by=speaker,
            text=figure,
            start=text.index(figure),
            end=text.index(figure) + len(figure),
            date=published,
        )
    ]
    result = DocumentResult(
        document=doc.info(),
        places=[place],
        events=[event],
        statements=[statement],
        figures=figures,
    )
    return doc, result


def rail_yard() -> tuple[Document, DocumentResult]:
    text = (
        "Rockets struck the rail yard in Dunmarrow on Sunday. "
        'Mayor Orla Penhale said "no trains will run this week" and that 12 people died. '
        "Repairs began at noon."
    )
    sentence = "Rockets struck the rail yard in Dunmarrow on Sunday."
    event = _event(text, "ASSAULT", DAY_A, sentence, "struck")
    return _document(
        text,
        title="Rail yard hit",
        published=DAY_A,
        place=_place(text, "Dunmarrow", 49.2, 31.0),
        event=event,
        speaker="Orla Penhale",
        quote="no trains will run this week",
        figure="12 people",
    )


def market_march() -> tuple[Document, DocumentResult]:
    text = (
        "Hundreds marched through the market of Kelvarra on Sunday. "
        'Organiser Bram Tethys said "we will march again" while 15 people were arrested.'
    )
    sentence = text.split(". ")[0] + "."
    event = _event(text, "PROTEST", DAY_B, sentence, "marched", claimed_by="Bram Tethys")
    return _document(
        text,
        title="March in Kelvarra",
        published=DAY_B,
        place=_place(text, "Kelvarra", 46.5, 30.7),
        event=event,
        speaker="Bram Tethys",
        quote="we will march again",
        figure="15 people",
        source="Eastgate Radio",
    )


def hostile() -> tuple[Document, DocumentResult]:
    """Markup everywhere a page shows text: it must be shown, never run."""
    place_name = f"Scarn{IMG}"
    speaker = f"Vell{IMG}"
    text = (
        f"Drones hit the depot at {place_name} today {SCRIPT}. "
        f'{speaker} said "nothing {IMG} burned" and that 3 people were hurt.'
    )
    sentence = f"Drones hit the depot at {place_name} today {SCRIPT}."
    trigger = f"depot at {place_name} today {SCRIPT}"
    event = _event(text, "ASSAULT", DAY_HOSTILE, sentence, trigger)
    return _document(
        text,
        title=f"Depot {SCRIPT}{IMG}",
        published=DAY_HOSTILE,
        place=_place(text, place_name, 47.8, 35.1),
        event=event,
        speaker=speaker,
        quote=f"nothing {IMG} burned",
        figure="3 people",
        url="javascript:window.__xss='url'",
        source=f"Wire {IMG}",
    )


INVENTED = (rail_yard, market_march, hostile)


def add_invented(store: Store) -> dict[str, tuple[Document, DocumentResult]]:
    """Store the invented documents; returns them by builder name."""
    made = {build.__name__: build() for build in INVENTED}
    for doc, result in made.values():
        store.add(doc, result)
    return made


@pytest.fixture(scope="module")
def invented_store() -> tuple[Store, dict[str, tuple[Document, DocumentResult]]]:
    store = Store.memory()
    return store, add_invented(store)
