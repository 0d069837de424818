"""Numbers as news writes them: "137", "1.2 million", "twenty-five", "a dozen", "tens of thousands".

The words come from ``data/number_words.tsv`` (``word``, ``kind``, ``value``): ``unit`` (one to
nineteen), ``tens`` (twenty to ninety), ``scale`` (hundred, thousand...), ``dozen``, ``vague``
(dozens, hundreds, thousands: a count with no value) and ``qualifier`` phrases ("at least" ->
``at_least``). This module knows nothing of spaCy: it reads token texts and returns numbers, so
the rules can be tested on plain word lists.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType

from ..model import Qualifier

NUMBER_WORDS_FILE = "number_words.tsv"
KINDS = frozenset({"dozen", "measure", "qualifier", "scale", "tens", "unit", "vague"})
NUMBER_KINDS = ("unit", "tens", "scale", "dozen", "vague")  # the kinds that make a number
# "1,200", "3.7", "12"; not "10:30", "0800" (a leading zero is a code, not a count)
DIGITS = re.compile(r"^(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?$")
HYPHENS = frozenset({"-", "–"})
MAX_QUALIFIER_WORDS = 3


@dataclass(frozen=True)
class Number:
    """A parsed count: ``value`` is None for a vague one ("dozens")."""

    value: float | None
    vague: bool = False


@dataclass(frozen=True, eq=False)
class NumberWords:
    """Number and qualifier words by kind: ``words["scale"]["million"] == "1000000"``."""

    table: Mapping[str, Mapping[str, str]]
    _kinds: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # word -> kind for the words that make numbers, looked up for every token
        kinds = {w: k for k in NUMBER_KINDS for w in self.table.get(k, {})}
        object.__setattr__(self, "_kinds", kinds)

    def __getitem__(self, kind: str) -> Mapping[str, str]:
        return self.table.get(kind, MappingProxyType({}))

    def kind_of(self, word: str) -> str | None:
        """The kind of a lower-case number word, or None."""
        return self._kinds.get(word)

    def is_number_word(self, word: str) -> bool:
        """Whether ``word`` (any case) is a digit string or a word that can start a number."""
        if word[:1].isdigit():
            return bool(DIGITS.match(word))
        lower = word.lower()
        return lower in self._kinds or lower == "a"

    def qualifier(self, words: Sequence[str]) -> tuple[Qualifier, int] | None:
        """The qualifier that ``words`` (the words before a number) end with, and its length."""
        lowered = [w.lower() for w in words]
        for size in range(min(MAX_QUALIFIER_WORDS, len(lowered)), 0, -1):
            found = self["qualifier"].get(" ".join(lowered[-size:]))
            if found is not None:
                return Qualifier(found), size
        return None


def read_number_words(text: str) -> NumberWords:
    """Parse the TSV text of a number word table; raise ``ValueError`` naming a bad row."""
    table: dict[str, dict[str, str]] = {}
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    for line, row in enumerate(reader, start=2):
        word, kind, value = row.get("word"), row.get("kind"), row.get("value")
        if not word or not value or kind not in KINDS:
            raise ValueError(f"{NUMBER_WORDS_FILE} line {line}: bad row {row!r}")
        if kind == "qualifier" and value not in Qualifier.__members__:
            raise ValueError(f"{NUMBER_WORDS_FILE} line {line}: unknown qualifier {value!r}")
        table.setdefault(kind, {})[word] = value
    return NumberWords({kind: MappingProxyType(words) for kind, words in table.items()})


@lru_cache(maxsize=1)
def load_number_words() -> NumberWords:
    """Read the packaged number word table (cached)."""
    return read_number_words(files("sitroom.data").joinpath(NUMBER_WORDS_FILE).read_text("utf-8"))


def parse_number(words: Sequence[str], lexicon: NumberWords) -> Number | None:
    """The count that ``words`` spell, or None when they are not one number.

    ``["1.5", "million"]`` -> 1500000; ``["twenty", "-", "five"]`` -> 25; ``["a", "dozen"]``
    -> 12; ``["tens", "of", "thousands"]`` and ``["dozens"]`` -> a vague number.
    """
    lowered = [w.lower() for w in words if w not in HYPHENS]
    if not lowered:
        return None
    if any(lexicon.kind_of(w) == "vague" for w in lowered):
        return _vague(lowered, lexicon)
    if lowered[0] == "a":
        lowered = ["one", *lowered[1:]] if len(lowered) > 1 else []
    total, current = 0.0, 0.0
    seen = False
    for word in lowered:
        kind = lexicon.kind_of(word)
        if DIGITS.match(word) and not seen:
            current, seen = float(word.replace(",", "")), True
        elif kind in ("unit", "tens") and _fits(kind, current):
            current, seen = current + float(lexicon[kind][word]), True
        elif kind == "dozen" and seen:
            current *= 12
        elif kind == "scale" and seen:
            scale = float(lexicon["scale"][word])
            if scale >= 1000:
                total, current = total + current * scale, 0.0
            else:
                current *= scale
        else:
            return None
    return Number(total + current) if seen else None


def _vague(words: Sequence[str], lexicon: NumberWords) -> Number | None:
    """ "dozens", "hundreds of thousands": vague words joined by "of" and nothing else."""
    for index, word in enumerate(words):
        expected_of = index % 2 == 1
        if expected_of != (word == "of") or (not expected_of and lexicon.kind_of(word) is None):
            return None
    return Number(None, vague=True) if len(words) % 2 == 1 else None


def _fits(kind: str, current: float) -> bool:
    """Whether a unit or tens word may add to ``current``: "twenty five", "two hundred ten"."""
    return current % 100 == 0 or (kind == "unit" and current % 10 == 0)
