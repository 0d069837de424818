"""API test fixtures: a store filled with hand-made results, and an in-process client.

The stores are parametrised over the backends (SQLite, PostgreSQL; see tests/conftest.py), so
every test that reads through ``client`` or writes through ``write_app`` runs on both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sitroom.api import Settings, create_app
from sitroom.model import (
    Document,
    DocumentResult,
    Entity,
    Event,
    Figure,
    Mention,
    Place,
    Statement,
)
from sitroom.store import Store
from tests.conftest import BACKENDS, open_store

TOKEN = "test-token-7f3a"


@dataclass(frozen=True)
class Town:
    """An invented town with a point, used to build a document about it."""

    name: str
    lat: float
    lon: float


TOWNS = (
    Town("Velmora", 48.10, 35.20),
    Town("Ostrel", 48.30, 35.60),  # ~33 km from Velmora
    Town("Brackwater", 51.50, 24.00),
    Town("Port Halyn", -17.70, 178.90),  # east of the antimeridian's west side
    Town("Sennet Cove", -17.90, -179.60),  # just across the antimeridian
)
SPEAKERS = ("Ilsa Marr", "Tomas Renn", "the harbour authority")
STANCES = ("deny", "claim", "announce")
EVENT_TYPES = ("ASSAULT", "PROTEST", "AID")
CLAIMERS = ("the defence ministry", "local officials", None)


def _span(body: str, part: str) -> Mention:
    start = body.index(part)
    return Mention(start=start, end=start + len(part), text=part)


def make_pair(index: int) -> tuple[Document, DocumentResult]:
    """Document number ``index``: a town, a speaker, an event and a figure, all varying."""
    town = TOWNS[index % len(TOWNS)]
    speaker = SPEAKERS[index % len(SPEAKERS)]
    quote = f"the road to {town.name} stays open ({index})"
    event_text = f"Shells hit the depot at {town.name} on report {index}."
    figure_text = f"at least {index + 3} people were hurt"
    body = f'{event_text} {speaker} said "{quote}" and that {figure_text}.'
    day = f"2023-05-{1 + index % 28:02d}"
    doc = Document(
        text=body,
        title=f"Bulletin {index}",
        source="Harbour Wire" if index % 2 else "Valley Post",
        published=day,
    )
    located = index % 4 != 3  # every fourth event has no place, hence no point
    result = DocumentResult(
        document=doc.info(),
        entities=[Entity(id="n1", name=speaker, type="PERSON", mentions=[_span(body, speaker)])],
        places=[
            Place(
                id="p1",
                name=town.name,
                lat=town.lat,
                lon=town.lon,
                kind="town",
                precision="exact",
                mentions=[_span(body, town.name)],
            )
        ],
        statements=[
            Statement(
                id="s1",
                kind="direct",
                text=quote,
                speaker=speaker,
                speaker_type="person",
                stance=STANCES[index % len(STANCES)],
                start=body.index(quote),
                end=body.index(quote) + len(quote),
                mentions=[_span(body, quote)],
            )
        ],
        events=[
            Event(
                id="v1",
                type=EVENT_TYPES[index % len(EVENT_TYPES)],
                place="p1" if located else None,
                date=day,
                date_precision="day",
                claimed_by=CLAIMERS[index % len(CLAIMERS)],
                text=event_text,
                mentions=[_span(body, event_text)],
            ),
            Event(id="v2", type="CONSULT", text=f"Talks {index} were held.", date=day),
        ],
        figures=[
            Figure(
                id="f1",
                metric="injured" if index % 2 else "killed",
                value=index + 3,
                qualifier="at_least",
                claimed_by=CLAIMERS[(index + 1) % len(CLAIMERS)],
                text=figure_text,
                start=body.index(figure_text),
                end=body.index(figure_text) + len(figure_text),
            )
        ],
    )
    return doc, result


N_DOCUMENTS = 23


def fill(store: Store, n: int = N_DOCUMENTS) -> list[tuple[Document, DocumentResult]]:
    pairs = [make_pair(i) for i in range(n)]
    for doc, result in pairs:
        store.add(doc, result)
    return pairs


class Client:
    """A synchronous face on ``httpx.AsyncClient`` + ``ASGITransport``: in-process, no port."""

    def __init__(
        self, app: FastAPI, headers: dict[str, str] | None = None, *, raise_bugs: bool = True
    ) -> None:
        self.app = app
        self.headers = headers or {}
        self.raise_bugs = raise_bugs  # False: see the 500 response a real client would get

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=self.raise_bugs)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", headers=self.headers
            ) as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


class FakePipeline:
    """Stands in for spaCy: one ``announce`` statement per quoted passage, nothing else."""

    def __init__(self) -> None:
        self.calls = 0

    def analyse(self, document: Document) -> DocumentResult:
        self.calls += 1
        text, statements = document.text, []
        start = text.find('"')
        while start != -1:
            end = text.find('"', start + 1)
            if end == -1:
                break
            quote = text[start + 1 : end]
            statements.append(
                Statement(
                    id=f"s{len(statements) + 1}",
                    kind="direct",
                    text=quote,
                    stance="announce",
                    start=start + 1,
                    end=end,
                )
            )
            start = text.find('"', end + 1)
        return DocumentResult(document=document.info(), statements=statements)


@pytest.fixture(scope="module", params=BACKENDS)
def filled_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    with open_store(request, request.param) as store:
        fill(store)
        yield store


@pytest.fixture(scope="module")
def client(filled_store: Store) -> Client:
    """A read client over the filled store (module-scoped: tests here do not write)."""
    return Client(create_app(filled_store, Settings()))


@pytest.fixture
def fake_pipeline() -> FakePipeline:
    return FakePipeline()


@pytest.fixture
def write_app(fake_pipeline: FakePipeline, store: Store) -> FastAPI:
    """An app over an empty store that accepts writes with ``TOKEN``, with the fake pipeline."""
    return create_app(store, Settings(token=TOKEN, pipeline=lambda: fake_pipeline))
