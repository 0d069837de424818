"""Rank gazetteer candidates for the place names of one document.

Each name gets candidates from the gazetteer (fold key, then romanisation skeleton, then the
stem without a Slavic adjective ending). A candidate's score adds a prior (population, kind,
main name or alias, how loose the key was, the kind hinted by the text: "the village of X",
"X River") to document evidence: the countries and states of the other names' current choices,
and closeness to them. The choices start from the priors and are revised one name at a time,
over :data:`CONTEXT_ROUNDS` passes. A name whose best candidate lacks support is left unresolved.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .gazetteer import Candidate, Gazetteer, PlaceAlias
from .names import fold, skeleton, stem

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
LOOSE_KEY_PENALTY = {"name": 0.0, "skeleton": 1.5, "stem": 3.0}
HINT_BONUS = 5.0
HINT_MISMATCH = 2.0
COUNTRY_WEIGHT = 5.0
MAJOR_CITY = 100_000
"""A city this large wins over the state or province of the same name."""
ALIAS_CONTEXT_SHARE = 0.5
MAX_ABBREVIATION = 3
QUALIFIER_BONUS = 6.0
ADMIN_WEIGHT = 4.0
NEAR_KM = 150.0
NEAR_BONUS = 1.0
MAX_NEAR_BONUS = 3.0
MIN_SUPPORTED_POPULATION = 5_000
"""A settlement smaller than this, found by an alias or a loose key, needs other support."""
MIN_MARGIN = 0.0
"""Two far-apart candidates whose scores differ less than this leave the name unresolved."""
FAR_KM = 161.0
BORDERLESS_KINDS = frozenset({"continent", "region", "river", "other"})
CONTEXT_ROUNDS = 2
"""Passes over the document: the second reads its context from the first pass's choices."""

# Words around a name that say what kind of place it is ("X River", "the village of X").
SETTLEMENT_KINDS = frozenset({"city", "town", "village"})
HINT_KINDS: dict[str, frozenset[str]] = {
    "city": SETTLEMENT_KINDS,
    "town": SETTLEMENT_KINDS,
    "village": SETTLEMENT_KINDS,
    "settlement": SETTLEMENT_KINDS,
    "capital": SETTLEMENT_KINDS,
    "district": SETTLEMENT_KINDS | {"admin2"},
    "region": frozenset({"admin1", "admin2", "region"}),
    "oblast": frozenset({"admin1"}),
    "province": frozenset({"admin1"}),
    "state": frozenset({"admin1"}),
    "county": frozenset({"admin2"}),
    "river": frozenset({"river"}),
    "airport": frozenset({"airport", "facility"}),
    "airbase": frozenset({"airport", "facility"}),
    "airfield": frozenset({"airport", "facility"}),
    "country": frozenset({"country"}),
    "admin1": frozenset({"admin1"}),
    "admin2": frozenset({"admin2"}),
    "continent": frozenset({"continent"}),
}
STRICT_HINTS = frozenset({"river"})
"""Hints that a candidate of another kind cannot satisfy."""
# Trailing words that are part of a mention but not of the indexed name ("Kherson region").
GENERIC_SUFFIXES = {
    "river": "river",
    "region": "region",
    "oblast": "oblast",
    "province": "province",
    "district": "district",
    "raion": "district",
    "rayon": "district",
    "county": "county",
    "state": "state",
    "airport": "airport",
    "airbase": "airbase",
    "air base": "airbase",
    "airfield": "airfield",
    "city": "city",
    "co": "county",
}
# Leading words that say what kind of place follows ("the Town of X" in US local news).
GENERIC_PREFIXES = {"city of": "city", "town of": "town", "village of": "village"}


@dataclass
class Mention:
    """A place name of the document: its text and the kind its context hints (or None)."""

    text: str
    hint: str | None = None
    qualifier: str | None = None  # "Athens, Ga.": the state or country named after a comma


@dataclass
class Evidence:
    """What the rest of the document says: its countries, its states and its places."""

    countries: Counter[str]
    admins: Counter[tuple[str | None, str | None]]
    anchors: list[Candidate]


@dataclass
class Resolution:
    """The chosen candidate for a mention, or None with ``candidates`` for the record."""

    best: Candidate | None
    score: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)


def candidates_for(
    gazetteer: Gazetteer, mention: Mention
) -> tuple[list[Candidate], str, str | None]:
    """Candidates for the mention, the key table that found them and the (updated) hint."""
    text, hint = mention.text, mention.hint
    alias = gazetteer.aliases.get(fold(text))
    if alias is not None:
        return _alias_candidates(gazetteer, alias), "name", alias.kind
    if len(text) <= MAX_ABBREVIATION and text.isupper():
        # "BC", "SA": an abbreviation is only trusted as some place's main name
        return [c for c in gazetteer.lookup(fold(text)) if c.main], "name", hint
    for name, name_hint in _name_forms(text, hint):
        found = gazetteer.lookup(fold(name))
        kinds = HINT_KINDS.get(name_hint or "", frozenset())
        if found and kinds and not any(c.kind in kinds for c in found):
            # "the X airbase": the airport may be indexed under another romanisation of X
            looser = [
                c for c in gazetteer.lookup(skeleton(name), table="skeleton") if c.kind in kinds
            ]
            found = found + [c for c in looser if c not in found]
        if found:
            return found, "name", name_hint
        found = gazetteer.lookup(skeleton(name), table="skeleton")
        if found:
            return found, "skeleton", name_hint
        found = gazetteer.lookup(stem(name), table="skeleton")
        if found:
            return found, "stem", name_hint
    return [], "name", hint


def _alias_candidates(gazetteer: Gazetteer, alias: PlaceAlias) -> list[Candidate]:
    if alias.kind == "country":
        state = gazetteer.country(alias.country)
        return [] if state is None else [state]
    found = gazetteer.lookup(fold(alias.place))
    kinds = HINT_KINDS[alias.kind]
    iso = alias.country or None
    found = [c for c in found if c.country == iso and c.kind in kinds]
    return sorted(found, key=lambda c: -c.population)[:1]  # "D.C.": the one big Washington


def _name_forms(text: str, hint: str | None) -> list[tuple[str, str | None]]:
    forms = [(text, hint)]
    bare = text.rstrip(".")  # "Loudon Co."
    lowered = bare.casefold()
    for suffix, kind in GENERIC_SUFFIXES.items():
        if lowered.endswith(" " + suffix) and len(lowered) > len(suffix) + 2:
            forms.append((bare[: -len(suffix) - 1].strip(), hint or kind))
            break
    for prefix, kind in GENERIC_PREFIXES.items():
        if lowered.startswith(prefix + " ") and len(lowered) > len(prefix) + 2:
            forms.append((bare[len(prefix) + 1 :].strip(), hint or kind))
            break
    return forms


def prior(candidate: Candidate, table: str, hint: str | None) -> float:
    """Score a candidate without looking at the rest of the document."""
    score = POPULATION_WEIGHT * math.log10(candidate.population + 10)
    score += KIND_BONUS.get(candidate.kind, 0.0)
    score += MAIN_NAME_BONUS if candidate.main else 0.0
    score -= LOOSE_KEY_PENALTY[table]
    if hint is not None:
        kinds = HINT_KINDS.get(hint, frozenset())
        score += HINT_BONUS if candidate.kind in kinds else -HINT_MISMATCH
    return score


def resolve_all(gazetteer: Gazetteer, mentions: Sequence[Mention]) -> list[Resolution]:
    """Resolve the place names of one document together (countries and nearness help)."""
    found = [candidates_for(gazetteer, m) for m in mentions]
    priors = [[prior(c, table, hint) for c in cands] for cands, table, hint in found]
    for mention, (cands, _, _), scores in zip(mentions, found, priors, strict=True):
        if mention.qualifier:
            areas = _areas(gazetteer, mention.qualifier)
            for i, candidate in enumerate(cands):
                if _within(candidate, areas):
                    scores[i] += QUALIFIER_BONUS
    guesses = [_argmax(scores) for scores in priors]
    resolutions = [Resolution(None) for _ in found]
    for _ in range(CONTEXT_ROUNDS):
        # one name at a time, each reading the latest choices of the others: a first guess
        # that the document contradicts ("Georgia" among Atlanta's suburbs) stops misleading,
        # and two names cannot keep trading wrong states (which updating all at once allows)
        for number, ((cands, table, hint), scores) in enumerate(zip(found, priors, strict=True)):
            evidence = _evidence(found, guesses, number)
            resolutions[number] = _decide(cands, table, hint, scores, evidence)
            best = resolutions[number].best
            if best is not None:
                guesses[number] = cands.index(best)
    return resolutions


def _evidence(
    found: list[tuple[list[Candidate], str, str | None]], guesses: list[int | None], number: int
) -> Evidence:
    """The context of name ``number``: the current choices for the other names."""
    others = [
        cands[i]
        for position, ((cands, _, _), i) in enumerate(zip(found, guesses, strict=True))
        if i is not None and position != number
    ]
    countries = Counter(c.country for c in others if c.country)
    admins: Counter[tuple[str | None, str | None]] = Counter(
        (c.country, c.admin1) for c in others if c.admin1 and c.kind != "country"
    )
    return Evidence(countries, admins, others)


def _decide(
    cands: list[Candidate],
    table: str,
    hint: str | None,
    scores: list[float],
    evidence: Evidence,
) -> Resolution:
    if not cands:
        return Resolution(None)
    total = sum(evidence.countries.values()) or 1
    admin_total = sum(evidence.admins.values()) or 1
    final, support = [], []
    # a sea or a world region lies in no one country: the document's countries are no
    # evidence against it ("the Pacific" in a report full of US towns)
    top_share = max(evidence.countries.values(), default=0) / total
    for candidate, score in zip(cands, scores, strict=True):
        if candidate.country is None and candidate.kind in BORDERLESS_KINDS:
            share = top_share
        else:
            share = evidence.countries.get(candidate.country or "", 0) / total
        admin = evidence.admins.get((candidate.country, candidate.admin1), 0) / admin_total
        neighbours = sum(_is_near(candidate, a) for a in evidence.anchors)
        near = min(MAX_NEAR_BONUS, NEAR_BONUS * neighbours)
        bonus = COUNTRY_WEIGHT * share + ADMIN_WEIGHT * admin + near
        # an alias ("Turkey" is also some village's other name) borrows less from context
        final.append(score + (bonus if candidate.main else ALIAS_CONTEXT_SHARE * bonus))
        support.append(share > 0 or near > 0 or candidate.kind in HINT_KINDS.get(hint or "", ()))
    order = sorted(range(len(cands)), key=lambda i: -final[i])
    order = _city_before_its_state(cands, order, hint)
    best = order[0]
    if not _confident(cands, table, hint, order, final, support[best]):
        return Resolution(None, final[best], cands)
    return Resolution(cands[best], final[best], cands)


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
