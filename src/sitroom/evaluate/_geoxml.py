"""Readers for the three XML layouts of the public geoparsing corpora.

- LGL and TR-News: ``<toponym>`` with ``<start>``, ``<end>``, ``<phrase>`` and a ``<gaztag
  geonameid=..>`` holding ``<lat>``/``<lon>``.
- GeoWebNews: ``<toponym>`` with ``<extractedName>``, ``<start>``, ``<end>``, ``<geonamesID>``
  and ``<latitude>``/``<longitude>`` (toponyms without coordinates are not places: skipped).
- GeoVirus: ``<location>`` with ``<name>``, ``<start>``, ``<end>``, ``<lat>``, ``<lon>`` (no
  GeoNames ids).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import EvaluationDataError

ALIGN_WINDOW = 40


@dataclass(frozen=True)
class Toponym:
    """A gold place mention: offsets into the article text and its coordinates."""

    start: int
    end: int
    name: str
    lat: float
    lon: float
    geonameid: int | None


@dataclass(frozen=True)
class GeoArticle:
    """One article of a corpus with its gold toponyms."""

    text: str
    toponyms: list[Toponym]


def read_geoparsing(path: Path) -> list[GeoArticle]:
    """Read a corpus in any of the three layouts; raises EvaluationDataError if unreadable."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise EvaluationDataError(
            f"cannot read geoparsing data {str(path)!r}: {exc}; pass a GeoWebNews, LGL, "
            f"TR-News or GeoVirus XML file"
        ) from exc
    articles = []
    for article in root.iter("article"):
        text = article.findtext("text") or ""
        toponyms = [_align(text, t) for t in _toponyms(article) if t is not None]
        articles.append(GeoArticle(text, sorted(toponyms, key=lambda t: (t.start, t.end))))
    if not articles:
        raise EvaluationDataError(f"no <article> elements in {str(path)!r}")
    return articles


def _align(text: str, toponym: Toponym) -> Toponym:
    """Move a toponym whose offsets miss its name (GeoVirus, some of TR-News) onto the nearest
    occurrence of the name within :data:`ALIGN_WINDOW` characters."""
    if not toponym.name or text[toponym.start : toponym.end] == toponym.name:
        return toponym
    low = max(0, toponym.start - ALIGN_WINDOW)
    best: int | None = None
    position = text.find(toponym.name, low, toponym.end + ALIGN_WINDOW + len(toponym.name))
    while position >= 0:
        if best is None or abs(position - toponym.start) < abs(best - toponym.start):
            best = position
        position = text.find(
            toponym.name, position + 1, toponym.end + ALIGN_WINDOW + len(toponym.name)
        )
    if best is None:
        return toponym
    return replace(toponym, start=best, end=best + len(toponym.name))


def _toponyms(article: ET.Element) -> list[Toponym | None]:
    found: list[Toponym | None] = []
    for element in article.iter("toponym"):
        if element.find("gaztag") is not None or element.find("phrase") is not None:
            found.append(_gaztag_toponym(element))
        else:
            found.append(_gwn_toponym(element))
    found.extend(_geovirus_location(e) for e in article.iter("location"))
    return found


def _number(element: ET.Element, tag: str) -> float | None:
    text = (element.findtext(tag) or "").strip()
    return float(text) if text else None


def _span(element: ET.Element) -> tuple[int, int] | None:
    start, end = _number(element, "start"), _number(element, "end")
    if start is None or end is None:
        return None
    return int(start), int(end)


def _gaztag_toponym(element: ET.Element) -> Toponym | None:
    gaztag = element.find("gaztag")
    span = _span(element)
    if gaztag is None or span is None:
        return None
    lat, lon = _number(gaztag, "lat"), _number(gaztag, "lon")
    if lat is None or lon is None:
        return None
    geonameid = gaztag.get("geonameid")
    name = (element.findtext("phrase") or "").strip()
    return Toponym(*span, name, lat, lon, int(geonameid) if geonameid else None)


def _gwn_toponym(element: ET.Element) -> Toponym | None:
    span = _span(element)
    lat, lon = _number(element, "latitude"), _number(element, "longitude")
    if span is None or lat is None or lon is None:
        return None
    geonameid = (element.findtext("geonamesID") or "").strip()
    name = (element.findtext("extractedName") or "").strip()
    return Toponym(*span, name, lat, lon, int(geonameid) if geonameid.isdigit() else None)


def _geovirus_location(element: ET.Element) -> Toponym | None:
    span = _span(element)
    lat, lon = _number(element, "lat"), _number(element, "lon")
    if span is None or lat is None or lon is None:
        return None
    return Toponym(*span, (element.findtext("name") or "").strip(), lat, lon, None)
