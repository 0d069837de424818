"""Find the gazetteer candidates of a place name, and the words that hint at its kind.

A name is looked up by its fold key, then its romanisation skeleton, then its stem (see
``names.py``); an alias ("Egyptian", "Pa.") stands for its place; a name the gazetteer lacks
as a whole may contain one ("University of Alberta": Alberta; see ``parts.py``). The
``table`` returned with the candidates says which key found them ("name", "skeleton",
"stem", "part"): looser keys cost points in ``resolve.prior``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .gazetteer import Candidate, Gazetteer, PlaceAlias
from .names import fold, skeleton, stem
from .parts import has_feature_word, has_organisation_word, name_parts, windows

MAX_ABBREVIATION = 3
MIN_SUPPORTED_POPULATION = 5_000
"""A settlement smaller than this, found by an alias or a loose key, needs other support."""

# Words around a name that say what kind of place it is ("X River", "the village of X").
SETTLEMENT_KINDS = frozenset({"city", "town", "village"})
HINT_KINDS: dict[str, frozenset[str]] = {
    "city": SETTLEMENT_KINDS,
    "town": SETTLEMENT_KINDS,
    "village": SETTLEMENT_KINDS,
    "settlement": SETTLEMENT_KINDS,
    "capital": SETTLEMENT_KINDS,
    "district": SETTLEMENT_KINDS | {"admin2"},
    # a US or Canadian township is a civil division below the county: its seat or its area
    "township": SETTLEMENT_KINDS | {"admin2"},
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
AREA_KINDS = frozenset({"country", "admin1"})
"""Kinds of the places that can qualify another name ("Athens, Ga.", "Lviv, Ukraine")."""
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
    "township": "township",
    "state": "state",
    "airport": "airport",
    "airbase": "airbase",
    "air base": "airbase",
    "airfield": "airfield",
    "city": "city",
    "co": "county",
}
COMPASS_WORDS = frozenset(
    {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western"}
    | {"northeast", "northwest", "southeast", "southwest", "upper", "lower"}
)
"""Words before a place name that pick out a part of it ("West Wales", "Western US")."""
# Leading words that say what kind of place follows ("the Town of X" in US local news).
GENERIC_PREFIXES = {"city of": "city", "town of": "town", "village of": "village"}


@dataclass
class Mention:
    """A place name of the document: its text and the kind its context hints (or None)."""

    text: str
    hint: str | None = None
    qualifier: str | None = None  # "Athens, Ga.": the state or country named after a comma


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
            return _named_by_kind(found, name, name_hint), "name", name_hint
        if text.isupper():
            continue  # "UCLA": an acronym is no romanisation of a place name
        found = gazetteer.lookup(skeleton(name), table="skeleton")
        if found:
            return found, "skeleton", name_hint
        found = gazetteer.lookup(stem(name), table="skeleton")
        if found:
            return found, "stem", name_hint
    found = _part_candidates(gazetteer, text)
    return found, ("part" if found else "name"), hint


def area_candidates(gazetteer: Gazetteer, text: str) -> list[Candidate]:
    """The countries and first-level divisions ``text`` may name ("Ukraine", "Ga.")."""
    cands, _, _ = candidates_for(gazetteer, Mention(text))
    return [c for c in cands if c.kind in AREA_KINDS]


def _named_by_kind(found: list[Candidate], name: str, hint: str | None) -> list[Candidate]:
    """ "Becker" said of a county ("Becker and Clay counties"): "Becker County" is then named
    by its main name, the hint completing it."""
    if hint is None:
        return found
    full = fold(f"{name} {hint}")
    return [replace(c, main=True) if not c.main and fold(c.name) == full else c for c in found]


def _part_candidates(gazetteer: Gazetteer, text: str) -> list[Candidate]:
    """The places named inside a longer name ("University of Alberta", "Dubai World Cup")."""
    if has_feature_word(text):
        return []  # "Niger Delta", "Korean Peninsula": a feature of the place, not in it
    pooled: list[Candidate] = []
    organisation = has_organisation_word(text)
    for run in name_parts(text):
        used = [False] * len(run)
        for start, end in windows(run):
            part = " ".join(run[start:end])
            if any(used[start:end]) or fold(part) == fold(text):
                continue
            after_compass = start > 0 and run[start - 1].casefold() in COMPASS_WORDS
            found = _part_lookup(gazetteer, part, organisation=organisation, compass=after_compass)
            if found:
                pooled.extend(c for c in found if c not in pooled)
                used[start:end] = [True] * (end - start)
    return pooled


def _part_lookup(
    gazetteer: Gazetteer, part: str, *, organisation: bool, compass: bool
) -> list[Candidate]:
    """Places named ``part`` by a main name, or by a country's adjective inside an
    organisation's name ("Russian Embassy"), or by its abbreviation ("Western US"; but
    "Central American" is no part of America)."""
    alias = gazetteer.aliases.get(fold(part))
    if alias is not None:
        abbreviation = part.isupper() or part.endswith(".")
        wanted = alias.kind in ("country", "continent") and (
            abbreviation or (organisation and not compass)
        )
        return _alias_candidates(gazetteer, alias) if wanted else []
    if fold(part) in COMPASS_WORDS:
        return []
    return [
        c
        for c in gazetteer.lookup(fold(part))
        if c.main
        and c.kind != "airport"
        and (c.kind not in SETTLEMENT_KINDS or c.population >= MIN_SUPPORTED_POPULATION)
    ]


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
