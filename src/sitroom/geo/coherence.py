"""Document coherence: what the other place names of a document say about one name's readings.

- country and state evidence: the countries and states of the other names' current choices,
  faded for a reading far less prominent than a namesake abroad (:func:`prominence`): a
  report full of US places keeps London in England, while a state's cluster of nearby places
  can still move it; state evidence fades likewise for a small namesake of a state of the
  same country ("Wales" beside "England");
- nearness: readings within :data:`NEAR_KM` of another name's choice;
- pairs: readings of two names that lie side by side gain points together
  (:func:`pair_bonus`: "Hall County" and "Gainesville");
- short forms: a name that opens a longer name of the document takes the longer name's
  choice ("Avondale" after "Avondale Estates": :func:`short_form_scores`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .candidates import AREA_KINDS, HINT_KINDS
from .gazetteer import Candidate
from .names import fold

Found = list[tuple[list[Candidate], str, str | None]]
"""Per name of the document: its candidates, the key table that found them and its hint."""

PROMINENT_KINDS = frozenset({"country", "continent", "river", "region", "facility", "other"})
"""Kinds without a population that are as prominent as a city of :data:`PROMINENT_SIZE`."""
PROMINENT_SIZE = 7.0
"""log10 of the population that stands in for a country's, a sea's or a curated place's."""
CAPITAL_SIZE = 1.0
"""Orders of magnitude a capital gains in prominence over its population."""
FREE_GAP = 3.0
FULL_GAP = 5.0
"""A candidate this many orders of magnitude less prominent than its name's most prominent
reading gets all (FREE_GAP) to none (FULL_GAP) of the document's country and state evidence:
a report full of US places does not move London to Kentucky; nearness still can."""
AREA_FREE_GAP = 1.5
AREA_FULL_GAP = 3.0
"""A reading this many orders of magnitude less prominent than a country or a state of the
same name gets all (AREA_FREE_GAP) to none (AREA_FULL_GAP) of the document's state evidence:
"Wales" next to "England" is not the English village called Wales."""
PAIR_KM = 40.0
PAIR_BONUS = 1.5
"""Points for a reading that lies within PAIR_KM of some reading of another name of the
document: "Hall County" and "Gainesville" each have a reading beside the other's."""
PAIR_GAP = 1.0
"""...only for a reading at most this many orders of magnitude less prominent than its name's
most prominent reading: New England's many namesakes of English towns sit close together."""
PAIR_CELL = 0.5
"""Grid cell, in degrees, for finding such pairs (a cell is 55 km high, more than PAIR_KM)."""
POINT_KINDS = frozenset({"city", "town", "village", "district", "admin2", "facility"})
"""Kinds whose point is the place itself; a country's or a state's point is arbitrary."""
COUNTRY_WEIGHT = 5.0
ALIAS_CONTEXT_SHARE = 0.5
ALIAS_LEAD = 1.0
"""An alias this many orders of magnitude more prominent than the places of its country
named so keeps all its context bonus (see :func:`_alias_part`)."""
ADMIN_WEIGHT = 4.0
NEAR_KM = 150.0
NEAR_BONUS = 1.0
MAX_NEAR_BONUS = 3.0
BORDERLESS_KINDS = frozenset({"continent", "region", "river", "other"})
SHORT_FORM_BONUS = 4.0
"""Points for a reading of a name that is the place the document names in full: "Avondale"
after "Avondale Estates", "Madison" beside "Madison County" (the longer name's choice)."""


@dataclass
class Evidence:
    """What the rest of the document says: its countries, its states and its places."""

    countries: Counter[str]
    admins: Counter[tuple[str | None, str | None]]
    anchors: list[Candidate]
    # _scales of each candidate, when already known, and a cache of _is_near by the
    # identities of (candidate, anchor): both stay the same over the rounds of resolve_all
    scales: list[tuple[float, float, float]] | None = None
    near: dict[tuple[int, int], bool] = field(default_factory=dict)


def pair_bonus(found: Found, priors: list[list[float]]) -> None:
    """Add :data:`PAIR_BONUS` to each reading near a reading of another name (both of them
    within :data:`PAIR_GAP` of their names' most prominent readings)."""
    paired = [_pairable(cands, hint) for cands, _, hint in found]
    cells: dict[tuple[int, int], list[tuple[int, Candidate]]] = {}
    for number, readings in enumerate(paired):
        for candidate in readings:
            cells.setdefault(_cell(candidate), []).append((number, candidate))
    for number, ((cands, _, _), scores) in enumerate(zip(found, priors, strict=True)):
        for candidate in paired[number]:
            if _has_partner(candidate, number, cells):
                scores[cands.index(candidate)] += PAIR_BONUS


def _pairable(cands: list[Candidate], hint: str | None) -> list[Candidate]:
    """The readings that may pair: places with a point of their own, of the kind the text
    hints ("the X airbase" pairs no town), not far less prominent than the name's best."""
    top = max((prominence(c) for c in cands if c.main), default=0.0)
    kinds = HINT_KINDS.get(hint or "", POINT_KINDS) & POINT_KINDS
    return [c for c in cands if c.kind in kinds and top - prominence(c) <= PAIR_GAP]


def _cell(candidate: Candidate) -> tuple[int, int]:
    return int(candidate.lat // PAIR_CELL), int(candidate.lon // PAIR_CELL)


def _has_partner(
    candidate: Candidate, number: int, cells: dict[tuple[int, int], list[tuple[int, Candidate]]]
) -> bool:
    row, column = _cell(candidate)
    # longitude cells shrink towards the poles: look two cells either way
    for dr in (-1, 0, 1):
        for dc in (-2, -1, 0, 1, 2):
            for other, partner in cells.get((row + dr, column + dc), ()):
                if other != number and distance_km(candidate, partner) <= PAIR_KM:
                    return True
    return False


def longer_names(names: list[str], found: Found) -> list[list[int]]:
    """Per name, the other names of the document that start with it ("Avondale" and
    "Avondale Estates"); none for a name that is a country's or a state's own ("Mexico" and
    "Mexico City", "Kansas" and "Kansas City": the area stands for itself)."""
    keys = [fold(name) for name in names]
    longer: list[list[int]] = []
    for key, (cands, _, _) in zip(keys, found, strict=True):
        if any(c.main and c.kind in AREA_KINDS for c in cands):
            longer.append([])
            continue
        longer.append([i for i, other in enumerate(keys) if other.startswith(key + " ")])
    return longer


def short_form_scores(
    cands: list[Candidate], scores: list[float], chosen: list[Candidate]
) -> list[float]:
    """``scores`` plus :data:`SHORT_FORM_BONUS` for the readings that are the current choice
    of a longer name of the document that starts with this one (``chosen``)."""
    # "the X region" is a state named after its city X: "X" stays the city
    ids = {c.id for c in chosen if c.kind not in AREA_KINDS}
    if not ids:
        return scores
    return [s + SHORT_FORM_BONUS if c.id in ids else s for c, s in zip(cands, scores, strict=True)]


def document_evidence(
    found: Found,
    guesses: list[int | None],
    number: int,
    near: dict[tuple[int, int], bool] | None = None,
) -> Evidence:
    """The context of name ``number``: the current choices for the other names.

    ``near`` keeps the nearness of (candidate, anchor) pairs, by identity, across calls.
    """
    others = [
        cands[i]
        for position, ((cands, _, _), i) in enumerate(zip(found, guesses, strict=True))
        if i is not None and position != number
    ]
    countries = Counter(c.country for c in others if c.country)
    admins: Counter[tuple[str | None, str | None]] = Counter(
        (c.country, c.admin1) for c in others if c.admin1 and c.kind != "country"
    )
    return Evidence(countries, admins, others, near=near if near is not None else {})


def context_scores(
    cands: list[Candidate], hint: str | None, scores: list[float], evidence: Evidence
) -> tuple[list[float], list[bool]]:
    """Each candidate's prior plus its document evidence, and whether it has any support."""
    total = sum(evidence.countries.values()) or 1
    admin_total = sum(evidence.admins.values()) or 1
    final, support = [], []
    # a sea or a world region lies in no one country: the document's countries are no
    # evidence against it ("the Pacific" in a report full of US towns)
    top_share = max(evidence.countries.values(), default=0) / total
    for index, (candidate, score) in enumerate(zip(cands, scores, strict=True)):
        if candidate.country is None and candidate.kind in BORDERLESS_KINDS:
            share = top_share
        else:
            share = evidence.countries.get(candidate.country or "", 0) / total
        admin = evidence.admins.get((candidate.country, candidate.admin1), 0) / admin_total
        neighbours = sum(_is_near_cached(candidate, a, evidence.near) for a in evidence.anchors)
        near = min(MAX_NEAR_BONUS, NEAR_BONUS * neighbours)
        known = evidence.scales
        scale, admin_scale, part = known[index] if known is not None else scales(candidate, cands)
        bonus = scale * COUNTRY_WEIGHT * share + admin_scale * ADMIN_WEIGHT * admin + near
        final.append(score + part * bonus)
        support.append(share > 0 or near > 0 or candidate.kind in HINT_KINDS.get(hint or "", ()))
    return final, support


def scales(candidate: Candidate, cands: list[Candidate]) -> tuple[float, float, float]:
    """The shares of country evidence and of state evidence ``candidate`` gets, and the part
    of its whole context bonus it keeps (:func:`_alias_part`)."""
    return (
        _evidence_scale(candidate, cands),
        _area_scale(candidate, cands),
        _alias_part(candidate, cands),
    )


def _alias_part(candidate: Candidate, cands: list[Candidate]) -> float:
    """An alias borrows less from context ("Turkey" is also some village's other name),
    unless it names a place far more prominent than the places of its country that bear
    the name as their own ("Newcastle" in England: the city, not a village so named)."""
    if candidate.main:
        return 1.0
    # an airport named after the place ("X Airport" is also "X") is no namesake
    own = [
        prominence(c)
        for c in cands
        if c.main and c.country == candidate.country and c.kind != "airport"
    ]
    if own and prominence(candidate) >= max(own) + ALIAS_LEAD:
        return 1.0
    return ALIAS_CONTEXT_SHARE


def _area_scale(candidate: Candidate, cands: list[Candidate]) -> float:
    """The share of state evidence a reading gets against a far more prominent country or
    state of the same name (main names only)."""
    if candidate.kind in AREA_KINDS:
        return 1.0
    areas = [
        prominence(c)
        for c in cands
        if c.main and c.kind in AREA_KINDS and c.country == candidate.country
    ]
    gap = max(areas, default=0.0) - prominence(candidate)
    return min(1.0, max(0.0, (AREA_FULL_GAP - gap) / (AREA_FULL_GAP - AREA_FREE_GAP)))


def _evidence_scale(candidate: Candidate, cands: list[Candidate]) -> float:
    """The share of country and state evidence ``candidate`` gets against a far more
    prominent reading of its name in another country (main names only: "Salisbury" is no
    longer Harare's name)."""
    rivals = [prominence(c) for c in cands if c.main and c.country != candidate.country]
    gap = max(rivals, default=0.0) - prominence(candidate)
    return min(1.0, max(0.0, (FULL_GAP - gap) / (FULL_GAP - FREE_GAP)))


def prominence(candidate: Candidate) -> float:
    """How well known a place is, in orders of magnitude of population."""
    if candidate.kind in PROMINENT_KINDS:
        return max(PROMINENT_SIZE, math.log10(candidate.population + 10))
    size = math.log10(candidate.population + 10)
    return size + CAPITAL_SIZE if candidate.capital else size


def _is_near_cached(
    candidate: Candidate, anchor: Candidate, cache: dict[tuple[int, int], bool]
) -> bool:
    key = (id(candidate), id(anchor))  # both live as long as the cache (one resolve_all)
    found = cache.get(key)
    if found is None:
        found = cache[key] = is_near(candidate, anchor)
    return found


def is_near(candidate: Candidate, anchor: Candidate) -> bool:
    """True when ``candidate`` lies within :data:`NEAR_KM` of a place ``anchor`` (not an area)."""
    if anchor is candidate or anchor.kind in {"country", "continent", "region", "other"}:
        return False
    return 0 < distance_km(candidate, anchor) < NEAR_KM


def distance_km(a: Candidate, b: Candidate) -> float:
    """Great-circle distance between two candidates."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
