"""The word lists behind time expressions, read from ``data/time_words.tsv``.

One table (``kind``, ``word``, ``value``): weekdays and months with their numbers, seasons and
parts of the day with their TIMEX3 codes, units, number words, reference words (``now`` ->
``PRESENT_REF``) and so on, plus ``cue`` words whose value names the role they play when
reading the context (``will`` is a ``future_aux``, ``since`` a ``year_before``). The
component reaches it through the registered loader ``sitroom.time_words.v1`` so that a user
can swap the table by config.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from spacy.util import registry

TIME_WORDS_FILE = "time_words.tsv"
# The closed set of kinds the grammar understands; a row of another kind is a data error.
KINDS = frozenset(
    {
        "cue",
        "daypart",
        "direction",
        "holiday",
        "modifier",
        "month",
        "number",
        "ordinal",
        "reference",
        "relative_day",
        "season",
        "set",
        "shift",
        "timezone",
        "unit",
        "weekday",
    }
)


@dataclass(frozen=True, eq=False)
class TimeLexicon:
    """Words by kind: ``lexicon["month"]["sept."] == "9"`` (hashed by identity, for caches)."""

    table: Mapping[str, Mapping[str, str]]

    def __getitem__(self, kind: str) -> Mapping[str, str]:
        return self.table.get(kind, MappingProxyType({}))

    def alternation(self, *kinds: str, exclude: tuple[str, ...] = ()) -> str:
        """A regex alternation of the words of ``kinds``, longest first, spaces flexible."""
        return word_alternation(w for kind in kinds for w in self[kind] if w not in exclude)

    def cues(self, role: str) -> frozenset[str]:
        """The ``cue`` words playing ``role`` (a value may list several roles, comma-separated)."""
        return frozenset(w for w, roles in self["cue"].items() if role in roles.split(","))

    def lookup(self, kind: str, phrase: str) -> str | None:
        """The value of ``phrase`` (any case and spacing) among the words of ``kind``."""
        return self[kind].get(" ".join(phrase.lower().split()))


def word_alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, the longest first; a space matches any whitespace.

    The words are laid out as a trie ("mon(?:\\.|day)"), which ``re`` tries far faster than a
    flat list, since only the branches that start with the next character are entered. It
    backtracks through the same candidates as the flat alternation sorted longest first (the
    words that match at one place are prefixes of one another, tried from the longest), so the
    matches are the same. Sibling branches that differ only in case would break that order
    under ``re.IGNORECASE``; such a list is left flat.
    """
    unique = set(words)
    trie: dict[str, Any] = {}
    for word in unique:
        node = trie
        for char in word:
            node = node.setdefault(r"\s+" if char == " " else re.escape(char), {})
        node[""] = {}  # a word ends here
    rendered = _trie_pattern(trie)
    if rendered is None:
        ordered = sorted(unique, key=lambda w: (-len(w), w))
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
    return rendered


def _trie_pattern(node: dict[str, Any]) -> str | None:
    """The regex of one trie node; None when two branches differ only in case."""
    keys = sorted(key for key in node if key)
    if len({key.casefold() for key in keys}) < len(keys):
        return None
    branches = []
    for key in keys:
        rest = _trie_pattern(node[key])
        if rest is None:
            return None
        branches.append(key + rest)
    if not branches:
        return ""
    if "" in node:  # greedy "?": the longer words first, then the word that ends here
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def read_time_words(text: str) -> TimeLexicon:
    """Parse the TSV text of a time word table; raise ``ValueError`` naming a bad row."""
    table: dict[str, dict[str, str]] = {}
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    for line, row in enumerate(reader, start=2):
        kind, word, value = row.get("kind"), row.get("word"), row.get("value")
        if not kind or not word or value is None or kind not in KINDS:
            raise ValueError(f"{TIME_WORDS_FILE} line {line}: bad row {row!r}")
        table.setdefault(kind, {})[word] = value
    return TimeLexicon({kind: MappingProxyType(words) for kind, words in table.items()})


@lru_cache(maxsize=1)
def load_time_words() -> TimeLexicon:
    """The packaged time word table (read once per process)."""
    text = files("sitroom.data").joinpath(TIME_WORDS_FILE).read_text(encoding="utf-8")
    return read_time_words(text)


@registry.misc("sitroom.time_words.v1")
def time_words_v1() -> TimeLexicon:
    """Registered loader for the packaged time word table."""
    return load_time_words()
