"""Events: what happened, who did it to whom, where, when and according to whom (PLOVER).

The ``sitroom_events`` component runs after ``sitroom_places`` and ``sitroom_statements``. A
trigger is a verb ("attacked", "called for") or a noun ("the attack on X", "a full-scale
invasion", "sanctions on Y") listed in ``data/event_triggers.tsv`` with its PLOVER type and
mode. A noun trigger that is the object of a verb trigger belongs to the verb's event ("called
for sanctions" is one DEMAND), so each event has one trigger.

Each event is a span in ``doc.spans[EVENTS_KEY]`` over its trigger, with
``span._.sitroom_event``: a dict with ``type``, ``mode``, ``actor``, ``target`` (names from the
parse, canonical entity names where an entity covers them; "the army said it was fighting"
gives the speaker as actor), ``places`` (``[start, end]`` of the place spans attached by a
locative preposition), ``date``/``date_precision`` (the sentence's nearest calendar time, else
the date in its live-blog update's marker, else the publication day), ``claimed_by``/``stance``
(speaker and stance of the statement whose content holds the trigger), ``modality``,
``asserted`` and ``sentence`` (its character bounds). Headings yield no events: a headline
names an event its paragraph reports.

Conventions: a negated event ("would not fight", "nobody intends to occupy") or one inside a
denial ("denied there had been any strikes") has stance ``deny``; a future, planned or
conditional one ("will meet", "ready to talk if") has stance ``announce``; one that is
required of someone ("X must withdraw") has stance ``urge``. None of them is ``asserted``:
only asserted events may be counted as having happened. ``modality`` says which ("negated",
"future", "obligation"). A statement's own stance is kept otherwise, so ``announce`` from a
cue ("announced it had launched") is still asserted: read ``asserted``, not the stance alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..model import EventType, Stance
from ._base import SpanFinder
from ._event_place import attached_places, candidate_places, event_date, update_dates
from ._event_roles import (
    clause_head,
    entity_names,
    modality,
    nominal_roles,
    nominal_target,
    participants,
    sentence_of,
    verbal_roles,
)
from ._event_words import EventLexicon, Trigger, load_event_words
from ._extensions import (
    EVENTS_KEY,
    SEGMENTS_KEY,
    STATEMENTS_KEY,
)

DEFAULT_NAME = "sitroom_events"
SPAN_LABEL = "EVENT"
PHRASE_DEPS = frozenset({"prt", "prep"})
NOUN_MODIFIER_DEPS = frozenset({"compound", "amod"})
# A trigger word modifying a noun ("combat experience", "advancing forces") is no event.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
TRIGGER_POS = frozenset({"VERB", "NOUN", "PROPN"})
HEADING_LABEL = "heading"
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Relations by which a noun trigger belongs to a verb trigger's event ("called for sanctions").
ABSORBED_DEPS = frozenset({"dobj", "pobj", "attr", "xcomp"})
# Types whose target is who receives (the recipient), not what is given.
RECIPIENT_TYPES = frozenset({EventType.AID, EventType.AGREE, EventType.SUPPORT})
PHYSICAL_TYPES = frozenset({EventType.ASSAULT, EventType.COERCE})
SPEAKER_PRONOUNS = frozenset({"it", "they", "we", "he", "she", "i"})
MODALITY_STANCE = {
    "negated": Stance.deny.value,
    "future": Stance.announce.value,
    "obligation": Stance.urge.value,
}
# Generic nouns a trigger may modify and still name the event: "a mediation effort".
EVENT_FRAMES = frozenset({"campaign", "effort", "mission", "operation", "process"})


@Language.factory(
    DEFAULT_NAME,
    assigns=["doc.spans"],
    requires=["token.dep", "token.lemma", "doc.spans"],
    default_config={"spans_key": EVENTS_KEY, "lexicon": {"@misc": "sitroom.event_words.v1"}},
)
def make_events(nlp: Language, name: str, spans_key: str, lexicon: EventLexicon) -> EventFinder:
    """Build the ``sitroom_events`` component; add it after places and statements."""
    return EventFinder(nlp, name, spans_key=spans_key, lexicon=lexicon)


class EventFinder(SpanFinder):
    """Find PLOVER events with actor, target, place, date, claimant and stance.

    DOCS: the module docstring of ``sitroom.extract.events``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = DEFAULT_NAME,
        *,
        spans_key: str = EVENTS_KEY,
        lexicon: EventLexicon | None = None,
    ) -> None:
        super().__init__(name, spans_key)
        self.lexicon = lexicon if lexicon is not None else load_event_words()

    def find(self, doc: Doc) -> Iterator[Span]:
        """Yield one span per event trigger, its ``sitroom_event`` dict filled in."""
        triggers = dict(self.triggers(doc))
        if not triggers:
            return
        context = _Context(
            names=entity_names(doc),
            places=candidate_places(doc),
            triggers=triggers,
            updates=update_dates(doc),
            cues=_cue_tokens(doc),
            claims=_claims(doc),
        )
        headings = _heading_tokens(doc)
        for i, (trigger, verbal) in triggers.items():
            token = doc[i]
            if i in headings or (not verbal and _absorbed(token, triggers)):
                continue
            yield self._event(doc, token, trigger, verbal, context)

    def triggers(self, doc: Doc) -> Iterator[tuple[int, tuple[Trigger, bool]]]:
        """(token index, (row, is_verbal)) for every trigger word, in text order."""
        for token in doc:
            modifier = token.dep_ in MODIFIER_DEPS and token.head.lemma_ not in EVENT_FRAMES
            if token.pos_ in TRIGGER_POS and not modifier:
                found = self.trigger_at(token)
                if found is not None:
                    yield token.i, found

    def trigger_at(self, token: Token) -> tuple[Trigger, bool] | None:
        """The trigger row of one token (verb or noun) and whether it is verbal, or None."""
        if not self.lexicon.may_trigger(token.lemma_.lower(), token.lower_):
            return None
        if token.pos_ in ("NOUN", "PROPN"):
            found = self._lookup(self.lexicon.nominal, _nominal_keys(token))
            if found is None or (found.subject_only and token.dep_ not in SUBJECT_DEPS):
                return None
            return found, False
        found = self._lookup(self.lexicon.verbal, _verbal_keys(token))
        if found is None or (found.intransitive and any(c.dep_ == "dobj" for c in token.children)):
            return None
        return found, True

    def _lookup(self, table: Mapping[str, Trigger], keys: Iterator[str]) -> Trigger | None:
        for key in keys:
            found = table.get(key)
            if found is not None:
                return found
        return None

    def _event(
        self, doc: Doc, token: Token, trigger: Trigger, verbal: bool, context: _Context
    ) -> Span:
        actor_name, target = self._roles(token, trigger, verbal, context)
        clause = clause_head(token)
        sentence = sentence_of(token)
        physical = trigger.type in PHYSICAL_TYPES
        attached = attached_places(token, clause, context.places, object_is_place=physical)
        date, precision = event_date(doc, sentence, token, context.updates)
        claimed_by, stance = context.claims.get(token.i, (None, None))
        mood = modality(token)
        if mood is not None and stance != Stance.deny.value:
            stance = MODALITY_STANCE[mood]
        if actor_name in SPEAKER_PRONOUNS:
            actor_name = claimed_by  # "the army said it was fighting": the speaker
        span = Span(doc, token.i, token.i + 1, label=SPAN_LABEL)
        span._.sitroom_event = {
            "type": trigger.type.value,
            "mode": trigger.mode,
            "actor": actor_name,
            "target": target,
            "places": [[p.start_char, p.end_char] for p in attached],
            "date": date,
            "date_precision": precision,
            "claimed_by": claimed_by,
            "stance": stance,
            "modality": mood,
            "asserted": mood is None and stance != Stance.deny.value,
            "sentence": [sentence.start_char, sentence.start_char + len(sentence.text.rstrip())],
        }
        return span

    def _roles(
        self, token: Token, trigger: Trigger, verbal: bool, context: _Context
    ) -> tuple[str | None, str | None]:
        """Actor and target names; a bare pronoun actor comes back lower-cased as itself."""
        if verbal:
            actor, target = verbal_roles(token, recipient=trigger.type in RECIPIENT_TYPES)
            if target is not None and _quantified(target).i in context.triggers:
                target = nominal_target(_quantified(target)) or target  # "imposed sanctions on X"
        else:
            actor, target = nominal_roles(token, context.cues)
        actor_name = participants(actor, context.names)
        if actor_name is None and actor is not None and actor.lower_ in SPEAKER_PRONOUNS:
            actor_name = actor.lower_
        return actor_name, participants(target, context.names)


@dataclass(frozen=True)
class _Context:
    """What every event of one document reads: computed once per ``Doc``."""

    names: dict[int, str]
    places: list[Span]
    triggers: dict[int, tuple[Trigger, bool]]
    updates: dict[int, tuple[str, str]]
    cues: frozenset[int]
    claims: dict[int, tuple[str | None, str | None]]


def _cue_tokens(doc: Doc) -> frozenset[int]:
    """Token indices of the statements' reporting verbs ("said", "called", "accused")."""
    cues: set[int] = set()
    for span in doc.spans.get(STATEMENTS_KEY, []):
        info = span._.sitroom_statement or {}
        start, end = info.get("cue_start"), info.get("cue_end")
        if start is None or end is None:
            continue
        cue = doc.char_span(start, end, alignment_mode="expand")
        if cue is not None:
            cues.update(range(cue.start, cue.end))
    return frozenset(cues)


def event_places(finder: EventFinder, token: Token) -> list[Span]:
    """The places attached to the event whose trigger is ``token`` (any verb: the scorer's
    entry point, where the gold marks verbs that need not be in the trigger table)."""
    found = finder.trigger_at(token)
    physical = found is not None and found[0].type in PHYSICAL_TYPES
    places = candidate_places(token.doc)
    return attached_places(token, clause_head(token), places, object_is_place=physical)


def _absorbed(token: Token, triggers: dict[int, tuple[Trigger, bool]]) -> bool:
    """True when a noun trigger is the object of a verb trigger ("called for sanctions"),
    also through a quantity ("imposed a barrage of sanctions")."""
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN":
        token = token.head.head
    if token.dep_ not in ABSORBED_DEPS:
        return False
    head = token.head.head if token.head.dep_ == "prep" else token.head
    found = triggers.get(head.i)
    return found is not None and found[1]


def _heading_tokens(doc: Doc) -> set[int]:
    """Tokens of headings: a headline names an event its paragraph reports."""
    return {
        i
        for span in doc.spans.get(SEGMENTS_KEY, [])
        if span.label_ == HEADING_LABEL
        for i in range(span.start, span.end)
    }


def _quantified(token: Token) -> Token:
    """The noun inside "a barrage of X", "some of X"; else the token itself."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            inner = next((c for c in child.children if c.dep_ == "pobj"), None)
            if inner is not None:
                return inner
    return token


def _claims(doc: Doc) -> dict[int, tuple[str | None, str | None]]:
    """Token index -> (speaker, stance) of the innermost statement whose content holds it."""
    claims: dict[int, tuple[str | None, str | None]] = {}
    spans = sorted(doc.spans.get(STATEMENTS_KEY, []), key=len, reverse=True)
    for span in spans:  # longest first, so an inner statement overwrites its outer one
        info = span._.sitroom_statement or {}
        claim = (info.get("speaker"), info.get("stance"))
        for i in range(span.start, span.end):
            claims[i] = claim
    return claims


def _verbal_keys(token: Token) -> Iterator[str]:
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ in PHRASE_DEPS:
            yield f"{lemma} {child.lower_}"
    yield lemma


def _nominal_keys(token: Token) -> Iterator[str]:
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ in NOUN_MODIFIER_DEPS and child.i < token.i:
            yield f"{child.lemma_.lower()} {lemma}"
            yield f"{child.lower_} {token.lower_}"
    yield token.lower_
    yield lemma
