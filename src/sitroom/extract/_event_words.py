"""The event trigger table: ``data/event_triggers.tsv``.

Each row maps a trigger (a lemma, a verb with its particle or preposition such as "call for",
or a two-word noun such as "air strike") to a PLOVER event type and, where PLOVER defines one
and the word implies it, a mode (``-`` for none). ``form`` says whether the trigger is a verb
(``verbal``) or a noun (``nominal``); "attack" has a row of each. ``object`` is ``none`` for a
verb that is an event only without a direct object ("demonstrated in the capital", not
"demonstrated courage"), ``subject`` for a noun that is an event only as the subject of its
clause ("missiles rained down on X", not "the discovery of missiles"), else ``any``. The rows
were written from the PLOVER manual's category definitions, not copied from any coded data.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType

from spacy.util import registry

from ..model import EventType

TRIGGERS_FILE = "event_triggers.tsv"
FORMS = frozenset({"verbal", "nominal"})
OBJECTS = frozenset({"any", "none", "subject"})
NO_MODE = "-"


@dataclass(frozen=True)
class Trigger:
    """One row of the trigger table."""

    type: EventType
    mode: str | None
    intransitive: bool = False
    subject_only: bool = False


@dataclass(frozen=True, eq=False)
class EventLexicon:
    """Triggers by form: ``verbal`` and ``nominal`` map a lower-case key to its row."""

    verbal: Mapping[str, Trigger]
    nominal: Mapping[str, Trigger]
    heads: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        # The word a key is looked up by (a verb's lemma, a noun's last word): a token whose
        # lemma and form are not among them needs no lookup at all.
        heads = {key.split()[0] for key in self.verbal} | {key.split()[-1] for key in self.nominal}
        object.__setattr__(self, "heads", frozenset(heads))

    def may_trigger(self, lemma: str, form: str) -> bool:
        """False when no trigger is keyed by this lemma or word form (a fast pre-check)."""
        return lemma in self.heads or form in self.heads


def read_triggers(text: str) -> EventLexicon:
    """Parse the TSV text of a trigger table; raise ``ValueError`` naming a bad row."""
    tables: dict[str, dict[str, Trigger]] = {form: {} for form in FORMS}
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    for line, row in enumerate(reader, start=2):
        word, kind, mode, form, obj = (
            row.get(k) for k in ("trigger", "type", "mode", "form", "object")
        )
        if not word or kind not in EventType.__members__ or not mode or form not in FORMS:
            raise ValueError(f"{TRIGGERS_FILE} line {line}: bad row {row!r}")
        if obj not in OBJECTS:
            raise ValueError(f"{TRIGGERS_FILE} line {line}: bad row {row!r}")
        if word in tables[str(form)]:
            raise ValueError(f"{TRIGGERS_FILE} line {line}: duplicate {form} trigger {word!r}")
        tables[str(form)][word] = Trigger(
            EventType(str(kind)),
            None if mode == NO_MODE else mode,
            intransitive=obj == "none",
            subject_only=obj == "subject",
        )
    return EventLexicon(
        verbal=MappingProxyType(tables["verbal"]), nominal=MappingProxyType(tables["nominal"])
    )


@lru_cache(maxsize=1)
def load_event_words() -> EventLexicon:
    """Read the packaged trigger table (cached)."""
    return read_triggers(files("sitroom.data").joinpath(TRIGGERS_FILE).read_text("utf-8"))


@registry.misc("sitroom.event_words.v1")
def event_words_v1() -> EventLexicon:
    """Registered loader of the packaged trigger table."""
    return load_event_words()
