"""Turn an analysed spaCy ``Doc`` into the ``sitroom/1`` contract (used by ``pipeline.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

from spacy.tokens import Doc, Span

from . import model
from .extract._base import doc_text
from .extract._extensions import (
    ENTITIES_KEY,
    EVENTS_KEY,
    FIGURES_KEY,
    PLACES_KEY,
    STATEMENTS_KEY,
    TIMES_KEY,
)

_PLACE_FIELDS = ("lat", "lon", "country", "kind", "geonameid", "precision")

K = TypeVar("K")


def doc_to_result(document: model.Document, doc: Doc) -> model.DocumentResult:
    """Build the document's result from the spans Sitroom's components left on ``doc``."""
    entities = entities_from(doc)
    places = places_from(doc)
    return model.DocumentResult(
        document=document.info(),
        entities=entities,
        places=places,
        times=times_from(doc),
        statements=statements_from(doc, entities),
        events=events_from(doc, places),
        figures=figures_from(doc),
    )


def _mention(span: Span, text: str) -> model.Mention:
    start, end = span.start_char, span.end_char
    return model.Mention(start=start, end=end, text=text[start:end])


def _text(span: Span, text: str) -> str:
    """``span.text``, sliced from the document's ``text`` (``Span.text`` joins its tokens)."""
    return text[span.start_char : span.end_char]


def _group(spans: Iterable[Span], key: Callable[[Span], K]) -> dict[K, list[Span]]:
    """Group spans by ``key`` keeping first-mention order (dicts preserve insertion order)."""
    groups: dict[K, list[Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start_char, s.end_char)):
        groups.setdefault(key(span), []).append(span)
    return groups


def entities_from(doc: Doc) -> list[model.Entity]:
    text = doc_text(doc)
    spans = doc.spans.get(ENTITIES_KEY, [])
    groups = _group(spans, lambda s: s._.sitroom_entity_name or _text(s, text))
    entities = []
    for number, (name, mentions) in enumerate(groups.items(), start=1):
        label = Counter(m.label_ for m in mentions).most_common(1)[0][0]
        aliases = sorted({_text(m, text) for m in mentions} - {name})
        entities.append(
            model.Entity(
                id=f"e{number}",
                name=name,
                type=model.EntityType(label),
                aliases=aliases,
                mentions=[_mention(m, text) for m in mentions],
            )
        )
    return entities


def places_from(doc: Doc) -> list[model.Place]:
    text = doc_text(doc)
    spans = doc.spans.get(PLACES_KEY, [])
    groups = _group(spans, lambda s: (s._.sitroom_place or {}).get("name") or _text(s, text))
    places = []
    for number, (name, mentions) in enumerate(groups.items(), start=1):
        resolution = mentions[0]._.sitroom_place or {}
        fields = {f: resolution[f] for f in _PLACE_FIELDS if resolution.get(f) is not None}
        places.append(
            model.Place(
                id=f"p{number}", name=name, mentions=[_mention(m, text) for m in mentions], **fields
            )
        )
    return places


def times_from(doc: Doc) -> list[model.TimeExpression]:
    text = doc_text(doc)
    spans = doc.spans.get(TIMES_KEY, [])
    return [
        model.TimeExpression(
            text=_text(span, text),
            start=span.start_char,
            end=span.end_char,
            value=span._.sitroom_time_value,
            precision=span._.sitroom_time_precision,
        )
        for span in sorted(spans, key=lambda s: s.start_char)
    ]


_STATEMENT_FIELDS = ("speaker", "speaker_type", "cue", "stance", "channel")


def statements_from(doc: Doc, entities: list[model.Entity]) -> list[model.Statement]:
    """One statement per reported content; a copy in a repeated paragraph is another mention."""
    text = doc_text(doc)
    entity_ids = {entity.name: entity.id for entity in entities}
    groups: dict[tuple[int, int], list[Span]] = {}
    for span in sorted(doc.spans.get(STATEMENTS_KEY, []), key=lambda s: s.start_char):
        info = span._.sitroom_statement or {}
        key = tuple(info.get("same_as") or (span.start_char, span.end_char))
        groups.setdefault(key, []).append(span)  # type: ignore[arg-type]
    statements = []
    for number, spans in enumerate(groups.values(), start=1):
        first = spans[0]
        info = first._.sitroom_statement or {}
        fields = {f: info[f] for f in _STATEMENT_FIELDS if info.get(f) is not None}
        statements.append(
            model.Statement(
                id=f"s{number}",
                kind=model.StatementKind(info.get("kind", "indirect")),
                text=_text(first, text),
                speaker_entity=entity_ids.get(info.get("speaker_entity") or ""),
                start=first.start_char,
                end=first.end_char,
                mentions=[_mention(span, text) for span in spans],
                **fields,
            )
        )
    return statements


_FIGURE_FIELDS = ("value", "low", "high", "qualifier", "unit", "who", "date", "claimed_by")


def figures_from(doc: Doc) -> list[model.Figure]:
    """One figure per count found; ``text`` is the sentence that states it. A figure repeated
    word for word (a paragraph copied under "Earlier updates") is kept once, first mention."""
    spans = sorted(doc.spans.get(FIGURES_KEY, []), key=lambda s: (s.start_char, s.end_char))
    figures: list[model.Figure] = []
    seen: set[tuple[str, str]] = set()
    text = doc_text(doc)
    for span in spans:
        info = span._.sitroom_figure or {}
        start, end = info.get("sentence") or (span.start_char, span.end_char)
        if (text[start:end], _text(span, text)) in seen:
            continue
        seen.add((text[start:end], _text(span, text)))
        fields = {f: info[f] for f in _FIGURE_FIELDS if info.get(f) is not None}
        figures.append(
            model.Figure(
                id=f"f{len(figures) + 1}",
                metric=model.Metric(info.get("metric", "other")),
                text=text[start:end],
                start=span.start_char,
                end=span.end_char,
                **fields,
            )
        )
    return figures


_EVENT_FIELDS = ("mode", "actor", "target", "date", "date_precision", "claimed_by", "stance")


def events_from(doc: Doc, places: list[model.Place]) -> list[model.Event]:
    """One event per trigger in its sentence; the same sentence and trigger again (a paragraph
    repeated under "Earlier updates") is another mention of the first. ``text`` is the
    sentence; ``place`` the id of the first place attached to the trigger."""
    place_at = {(m.start, m.end): place for place in places for m in place.mentions}
    groups: dict[tuple[str, str, str], list[Span]] = {}
    doc_string = doc_text(doc)
    for span in sorted(doc.spans.get(EVENTS_KEY, []), key=lambda s: s.start_char):
        info = span._.sitroom_event or {}
        start, end = info.get("sentence") or (span.start_char, span.end_char)
        key = (doc_string[start:end], _text(span, doc_string).lower(), str(info.get("type")))
        groups.setdefault(key, []).append(span)
    events = []
    for number, ((text, _, kind), spans) in enumerate(groups.items(), start=1):
        info = spans[0]._.sitroom_event or {}
        fields = {f: info[f] for f in _EVENT_FIELDS if info.get(f) is not None}
        place = next(
            (place_at[(a, b)] for a, b in info.get("places") or () if (a, b) in place_at), None
        )
        events.append(
            model.Event(
                id=f"v{number}",
                type=model.EventType(kind),
                place=place.id if place else None,
                lat=place.lat if place else None,
                lon=place.lon if place else None,
                text=text,
                mentions=[_mention(span, doc_string) for span in spans],
                **fields,
            )
        )
    return events
