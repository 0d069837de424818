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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType

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
        found = {w for kind in kinds for w in self[kind] if w not in exclude}
        words = sorted(found, key=lambda w: (-len(w), w))
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)

    def cues(self, role: str) -> frozenset[str]:
        """The ``cue`` words playing ``role`` (a value may list several roles, comma-separated)."""
        return frozenset(w for w, roles in self["cue"].items() if role in roles.split(","))

    def lookup(self, kind: str, phrase: str) -> str | None:
        """The value of ``phrase`` (any case and spacing) among the words of ``kind``."""
        return self[kind].get(" ".join(phrase.lower().split()))


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
