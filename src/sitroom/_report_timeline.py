"""The report's timeline: events (merged, else grouped by sentence) or dated sentences by day."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ._report_text import sentence_around
from .merge import MergedEvent
from .model import is_iso_date_value
from .store import Store

UNDATED = "undated"
NOT_HAPPENED = {"deny": "denied", "urge": "called for"}
"""Event stances under which a report tells of an event without saying it happened."""

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TimelineEntry:
    text: str
    sources: tuple[str, ...]
    document_ids: tuple[str, ...]
    event_type: str | None = None
    claimed_by: str | None = None
    place: str | None = None
    reports: int = 1  # independent reports (near-duplicate documents count once)
    first_reported: str | None = None
    last_reported: str | None = None
    status: str | None = None  # "denied", "called for": told, but not reported as having happened


@dataclass(frozen=True)
class TimelineDay:
    day: str  # ISO day (or month/year for coarser events), or UNDATED
    entries: list[TimelineEntry]

    @property
    def label(self) -> str:
        if self.day == UNDATED:
            return "Date unknown"
        try:
            return f"{self.day} ({date.fromisoformat(self.day):%A})"
        except ValueError:  # a month or year, or an impossible day from an extractor
            return self.day


def source_label(row: dict[str, Any]) -> str:
    """How a listing names where an item came from: source, else title, else document id."""
    return str(row.get("source") or row.get("title") or row["document_id"])


def group_rows(rows: Iterable[dict[str, Any]], key: Any) -> list[list[dict[str, Any]]]:
    """Rows with equal ``key(row)`` together, groups in first-seen order."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return list(groups.values())


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` without repeats, in first-seen order."""
    return tuple(dict.fromkeys(values))


def _is_day(value: str | None) -> bool:
    return value is not None and len(value) == len("YYYY-MM-DD") and is_iso_date_value(value)


def normal(text: str) -> str:
    """``text`` casefolded with runs of whitespace made one space (to compare sentences)."""
    return _SPACE.sub(" ", text).strip().casefold()


def status_of(stances: Iterable[str | None]) -> str | None:
    """ "denied" or "called for" when every report of an event says so, else None."""
    found = set(stances)
    return NOT_HAPPENED.get(found.pop() or "") if len(found) == 1 else None


def merged_timeline(
    merged: list[MergedEvent], stances: Mapping[tuple[str, str], str | None]
) -> list[TimelineDay]:
    """Timeline days from merged events; events told by one sentence share one line.

    ``stances`` maps (document id, event id) to the event's stance: an event every report of
    which is denied or only called for is marked so.
    """
    # Several events of one sentence ("strikes ... killed ... destroyed") make one line with
    # their types, not the same sentence three times.
    by_day: dict[str, dict[str, TimelineEntry]] = {}
    for event in merged:
        day = event.day if event.day and is_iso_date_value(event.day) else UNDATED
        entry = TimelineEntry(
            text=event.text,
            sources=event.reported.sources,
            document_ids=unique(d for d, _ in event.reported.members),
            event_type=event.type,
            claimed_by=event.claimed_by,
            place=event.place,
            reports=event.reported.reports,
            first_reported=event.first_published,
            last_reported=event.last_published,
            status=status_of(stances.get(member) for member in event.reported.members),
        )
        lines = by_day.setdefault(day, {})
        known = lines.get(event.text)
        lines[event.text] = entry if known is None else _same_sentence(known, entry)
    return _days({day: list(lines.values()) for day, lines in by_day.items()})


def _same_sentence(known: TimelineEntry, other: TimelineEntry) -> TimelineEntry:
    """One line for two events told by one sentence."""
    types = unique(t for t in (*(known.event_type or "").split(", "), other.event_type) if t)
    reported = [t for t in (known.first_reported, other.first_reported) if t]
    last = [t for t in (known.last_reported, other.last_reported) if t]
    return replace(
        known,
        sources=unique((*known.sources, *other.sources)),
        document_ids=unique((*known.document_ids, *other.document_ids)),
        event_type=", ".join(types),
        claimed_by=known.claimed_by or other.claimed_by,
        place=known.place or other.place,
        reports=max(known.reports, other.reports),
        first_reported=min(reported, default=None),
        last_reported=max(last, default=None),
        status=known.status if known.status == other.status else None,
    )


def _days(entries: dict[str, list[TimelineEntry]]) -> list[TimelineDay]:
    order = sorted(entries, key=lambda day: (day == UNDATED, day))
    return [TimelineDay(day, entries[day]) for day in order]


def event_timeline(events: list[dict[str, Any]]) -> list[TimelineDay]:
    """Timeline days from unmerged events: rows of one day, type and sentence make one line."""

    def day(row: dict[str, Any]) -> str:
        value = (row["date"] or "")[:10]
        return value if is_iso_date_value(value) else UNDATED

    by_day: dict[str, list[TimelineEntry]] = {}
    for rows in group_rows(events, lambda r: (day(r), r["type"], normal(r["text"]))):
        first = rows[0]
        by_day.setdefault(day(first), []).append(
            TimelineEntry(
                text=first["text"],
                sources=unique(source_label(r) for r in rows),
                document_ids=unique(r["document_id"] for r in rows),
                event_type=first["type"],
                claimed_by=first["claimed_by"],
                place=first["place_name"],
                reports=len({r["document_id"] for r in rows}),
                first_reported=min((r["published"] for r in rows if r["published"]), default=None),
                last_reported=max((r["published"] for r in rows if r["published"]), default=None),
                status=status_of(r["stance"] for r in rows),
            )
        )
    return _days(by_day)


def time_timeline(store: Store, since: str | None, until: str | None) -> list[TimelineDay]:
    """Timeline days from day-precise time expressions, when no events were extracted."""
    texts: dict[str, str] = {}

    def sentence(row: dict[str, Any]) -> str:
        doc_id = row["document_id"]
        if doc_id not in texts:
            texts[doc_id] = store.document(doc_id)["text"]
        return sentence_around(texts[doc_id], row["start"], row["end"])

    dated = [
        row | {"sentence": sentence(row)}
        for row in store.times(since=since, until=until)
        if row["precision"] == "day" and _is_day(row["value"])
    ]
    by_day: dict[str, list[TimelineEntry]] = {}
    for rows in group_rows(dated, lambda r: (r["value"], normal(r["sentence"]))):
        first = rows[0]
        by_day.setdefault(first["value"], []).append(
            TimelineEntry(
                text=first["sentence"],
                sources=unique(source_label(r) for r in rows),
                document_ids=unique(r["document_id"] for r in rows),
            )
        )
    return _days(by_day)
