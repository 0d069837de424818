"""Response and request bodies: the contract types from ``model.py`` plus where an item came from.

A stored item row is the contract item (``Event``, ``Statement``, ...) with its document's id,
title, source and publication date, so a client can cite it without a second request. These
models ignore extra row columns instead of forbidding them: the store may add columns without
breaking the API.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..ingest import DEFAULT_MAX_CHARS
from ..model import DocumentInfo, Entity, Event, Figure, Place, Statement

_ROWS = ConfigDict(extra="ignore", use_enum_values=True)

T = TypeVar("T")


class ErrorBody(BaseModel):
    """Every error response: a short error name and a message saying what to do."""

    error: str = Field(description="short name of the error, e.g. 'not found'")
    detail: str = Field(description="what went wrong, with the value, and what to do")


class _Source(BaseModel):
    document_id: str = Field(description="id of the document the item was extracted from")
    title: str | None = None
    source: str | None = None
    published: str | None = Field(default=None, description="the document's ISO publication date")


class EventRow(Event, _Source):
    model_config = _ROWS
    place_name: str | None = Field(default=None, description="name of the event's place")
    geo_lat: float | None = Field(default=None, description="the event's point, else its place's")
    geo_lon: float | None = Field(default=None, description="the event's point, else its place's")
    distance_km: float | None = Field(default=None, description="from the `near` point, if given")


class StatementRow(Statement, _Source):
    model_config = _ROWS


class FigureRow(Figure, _Source):
    model_config = _ROWS


class PlaceRow(Place, _Source):
    model_config = _ROWS
    distance_km: float | None = Field(default=None, description="from the `near` point, if given")


class EntityRow(Entity, _Source):
    model_config = _ROWS


class DocumentRow(DocumentInfo):
    """A stored document without its text, with how many items were extracted from it."""

    model_config = _ROWS
    content_hash: str
    status: str = Field(description="'analysed', or 'flagged' when stored but not analysed")
    origin: str | None = None
    ingested_at: str
    warnings: list[str] = Field(default_factory=list)
    entities: int = 0
    places: int = 0
    times: int = 0
    statements: int = 0
    events: int = 0
    figures: int = 0


class DocumentDetail(DocumentRow):
    """A stored document with its full text (item offsets point into ``text``)."""

    text: str


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` as ``cursor`` to get the next page."""

    items: list[T]
    next_cursor: str | None = Field(description="opaque; null on the last page")
    limit: int


class SearchHit(BaseModel):
    kind: Literal["document", "statement"]
    document_id: str
    id: str | None = Field(default=None, description="statement id (null for a document hit)")
    title: str | None = None
    source: str | None = None
    published: str | None = None
    speaker: str | None = None
    stance: str | None = None
    snippet: str = Field(description="matched words are wrapped in ** (Markdown bold)")
    rank: float = Field(description="lower is better")


class SearchResults(BaseModel):
    query: str
    items: list[SearchHit]


class Point(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[lon, lat]")


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str = Field(description="'<document_id>/<item id>'")
    geometry: Point
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    """RFC 7946 GeoJSON; ``next_cursor`` is a foreign member for paging."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]
    next_cursor: str | None = None


class DocumentIn(BaseModel):
    """A document to ingest: ``text`` (analysed now) or ``url`` (not supported yet)."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(
        default=None, max_length=DEFAULT_MAX_CHARS, description="the article text"
    )
    url: str | None = Field(default=None, description="fetch and ingest this page (returns 501)")
    title: str | None = None
    source: str | None = Field(default=None, description="the outlet, e.g. 'Harbour Wire'")
    published: str | None = Field(default=None, description="publication date, ISO 8601")


class IngestResult(BaseModel):
    document_id: str
    status: Literal["stored", "duplicate", "flagged"]
    message: str = ""
    counts: dict[str, int] = Field(default_factory=dict, description="items extracted, per kind")
