"""Score the geoparser on GeoWebNews, LGL, TR-News and GeoVirus (Gritta et al.'s metrics).

With ``gold_spans`` the gold toponyms are handed to ``sitroom_places`` for resolution only;
otherwise the pipeline also finds the names, recognition is scored strictly (same start and
end) and resolution is scored on the gold toponyms it found. Resolution metrics: ``acc_161``
(share of toponyms within 161 km of gold), ``acc_161_geonames`` (the same over toponyms whose
gold has a GeoNames id, the setting of Mordecai3's published numbers; equal to ``acc_161``
for GeoVirus, which has none), ``median_error_km`` and ``auc`` (area under the curve of
log(1 + error) / log(MAX_ERROR_KM) over the sorted errors; 0 is perfect). An unresolved
toponym counts as an error of :data:`MAX_ERROR_KM`.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extract._extensions import PLACES_KEY
from ..extract.places import PlaceResolver
from ..geo.resolve import haversine_km
from ._geoxml import GeoArticle, Toponym, read_geoparsing

MAX_ERROR_KM = 20039.0
"""Half the Earth's circumference: the error of a toponym left unresolved."""
ACCURACY_KM = 161.0
PLACES_COMPONENT = "sitroom_places"
BATCH_SIZE = 16
PARTS = ("all", "first-half", "second-half")


@dataclass(frozen=True)
class Scored:
    """A gold toponym and the error of its resolution (None: not recognised)."""

    toponym: Toponym
    error_km: float | None


def evaluate_geoparsing(
    path: Path, nlp: Language, *, gold_spans: bool, part: str = "all"
) -> dict[str, Any]:
    """Run ``nlp`` (with ``sitroom_places``) over the corpus at ``path`` and score it.

    ``part`` picks "first-half" or "second-half" of the articles (tune on one, test on the
    other) or "all".
    """
    articles = _part(read_geoparsing(path), part)
    component = nlp.get_pipe(PLACES_COMPONENT)
    if not isinstance(component, PlaceResolver):
        raise ValueError(f"{PLACES_COMPONENT!r} in this pipeline is not Sitroom's PlaceResolver")
    # the corpora annotate "Russian" and the "Zimbabwe" of "Air Zimbabwe" as toponyms
    saved = component.adjectives, component.embedded
    component.adjectives = component.embedded = True
    try:
        return _evaluate(path, articles, nlp, component, gold_spans=gold_spans, part=part)
    finally:
        component.adjectives, component.embedded = saved


def _evaluate(
    path: Path,
    articles: list[GeoArticle],
    nlp: Language,
    component: PlaceResolver,
    *,
    gold_spans: bool,
    part: str,
) -> dict[str, Any]:
    started = time.perf_counter()
    scored: list[Scored] = []
    counts = {"predicted": 0, "correct": 0}
    for article, doc in zip(
        articles, nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE), strict=True
    ):
        if gold_spans:
            spans = [_gold_span(doc, t) for t in article.toponyms]
            component.annotate(doc, [s for s in spans if s is not None])
        scored.extend(_score_article(article, doc, counts))
    seconds = time.perf_counter() - started
    report = resolution_metrics(scored)
    if not gold_spans:
        report |= recognition_metrics(counts["correct"], counts["predicted"], len(scored))
    return {
        "data": str(path),
        "part": part,
        "articles": len(articles),
        "gold_spans": gold_spans,
        **report,
        "seconds": round(seconds, 2),
    }


def _part(articles: list[GeoArticle], part: str) -> list[GeoArticle]:
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; use one of {', '.join(PARTS)}")
    half = len(articles) // 2
    return {"all": articles, "first-half": articles[:half], "second-half": articles[half:]}[part]


def _gold_span(doc: Doc, toponym: Toponym) -> Span | None:
    span = doc.char_span(toponym.start, toponym.end, label="GPE", alignment_mode="expand")
    return span


def _score_article(article: GeoArticle, doc: Doc, counts: dict[str, int]) -> list[Scored]:
    predicted = {(s.start_char, s.end_char): s for s in doc.spans.get(PLACES_KEY, [])}
    counts["predicted"] += len(predicted)
    scored = []
    for toponym in article.toponyms:
        span = predicted.get((toponym.start, toponym.end))
        if span is not None:
            counts["correct"] += 1
        else:  # gold offsets that cut a token: the expanded span starts at the token
            span = _covering(predicted.values(), toponym)
        scored.append(Scored(toponym, None if span is None else _error(span, toponym)))
    return scored


def _covering(spans: Any, toponym: Toponym) -> Span | None:
    for span in spans:
        if span.start_char <= toponym.start and toponym.end <= span.end_char:
            return span
    return None


def _error(span: Span, toponym: Toponym) -> float:
    place = span._.sitroom_place or {}
    if place.get("lat") is None or place.get("lon") is None:
        return MAX_ERROR_KM
    return haversine_km(place["lat"], place["lon"], toponym.lat, toponym.lon)


def resolution_metrics(scored: list[Scored]) -> dict[str, Any]:
    """acc_161, acc_161_geonames, median error and AUC over the recognised toponyms."""
    found = [s for s in scored if s.error_km is not None]
    errors = [s.error_km for s in found if s.error_km is not None]
    with_ids = [s.error_km for s in found if s.error_km is not None and s.toponym.geonameid]
    if not any(s.toponym.geonameid is not None for s in scored):
        with_ids = errors  # GeoVirus: no ids at all
    return {
        "n": len(errors),
        "n_gold": len(scored),
        "acc_161": _accuracy(errors),
        "acc_161_geonames": _accuracy(with_ids),
        "n_geonames": len(with_ids),
        "median_error_km": round(statistics.median(errors), 1) if errors else None,
        "auc": _auc(errors),
        "unresolved": sum(e >= MAX_ERROR_KM for e in errors),
    }


def recognition_metrics(correct: int, predicted: int, gold: int) -> dict[str, float]:
    """Strict precision, recall and F1 (same start and end as a gold toponym)."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _accuracy(errors: list[float]) -> float | None:
    if not errors:
        return None
    return round(sum(e <= ACCURACY_KM for e in errors) / len(errors), 3)


def _auc(errors: list[float]) -> float | None:
    """Gritta et al.'s AUC: trapezoid area under sorted log(1 + error), scaled to [0, 1]."""
    if len(errors) < 2:
        return None
    scale = math.log(MAX_ERROR_KM)
    values = [math.log(1 + e) / scale for e in sorted(errors)]
    area = sum((a + b) / 2 for a, b in itertools.pairwise(values)) / (len(values) - 1)
    return round(area, 3)
