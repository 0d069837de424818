"""Turn an analysed spaCy ``Doc`` into the ``sitroom/1`` contract (used by ``pipeline.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

from spacy.tokens import Doc, Span

from . import model
from .extract._extensions import ENTITIES_KEY, PLACES_KEY, TIMES_KEY

_PLACE_FIELDS = ("lat", "lon", "country", "kind", "geonameid", "precision")

K = TypeVar("K")


def doc_to_result(document: model.Document, doc: Doc) -> model.DocumentResult:
    """Build the document's result from the spans Sitroom's components left on ``doc``."""
    return model.DocumentResult(
        document=document.info(),
        entities=entities_from(doc),
        places=places_from(doc),
        times=times_from(doc),
    )


def _mention(span: Span) -> model.Mention:
    return model.Mention(start=span.start_char, end=span.end_char, text=span.text)


def _group(spans: Iterable[Span], key: Callable[[Span], K]) -> dict[K, list[Span]]:
    """Group spans by ``key`` keeping first-mention order (dicts preserve insertion order)."""
    groups: dict[K, list[Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start_char, s.end_char)):
        groups.setdefault(key(span), []).append(span)
    return groups


def entities_from(doc: Doc) -> list[model.Entity]:
    spans = doc.spans.get(ENTITIES_KEY, [])
    groups = _group(spans, lambda s: s._.sitroom_entity_name or s.text)
    entities = []
    for number, (name, mentions) in enumerate(groups.items(), start=1):
        label = Counter(m.label_ for m in mentions).most_common(1)[0][0]
        aliases = sorted({m.text for m in mentions} - {name})
        entities.append(
            model.Entity(
                id=f"e{number}",
                name=name,
                type=label,
                aliases=aliases,
                mentions=[_mention(m) for m in mentions],
            )
        )
    return entities


def places_from(doc: Doc) -> list[model.Place]:
    spans = doc.spans.get(PLACES_KEY, [])
    groups = _group(spans, lambda s: (s._.sitroom_place or {}).get("name") or s.text)
    places = []
    for number, (name, mentions) in enumerate(groups.items(), start=1):
        resolution = mentions[0]._.sitroom_place or {}
        fields = {f: resolution[f] for f in _PLACE_FIELDS if resolution.get(f) is not None}
        places.append(
            model.Place(
                id=f"p{number}", name=name, mentions=[_mention(m) for m in mentions], **fields
            )
        )
    return places


def times_from(doc: Doc) -> list[model.TimeExpression]:
    spans = doc.spans.get(TIMES_KEY, [])
    return [
        model.TimeExpression(
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            value=span._.sitroom_time_value,
            precision=span._.sitroom_time_precision,
        )
        for span in sorted(spans, key=lambda s: s.start_char)
    ]
