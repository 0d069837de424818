"""Rank gazetteer candidates for the place names of one document.

Each name gets candidates from the gazetteer (see ``candidates.py``). A candidate's score
adds a prior (population, kind, capital, main name or alias, how loose the key was, the kind
hinted by the text: "the village of X", "X River") to document evidence (see
``coherence.py``: the other names' countries and states, nearness, readings side by side).
The choices start from the priors and are revised one name at a time, over
:data:`CONTEXT_ROUNDS` passes. A name whose best candidate lacks support is left unresolved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .candidates import (
    HINT_KINDS,
    MIN_SUPPORTED_POPULATION,
    SETTLEMENT_KINDS,
    STRICT_HINTS,
    Mention,
    area_candidates,
    candidates_for,
)
from .coherence import (
    Evidence,
    Found,
    context_scores,
    distance_km,
    document_evidence,
    haversine_km,
    is_near,
    longer_names,
    pair_bonus,
    prominence,
    scales,
    short_form_scores,
)
from .gazetteer import Candidate, Gazetteer
from .names import fold

__all__ = [
    "Mention",
    "Resolution",
    "haversine_km",
    "prior",
    "prominence",
    "resolve_all",
]

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
    "facility": 6.0,
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
HINT_BONUS = 5.0
HINT_MISMATCH = 2.0
MAJOR_CITY = 100_000
MINOR_CITY_SHARE = 0.1
"""A city this large wins over the state or province of the same name, unless it lies in that
state and holds less than MINOR_CITY_SHARE of its people ("Quebec": the province)."""
QUALIFIER_BONUS = 6.0
MIN_MARGIN = 0.0
"""Two far-apart candidates whose scores differ less than this leave the name unresolved."""
FAR_KM = 161.0
CONTEXT_ROUNDS = 2
"""Passes over the document: the second reads its context from the first pass's choices."""
NAMESAKE_KINDS = frozenset({"city", "town", "village", "admin2"})
"""Places whose name a river lacking from the gazetteer may share, to be placed near them."""


@dataclass
class Resolution:
    """The chosen candidate for a mention, or None with ``candidates`` for the record."""

    best: Candidate | None
    score: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)
    near: bool = False  # ``best`` is a place the name lies near, not the place it names


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
            areas = area_candidates(gazetteer, mention.qualifier)
            for i, candidate in enumerate(cands):
                if _within(candidate, areas):
                    scores[i] += QUALIFIER_BONUS
    pair_bonus(found, priors)
    guesses = [_argmax(scores) for scores in priors]
    resolutions = [Resolution(None) for _ in found]
    # what does not change between rounds: each reading's share of the evidence, distances
    shares = [[scales(c, cands) for c in cands] for cands, _, _ in found]
    near: dict[tuple[int, int], bool] = {}
    longer = longer_names([m.text for m in mentions], found)
    for round_number in range(CONTEXT_ROUNDS):
        # one name at a time, each reading the latest choices of the others: a first guess
        # that the document contradicts ("Georgia" among Atlanta's suburbs) stops misleading,
        # and two names cannot keep trading wrong states (which updating all at once allows)
        for number, ((cands, table, hint), scores) in enumerate(zip(found, priors, strict=True)):
            evidence = document_evidence(found, guesses, number, near)
            evidence.scales = shares[number]
            # in the last round only: the longer names' choices have read the whole document
            last = round_number == CONTEXT_ROUNDS - 1
            chosen = [b for i in longer[number] if last and (b := resolutions[i].best)]
            scored = short_form_scores(cands, scores, chosen)
            resolutions[number] = _decide(cands, table, hint, scored, evidence)
            best = resolutions[number].best
            if best is not None:
                guesses[number] = cands.index(best)
    return resolutions


def _hint_qualifiers(mentions: Sequence[Mention], found: Found) -> None:
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
        namesake = _namesake_nearby(cands, hint, order, evidence)
        if namesake is not None:
            return Resolution(cands[namesake], final[namesake], cands, near=True)
        return Resolution(None, final[best], cands)
    return Resolution(cands[best], final[best], cands)


def _namesake_nearby(
    cands: list[Candidate], hint: str | None, order: list[int], evidence: Evidence
) -> int | None:
    """ "the X River" that the gazetteer lacks: the best place named X within
    :data:`~.coherence.NEAR_KM` of another place of the document (a river is often named
    after a town or a county on its banks), for a point near the river."""
    if hint not in STRICT_HINTS:
        return None
    for index in order:
        candidate = cands[index]
        if candidate.kind in NAMESAKE_KINDS and any(
            is_near(candidate, anchor) for anchor in evidence.anchors
        ):
            return index
    return None


def _city_before_its_state(cands: list[Candidate], order: list[int], hint: str | None) -> list[int]:
    """ "New York", "Mexico City" vs its state: the city, unless the text says "state"."""
    best = cands[order[0]]
    if best.kind != "admin1" or hint in ("state", "region", "province", "oblast", "admin1"):
        return order
    for position, index in enumerate(order[1:], start=1):
        city = cands[index]
        same_name = city.main and fold(city.name) == fold(best.name)
        minor = city.admin1 == best.admin1 and city.population < MINOR_CITY_SHARE * best.population
        # "New York": the city's main name is "New York City", but it lies in that state
        if (
            city.kind == "city"
            and city.country == best.country
            and (same_name or city.admin1 == best.admin1)
            and city.population >= MAJOR_CITY
            and not minor
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
