"""Events: what happened, who did it to whom, where, when and according to whom (PLOVER).

The ``sitroom_events`` component runs after ``sitroom_places`` and ``sitroom_statements``. A
trigger is a verb ("attacked", "called for") or a noun ("the attack on X", "a full-scale
invasion", "sanctions on Y") listed in ``data/event_triggers.tsv`` with its PLOVER type and
mode. A noun trigger that is the object of a verb trigger belongs to the verb's event ("called
for sanctions" is one DEMAND), so each event has one trigger. Light verbs ("imposed",
"launched", "carried out") are no triggers: their noun is the event and lends it the verb's
subject. ``_event_senses`` refines the table: a verb typed by its object ("evacuated
civilians" AID, "evacuated the base" RETREAT), a verb that ends an event ("lifted the curfew"
CONCEDE), a harm caused by a hazard ("killed in the floods": no event). A promise with an
event complement ("vowed to attack") yields the promised event, marked future; a protest in
words ("protested that ...") is DISAPPROVE. Rules: ``docs/events.md``.

Each event is a span in ``doc.spans[EVENTS_KEY]`` over its trigger, with
``span._.sitroom_event``: a dict with ``type``, ``mode``, ``actor``, ``target`` (names from the
parse, canonical entity names where an entity covers them; "the army said it was fighting"
gives the speaker as actor; without a named target, the event's place, as PLOVER codes it),
``places`` (``[start, end]`` of the place spans attached by a locative preposition, else the
place nearest the trigger in the parse), ``date``/``date_precision`` (a time phrase of the
trigger's own clause, else the nearest in the sentence, never a bound such as "until
Sunday" nor, for a past event, a later day; else the date in its live-blog update's marker,
else the publication day),
``claimed_by``/``stance`` (speaker and stance of the statement whose content holds the
trigger), ``modality``, ``asserted`` and ``sentence`` (its character bounds). Headings yield
no events: a headline names an event its paragraph reports.

Conventions: a negated or refused event ("would not fight", "refused to withdraw", "failed to
reach an agreement") or one inside a denial ("denied there had been any strikes") has stance
``deny``; a future, planned or conditional one ("will meet", "ready to talk if") has stance
``announce``; one that is required of someone ("X must withdraw") has stance ``urge``. None
of them is ``asserted``: only asserted events may be counted as having happened.
``modality`` says which ("negated", "future", "obligation"). A statement's own stance is
kept otherwise, so ``announce`` from a cue ("announced it had launched") is still asserted:
read ``asserted``, not the stance alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..model import EventType, Stance
from ._base import SpanFinder, asks_anonymity
from ._event_claims import claims, cue_tokens
from ._event_dates import event_date, update_dates
from ._event_place import attached_places, candidate_places
from ._event_roles import (
    aimed_at,
    asked_of,
    clause_head,
    entity_names,
    modality,
    nominal_roles,
    nominal_target,
    owner,
    participants,
    phrase_target,
    sentence_of,
    verbal_roles,
)
from ._event_senses import context_sense, is_natural_harm, reversal_of, sense_of
from ._event_structure import (
    absorbed,
    heading_tokens,
    implied_demands,
    intents,
    joint_exercise,
    nominal_keys,
    quantified,
    reports,
    verbal_keys,
)
from ._event_words import EventLexicon, Trigger, load_event_words
from ._extensions import EVENTS_KEY, TIMES_KEY

DEFAULT_NAME = "sitroom_events"
SPAN_LABEL = "EVENT"
# A trigger word modifying a noun ("combat experience", "advancing forces") is no event.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
TRIGGER_POS = frozenset({"VERB", "NOUN", "PROPN"})
TIME_ENTS = frozenset({"DATE", "TIME"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Types whose target is who receives (the recipient), not what is given.
RECIPIENT_TYPES = frozenset({EventType.AID, EventType.AGREE, EventType.SUPPORT})
# Types whose object, when it is a place, is where it happened ("shelled X", "patrolled X").
PHYSICAL_TYPES = frozenset({EventType.ASSAULT, EventType.COERCE, EventType.MOBILIZE})
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
        places = candidate_places(doc)
        triggers, ended = self._resolved(doc, _place_tokens(places))
        cues = cue_tokens(doc)
        if not triggers and not cues:
            return
        names = entity_names(doc)
        context = _Context(
            names=names,
            places=places,
            triggers=triggers,
            updates=update_dates(doc),
            cues=cues,
            claims=claims(doc, names),
        )
        skipped = ended | heading_tokens(doc) | intents(doc, triggers)
        for i, (trigger, verbal) in triggers.items():
            token = doc[i]
            if i in skipped or (not verbal and absorbed(token, triggers)):
                continue
            if self._natural_harm(token, verbal, context):
                continue
            yield self._event(doc, token, trigger, verbal, context)
        for cue, clause in implied_demands(doc, triggers, context.cues):
            yield self._implied_demand(doc, cue, clause, context)

    def _implied_demand(self, doc: Doc, cue: Token, clause: Token, context: _Context) -> Span:
        """ "X said Y must Z": a DEMAND by the speaker on Y, whatever Z is."""
        span = self._event(doc, clause, Trigger(EventType.DEMAND, None), True, context)
        info = span._.sitroom_event
        speaker = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS), None)
        subject = next((c for c in clause.children if c.dep_ in SUBJECT_DEPS), None)
        info["actor"] = participants(speaker, context.names) or info["claimed_by"]
        info["target"] = participants(subject, context.names)
        return span

    def _resolved(
        self, doc: Doc, places: frozenset[int]
    ) -> tuple[dict[int, tuple[Trigger, bool]], set[int]]:
        """The triggers in text order, with verbs that end a noun's event ("lifted the
        curfew") retyped by :func:`reversal_of`, and the indices of the nouns they end."""
        triggers = dict(self.triggers(doc, places))
        nominal = {i: row for i, (row, verbal) in triggers.items() if not verbal}
        ended: set[int] = set()
        for token in doc:
            if token.pos_ != "VERB" or not self.lexicon.reversal_verbs:
                continue
            found = reversal_of(token, self.lexicon, nominal)
            if found is not None:
                triggers[token.i] = (found[0], True)
                ended.add(found[1])
        return dict(sorted(triggers.items())), ended

    def triggers(
        self, doc: Doc, places: frozenset[int] = frozenset()
    ) -> Iterator[tuple[int, tuple[Trigger, bool]]]:
        """(token index, (row, is_verbal)) for every trigger word, in text order."""
        times = {i for span in doc.spans.get(TIMES_KEY, []) for i in range(span.start, span.end)}
        for token in doc:
            modifier = token.dep_ in MODIFIER_DEPS and token.head.lemma_ not in EVENT_FRAMES
            # "on March 3" is a date, not a march
            timed = token.i in times or token.ent_type_ in TIME_ENTS
            if token.pos_ in TRIGGER_POS and not modifier and not timed:
                found = self.trigger_at(token, places)
                if found is not None:
                    yield token.i, found

    def trigger_at(
        self, token: Token, places: frozenset[int] = frozenset()
    ) -> tuple[Trigger, bool] | None:
        """The trigger row of one token (verb or noun) and whether it is verbal, or None.
        ``places`` (token indices of place spans) tells a place object from others."""
        if not self.lexicon.may_trigger(token.lemma_.lower(), token.lower_):
            return None
        if asks_anonymity(token):
            return None  # "who asked not to be named": a source's condition, not a demand
        verbal = self.lexicon.verbal
        if token.pos_ in ("NOUN", "PROPN"):
            found = self._lookup(self.lexicon.nominal, nominal_keys(token))
            if found is None or (found.subject_only and token.dep_ not in SUBJECT_DEPS):
                return None
            return context_sense(token, found, self.lexicon), False
        # the first key found wins, a phrase ("open fire") before the bare verb ("open")
        key = next((k for k in verbal_keys(token) if k in self.lexicon.senses or k in verbal), "")
        if key in self.lexicon.senses:
            sense = sense_of(token, key, self.lexicon, places)
            return (sense, True) if sense is not None else None
        found = verbal.get(key)
        transitive = any(c.dep_ == "dobj" for c in token.children)
        if found is None or (found.intransitive and transitive):
            return None
        # "teachers struck for a week": an intransitive verb reads its sentence as a noun does
        return (found if transitive else context_sense(token, found, self.lexicon)), True

    def _natural_harm(self, token: Token, verbal: bool, context: _Context) -> bool:
        """True for a death or damage caused by a hazard, not by anyone (no PLOVER event)."""
        if token.lemma_.lower() not in self.lexicon.harms:
            return False
        actor = verbal_roles(token)[0] if verbal else nominal_roles(token, context.cues)[0]
        return is_natural_harm(token, actor, self.lexicon)

    def _lookup(self, table: Mapping[str, Trigger], keys: Iterator[str]) -> Trigger | None:
        for key in keys:
            found = table.get(key)
            if found is not None:
                return found
        return None

    def _event(
        self, doc: Doc, token: Token, trigger: Trigger, verbal: bool, context: _Context
    ) -> Span:
        if trigger.type is EventType.PROTEST and verbal and reports(token, context.cues):
            # "X protested that ...": a protest in words, which PLOVER codes DISAPPROVE
            trigger = Trigger(EventType.DISAPPROVE, None)
        joint = trigger.type is EventType.MOBILIZE and not verbal
        if joint and joint_exercise(token, context.cues):
            trigger = Trigger(EventType.COOPERATE, None)  # PLOVER: joint manoeuvres
        actor_name, target = self._roles(token, trigger, verbal, context)
        clause = clause_head(token)
        sentence = sentence_of(token)
        physical = trigger.type in PHYSICAL_TYPES
        attached = attached_places(token, clause, context.places, object_is_place=physical)
        if target is None and attached:
            target = attached[0].text  # PLOVER: an event in X without a named target is aimed at X
        nouns = frozenset(i for i, (_, is_verb) in context.triggers.items() if not is_verb)
        date, precision = event_date(
            doc, sentence, token, context.updates, clause=clause, nouns=nouns
        )
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

    def _in_phrase(self, verb: Token, word: Token) -> bool:
        """True when ``word`` is the object a phrase trigger is made of ("opened fire")."""
        return word.head.i == verb.i and f"{verb.lemma_.lower()} {word.lemma_.lower()}" in (
            self.lexicon.verbal
        )

    def _roles(
        self, token: Token, trigger: Trigger, verbal: bool, context: _Context
    ) -> tuple[str | None, str | None]:
        """Actor and target names; a bare pronoun actor comes back lower-cased as itself."""
        recipient = trigger.type in RECIPIENT_TYPES
        if verbal:
            actor, target = verbal_roles(token, recipient=recipient)
            event = target if target is None or target.i in context.triggers else None
            event = event or (quantified(target) if target is not None else None)
            if event is not None and event.i in context.triggers:
                # an event is no participant: "imposed sanctions on X" aims at X
                target = nominal_target(event, recipient=recipient)
            if target is not None and self._in_phrase(token, target):
                # "took control of X", "opened fire on X": the object is part of the trigger
                target = phrase_target(token, target)
            if target is None and trigger.type is EventType.DEMAND:
                target = asked_of(token)  # "demanded autonomy from the authorities"
        else:
            actor, target = nominal_roles(token, context.cues, recipient=recipient)
        if trigger.type is EventType.MOBILIZE:
            target = aimed_at(token, context.cues)  # the troops moved are no target
        actor_name = participants(actor, context.names)
        if actor_name is None and actor is not None and actor.lower_ in SPEAKER_PRONOUNS:
            actor_name = actor.lower_
        if target is not None:
            target = owner(target, context.names)
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


def event_places(finder: EventFinder, token: Token) -> list[Span]:
    """The places attached to the event whose trigger is ``token`` (any verb: the scorer's
    entry point, where the gold marks verbs that need not be in the trigger table)."""
    places = candidate_places(token.doc)
    found = finder.trigger_at(token, _place_tokens(places))
    physical = found is not None and found[0].type in PHYSICAL_TYPES
    return attached_places(token, clause_head(token), places, object_is_place=physical)


def _place_tokens(places: list[Span]) -> frozenset[int]:
    return frozenset(i for span in places for i in range(span.start, span.end))
