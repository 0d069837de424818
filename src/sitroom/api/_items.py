"""Item resources (events, statements, figures, places, entities): lists, details and exports.

Every resource gets the same routes from :func:`item_router`: ``/<kind>`` (a JSON page),
``/<kind>/{document_id}/{item_id}``, ``/<kind>.csv`` and ``/<kind>.jsonl`` (every matching row,
streamed) and, for events and places, ``/<kind>.geojson``. Only the filters differ; they are
declared once per resource, in the functions below.
"""

# No `from __future__ import annotations`: FastAPI must resolve the local `Filters` alias.

import csv
import io
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from ..model import EntityType, EventType, Metric, Stance
from ..store import NotFound, Store
from ..store._connect import on_sqlite3
from ..store._geo_query import ItemFilter, Key, index_only, page_items, reading
from ._deps import (
    DEFAULT_RADIUS_KM,
    BBoxParam,
    Cursor,
    ExportLimit,
    Limit,
    NearParam,
    RadiusParam,
    Since,
    StoreDep,
    Until,
    decode_cursor,
    encode_cursor,
    enum_filter,
    parse_bbox,
    parse_near,
    run_read,
    text_filter,
)
from ._errors import ERROR_RESPONSES
from ._json import JSON_MEDIA_TYPE, page_body
from ._schemas import (
    EntityRow,
    EventRow,
    Feature,
    FeatureCollection,
    FigureRow,
    Page,
    PlaceRow,
    Point,
    StatementRow,
)
from ._settings import DEFAULT_PAGE_SIZE

EXPORT_CHUNK = 500
"""Rows read per query while streaming an export."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ItemId = Annotated[str, Path(description="the item's id within its document", max_length=200)]
DocumentId = Annotated[str, Path(description="the document's id", max_length=200)]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


class CSVResponse(StreamingResponse):
    media_type = "text/csv"


class JSONLinesResponse(StreamingResponse):
    media_type = "application/x-ndjson"


MEDIA_TYPES = {
    ".geojson": GeoJSONResponse.media_type,
    ".csv": CSVResponse.media_type,
    ".jsonl": JSONLinesResponse.media_type,
}
"""What the 200 response of a route ending so is (see ``_app.tidy_openapi``)."""


# --- filters, one function per resource (their parameters document the API) -----------------
# ``async`` only so FastAPI runs them on the event loop, without a hop to the thread pool.


async def event_filter(
    since: Since = None,
    until: Until = None,
    type: Annotated[EventType | None, enum_filter("PLOVER event type")] = None,
    stance: Annotated[Stance | None, enum_filter("stance of the claim")] = None,
    claimed_by: Annotated[str | None, text_filter("part of who claims it", "ministry")] = None,
    place: Annotated[str | None, text_filter("a place id or part of its name")] = None,
    near: NearParam = None,
    radius_km: RadiusParam = DEFAULT_RADIUS_KM,
    bbox: BBoxParam = None,
) -> ItemFilter:
    return ItemFilter(
        since=since,
        until=until,
        type=type,
        stance=stance,
        claimed_by=claimed_by,
        place=place,
        near=parse_near(near, radius_km),
        bbox=parse_bbox(bbox),
    )


async def statement_filter(
    since: Since = None,
    until: Until = None,
    speaker: Annotated[str | None, text_filter("part of the speaker's name")] = None,
    stance: Annotated[Stance | None, enum_filter("the statement's stance")] = None,
) -> ItemFilter:
    return ItemFilter(since=since, until=until, speaker=speaker, stance=stance)


async def figure_filter(
    since: Since = None,
    until: Until = None,
    metric: Annotated[Metric | None, enum_filter("what is counted")] = None,
    claimed_by: Annotated[str | None, text_filter("part of who gives the figure")] = None,
) -> ItemFilter:
    return ItemFilter(since=since, until=until, metric=metric, claimed_by=claimed_by)


async def place_filter(
    since: Since = None,
    until: Until = None,
    name: Annotated[str | None, text_filter("part of the place's name")] = None,
    near: NearParam = None,
    radius_km: RadiusParam = DEFAULT_RADIUS_KM,
    bbox: BBoxParam = None,
) -> ItemFilter:
    return ItemFilter(
        since=since,
        until=until,
        name=name,
        near=parse_near(near, radius_km),
        bbox=parse_bbox(bbox),
    )


async def entity_filter(
    since: Since = None,
    until: Until = None,
    type: Annotated[EntityType | None, enum_filter("entity type")] = None,
    name: Annotated[str | None, text_filter("part of the name or of an alias")] = None,
) -> ItemFilter:
    return ItemFilter(since=since, until=until, type=type, name=name)


# --- reading ---------------------------------------------------------------------------------


def read_page(
    store: Store,
    kind: str,
    filters: ItemFilter,
    after: Key | None,
    limit: int,
    time_limit: float | None = None,
) -> tuple[list[dict[str, Any]], Key | None]:
    """One page of rows of ``kind`` (database errors become ``StoreError``; ``time_limit``:
    see ``_geo_query.reading``)."""
    with reading(store.engine, store.name, time_limit=time_limit) as connection:
        return page_items(connection, kind, filters, after=after, limit=limit)


def _stream(
    store: Store, kind: str, filters: ItemFilter, limit: int | None
) -> Iterator[list[dict[str, Any]]]:
    """Every matching row, in chunks; the first chunk is read before streaming starts."""
    after: Key | None = None
    left = limit
    while left is None or left > 0:
        size = EXPORT_CHUNK if left is None else min(EXPORT_CHUNK, left)
        rows, after = read_page(store, kind, filters, after, size)
        if rows:
            yield rows
        if after is None:
            return
        if left is not None:
            left -= len(rows)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # keep spreadsheets from running article text as a formula
    return value


def _csv_lines(model: type[BaseModel], chunks: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    columns = [name for name in model.model_fields if name != "mentions"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for rows in chunks:
        for row in rows:
            data = model.model_validate(row).model_dump(mode="json")
            writer.writerow([_csv_cell(data.get(c)) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(model: type[BaseModel], chunks: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    for rows in chunks:
        yield "".join(model.model_validate(row).model_dump_json() + "\n" for row in rows)


def _feature(kind: str, row: dict[str, Any]) -> Feature:
    properties = {k: v for k, v in row.items() if k not in {"mentions", "geo_lat", "geo_lon"}}
    properties["layer"] = kind  # not "kind": places have a kind of their own (town, river)
    properties["mentions"] = len(row.get("mentions", []))
    return Feature(
        id=f"{row['document_id']}/{row['id']}",
        geometry=Point(coordinates=[row["geo_lon"], row["geo_lat"]]),
        properties=properties,
    )


# --- the router ------------------------------------------------------------------------------


def item_router(
    kind: str,
    row_model: type[BaseModel],
    filter_dep: Callable[..., Awaitable[ItemFilter]],
    *,
    geojson: bool = False,
) -> APIRouter:
    """The routes of one item resource; ``kind`` is the store's table name (``events``)."""
    router = APIRouter(tags=[kind], responses=ERROR_RESPONSES)
    filters = Annotated[ItemFilter, Depends(filter_dep)]
    _add_list(router, kind, row_model, filters)
    _add_exports(router, kind, row_model, filters)
    if geojson:
        _add_geojson(router, kind, filters)
    _add_detail(router, kind, row_model)
    return router


def _add_list(router: APIRouter, kind: str, row_model: type[BaseModel], Filters: Any) -> None:
    @router.get(f"/{kind}", response_model=Page[row_model], summary=f"List {kind}")  # type: ignore[valid-type]
    async def list_items(
        store: StoreDep, filters: Filters, cursor: Cursor = None, limit: Limit = DEFAULT_PAGE_SIZE
    ) -> Any:
        after = decode_cursor(kind, cursor)

        def read(time_limit: float | None) -> bytes:
            rows, last = read_page(store, kind, filters, after, limit, time_limit)
            return page_body(row_model, rows, encode_cursor(kind, last), limit)

        # Only SQLite reads can be interrupted; a PostgreSQL read waits on the network.
        inline = on_sqlite3(store.engine) and index_only(kind, filters)
        # A Response is sent as it is: response_model only documents the page.
        body = await run_read(read, inline=inline)
        return Response(body, media_type=JSON_MEDIA_TYPE)


def _add_exports(router: APIRouter, kind: str, row_model: type[BaseModel], Filters: Any) -> None:
    @router.get(
        f"/{kind}.csv",
        response_model=None,
        responses=_stream_doc("text/csv", f"every matching row of {kind} as CSV"),
        summary=f"Export {kind} as CSV",
    )
    def export_csv(store: StoreDep, filters: Filters, limit: ExportLimit = None) -> CSVResponse:
        name = f'attachment; filename="{kind}.csv"'
        lines = _csv_lines(row_model, _stream(store, kind, filters, limit))
        # The header and first chunk are read now, so a database error is an error response
        # rather than a cut stream.
        first = next(lines)
        return CSVResponse(_prepend(first, lines), headers={"Content-Disposition": name})

    @router.get(
        f"/{kind}.jsonl",
        response_model=None,
        responses=_stream_doc(JSONLinesResponse.media_type, f"every matching row of {kind}"),
        summary=f"Export {kind} as JSON Lines",
    )
    def export_jsonl(
        store: StoreDep, filters: Filters, limit: ExportLimit = None
    ) -> JSONLinesResponse:
        lines = _jsonl_lines(row_model, _stream(store, kind, filters, limit))
        first = next(lines, "")  # read before the response starts, as for CSV
        return JSONLinesResponse(_prepend(first, lines))


def _add_geojson(router: APIRouter, kind: str, Filters: Any) -> None:
    @router.get(
        f"/{kind}.geojson",
        response_model=FeatureCollection,
        summary=f"{kind.capitalize()} with coordinates, as GeoJSON",
    )
    def list_geojson(
        store: StoreDep, filters: Filters, cursor: Cursor = None, limit: Limit = DEFAULT_PAGE_SIZE
    ) -> Any:
        located = replace(filters, located=True)
        rows, after = read_page(store, kind, located, decode_cursor(kind, cursor), limit)
        features = [_feature(kind, r) for r in rows]
        body = FeatureCollection(features=features, next_cursor=encode_cursor(kind, after))
        return GeoJSONResponse(body.model_dump(mode="json"))


def _add_detail(router: APIRouter, kind: str, row_model: type[BaseModel]) -> None:
    singular = kind[:-1]

    @router.get(
        f"/{kind}/{{document_id}}/{{item_id}}", response_model=row_model, summary=f"One {singular}"
    )
    def get_item(store: StoreDep, document_id: DocumentId, item_id: ItemId) -> Any:
        only = ItemFilter(document_id=document_id, item_id=item_id)
        rows, _ = read_page(store, kind, only, None, 1)
        if not rows:
            raise NotFound(
                f"no {singular} {item_id!r} in document {document_id!r}; list them at /{kind}"
            )
        return row_model.model_validate(rows[0])


def _stream_doc(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    # Declared by hand: with a streaming response_class FastAPI would also document the
    # JSON error responses under the stream's media type.
    schema = {"type": "string", "description": "one row per line, a header line first for CSV"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


ROUTERS = (
    item_router("events", EventRow, event_filter, geojson=True),
    item_router("statements", StatementRow, statement_filter),
    item_router("figures", FigureRow, figure_filter),
    item_router("places", PlaceRow, place_filter, geojson=True),
    item_router("entities", EntityRow, entity_filter),
)
"""Built at import, like any module-level router; they hold no state (the store is a dependency)."""
