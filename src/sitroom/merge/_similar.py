"""Small comparisons shared by the merge rules: words, names, days, places."""

from __future__ import annotations

import functools
import math
import re
from datetime import date, timedelta
from importlib.resources import files

from rapidfuzz import fuzz

from ..model import DocumentResult, Place

STEM_CHARS = 5
"""Words outside the synonym tables are compared on their first characters, once an inflection
is cut, so "explosion"/"exploded" and "Ukraine"/"Ukrainian" match without a stemmer."""
SYNONYMS_FILE = "merge_synonyms.tsv"
"""Event words news reports use for one another ("abducted"/"kidnapped", "shelled"/"pounded")."""
NOUNS_FILE = "merge_nouns.tsv"
"""Words for the people and things of events ("gunmen"/"militants", "truce"/"ceasefire")."""
OPPOSITES_FILE = "merge_opposites.tsv"
"""Pairs of event word classes that are never one event, however alike the sentences: an
abduction and the release, an arrest and the protest it broke up."""
RELATED_FILE = "merge_related.tsv"
"""Pairs of event word classes that may name one event: "killed in the strike" is the strike."""
WEAPONS_FILE = "merge_weapons.tsv"
"""Words naming the weapon of an attack, by kind: a drone raid is not a missile strike."""
NUMBER_WORDS_FILE = "number_words.tsv"
"""Number words ("twelve", "thirty"), shared with the figure extractor (``kind``, ``value``)."""
NUMBER_KINDS = frozenset({"unit", "tens"})
TIME_UNITS = frozenset({"second", "minute", "hour", "day", "night", "week", "month", "year"})
YEARS = (1900, 2100)
"""Whole numbers in this range are read as years, not counts."""
STOPWORDS_FILE = "merge_stopwords.txt"
"""Function words and words every report uses: they say nothing about which event it is."""
REPEAT_MARKERS_FILE = "repeat_markers.txt"
"""Words that say an event is another one of its kind ("a second strike", "attacked again")."""
CLASS_MARK = "="
"""Prefix of a synonym class token, so that no cut word is mistaken for a class."""
_ENDINGS = (("ings", ""), ("ing", ""), ("ied", "y"), ("ies", "y"), ("ed", ""), ("s", ""))
_KEEP_S = ("ss", "us", "is")  # "press", "bus", "crisis" are not plurals
_KEEP_DOUBLE = "lsz"  # "shelled" -> "shell", "kidnapped" -> "kidnap"
MIN_ROOT = 3
NAME_MATCH = 80.0
"""rapidfuzz token-set ratio (0-100) above which two actor, target or speaker names match."""
EARTH_RADIUS_KM = 6371.0
CELL_DEGREES = 1.0
"""Size of the place grid cell used as a blocking key (about 110 km north-south)."""
NO_CELL = ""

CACHE_SIZE = 16_384
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b|[^\W\d_]+")


def normal(text: str | None) -> str:
    """Casefolded text with whitespace collapsed ('' for None)."""
    return _SPACE.sub(" ", text or "").strip().casefold()


def words(text: str | None) -> list[str]:
    """The casefolded words of ``text``, punctuation dropped."""
    return _WORD.findall(normal(text))


@functools.lru_cache(maxsize=CACHE_SIZE)
def root(word: str) -> str:
    """A casefolded word without its plural, verb ending, doubled consonant or final "e":
    "agreed"/"agree", "kidnapped"/"kidnap", "casualties"/"casualty" meet."""
    word = word.removesuffix("'s").removesuffix("’s")
    for ending, replacement in _ENDINGS:
        cut = word[: -len(ending)] + replacement
        if not word.endswith(ending) or len(cut) < MIN_ROOT:
            continue
        if ending == "s":
            word = word if word.endswith(_KEEP_S) else cut
        elif len(cut) > MIN_ROOT and cut[-1] == cut[-2] and cut[-1] not in _KEEP_DOUBLE + "aeiou":
            word = cut[:-1]
        else:
            word = cut
        break
    return word.rstrip("e") or word


@functools.lru_cache(maxsize=CACHE_SIZE)
def stem(word: str) -> str:
    """The word's synonym class (:data:`CLASS_MARK` + its name), else its root cut to
    :data:`STEM_CHARS` characters."""
    found = root(word)
    return synonyms().get(found) or found[:STEM_CHARS]


@functools.cache
def synonyms() -> dict[str, str]:
    """Root -> class token, from :data:`NOUNS_FILE` and :data:`SYNONYMS_FILE`."""
    return _class_table(NOUNS_FILE) | _class_table(SYNONYMS_FILE)


@functools.cache
def event_classes() -> dict[str, str]:
    """Root -> class token of the event words only (:data:`SYNONYMS_FILE`): the kinds of event."""
    return _class_table(SYNONYMS_FILE)


@functools.cache
def _class_table(name: str) -> dict[str, str]:
    lines = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    table: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip():
            word, group = line.split("\t")
            table[root(word)] = CLASS_MARK + group
    return table


@functools.cache
def _weapon_table() -> dict[str, str]:
    lines = files("sitroom.data").joinpath(WEAPONS_FILE).read_text("utf-8").splitlines()
    rows = (line.split("\t") for line in lines[1:] if line.strip())
    return {root(word): weapon for word, weapon in rows}


@functools.lru_cache(maxsize=CACHE_SIZE)
def weapons(text: str | None) -> frozenset[str]:
    """The kinds of weapon ``text`` names ("drones struck" -> {"drone"})."""
    table = _weapon_table()
    return frozenset(filter(None, (table.get(root(w)) for w in _WORD.findall(normal(text)))))


@functools.cache
def _number_words() -> dict[str, float]:
    lines = files("sitroom.data").joinpath(NUMBER_WORDS_FILE).read_text("utf-8").splitlines()
    rows = (line.split("\t") for line in lines[1:] if line.strip())
    return {word: float(value) for word, kind, value in rows if kind in NUMBER_KINDS}


@functools.lru_cache(maxsize=CACHE_SIZE)
def counts(text: str | None) -> frozenset[float]:
    """The counts ``text`` states, in digits or one word ("12", "1,200", "thirty"); not "one"
    ("one of its drivers"), years, or spans of time ("three months", "a 30-day truce")."""
    table, found = _number_words(), set()
    words = _NUMBER.findall(normal(text))
    for word, following in zip(words, [*words[1:], ""], strict=True):
        value = float(word.replace(",", "")) if word[0].isdigit() else table.get(word)
        if value is None or value <= 1 or following.rstrip("s") in TIME_UNITS:
            continue
        if not (len(word) == len("2024") and YEARS[0] <= value <= YEARS[1]):
            found.add(value)
    return frozenset(found)


@functools.lru_cache(maxsize=CACHE_SIZE)
def kinds(text: str | None) -> frozenset[str]:
    """The event classes of the words of ``text`` ("freed" -> the class of "free")."""
    table = event_classes()
    return frozenset(filter(None, (table.get(root(w)) for w in _WORD.findall(normal(text)))))


@functools.cache
def opposites() -> frozenset[frozenset[str]]:
    """Pairs of class tokens from :data:`OPPOSITES_FILE`."""
    return _class_pairs(OPPOSITES_FILE)


@functools.cache
def related() -> frozenset[frozenset[str]]:
    """Pairs of class tokens from :data:`RELATED_FILE`."""
    return _class_pairs(RELATED_FILE)


def _class_pairs(name: str) -> frozenset[frozenset[str]]:
    lines = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    pairs = (line.split("\t") for line in lines[1:] if line.strip())
    return frozenset(frozenset(CLASS_MARK + word for word in pair) for pair in pairs)


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """The words of a one-column data file (after its header line)."""
    lines = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


@functools.lru_cache(maxsize=CACHE_SIZE)
def says_repeat(text: str) -> bool:
    """True when ``text`` calls its event another of its kind."""
    return not word_list(REPEAT_MARKERS_FILE).isdisjoint(_WORD.findall(normal(text)))


# Every candidate pair compares the same few sentences again: cached, merging is ~4x cheaper.
@functools.lru_cache(maxsize=CACHE_SIZE)
def stems(text: str | None) -> frozenset[str]:
    """Content words of ``text`` as stems, synonyms folded into one stem."""
    stop = word_list(STOPWORDS_FILE)
    return frozenset(stem(w) for w in _WORD.findall(normal(text)) if w not in stop and len(w) > 1)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over the smaller set: 1.0 when one wording is contained in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over the mean size of both sets."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def names_match(a: str | None, b: str | None) -> bool | None:
    """True/False when both names are given and do or do not match; None when one is missing."""
    if not a or not b:
        return None
    return fuzz.token_set_ratio(normal(a), normal(b)) >= NAME_MATCH


def parse_day(value: str | None) -> date | None:
    """A ``date`` from an ISO day (``YYYY-MM-DD...``), None for anything coarser or invalid."""
    if not value or len(value) < len("YYYY-MM-DD"):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def day_range(day: str, window: int) -> tuple[str, str]:
    """ISO days ``window`` days either side of ``day`` (``day`` itself when it is not a day)."""
    parsed = parse_day(day)
    if parsed is None:
        return day, day
    step = timedelta(days=window)
    return (parsed - step).isoformat(), (parsed + step).isoformat()


def cell(lat: float | None, lon: float | None) -> str:
    """The grid cell of a point, or :data:`NO_CELL` when there is no point."""
    if lat is None or lon is None:
        return NO_CELL
    return f"{math.floor(lat / CELL_DEGREES)}:{math.floor(lon / CELL_DEGREES)}"


def neighbour_cells(lat: float, lon: float) -> list[str]:
    """The point's cell and the eight around it: every cell within one cell's width."""
    row, col = math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)
    return [f"{row + dr}:{col + dc}" for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def places_by_id(result: DocumentResult) -> dict[str, Place]:
    """A result's places by id; the first of a repeated id, as a database join would pick."""
    places: dict[str, Place] = {}
    for item in result.places:
        places.setdefault(item.id, item)
    return places
