"""Merge one document's events into events already known (same event, other wording or outlet).

Candidates come from indexed queries on ``event_members``: the same PLOVER type or a
synonymous trigger, a day within :data:`EVENT_DAY_WINDOW`, and a place in the same or a
neighbouring grid cell (or no place). Each candidate is scored on the wording of the trigger's
clause and sentence, the trigger word and the actor and target; places farther apart than
``_event_score.EVENT_RADIUS_KM`` or in different countries rule a pair out. Two events stated in one
sentence of one document are not merged unless their triggers are synonyms: the extractor made
them different on purpose ("explosions and gunfire"). The rules are in ``docs/merge.md``.

What is compared of a new event (:class:`PreparedEvent`) is computed from the document's
result alone, so a Dask worker computes it and the writer only queries and inserts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    bindparam,
    insert,
    literal_column,
    select,
    union_all,
    update,
)

from ..model import DocumentResult, Mention
from ..store._write import date_key
from . import _similar as sim
from ._event_score import CONTEXT_WORDS, EVENT_MATCH, EventFeatures, score
from ._tables import event_members, merged_events

EVENT_DAY_WINDOW = 7
"""Days either side of an event's day (its own date, else its document's publication day):
follow-up reports recall an event days later, often without its date."""
MAX_EVENT_CANDIDATES = 300
"""Most stored members compared with one new event: a fixed bound on the merge cost."""
POINT_PRECISIONS = frozenset({"exact", "near"})
"""Place precisions whose coordinates locate an event; coarser ones only give a country."""

# The member columns a candidate is read from, in EventFeatures order (merged_id in event_id).
_CANDIDATE_COLUMNS = (
    event_members.c.document_id,
    event_members.c.merged_id,
    *(event_members.c[f] for f in ("type", "day", "cell", "lat", "lon", "country", "trigger")),
    *(event_members.c[f] for f in ("actor", "target", "text", "context", "mentions")),
)


@dataclass(frozen=True)
class PreparedEvent:
    """A new event as merging compares and stores it."""

    features: EventFeatures
    trigger_class: str
    place_name: str | None
    claimed_by: str | None


def prepare_events(
    document_id: str, text: str, published: str | None, result: DocumentResult
) -> list[PreparedEvent]:
    """The events of one document's result, with what merging compares of them."""
    places = sim.places_by_id(result)
    published_day = (published or "")[:10]
    found = []
    for event in result.events:
        place = places.get(event.place) if event.place is not None else None
        lat, lon = event.lat, event.lon
        # Enum defaults stay enums (use_enum_values converts given values only): str() both.
        point = place is not None and str(place.precision) in POINT_PRECISIONS
        if (lat is None or lon is None) and point:
            lat, lon = place.lat, place.lon  # type: ignore[union-attr]
        date = date_key(event.date)
        said = event.mentions
        trigger = sim.normal(said[0].text if said else "")
        features = EventFeatures(
            document_id=document_id,
            event_id=event.id,
            type=str(event.type),
            # An event's own month or year ("seized the towns in 2012") is its time too: it
            # blocks with events of that month or year, not with the report's day.
            day=date if date is not None else published_day,
            cell=sim.cell(lat, lon),
            lat=lat,
            lon=lon,
            country=place.country if place is not None else None,
            trigger=trigger,
            actor=event.actor,
            target=event.target,
            text=event.text,
            context=context(text, event.text, _span(said[0]) if said else None),
            mentions=max(len(said), 1),
        )
        name = place.name if place is not None else None
        found.append(PreparedEvent(features, trigger_class(trigger), name, event.claimed_by))
    return found


def _span(mention: Mention) -> tuple[int, int, str]:
    return mention.start, mention.end, mention.text


def merge_events(
    connection: Connection,
    document: dict[str, Any],
    report_id: str,
    events: list[PreparedEvent],
) -> int:
    """Attach every event of ``document`` to a merged event; return how many joined known ones.

    One query per event reads its candidates: each event may join one filed just before it,
    from the same document.
    """
    joined = 0
    read: dict[tuple[str, str], EventFeatures] = {}  # members stay as they are: read them once
    for event in events:
        features = event.features
        merged_id = _best_candidate(connection, event, read)
        if merged_id is None:
            merged_id = _new_merged(connection, event, document)
        else:
            joined += 1
            _touch_merged(connection, merged_id, features, document)
        connection.execute(_INSERT_MEMBER, _member_row(event, merged_id, report_id, document))
    return joined


def _member_row(
    event: PreparedEvent, merged_id: int, report_id: str, document: dict[str, Any]
) -> dict[str, Any]:
    f = event.features
    return {
        "document_id": f.document_id,
        "event_id": f.event_id,
        "merged_id": merged_id,
        "report_id": report_id,
        "source": document["source"],
        "published": document["published"],
        "mentions": f.mentions,
        "type": f.type,
        "day": f.day,
        "cell": f.cell,
        "lat": f.lat,
        "lon": f.lon,
        "country": f.country,
        "trigger": f.trigger,
        "trigger_class": event.trigger_class,
        "actor": f.actor,
        "target": f.target,
        "text": f.text,
        "context": f.context,
    }


_INSERT_MEMBER = insert(event_members)


def context(text: str, sentence: str, trigger: tuple[int, int, str] | None) -> str:
    """Up to :data:`CONTEXT_WORDS` words either side of the trigger, within its sentence."""
    if trigger is None:
        return sentence
    start, end, _ = trigger
    at = text.rfind(sentence, max(0, end - len(sentence)), start + len(sentence))
    if at < 0 or not at <= start <= at + len(sentence):
        return sentence
    before = sentence[: start - at].split()[-CONTEXT_WORDS:]
    after = sentence[start - at :].split()[: CONTEXT_WORDS + 1]
    return " ".join(before + after)


def trigger_class(trigger: str) -> str:
    """The trigger's stems, synonyms folded, as one blocking key ('' for no trigger)."""
    return " ".join(sorted(sim.stems(trigger)))


def _block(number: int, key: Any, *, located: bool, undated: bool) -> Select[Any]:
    """Members of one blocking key (``:key``) near the event, most recent day first."""
    members = event_members
    near: list[ColumnElement[bool]] = [members.c.day.between(bindparam("low"), bindparam("high"))]
    if located:
        near.append(members.c.cell.in_(bindparam("cells", expanding=True)))
    if undated:
        near.append(members.c.document_id == bindparam("document_id"))
    part = (
        select(literal_column(str(number)).label("block"), *_CANDIDATE_COLUMNS, members.c.event_id)
        .where(key == bindparam(f"key{number}"), *near)
        .order_by(members.c.day.desc())
        .limit(bindparam("limit", type_=Integer))  # read at each call: tests lower it
        .subquery()
    )
    return select(part)


@functools.cache
def _candidate_query(
    *, located: bool, by_trigger: bool, undated: bool
) -> Select[Any] | CompoundSelect[Any]:
    """One statement for both blocking keys (type; trigger class), built once per shape."""
    by_type = _block(0, event_members.c.type, located=located, undated=undated)
    if not by_trigger:
        return by_type
    by_class = _block(1, event_members.c.trigger_class, located=located, undated=undated)
    return union_all(by_type, by_class)


def _candidates(
    connection: Connection, event: PreparedEvent, read: dict[tuple[str, str], EventFeatures]
) -> list[EventFeatures]:
    """Members of the same type, or with a synonymous trigger, near in time and space.

    ``read`` holds the members already made into features while merging this document.
    """
    f = event.features
    low, high = sim.day_range(f.day, EVENT_DAY_WINDOW)
    parameters: dict[str, Any] = {"low": low, "high": high, "key0": f.type}
    parameters["limit"] = MAX_EVENT_CANDIDATES
    located = f.lat is not None and f.lon is not None
    if located:
        parameters["cells"] = [*sim.neighbour_cells(f.lat, f.lon), sim.NO_CELL]  # type: ignore[arg-type]
    if event.trigger_class:
        parameters["key1"] = event.trigger_class
    # An event with no day at all (no date of its own, an undated document) has no time to be
    # near: it may repeat an event of its own document ("Earlier updates"), but joining another
    # document's would rest on wording alone, and every undated event would be a candidate.
    undated = not f.day
    if undated:
        parameters["document_id"] = f.document_id
    query = _candidate_query(located=located, by_trigger=bool(event.trigger_class), undated=undated)
    # The type block first, each block in its own order (sorted() is stable).
    rows = sorted(connection.execute(query, parameters).all(), key=lambda row: row[0])
    found: dict[tuple[str, str], EventFeatures] = {}
    for row in rows:
        key = (row[1], row[-1])
        if key not in found:
            if key not in read:  # candidates carry their merged id as event_id
                read[key] = EventFeatures(row[1], str(row[2]), *row[3:-1])
            found[key] = read[key]
    return list(found.values())


def _best_candidate(
    connection: Connection, event: PreparedEvent, read: dict[tuple[str, str], EventFeatures]
) -> int | None:
    best, best_score = None, EVENT_MATCH
    for candidate in _candidates(connection, event, read):
        value = score(event.features, candidate)
        if value >= best_score:
            best, best_score = int(candidate.event_id), value
    return best


def _new_merged(connection: Connection, event: PreparedEvent, document: dict[str, Any]) -> int:
    f = event.features
    result = connection.execute(
        _INSERT_MERGED,
        {
            "type": f.type,
            "day": f.day or None,
            "place_name": event.place_name,
            "lat": f.lat,
            "lon": f.lon,
            "actor": f.actor,
            "target": f.target,
            "claimed_by": event.claimed_by,
            "text": f.text,
            "first_published": document["published"],
            "last_published": document["published"],
        },
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


_INSERT_MERGED = insert(merged_events)
_TOUCHED = ("first_published", "last_published", "actor", "target", "lat", "lon")
_READ_MERGED = select(*(merged_events.c[name] for name in _TOUCHED)).where(
    merged_events.c.id == bindparam("merged_id")
)


def _touch_merged(
    connection: Connection, merged_id: int, event: EventFeatures, document: dict[str, Any]
) -> None:
    """Widen the merged event's report period; fill what its first report did not say."""
    row = connection.execute(_READ_MERGED, {"merged_id": merged_id}).mappings().one()
    published = document["published"]
    changes: dict[str, Any] = {}
    if published and (row["first_published"] is None or published < row["first_published"]):
        changes["first_published"] = published
    if published and (row["last_published"] is None or published > row["last_published"]):
        changes["last_published"] = published
    for name in ("actor", "target", "lat", "lon"):
        if row[name] is None and getattr(event, name) is not None:
            changes[name] = getattr(event, name)
    if changes:
        connection.execute(
            update(merged_events).where(merged_events.c.id == merged_id).values(**changes)
        )
