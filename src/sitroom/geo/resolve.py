"""Rank gazetteer candidates for the place names of one document.

Each name gets candidates from the gazetteer (see ``candidates.py``). A candidate's score
adds a prior (population, kind, capital, main name or alias, how loose the key was, the kind
hinted by the text: "the village of X", "X River") to document evidence: the countries and
states of the other names' current choices, and closeness to them. Country evidence fades
for a reading far less prominent than one abroad (:func:`prominence`): a report full of US
places keeps London in England, while a state's cluster of nearby places can still move it;
state evidence fades likewise for a small namesake of a state of the same country ("Wales"
beside "England"). Readings of two names that lie side by side gain points together
(:func:`_pair_bonus`: "Hall County" and "Gainesville").
The choices start from the priors and are revised one name at a time, over
:data:`CONTEXT_ROUNDS` passes. A name whose best candidate lacks support is left unresolved.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .candidates import (
    HINT_KINDS,
    MIN_SUPPORTED_POPULATION,
    SETTLEMENT_KINDS,
    STRICT_HINTS,
    Mention,
    candidates_for,
)
from .gazetteer import Candidate, Gazetteer
from .names import fold

# Score weights, tuned on the first halves of LGL, GeoVirus, GeoWebNews and TR-News (see
# evaluate/geoparsing.py, --part); the second halves are the held-out check.
KIND_BONUS = {
    "country": 4.0,
    "continent": 3.0,
    "admin1": -1.0,
    "admin2": -1.0,
    "city": 0.5,
    "airport": -2.0,
    # curated entries carry no population: these stand in for it
    "river": 5.0,
    "region": 6.0,
    "facility": 4.0,
    "other": 6.0,
}
POPULATION_WEIGHT = 1.3
"""Points per tenfold population."""
MAIN_NAME_BONUS = 1.5
LOOSE_KEY_PENALTY = {"name": 0.0, "skeleton": 1.5, "stem": 3.0, "part": 1.0}
"""Points off for a candidate found by a looser key ("part": a place inside a longer name)."""
PART_PROMINENCE = 6.0
"""A place inside a longer name needs support from the document unless it is this prominent."""
CAPITAL_BONUS = 0.5
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
AREA_KINDS = frozenset({"country", "admin1"})
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
HINT_BONUS = 5.0
HINT_MISMATCH = 2.0
COUNTRY_WEIGHT = 5.0
MAJOR_CITY = 100_000
"""A city this large wins over the state or province of the same name."""
ALIAS_CONTEXT_SHARE = 0.5
QUALIFIER_BONUS = 6.0
ADMIN_WEIGHT = 4.0
NEAR_KM = 150.0
NEAR_BONUS = 1.0
MAX_NEAR_BONUS = 3.0
MIN_MARGIN = 0.0
"""Two far-apart candidates whose scores differ less than this leave the name unresolved."""
FAR_KM = 161.0
BORDERLESS_KINDS = frozenset({"continent", "region", "river", "other"})
CONTEXT_ROUNDS = 2
"""Passes over the document: the second reads its context from the first pass's choices."""


@dataclass
class Evidence:
    """What the rest of the document says: its countries, its states and its places."""

    countries: Counter[str]
    admins: Counter[tuple[str | None, str | None]]
    anchors: list[Candidate]
    # _scales of each candidate, when already known, and a cache of _is_near by the
    # identities of (candidate, anchor): both stay the same over the rounds of resolve_all
    scales: list[tuple[float, float]] | None = None
    near: dict[tuple[int, int], bool] = field(default_factory=dict)


@dataclass
class Resolution:
    """The chosen candidate for a mention, or None with ``candidates`` for the record."""

    best: Candidate | None
    score: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)


def prior(candidate: Candidate, table: str, hint: str | None) -> float:
    """Score a candidate without looking at the rest of the document."""
    score = POPULATION_WEIGHT * math.log10(candidate.population + 10)
    score += KIND_BONUS.get(candidate.kind, 0.0)
    score += MAIN_NAME_BONUS if candidate.main else 0.0
    score += CAPITAL_BONUS if candidate.capital else 0.0
    score -= LOOSE_KEY_PENALTY[table]
    if hint is not None:
        kinds = HINT_KINDS.get(hint, frozenset())
        score += HINT_BONUS if candidate.kind in kinds else -HINT_MISMATCH
    return score


def resolve_all(gazetteer: Gazetteer, mentions: Sequence[Mention]) -> list[Resolution]:
    """Resolve the place names of one document together (countries and nearness help)."""
    found = [candidates_for(gazetteer, m) for m in mentions]
    _hint_qualifiers(mentions, found)
    priors = [[prior(c, table, hint) for c in cands] for cands, table, hint in found]
    for mention, (cands, _, _), scores in zip(mentions, found, priors, strict=True):
        if mention.qualifier:
            areas = _areas(gazetteer, mention.qualifier)
            for i, candidate in enumerate(cands):
                if _within(candidate, areas):
                    scores[i] += QUALIFIER_BONUS
    _pair_bonus(found, priors)
    guesses = [_argmax(scores) for scores in priors]
    resolutions = [Resolution(None) for _ in found]
    # what does not change between rounds: each reading's share of the evidence, distances
    scales = [[_scales(c, cands) for c in cands] for cands, _, _ in found]
    near: dict[tuple[int, int], bool] = {}
    for _ in range(CONTEXT_ROUNDS):
        # one name at a time, each reading the latest choices of the others: a first guess
        # that the document contradicts ("Georgia" among Atlanta's suburbs) stops misleading,
        # and two names cannot keep trading wrong states (which updating all at once allows)
        for number, ((cands, table, hint), scores) in enumerate(zip(found, priors, strict=True)):
            evidence = _evidence(found, guesses, number, near)
            evidence.scales = scales[number]
            resolutions[number] = _decide(cands, table, hint, scores, evidence)
            best = resolutions[number].best
            if best is not None:
                guesses[number] = cands.index(best)
    return resolutions


def _pair_bonus(
    found: list[tuple[list[Candidate], str, str | None]], priors: list[list[float]]
) -> None:
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


def _hint_qualifiers(
    mentions: Sequence[Mention], found: list[tuple[list[Candidate], str, str | None]]
) -> None:
    """ "Buffalo, New York": a name that qualifies another is the state (or country) that
    holds one of that name's candidates, not its namesake city."""
    index = {fold(m.text): number for number, m in enumerate(mentions)}
    for mention, (cands, _, _) in zip(mentions, found, strict=True):
        number = index.get(fold(mention.qualifier or ""))
        if number is None or found[number][2] is not None:
            continue
        areas, table, _ = found[number]
        holders = [
            area
            for area in areas
            if area.kind in ("admin1", "country") and any(_within(c, [area]) for c in cands)
        ]
        if holders:
            kind = "admin1" if any(a.kind == "admin1" for a in holders) else "country"
            found[number] = (areas, table, kind)


def _evidence(
    found: list[tuple[list[Candidate], str, str | None]],
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


def _decide(
    cands: list[Candidate],
    table: str,
    hint: str | None,
    scores: list[float],
    evidence: Evidence,
) -> Resolution:
    if not cands:
        return Resolution(None)
    final, support = context_scores(cands, hint, scores, evidence)
    order = sorted(range(len(cands)), key=lambda i: -final[i])
    order = _city_before_its_state(cands, order, hint)
    best = order[0]
    if not _confident(cands, table, hint, order, final, support[best]):
        return Resolution(None, final[best], cands)
    return Resolution(cands[best], final[best], cands)


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
        scale, admin_scale = known[index] if known is not None else _scales(candidate, cands)
        bonus = scale * COUNTRY_WEIGHT * share + admin_scale * ADMIN_WEIGHT * admin + near
        # an alias ("Turkey" is also some village's other name) borrows less from context
        final.append(score + (bonus if candidate.main else ALIAS_CONTEXT_SHARE * bonus))
        support.append(share > 0 or near > 0 or candidate.kind in HINT_KINDS.get(hint or "", ()))
    return final, support


def _scales(candidate: Candidate, cands: list[Candidate]) -> tuple[float, float]:
    """The shares of country evidence and of state evidence ``candidate`` gets."""
    return _evidence_scale(candidate, cands), _area_scale(candidate, cands)


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


def _city_before_its_state(cands: list[Candidate], order: list[int], hint: str | None) -> list[int]:
    """ "New York", "Mexico City" vs its state: the city, unless the text says "state"."""
    best = cands[order[0]]
    if best.kind != "admin1" or hint in ("state", "region", "province", "oblast", "admin1"):
        return order
    for position, index in enumerate(order[1:], start=1):
        city = cands[index]
        same_name = city.main and fold(city.name) == fold(best.name)
        # "New York": the city's main name is "New York City", but it lies in that state
        if (
            city.kind == "city"
            and city.country == best.country
            and (same_name or city.admin1 == best.admin1)
            and city.population >= MAJOR_CITY
        ):
            return [index, *order[:position], *order[position + 1 :]]
    return order


def _confident(
    cands: list[Candidate],
    table: str,
    hint: str | None,
    order: list[int],
    final: list[float],
    supported: bool,
) -> bool:
    best = cands[order[0]]
    weak_key = table != "name" or not best.main
    if hint in STRICT_HINTS and best.kind not in HINT_KINDS[hint]:
        return False  # "the X River" is no town called X
    if table != "name" and hint is not None and best.kind not in HINT_KINDS.get(hint, ()):
        return False
    small = best.kind in SETTLEMENT_KINDS and best.population < MIN_SUPPORTED_POPULATION
    if weak_key and small and not supported:
        return False
    if table == "part" and not supported and prominence(best) < PART_PROMINENCE:
        return False  # "Islamic Republic" is no town called Republic
    if len(order) > 1:
        runner_up = cands[order[1]]
        # a negative gap: the city was put before its own state on purpose ("New York")
        close = 0.0 <= final[order[0]] - final[order[1]] < MIN_MARGIN
        if close and distance_km(best, runner_up) > FAR_KM:
            return False
    return True


def _argmax(scores: list[float]) -> int | None:
    return max(range(len(scores)), key=scores.__getitem__) if scores else None


def _areas(gazetteer: Gazetteer, qualifier: str) -> list[Candidate]:
    cands, _, _ = candidates_for(gazetteer, Mention(qualifier))
    return [c for c in cands if c.kind in ("country", "admin1")]


def _within(candidate: Candidate, areas: list[Candidate]) -> bool:
    for area in areas:
        if area.kind == "country" and candidate.country == area.country and candidate is not area:
            return True
        if area.kind == "admin1" and (candidate.country, candidate.admin1) == (
            area.country,
            area.admin1,
        ):
            return candidate.id != area.id
    return False


def _is_near_cached(
    candidate: Candidate, anchor: Candidate, cache: dict[tuple[int, int], bool]
) -> bool:
    key = (id(candidate), id(anchor))  # both live as long as the cache (one resolve_all)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _is_near(candidate, anchor)
    return found


def _is_near(candidate: Candidate, anchor: Candidate) -> bool:
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
