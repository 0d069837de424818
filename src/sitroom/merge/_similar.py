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
"""Words are compared on their first characters, once a plural or verb ending is cut, so
"shelled"/"shelling" and "troops"/"troop" match without a full stemmer."""
SYNONYMS_FILE = "merge_synonyms.tsv"
"""Words news reports use for one another ("abducted"/"kidnapped", "truce"/"ceasefire")."""
STOPWORDS_FILE = "merge_stopwords.txt"
"""Function words and words every report uses: they say nothing about which event it is."""
REPEAT_MARKERS_FILE = "repeat_markers.txt"
"""Words that say an event is another one of its kind ("a second strike", "attacked again")."""
_ENDINGS = ("ings", "ing", "ied", "ies", "ed", "es", "s")
NAME_MATCH = 80.0
"""rapidfuzz token-set ratio (0-100) above which two actor, target or speaker names match."""
EARTH_RADIUS_KM = 6371.0
CELL_DEGREES = 1.0
"""Size of the place grid cell used as a blocking key (about 110 km north-south)."""
NO_CELL = ""

_CACHE_SIZE = 16_384
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SPACE = re.compile(r"\s+")


def normal(text: str | None) -> str:
    """Casefolded text with whitespace collapsed ('' for None)."""
    return _SPACE.sub(" ", text or "").strip().casefold()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def stem(word: str) -> str:
    """A word without a plural or verb ending, cut to :data:`STEM_CHARS` characters."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    return word[:STEM_CHARS]


@functools.cache
def synonyms() -> dict[str, str]:
    """Stem -> the stem of its class's first word, from :data:`SYNONYMS_FILE`."""
    lines = files("sitroom.data").joinpath(SYNONYMS_FILE).read_text("utf-8").splitlines()
    table: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip():
            word, group = line.split("\t")
            table[stem(word)] = stem(group)
    return table


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """The words of a one-column data file (after its header line)."""
    lines = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


@functools.lru_cache(maxsize=_CACHE_SIZE)
def says_repeat(text: str) -> bool:
    """True when ``text`` calls its event another of its kind."""
    return not word_list(REPEAT_MARKERS_FILE).isdisjoint(_WORD.findall(normal(text)))


# Every candidate pair compares the same few sentences again: cached, merging is ~4x cheaper.
@functools.lru_cache(maxsize=_CACHE_SIZE)
def stems(text: str | None) -> frozenset[str]:
    """Content words of ``text`` as stems, synonyms folded into one stem."""
    words = _WORD.findall(normal(text))
    table, stop = synonyms(), word_list(STOPWORDS_FILE)
    found = (stem(w) for w in words if w not in stop and len(w) > 1)
    return frozenset(table.get(s, s) for s in found)


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
