"""Which event a trigger word names, read from its object and its surroundings.

Three rules refine the flat trigger table, each from the PLOVER manual rather than from coded
sentences:

- **Senses.** Some verbs name an event only with a certain kind of object, and which event
  depends on it: "evacuated 300 civilians" is AID (a rescue), "evacuated the base" a RETREAT,
  "released a video" no event; "sent troops" is MOBILIZE, "sent blankets" AID.
- **Reversals.** Ending an event is an event of another type: "lifted the curfew" and "called
  off the strike" are CONCEDE, "suspended aid" and "broke off talks" SANCTION, "halted the
  offensive" RETREAT. The ending verb then carries the event and the ended noun is absorbed.
- **Hazards.** Deaths and damage caused by a flood, a storm or a crash are no PLOVER event
  (PLOVER codes deliberate acts): a harm word without an attacker, in a sentence naming a
  hazard, or whose agent is a hazard ("the flood killed 40"), yields nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

from ._event_words import ANY_OBJECT, EventLexicon, Trigger

OBJECT_DEPS = frozenset({"dobj", "nsubjpass"})
PERSON_ENTS = frozenset({"PERSON", "NORP"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
PERSON = "person"
PLACE = "place"
# Words for a count or a body of people: what counts is the "of" noun ("a mission of observers").
QUANTITY_WORDS = frozenset(
    {"delegation", "dozen", "group", "hundred", "million", "mission", "number", "score"}
    | {"all", "many", "most", "some", "team", "thousand"}
)
# Pronouns that stand for people: "freed them", "most of those arrested were released".
PERSON_PRONOUNS = frozenset({"he", "her", "him", "me", "she", "them", "they", "those", "us", "we"})


def event_object(verb: Token) -> Token | None:
    """The direct object of a verb, or its passive subject; what a quantity counts ("dozens
    of prisoners": prisoners)."""
    found = next((c for c in verb.children if c.dep_ in OBJECT_DEPS), None)
    if found is None:
        return None
    if found.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        found = verb.head  # "the terminal, which was hit": the terminal
    if found.like_num or found.lemma_.lower() in QUANTITY_WORDS:
        for prep in found.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                inner = next((c for c in prep.children if c.dep_ == "pobj"), None)
                return inner or found
    return found


def object_classes(token: Token, lexicon: EventLexicon, places: frozenset[int]) -> set[str]:
    """The classes of a noun: from the class table, its entity label, and whether a Sitroom
    place covers it (``places`` holds the token indices of place spans)."""
    found = set(lexicon.classes.get(token.lemma_.lower(), ()))
    found |= lexicon.classes.get(token.lower_, frozenset())
    if token.ent_type_ in PERSON_ENTS or token.lower_ in PERSON_PRONOUNS:
        found.add(PERSON)
    if PERSON in found:
        # "70 wounded people", "injured soldiers": the modifier says what kind of people
        for child in token.children:
            if child.dep_ in ("amod", "compound"):
                found |= lexicon.classes.get(child.lower_, frozenset())
    if token.ent_type_ in PLACE_ENTS or token.i in places:
        found.add(PLACE)
    return found


def sense_of(
    verb: Token, key: str, lexicon: EventLexicon, places: frozenset[int]
) -> Trigger | None:
    """The row the sense verb ``key`` takes from the verb's object; None when no row fits
    or the row that fits says no event."""
    target = event_object(verb)
    classes = object_classes(target, lexicon, places) if target is not None else set()
    for cls, row in lexicon.senses.get(key, ()):
        if cls == ANY_OBJECT or cls in classes:
            return row
    return None


def context_sense(noun: Token, row: Trigger, lexicon: EventLexicon) -> Trigger:
    """The row of a noun trigger, or its sense row when its sentence names a word of the
    row's class ("strike" among workers and unions is a labour strike, not an air strike)."""
    senses = lexicon.noun_senses.get(noun.lemma_.lower())
    if not senses:
        return row
    sentence = noun.sent if noun.doc.has_annotation("SENT_START") else noun.doc[:]
    classes = set().union(*(lexicon.classes.get(t.lemma_.lower(), ()) for t in sentence))
    return next((sense for cls, sense in senses if cls in classes), row)


def reversal_of(
    verb: Token, lexicon: EventLexicon, nominal: Mapping[int, Trigger]
) -> tuple[Trigger, int] | None:
    """(row, index of the ended noun) when ``verb`` ends an event named by its object ("lifted
    the curfew", "the talks were suspended"), else None. ``nominal`` maps the token indices
    of noun triggers to their rows."""
    if verb.lemma_.lower() not in lexicon.reversal_verbs and not _phrasal_reversal(verb, lexicon):
        return None
    target = event_object(verb)
    if target is not None and target.i not in nominal:  # "ended mediation efforts"
        target = next((c for c in target.children if c.dep_ == "compound" and c.i in nominal), None)
    if target is None:
        return None
    row = lexicon.reversals.get(nominal[target.i].type)
    return (row, target.i) if row is not None else None


def _phrasal_reversal(verb: Token, lexicon: EventLexicon) -> bool:
    lemma = verb.lemma_.lower()
    return any(
        f"{lemma} {c.lower_}" in lexicon.reversal_verbs for c in verb.children if c.dep_ == "prt"
    )


def is_natural_harm(trigger: Token, actor: Token | None, lexicon: EventLexicon) -> bool:
    """True for deaths or damage with no attacker where a hazard is named: "86 people were
    killed in the floods", "the storm destroyed 300 homes"."""
    if trigger.lemma_.lower() not in lexicon.harms:
        return False
    if actor is not None and not _is_hazard(actor, lexicon):
        return False
    sentence = trigger.sent if trigger.doc.has_annotation("SENT_START") else trigger.doc[:]
    return any(_is_hazard(t, lexicon) for t in sentence)


def _is_hazard(token: Token, lexicon: EventLexicon) -> bool:
    if token.lemma_.lower() not in lexicon.hazards and token.lower_ not in lexicon.hazards:
        return False
    # "sniper fire", "artillery fire": a weapon's or a fighter's fire is an attack
    armed = ("person", "troops", "weapons")
    return not any(
        c.dep_ in ("compound", "amod") and lexicon.classes.get(c.lemma_.lower(), set()) & set(armed)
        for c in token.children
    )
