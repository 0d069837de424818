"""The event trigger table: ``data/event_triggers.tsv``.

Each row maps a trigger (a lemma, a verb with its particle or preposition such as "call for",
or a two-word noun such as "air strike") to a PLOVER event type and, where PLOVER defines one
and the word implies it, a mode (``-`` for none). ``form`` says whether the trigger is a verb
(``verbal``) or a noun (``nominal``); "attack" has a row of each. ``object`` is ``none`` for a
verb that is an event only without a direct object ("demonstrated in the capital", not
"demonstrated courage"), ``subject`` for a noun that is an event only as the subject of its
clause ("missiles rained down on X", not "the discovery of missiles"), else ``any``. The rows
were written from the PLOVER manual's category definitions and the CAMEO-to-PLOVER table's
category names (verbs and their nominalisations), not copied from any coded sentence.

Four smaller tables refine them (see ``_event_senses``): ``event_senses.tsv`` types a verb by
the class of its object ("evacuated civilians" is AID, "evacuated the base" a RETREAT, "released
a video" no event: no row fits, or a row of type ``none`` says so, as for "delivered a
speech"), with the classes in ``event_object_classes.tsv``; ``event_reversal_verbs.tsv``
and ``event_reversals.tsv`` say what ending an event of each type is ("lifted the curfew" is
CONCEDE, "suspended aid" SANCTION); ``event_hazard_words.tsv`` lists natural and accidental
hazards and the harm words they may cause without any attacker.
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
SENSES_FILE = "event_senses.tsv"
CLASSES_FILE = "event_object_classes.tsv"
REVERSAL_VERBS_FILE = "event_reversal_verbs.tsv"
REVERSALS_FILE = "event_reversals.tsv"
HAZARDS_FILE = "event_hazard_words.tsv"
ANY_OBJECT = "*"
HAZARD_KINDS = frozenset({"hazard", "harm"})
FORMS = frozenset({"verbal", "nominal"})
OBJECTS = frozenset({"any", "none", "subject"})
NO_MODE = "-"
# The type of a sense row whose object makes the verb no event ("delivered a speech").
NO_EVENT = "none"


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
    # verb key -> ((object class or "*", row or None for no event), ...): the object decides
    senses: Mapping[str, tuple[tuple[str, Trigger | None], ...]] = field(default_factory=dict)
    # noun lemma -> ((class, row), ...): a word of the class in the sentence decides
    noun_senses: Mapping[str, tuple[tuple[str, Trigger], ...]] = field(default_factory=dict)
    # lower-case noun lemma -> its object classes ("soldier" -> person, troops)
    classes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    reversal_verbs: frozenset[str] = frozenset()
    # type of the ended event -> the row of ending it
    reversals: Mapping[EventType, Trigger] = field(default_factory=dict)
    hazards: frozenset[str] = frozenset()
    harms: frozenset[str] = frozenset()
    heads: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        # The word a key is looked up by (a verb's lemma, a noun's last word): a token whose
        # lemma and form are not among them needs no lookup at all.
        heads = {key.split()[0] for key in (*self.verbal, *self.senses, *self.reversal_verbs)}
        heads |= {key.split()[-1] for key in self.nominal}
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


def _rows(name: str, text: str, columns: int) -> list[list[str]]:
    """The data rows of a TSV table; raise ``ValueError`` naming a short row."""
    rows = [line.split("\t") for line in text.splitlines()[1:] if line.strip()]
    for line, row in enumerate(rows, start=2):
        if len(row) != columns or not all(row):
            raise ValueError(f"{name} line {line}: expected {columns} columns, got {row!r}")
    return rows


def _row(name: str, kind: str, mode: str) -> Trigger:
    if kind not in EventType.__members__:
        raise ValueError(f"{name}: {kind!r} is not a PLOVER type")
    return Trigger(EventType(kind), None if mode == NO_MODE else mode)


def read_refinements(base: EventLexicon, texts: Mapping[str, str]) -> EventLexicon:
    """``base`` with the sense, class, reversal and hazard tables (file name -> TSV text)."""
    senses: dict[str, list[tuple[str, Trigger | None]]] = {}
    noun_senses: dict[str, list[tuple[str, Trigger]]] = {}
    for word, form, cls, kind, mode in _rows(SENSES_FILE, texts[SENSES_FILE], 5):
        if form not in FORMS:
            raise ValueError(f"{SENSES_FILE}: form {form!r} of {word!r} is not one of {FORMS}")
        if kind == NO_EVENT and form == "verbal":
            senses.setdefault(word, []).append((cls, None))  # "delivered a speech"
            continue
        table: dict = senses if form == "verbal" else noun_senses
        table.setdefault(word, []).append((cls, _row(SENSES_FILE, kind, mode)))
    classes: dict[str, set[str]] = {}
    for word, cls in _rows(CLASSES_FILE, texts[CLASSES_FILE], 2):
        classes.setdefault(word, set()).add(cls)
    reversals = {
        EventType(kind): _row(REVERSALS_FILE, result, mode)
        for kind, result, mode in _rows(REVERSALS_FILE, texts[REVERSALS_FILE], 3)
    }
    verbs = frozenset(row[0] for row in _rows(REVERSAL_VERBS_FILE, texts[REVERSAL_VERBS_FILE], 1))
    hazards = _rows(HAZARDS_FILE, texts[HAZARDS_FILE], 2)
    if any(kind not in HAZARD_KINDS for _, kind in hazards):
        raise ValueError(f"{HAZARDS_FILE}: kinds must be one of {sorted(HAZARD_KINDS)}")
    return EventLexicon(
        verbal=base.verbal,
        nominal=base.nominal,
        # "*" rows last: a specific class wins over the fallback
        senses=MappingProxyType(
            {k: tuple(sorted(v, key=lambda r: r[0] == ANY_OBJECT)) for k, v in senses.items()}
        ),
        noun_senses=MappingProxyType({k: tuple(v) for k, v in noun_senses.items()}),
        classes=MappingProxyType({k: frozenset(v) for k, v in classes.items()}),
        reversal_verbs=verbs,
        reversals=MappingProxyType(reversals),
        hazards=frozenset(w for w, kind in hazards if kind == "hazard"),
        harms=frozenset(w for w, kind in hazards if kind == "harm"),
    )


@lru_cache(maxsize=1)
def load_event_words() -> EventLexicon:
    """Read the packaged trigger table and its refinements (cached)."""
    data = files("sitroom.data")
    base = read_triggers(data.joinpath(TRIGGERS_FILE).read_text("utf-8"))
    names = (SENSES_FILE, CLASSES_FILE, REVERSAL_VERBS_FILE, REVERSALS_FILE, HAZARDS_FILE)
    return read_refinements(base, {n: data.joinpath(n).read_text("utf-8") for n in names})


@registry.misc("sitroom.event_words.v1")
def event_words_v1() -> EventLexicon:
    """Registered loader of the packaged trigger table."""
    return load_event_words()
