"""A synthetic Sitroom database of N events, written in bulk through the store's own tables.

Distributions are skewed like a conflict news feed: daily volume with a surge and waves, a few
hundred outlets, invented places of very uneven popularity (many events share a town's exact
point), events per document, PLOVER types, item dates that are days, months, years or missing,
claimants, 1-3 mentions per item. Rows go through the same triggers as real ingestion. Used by
``api_load.py``; cached by size and seed.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from sitroom.store import Store, schema
from sitroom.store._connect import write_transaction
from sitroom.store._indexes import KEY_TABLES

GENERATOR_VERSION = 1
"""Bump when the synthetic data changes, so cached databases are rebuilt."""
DOCS_PER_TRANSACTION = 2_000
START_DAY = date(2022, 1, 1)
DAYS = 3 * 365
PLACES = 3_000
OUTLETS = 300

EVENT_TYPES = {  # PLOVER type: relative frequency in a conflict feed
    "ASSAULT": 38,
    "COERCE": 8,
    "DISAPPROVE": 7,
    "CONSULT": 7,
    "MOBILIZE": 6,
    "AID": 5,
    "THREATEN": 5,
    "DEMAND": 4,
    "SUPPORT": 4,
    "PROTEST": 3,
    "AGREE": 3,
    "COOPERATE": 2,
    "SANCTION": 2,
    "RETREAT": 2,
    "REJECT": 1,
    "INVESTIGATE": 1,
    "CRIME": 1,
    "CONCEDE": 1,
}
REGIONS = (  # (weight, min_lat, max_lat, min_lon, max_lon): where invented places lie
    (60, 44.0, 53.0, 22.0, 41.0),
    (12, 29.0, 37.5, 34.0, 48.0),
    (8, 10.0, 20.0, -12.0, 25.0),
    (6, 2.0, 15.0, 32.0, 48.0),
    (5, 38.0, 43.5, 40.0, 50.0),
    (9, -40.0, 70.0, -170.0, 175.0),
)
CLAIMANTS = (
    "the defence ministry",
    "the general staff",
    "regional officials",
    "the army",
    "separatist leaders",
    "the interior ministry",
    "a military spokesman",
    "police",
)
ACTORS = (
    "government forces",
    "rebels",
    "the air force",
    "militia",
    "protesters",
    "police",
    "an armed group",
    "the navy",
    "artillery units",
    "volunteers",
)
SYLLABLES = (
    "vel",
    "mor",
    "os",
    "trel",
    "bra",
    "kov",
    "na",
    "lyn",
    "sen",
    "dar",
    "ka",
    "ri",
    "zor",
    "pol",
    "ev",
    "an",
    "tur",
    "mi",
    "gor",
    "is",
    "lav",
    "ro",
    "chen",
    "ta",
)


# --- the synthetic database -----------------------------------------------------------------


class World:
    """Invented places and outlets with skewed popularity, and a daily news volume."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        regions = rng.choices(REGIONS, [r[0] for r in REGIONS], k=PLACES)
        self.places = [self._place(i, r) for i, r in enumerate(regions)]
        self.place_weights = [1 / (rank + 1) ** 1.1 for rank in range(PLACES)]
        self.outlets = [
            f"{self._name().title()} {rng.choice(('Post', 'Wire', 'News'))}" for _ in range(OUTLETS)
        ]
        self.outlet_weights = [1 / (rank + 1) for rank in range(OUTLETS)]
        surge = [3.0 * 0.97 ** abs(d - 55) for d in range(DAYS)]
        waves = [0.5 * (1 + ((d // 90) % 3 == 1)) for d in range(DAYS)]
        self.day_weights = [0.3 + s + w for s, w in zip(surge, waves, strict=True)]
        self.types, self.type_weights = list(EVENT_TYPES), list(EVENT_TYPES.values())

    def _name(self) -> str:
        return "".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4)))

    def _place(self, index: int, region: tuple[float, ...]) -> dict[str, Any]:
        _, lat0, lat1, lon0, lon1 = region
        kind = self.rng.choices(
            ("city", "town", "village", "admin1", "country"), (3, 4, 4, 1, 0.3)
        )[0]
        lat, lon = round(self.rng.uniform(lat0, lat1), 4), round(self.rng.uniform(lon0, lon1), 4)
        if self.rng.random() < 0.06:  # the gazetteer did not resolve it
            return {
                "name": self._name().title(),
                "lat": None,
                "lon": None,
                "kind": None,
                "precision": "unresolved",
                "country": None,
                "geonameid": None,
            }
        precision = {"admin1": "admin1", "country": "country"}.get(kind, "exact")
        return {
            "name": self._name().title(),
            "lat": lat,
            "lon": lon,
            "kind": kind,
            "precision": precision,
            "country": "XX",
            "geonameid": 10_000_000 + index,
        }

    def popular_place(self) -> dict[str, Any]:
        return self.rng.choices(self.places, self.place_weights)[0]


def _document(world: World, day: int, events: int) -> tuple[dict[str, Any], dict[str, list]]:
    """One document's row and its item rows, with mention offsets into its text."""
    rng = world.rng
    published = START_DAY + timedelta(days=day)
    places = list(
        {id(p): p for p in (world.popular_place() for _ in range(rng.randint(1, 4)))}.values()
    )
    parts, length = [], 0
    rows: dict[str, list] = defaultdict(list)

    def say(sentence: str) -> tuple[int, int]:
        nonlocal length
        parts.append(sentence)
        start, length = length, length + len(sentence) + 1
        return start, start + len(sentence)

    for i, place in enumerate(places):
        start, end = say(f"{place['name']} ({place['kind'] or 'unknown'}).")
        pid = f"p{i + 1}"
        rows["places"].append({"id": pid, "idx": i, **place})
        rows["place_mentions"].append(
            {
                "place_id": pid,
                "idx": 0,
                "start": start,
                "end": start + len(place["name"]),
                "text": place["name"],
            }
        )
    for i in range(events):
        type_ = rng.choices(world.types, world.type_weights)[0]
        actor, p = rng.choice(ACTORS), rng.randrange(len(places))
        text = f"Report {i}: {actor} {type_.lower()} near {places[p]['name']}."
        eid, own = f"v{i + 1}", rng.random() < 0.05
        where = rng.random()
        event_date = _event_date(rng, published)
        rows["events"].append(
            {
                "id": eid,
                "idx": i,
                "type": type_,
                "mode": None,
                "actor": actor,
                "target": None,
                "place": f"p{p + 1}" if where < 0.85 else None,
                "lat": _jitter(rng, places[p]["lat"]) if own else None,
                "lon": _jitter(rng, places[p]["lon"]) if own else None,
                "date": event_date,
                "date_precision": "day" if event_date else None,
                "claimed_by": rng.choice(CLAIMANTS) if rng.random() < 0.35 else None,
                "stance": rng.choice(("claim", "assert", "deny")) if rng.random() < 0.35 else None,
                "text": text,
                "date_key": event_date,
            }
        )
        for m in range(rng.choices((1, 2, 3), (70, 20, 10))[0]):
            start, end = say(text)
            rows["event_mentions"].append(
                {"event_id": eid, "idx": m, "start": start, "end": end, "text": text}
            )
    rng.shuffle(parts)  # order of sentences is irrelevant to queries; offsets are recomputed
    body = " ".join(parts)
    seen: dict[str, int] = {}
    for table in ("place_mentions", "event_mentions"):
        for m in rows[table]:  # each mention at the next occurrence of its text
            m["start"] = body.index(m["text"], seen.get(m["text"], 0))
            m["end"], seen[m["text"]] = m["start"] + len(m["text"]), m["start"] + 1
    hour = rng.randrange(24)
    doc_id = f"d{rng.getrandbits(64):016x}"
    doc = {
        "id": doc_id,
        "content_hash": f"{rng.getrandbits(256):064x}",
        "title": parts[0][:80],
        "source": rng.choices(world.outlets, world.outlet_weights)[0],
        "url": f"https://example.org/{doc_id}",
        "published": f"{published}T{hour:02d}:00:00",
        "language": "en",
        "chars": len(body),
        "text": body,
        "status": "analysed",
        "origin": "synthetic",
        "ingested_at": f"{published}T23:00:00",
        "warnings": "[]",
    }
    for table_rows in rows.values():
        for row in table_rows:
            row["document_id"] = doc_id
    return doc, rows


def _jitter(rng: random.Random, value: float | None) -> float | None:
    """An event's own point: a few kilometres from its place's."""
    return None if value is None else round(value + rng.gauss(0, 0.05), 4)


def _event_date(rng: random.Random, published: date) -> str | None:
    roll = rng.random()
    if roll < 0.60:
        return published.isoformat()
    if roll < 0.80:
        return (published - timedelta(days=rng.randint(1, 3))).isoformat()
    if roll < 0.87:
        return published.isoformat()[:7]
    if roll < 0.90:
        return published.isoformat()[:4]
    return None


_ORDER = ("places", "place_mentions", "events", "event_mentions")


def build_database(path: Path, events: int, seed: int) -> None:
    """Write a database of about ``events`` events to ``path`` (via a temporary file)."""
    rng = random.Random(seed)
    world = World(rng)
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    sizes: list[int] = []  # events per document: mostly a few, sometimes dozens
    total = 0
    while total < events:
        sizes.append(min(1 + min(int(rng.expovariate(1 / 4)), 39), events - total))
        total += sizes[-1]
    days = sorted(rng.choices(range(DAYS), world.day_weights, k=len(sizes)))
    written, started = 0, time.perf_counter()
    with Store(partial) as store:
        # The key tables' indexes are built once at the end: far faster than row by row.
        indexes = [i for kind in ("events", "places") for i in KEY_TABLES[kind].indexes]
        with write_transaction(store.engine) as connection:
            for index in indexes:
                index.drop(connection)
        for first in range(0, len(sizes), DOCS_PER_TRANSACTION):
            chunk = range(first, min(first + DOCS_PER_TRANSACTION, len(sizes)))
            _write(store, [_document(world, days[i], sizes[i]) for i in chunk])
            written += sum(sizes[i] for i in chunk)
            print(
                f"\r{written:,} events  {time.perf_counter() - started:.0f} s",
                end="",
                file=sys.stderr,
            )
        with write_transaction(store.engine) as connection:
            for index in indexes:
                index.create(connection)
    print(f"\nindexed  {time.perf_counter() - started:.0f} s", file=sys.stderr)
    partial.rename(path)


def _write(store: Store, batch: list[tuple[dict[str, Any], dict[str, list]]]) -> None:
    with write_transaction(store.engine) as connection:
        connection.exec_driver_sql("PRAGMA cache_size = -500000")
        connection.execute(insert(schema.documents), [doc for doc, _ in batch])
        for table in _ORDER:
            rows = [row for _, items in batch for row in items.get(table, [])]
            if rows:
                connection.execute(insert(schema.metadata.tables[table]), rows)


def cached_database(path: Path | None, events: int, seed: int) -> Path:
    """The database for (events, seed), built unless ``path`` or the cache already has it."""
    if path is None:
        cache = Path(tempfile.gettempdir()) / "sitroom-bench"
        cache.mkdir(exist_ok=True)
        path = cache / f"api_load-{events}-{seed}-v{GENERATOR_VERSION}.db"
    if not path.exists():
        build_database(path, events, seed)
    with Store(path) as store, store.engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(schema.events))
    print(f"database {path}: {count:,} events", file=sys.stderr)
    return path
