"""The dashboard's JSON routes: its configuration, one filtered view, events per day, evidence.

These are the page's JSON twins: what ``/`` shows comes from here, so a script can read exactly
what the dashboard draws. The reads themselves live in ``sitroom.web``.
"""

# No `from __future__ import annotations`: FastAPI resolves the parameter annotations.

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from ..model import EventType, Metric, Stance
from ..store._geo_query import reading
from ..web import (
    BASEMAP_PATH,
    DEFAULT_MAX_EVENTS,
    DashboardSettings,
    ViewFilter,
    read_evidence,
    read_extent,
    read_timeline,
    read_view,
)
from ._deps import Since, StoreDep, Until, text_filter
from ._errors import ERROR_RESPONSES

MAX_VIEW_EVENTS = 5000
"""Largest ``max_events``: more markers than this slow the page without showing more."""

router = APIRouter(prefix="/dashboard", tags=["dashboard"], responses=ERROR_RESPONSES)


# --- response models -------------------------------------------------------------------------


class DashboardConfig(BaseModel):
    """What the page needs before its first view: map settings and the data's extent."""

    tile_url: str | None = Field(description="raster tile template, null for the offline basemap")
    tile_attribution: str | None = None
    basemap_url: str = Field(description="GeoJSON country outlines (Natural Earth, 1:110m)")
    event_types: list[EventType]
    first_day: str | None = Field(description="earliest item date, ISO")
    last_day: str | None = None
    documents: int


class _Cited(BaseModel):
    document_id: str
    id: str
    day: str | None = Field(description="the item's date, else its document's publication day")
    title: str | None = None
    source: str | None = None
    text: str


class ViewEvent(_Cited):
    type: EventType
    mode: str | None = None
    date: str | None = None
    lat: float | None = Field(description="the event's point, else its place's; null if unknown")
    lon: float | None = None
    place_name: str | None = None
    actor: str | None = None
    target: str | None = None
    claimed_by: str | None = None
    stance: Stance | None = None
    mentions: int = Field(description="how many times the text reports it")


class ViewStatement(_Cited):
    kind: str
    speaker: str | None = None
    speaker_type: str
    stance: Stance
    cue: str | None = None
    channel: str | None = None
    start: int
    end: int
    mentions: int


class ViewFigure(_Cited):
    metric: Metric
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str
    unit: str | None = None
    who: str | None = None
    place: str | None = None
    date: str | None = None
    claimed_by: str | None = None
    start: int
    end: int


class DayCount(BaseModel):
    day: str | None = Field(
        description="ISO day (or month, year when the event is dated so); null when undated"
    )
    type: EventType
    count: int


class ViewTotals(BaseModel):
    """Exact counts under the filters (the lists may stop earlier)."""

    events: int
    located_events: int
    statements: int
    figures: int


class DashboardView(BaseModel):
    """Everything the dashboard draws under one set of filters."""

    events: list[ViewEvent]
    statements: list[ViewStatement]
    figures: list[ViewFigure]
    timeline: list[DayCount]
    totals: ViewTotals


class Passage(BaseModel):
    """The sentence(s) around one mention; ``text[mark_start:mark_end]`` is the mention."""

    mention: int = Field(description="0 for the first mention")
    start: int = Field(description="offset of the passage in the document text")
    end: int
    text: str
    mark_start: int
    mark_end: int
    cut_before: bool = Field(description="the passage was cut short before the sentence start")
    cut_after: bool


class Evidence(BaseModel):
    kind: str
    document_id: str
    item_id: str
    item: dict[str, Any] = Field(description="the item's fields, as in its list route")
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    mentions: int
    passages: list[Passage]


# --- routes ----------------------------------------------------------------------------------

TypeParam = Annotated[EventType | None, Query(description="PLOVER event type (events only)")]
TextParam = Annotated[
    str | None, text_filter("words in the item's text, names, place or title", "port")
]


@router.get("/config", response_model=DashboardConfig, summary="Dashboard settings and extent")
def config(request: Request, store: StoreDep) -> Any:
    settings: DashboardSettings = request.app.state.dashboard
    with reading(store.engine, store.name) as connection:
        extent = read_extent(connection)
    return DashboardConfig(
        tile_url=settings.tile_url,
        tile_attribution=settings.tile_attribution,
        basemap_url=BASEMAP_PATH,
        event_types=list(EventType),
        **extent,
    )


@router.get("/view", response_model=DashboardView, summary="What the dashboard shows")
def view(
    store: StoreDep,
    since: Since = None,
    until: Until = None,
    type: TypeParam = None,
    q: TextParam = None,
    max_events: Annotated[
        int, Query(ge=1, le=MAX_VIEW_EVENTS, description="most events listed")
    ] = DEFAULT_MAX_EVENTS,
) -> Any:
    """Events, statements and figures under the filters, events per day, and exact totals."""
    filters = ViewFilter(since=since, until=until, type=type, q=q)
    with reading(store.engine, store.name) as connection:
        return read_view(connection, filters, max_events=max_events)


@router.get("/timeline", response_model=list[DayCount], summary="Events per day and type")
def timeline(
    store: StoreDep,
    since: Since = None,
    until: Until = None,
    type: TypeParam = None,
    q: TextParam = None,
) -> Any:
    filters = ViewFilter(since=since, until=until, type=type, q=q)
    with reading(store.engine, store.name) as connection:
        return read_timeline(connection, filters)


@router.get(
    "/evidence/{kind}/{document_id}/{item_id}",
    response_model=Evidence,
    summary="The sentences an item comes from",
)
def evidence(
    store: StoreDep,
    kind: Annotated[
        Literal["events", "statements", "figures", "places", "entities"],
        Path(description="what the item is"),
    ],
    document_id: Annotated[str, Path(description="the document's id", max_length=200)],
    item_id: Annotated[str, Path(description="the item's id within its document", max_length=200)],
) -> Any:
    """One passage per mention, with the mention's offsets inside it."""
    return read_evidence(store, kind, document_id, item_id)
