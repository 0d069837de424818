"""The situation report: what the store knows about a period, for an analyst to read.

:func:`build_report` reads a :class:`~sitroom.store.Store` into a :class:`Report` (plain
dataclasses, also available as a dict); :func:`render_markdown` and :func:`render_html` turn it
into text. Sections: header, timeline by day, statements by speaker, figures, places, flagged
documents. Events and statements come from :mod:`sitroom.merge` (each once, with its number of
independent reports and first and last report time); documents stored without being merged fall
back to grouping repeated sentences, so a report never hides what the store holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ._report_text import (
    SENTENCE_MAX_CHARS,
    format_value,
    md,
    render_html,
    render_markdown,
    sentence_around,
)
from ._report_timeline import (
    TimelineDay,
    event_timeline,
    group_rows,
    merged_timeline,
    normal,
    source_label,
    time_timeline,
    unique,
)
from .merge import MergedEvent, MergedStatement, merged_events, merged_statements
from .model import Metric, PlacePrecision
from .store import Store

__all__ = [
    "EMPTY",
    "SENTENCE_MAX_CHARS",
    "Report",
    "build_report",
    "format_value",
    "md",
    "render_html",
    "render_markdown",
    "sentence_around",
    "source_label",
]

UNATTRIBUTED = "Unattributed"

EMPTY = {
    "timeline": "No dated events or day-precise dates in this period.",
    "statements": "No statements extracted in this period.",
    "figures": "No figures extracted in this period.",
    "places": "No places extracted in this period.",
    "flagged": "No flagged documents.",
}
"""The one line an empty section shows."""

_METRIC_ORDER = {metric.value: i for i, metric in enumerate(Metric)}
_PRECISION_ORDER = {precision.value: i for i, precision in enumerate(PlacePrecision)}


@dataclass(frozen=True)
class StatementEntry:
    text: str
    stance: str
    kind: str
    mentions: int
    sources: tuple[str, ...]
    document_ids: tuple[str, ...]
    reports: int = 1
    first_reported: str | None = None
    last_reported: str | None = None


@dataclass(frozen=True)
class SpeakerSection:
    speaker: str
    statements: list[StatementEntry]


@dataclass(frozen=True)
class FigureEntry:
    metric: str
    value: str  # formatted with its qualifier: "at least 14", "100–200"
    who: str | None
    place: str | None
    claimed_by: str | None
    date: str | None
    source: str
    document_id: str
    text: str


@dataclass(frozen=True)
class PlaceEntry:
    name: str
    precision: str
    country: str | None
    kind: str | None
    mentions: int
    documents: int


@dataclass(frozen=True)
class FlaggedDocument:
    id: str
    title: str | None
    source: str | None
    language: str
    published: str | None


@dataclass(frozen=True)
class Report:
    """A situation report; every list is already in reading order."""

    since: str | None
    until: str | None
    generated_at: str
    documents: int
    analysed: int
    sources: list[str]
    first_published: str | None
    last_published: str | None
    timeline_basis: str  # "events" or "times": what the timeline was built from
    timeline: list[TimelineDay]
    speakers: list[SpeakerSection]
    figures: list[FigureEntry]
    places: list[PlaceEntry]
    flagged: list[FlaggedDocument] = field(default_factory=list)
    empty: dict[str, str] = field(default_factory=lambda: dict(EMPTY))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def build_report(store: Store, *, since: str | None = None, until: str | None = None) -> Report:
    """Read everything the store holds for [since, until] into a :class:`Report`."""
    documents = store.documents(since=since, until=until)
    days = sorted(d["published"][:10] for d in documents if d["published"])
    events = store.events(since=since, until=until)
    place_rows = store.places(since=since, until=until)
    place_names = {(p["document_id"], p["id"]): p["name"] for p in place_rows}
    statements = store.statements(since=since, until=until)
    with store.engine.connect() as connection:
        merged = merged_events(connection, since=since, until=until)
        said = merged_statements(connection, since=since, until=until)
    if merged and len(merged_ids(merged)) >= len(events):
        stances = {(e["document_id"], e["id"]): e["stance"] for e in events}
        timeline = merged_timeline(merged, stances)
    else:  # documents stored without merge_document: group repeated sentences instead
        timeline = event_timeline(events) if events else time_timeline(store, since, until)
    by_statement = said and len(merged_ids(said)) >= len(statements)
    return Report(
        since=since,
        until=until,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=len(documents),
        analysed=sum(d["status"] == "analysed" for d in documents),
        sources=sorted({d["source"] for d in documents if d["source"]}),
        first_published=days[0] if days else None,
        last_published=days[-1] if days else None,
        timeline_basis="events" if events else "times",
        timeline=timeline,
        speakers=_merged_speakers(said) if by_statement else _speakers(statements),
        figures=_figures(store.figures(since=since, until=until), place_names),
        places=_places(place_rows),
        flagged=[
            FlaggedDocument(d["id"], d["title"], d["source"], d["language"], d["published"])
            for d in documents
            if d["status"] == "flagged"
        ],
    )


def merged_ids(items: list[MergedEvent] | list[MergedStatement]) -> set[tuple[str, str]]:
    """Every (document id, item id) the merged items hold."""
    return {member for item in items for member in item.reported.members}


def _merged_speakers(said: list[MergedStatement]) -> list[SpeakerSection]:
    by_speaker: dict[str, list[StatementEntry]] = {}
    for statement in said:
        by_speaker.setdefault(statement.speaker or UNATTRIBUTED, []).append(
            StatementEntry(
                text=statement.text,
                stance=statement.stance,
                kind=statement.kind,
                mentions=statement.reported.mentions,
                sources=statement.reported.sources,
                document_ids=unique(d for d, _ in statement.reported.members),
                reports=statement.reported.reports,
                first_reported=statement.first_published,
                last_reported=statement.last_published,
            )
        )
    return _ordered_speakers(by_speaker)


def _speakers(statements: list[dict[str, Any]]) -> list[SpeakerSection]:
    by_speaker: dict[str, list[StatementEntry]] = {}

    def key(row: dict[str, Any]) -> tuple[str, str, str]:
        return (row["speaker"] or UNATTRIBUTED, row["stance"], normal(row["text"]))

    for rows in group_rows(statements, key):
        first = rows[0]
        by_speaker.setdefault(first["speaker"] or UNATTRIBUTED, []).append(
            StatementEntry(
                text=first["text"],
                stance=first["stance"],
                kind=first["kind"],
                mentions=sum(max(len(r["mentions"]), 1) for r in rows),
                sources=unique(source_label(r) for r in rows),
                document_ids=unique(r["document_id"] for r in rows),
                reports=len({r["document_id"] for r in rows}),
                first_reported=min((r["published"] for r in rows if r["published"]), default=None),
                last_reported=max((r["published"] for r in rows if r["published"]), default=None),
            )
        )
    return _ordered_speakers(by_speaker)


def _ordered_speakers(by_speaker: dict[str, list[StatementEntry]]) -> list[SpeakerSection]:
    order = sorted(
        by_speaker,
        key=lambda s: (s == UNATTRIBUTED, -sum(e.mentions for e in by_speaker[s]), s.casefold()),
    )
    return [SpeakerSection(speaker, by_speaker[speaker]) for speaker in order]


def _figures(
    figures: list[dict[str, Any]], place_names: dict[tuple[str, str], str]
) -> list[FigureEntry]:
    ordered = sorted(figures, key=lambda r: _METRIC_ORDER.get(r["metric"], len(_METRIC_ORDER)))
    return [
        FigureEntry(
            metric=r["metric"],
            value=format_value(r),
            who=r["who"],
            place=place_names.get((r["document_id"], r["place"])) if r["place"] else None,
            claimed_by=r["claimed_by"],
            date=r["date"] or (r["published"] or "")[:10] or None,
            source=source_label(r),
            document_id=r["document_id"],
            text=r["text"],
        )
        for r in ordered
    ]


def _places(rows: list[dict[str, Any]]) -> list[PlaceEntry]:
    def key(row: dict[str, Any]) -> Any:
        if row["geonameid"] is not None:
            return row["geonameid"]
        return (normal(row["name"]), row["country"])

    entries = []
    for group in group_rows(rows, key):
        best = min(group, key=lambda r: _PRECISION_ORDER.get(r["precision"], 99))
        entries.append(
            PlaceEntry(
                name=group[0]["name"],
                precision=best["precision"],
                country=best["country"],
                kind=best["kind"],
                mentions=sum(max(len(r["mentions"]), 1) for r in group),
                documents=len({r["document_id"] for r in group}),
            )
        )
    return sorted(entries, key=lambda p: (-p.mentions, -p.documents, p.name.casefold()))
