"""Merge one document's events into events already known (same event, other wording or outlet).

Candidates come from indexed queries on ``event_members``: the same PLOVER type or a
synonymous trigger, a day within :data:`EVENT_DAY_WINDOW`, and a place in the same or a
neighbouring grid cell (or no place). Each candidate is scored on the wording of the trigger's
clause and sentence, the trigger word and the actor and target; places farther apart than
``_event_score.EVENT_RADIUS_KM`` or in different countries rule a pair out. Two events stated in one
sentence of one document are not merged unless their triggers are synonyms: the extractor made
them different on purpose ("explosions and gunfire"). The rules are in ``docs/merge.md``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..store import schema
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


def merge_events(connection: Connection, document: dict[str, Any], report_id: str) -> int:
    """Attach every event of ``document`` to a merged event; return how many joined known ones."""
    joined = 0
    for features, place_name, claimed_by in _document_events(connection, document):
        merged_id = _best_candidate(connection, features)
        if merged_id is None:
            merged_id = _new_merged(connection, features, place_name, claimed_by, document)
        else:
            joined += 1
            _touch_merged(connection, merged_id, features, document)
        connection.execute(
            insert(event_members),
            [
                {
                    "document_id": features.document_id,
                    "event_id": features.event_id,
                    "merged_id": merged_id,
                    "report_id": report_id,
                    "source": document["source"],
                    "published": document["published"],
                    "mentions": features.mentions,
                    "type": features.type,
                    "day": features.day,
                    "cell": features.cell,
                    "lat": features.lat,
                    "lon": features.lon,
                    "country": features.country,
                    "trigger": features.trigger,
                    "trigger_class": trigger_class(features.trigger),
                    "actor": features.actor,
                    "target": features.target,
                    "text": features.text,
                    "context": features.context,
                }
            ],
        )
    return joined


def _document_events(
    connection: Connection, document: dict[str, Any]
) -> list[tuple[EventFeatures, str | None, str | None]]:
    events, places, mentions = schema.events, schema.places, schema.event_mentions
    query = (
        select(
            events, places.c.name, places.c.lat, places.c.lon, places.c.country, places.c.precision
        )
        .outerjoin(
            places, (places.c.document_id == events.c.document_id) & (places.c.id == events.c.place)
        )
        .where(events.c.document_id == document["id"])
        .order_by(events.c.idx)
    )
    rows = connection.execute(query).all()
    triggers: dict[str, list[tuple[int, int, str]]] = {}
    for event_id, start, end, text in connection.execute(
        select(mentions.c.event_id, mentions.c.start, mentions.c.end, mentions.c.text)
        .where(mentions.c.document_id == document["id"])
        .order_by(mentions.c.event_id, mentions.c.idx)
    ):
        triggers.setdefault(event_id, []).append((start, end, text))
    published_day = (document["published"] or "")[:10]
    found = []
    for row in rows:
        r = row._mapping
        lat, lon = r[events.c.lat], r[events.c.lon]
        if (lat is None or lon is None) and r[places.c.precision] in POINT_PRECISIONS:
            lat, lon = r[places.c.lat], r[places.c.lon]
        date = r[events.c.date_key]
        said = triggers.get(r[events.c.id], [])
        features = EventFeatures(
            document_id=document["id"],
            event_id=r[events.c.id],
            type=r[events.c.type],
            day=date if sim.parse_day(date) else published_day,
            cell=sim.cell(lat, lon),
            lat=lat,
            lon=lon,
            country=r[places.c.country],
            trigger=sim.normal(said[0][2] if said else ""),
            actor=r[events.c.actor],
            target=r[events.c.target],
            text=r[events.c.text],
            context=context(document["text"], r[events.c.text], said[0] if said else None),
            mentions=max(len(said), 1),
        )
        found.append((features, r[places.c.name], r[events.c.claimed_by]))
    return found


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


def _candidates(connection: Connection, event: EventFeatures) -> list[EventFeatures]:
    """Members of the same type, or with a synonymous trigger, near in time and space."""
    members = event_members
    low, high = sim.day_range(event.day, EVENT_DAY_WINDOW)
    near = [members.c.day.between(low, high)]
    if event.lat is not None and event.lon is not None:
        cells = [*sim.neighbour_cells(event.lat, event.lon), sim.NO_CELL]
        near.append(members.c.cell.in_(cells))
    found: dict[tuple[str, str], Any] = {}
    blocks = [members.c.type == event.type]
    if trigger_class(event.trigger):
        blocks.append(members.c.trigger_class == trigger_class(event.trigger))
    for block in blocks:
        query = select(members).where(block, *near).order_by(members.c.day.desc())
        for r in connection.execute(query.limit(MAX_EVENT_CANDIDATES)).mappings():
            found[(r["document_id"], r["event_id"])] = r
    return [
        EventFeatures(
            document_id=r["document_id"],
            event_id=str(r["merged_id"]),  # candidates carry their merged id here
            type=r["type"],
            day=r["day"],
            cell=r["cell"],
            lat=r["lat"],
            lon=r["lon"],
            country=r["country"],
            trigger=r["trigger"],
            actor=r["actor"],
            target=r["target"],
            text=r["text"],
            context=r["context"],
            mentions=r["mentions"],
        )
        for r in found.values()
    ]


def _best_candidate(connection: Connection, event: EventFeatures) -> int | None:
    best, best_score = None, EVENT_MATCH
    for candidate in _candidates(connection, event):
        value = score(event, candidate)
        if value >= best_score:
            best, best_score = int(candidate.event_id), value
    return best


def _new_merged(
    connection: Connection,
    event: EventFeatures,
    place_name: str | None,
    claimed_by: str | None,
    document: dict[str, Any],
) -> int:
    result = connection.execute(
        insert(merged_events).values(
            type=event.type,
            day=event.day or None,
            place_name=place_name,
            lat=event.lat,
            lon=event.lon,
            actor=event.actor,
            target=event.target,
            claimed_by=claimed_by,
            text=event.text,
            first_published=document["published"],
            last_published=document["published"],
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _touch_merged(
    connection: Connection, merged_id: int, event: EventFeatures, document: dict[str, Any]
) -> None:
    """Widen the merged event's report period; fill what its first report did not say."""
    row = (
        connection.execute(select(merged_events).where(merged_events.c.id == merged_id))
        .mappings()
        .one()
    )
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
