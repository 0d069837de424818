"""The place names inside a longer name: "University of Alberta", "Dubai World Cup".

A toponym the gazetteer does not hold as a whole is often an organisation, a building or an
event named after the place that holds it. :func:`name_parts` lists the runs of capitalised
words of such a name that may name that place, leaving out the words that name the
organisation itself (``place_name_words.tsv``: "University", "Bank", "Council"); a name with
a word for a feature of a place ("Niger Delta", "Korean Peninsula") has no such parts.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

NAME_WORDS_FILE = "place_name_words.tsv"
_WORD = re.compile(r"[^\W\d_][\w.'’]*")


@cache
def name_words() -> dict[str, str]:
    """``sitroom/data/place_name_words.tsv``: lower-cased word -> role (organisation, feature,
    outlet)."""
    text = resources.files("sitroom.data").joinpath(NAME_WORDS_FILE).read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines()[1:] if line.strip())
    return {word.strip().casefold(): role.strip() for word, role in rows}


def organisation_words() -> frozenset[str]:
    """Words that name an organisation or a building ("University", "Embassy")."""
    return _words_of("organisation")


def outlet_words() -> frozenset[str]:
    """Words that end a news outlet's name ("Wire", "News", "Gazette"): never a place."""
    return _words_of("outlet")


def feature_words() -> frozenset[str]:
    """Words that name a feature of a place rather than a thing inside it ("Delta")."""
    return _words_of("feature")


@cache
def _words_of(role: str) -> frozenset[str]:
    # Built once: callers ask for these sets once per document or per name.
    return frozenset(word for word, found in name_words().items() if found == role)


def name_parts(text: str) -> list[list[str]]:
    """The runs of capitalised words in ``text`` that are not organisation words.

    "Robinson College Cambridge" gives [["Robinson"], ["Cambridge"]]; "Bank of England"
    gives [["England"]]; "Nenagh MDC" gives [["Nenagh", "MDC"]].
    """
    runs: list[list[str]] = [[]]
    generic = organisation_words() | feature_words()
    for match in _WORD.finditer(text):
        word = match.group().rstrip(".")
        if word[:1].isupper() and word.casefold() not in generic:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def windows(run: list[str]) -> list[tuple[int, int]]:
    """(start, end) word windows of ``run``, longest first, then left to right."""
    size = len(run)
    return [(i, i + n) for n in range(size, 0, -1) for i in range(size - n + 1)]


def has_organisation_word(text: str) -> bool:
    """True when one of the words of ``text`` names an organisation ("Embassy", "Bank")."""
    generic = organisation_words()
    return any(m.group().rstrip(".").casefold() in generic for m in _WORD.finditer(text))


def has_feature_word(text: str) -> bool:
    """True when a word of ``text`` names a feature of a place ("Niger Delta", "Peninsula")."""
    features = feature_words()
    return any(m.group().rstrip(".").casefold() in features for m in _WORD.finditer(text))
