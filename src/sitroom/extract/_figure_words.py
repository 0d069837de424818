"""The word tables behind figures: metric words, people words and number words.

``data/metric_words.tsv`` (``word``, ``metric``, ``role``, ``applies``) maps a lemma, or a verb
with its particle or preposition ("shoot down", "take prisoner"), to a metric of the closed
vocabulary. Its ``role`` says how the word binds a count: an ``event`` word says what happened
to what is counted ("killed", "dead", "toll"); a ``unit`` word is what is counted and implies a
metric only when no event word does ("150,000 troops", "45,000 refugees"); a ``block`` word
says the count is of something else ("freed 12 hostages"). ``applies`` restricts a word to
counts of ``people`` or of ``things`` ("lost 30 soldiers" is killed, "lost 30 vehicles"
destroyed). ``data/people_words.tsv`` lists nouns for people; ``who`` = yes marks a category
worth reporting as a figure's ``who`` ("civilians", "soldiers"), not a generic one ("people").
The component reaches all three through the registered loader ``sitroom.figure_words.v1``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType

from spacy.util import registry

from ..model import Metric
from ._numbers import NumberWords, load_number_words

METRIC_WORDS_FILE = "metric_words.tsv"
PEOPLE_WORDS_FILE = "people_words.tsv"
ROLES = frozenset({"block", "event", "unit"})
APPLIES = frozenset({"any", "people", "things"})
BLOCK = "-"


@dataclass(frozen=True)
class MetricWord:
    """One row of the metric table; ``metric`` is None for a ``block`` word."""

    metric: Metric | None
    role: str
    applies: str


@dataclass(frozen=True, eq=False)
class FigureLexicon:
    """Everything the figures component looks words up in (hashed by identity)."""

    metrics: Mapping[str, tuple[MetricWord, ...]]
    people: Mapping[str, bool]
    numbers: NumberWords

    def metric_words(self, word: str) -> tuple[MetricWord, ...]:
        """The rows for a lemma or phrase (lower case); empty when it names no metric."""
        return self.metrics.get(word, ())


def read_metric_words(text: str) -> Mapping[str, tuple[MetricWord, ...]]:
    """Parse the TSV text of a metric word table; raise ``ValueError`` naming a bad row."""
    table: dict[str, list[MetricWord]] = {}
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    for line, row in enumerate(reader, start=2):
        word, metric, role, applies = (row.get(k) for k in ("word", "metric", "role", "applies"))
        valid_metric = metric == BLOCK if role == "block" else metric in Metric.__members__
        if not word or role not in ROLES or applies not in APPLIES or not valid_metric:
            raise ValueError(f"{METRIC_WORDS_FILE} line {line}: bad row {row!r}")
        entry = MetricWord(None if metric == BLOCK else Metric(str(metric)), role, str(applies))
        table.setdefault(str(word), []).append(entry)
    return MappingProxyType({word: tuple(rows) for word, rows in table.items()})


def read_people_words(text: str) -> Mapping[str, bool]:
    """Parse the TSV text of the people table: lemma -> whether it is a ``who`` category."""
    table: dict[str, bool] = {}
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    for line, row in enumerate(reader, start=2):
        word, who = row.get("word"), row.get("who")
        if not word or who not in ("yes", "no"):
            raise ValueError(f"{PEOPLE_WORDS_FILE} line {line}: bad row {row!r}")
        table[word] = who == "yes"
    return MappingProxyType(table)


def _read(name: str) -> str:
    return files("sitroom.data").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def load_figure_words() -> FigureLexicon:
    """Read the packaged metric, people and number word tables (cached)."""
    return FigureLexicon(
        metrics=read_metric_words(_read(METRIC_WORDS_FILE)),
        people=read_people_words(_read(PEOPLE_WORDS_FILE)),
        numbers=load_number_words(),
    )


@registry.misc("sitroom.figure_words.v1")
def figure_words_v1() -> FigureLexicon:
    """Registered loader of the packaged figure word tables."""
    return load_figure_words()
