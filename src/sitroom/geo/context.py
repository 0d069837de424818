"""Read place evidence from the words around a name in a spaCy ``Doc``.

- kind hints: "the village of X", "the northeastern city of X", "X River", "the X airbase";
- locative cues: "in X", "near X", "outside X" (a capitalised name there is likely a place);
- relative locations: "X, about 60 kilometres northwest of Y" (X lies at an offset from Y).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from .candidates import GENERIC_SUFFIXES, HINT_KINDS

LOCATIVE_WORDS = frozenset(
    {"in", "near", "outside", "around", "towards", "toward", "into", "across", "inside"}
)
"""Words after which a capitalised name is likely a place ("to", "from", "at" are too weak)."""
NOT_PLACE_NAMES = frozenset(
    {"west", "east", "north", "south", "the west", "the east", "the north", "the south"}
)
"""Compass words the model tags LOC ("the West" is a bloc, not a place on the map)."""
TITLE_HINTS = {"gov.": "state", "gov": "state", "governor": "state"}
"""Titles after a name that say it is a state or province ("Ohio Gov. X", "Kherson governor")."""
PLURAL_KINDS = {
    "counties": "county",
    "districts": "district",
    "oblasts": "oblast",
    "provinces": "province",
    "regions": "region",
    "rivers": "river",
    "states": "state",
    "townships": "township",
}
"""Plural kind words closing a list of names ("Walton and Oconee counties")."""
LIST_WORDS = frozenset({",", "and", "or", "&"})
_LIST_WINDOW = 16  # tokens of a list of names before its plural kind word
_HINT_WINDOW = 4  # words between "the" and "of X" ("the Ukrainian border city of X")
_RELATIVE_WINDOW = 14  # tokens after a name in which "N km <direction> of Y" may follow
_UNITS_KM = {"km": 1.0, "kilometres": 1.0, "kilometers": 1.0, "kms": 1.0, "miles": 1.609}
_UNITS_KM |= {"mile": 1.609, "kilometre": 1.0, "kilometer": 1.0}
_BEARINGS = {
    "north": 0,
    "northeast": 45,
    "east": 90,
    "southeast": 135,
    "south": 180,
    "southwest": 225,
    "west": 270,
    "northwest": 315,
}
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
EARTH_RADIUS_KM = 6371.0088


def kind_hint(doc: Doc, start: int, end: int) -> str | None:
    """The kind of place the words around ``doc[start:end]`` name, if any."""
    if end < len(doc):
        following = doc[end].lower_
        if end + 1 < len(doc) and f"{following} {doc[end + 1].lower_}" in GENERIC_SUFFIXES:
            return GENERIC_SUFFIXES[f"{following} {doc[end + 1].lower_}"]
        if following in GENERIC_SUFFIXES and following != "city":
            return GENERIC_SUFFIXES[following]
        if following in TITLE_HINTS:
            return TITLE_HINTS[following]
        listed = list_kind(doc, end)
        if listed is not None:
            return listed
    if start >= 2 and doc[start - 1].lower_ == "of":
        for i in range(start - 2, max(-1, start - 2 - _HINT_WINDOW), -1):
            word = doc[i].lower_
            if word in HINT_KINDS or word.rstrip("s") in HINT_KINDS:
                return word if word in HINT_KINDS else word.rstrip("s")
            if not (doc[i].is_alpha or doc[i].text == "-"):
                break
    return None


def list_kind(doc: Doc, end: int) -> str | None:
    """The kind named by a plural after a list of names that goes on at ``doc[end]``:
    "Becker, Clay and Otter Tail counties" makes each name a county."""
    if doc[end].lower_ in PLURAL_KINDS:
        return PLURAL_KINDS[doc[end].lower_]
    if doc[end].lower_ not in LIST_WORDS:
        return None
    for token in doc[end : min(len(doc), end + _LIST_WINDOW)]:
        if token.lower_ in PLURAL_KINDS:
            return PLURAL_KINDS[token.lower_]
        if token.lower_ not in LIST_WORDS and not token.text[:1].isupper():
            return None
    return None


def has_locative_cue(doc: Doc, start: int) -> bool:
    """True when the word before ``doc[start]`` is a locative preposition ("in", "near")."""
    return start > 0 and doc[start - 1].lower_ in LOCATIVE_WORDS


@dataclass(frozen=True)
class RelativeLocation:
    """ "<distance> km <direction> of <anchor>" said of a name."""

    distance_km: float
    bearing: float | None
    anchor_start: int  # token index of the anchor phrase ("Lviv", or "the city")


def relative_location(doc: Doc, span: Span) -> RelativeLocation | None:
    """Find "about 45 kilometres (28 miles) northwest of Y" in the words after ``span``."""
    limit = min(
        len(doc),
        span.end + _RELATIVE_WINDOW,
        span.sent.end if doc.has_annotation("SENT_START") else len(doc),
    )
    i = span.end
    while i < limit - 2:
        token = doc[i]
        unit = doc[i + 1].lower_
        if _NUMBER.match(token.text) and unit in _UNITS_KM:
            distance = float(token.text.replace(",", "")) * _UNITS_KM[unit]
            return _after_distance(doc, i + 2, limit, distance)
        i += 1
    return None


def _after_distance(doc: Doc, i: int, limit: int, distance: float) -> RelativeLocation | None:
    if i < limit and doc[i].text == "(":  # "(28 miles)"
        while i < limit and doc[i].text != ")":
            i += 1
        i += 1
    bearing = None
    if i < limit and doc[i].lower_.replace("-", "") in _BEARINGS:
        bearing = float(_BEARINGS[doc[i].lower_.replace("-", "")])
        i += 1
    if i < limit and doc[i].lower_ in {"of", "from", "outside"}:
        return RelativeLocation(distance, bearing, i + 1)
    return None


def offset_point(lat: float, lon: float, distance_km: float, bearing: float) -> tuple[float, float]:
    """The point ``distance_km`` from (lat, lon) along ``bearing`` degrees (great circle)."""
    angle, theta = distance_km / EARTH_RADIUS_KM, math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(
        math.sin(p1) * math.cos(angle) + math.cos(p1) * math.sin(angle) * math.cos(theta)
    )
    l2 = l1 + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(p1),
        math.cos(angle) - math.sin(p1) * math.sin(p2),
    )
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
