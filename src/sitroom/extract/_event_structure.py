"""How the parse groups trigger words into events: phrase keys ("call for", "opened fire",
"a state of emergency"), nouns a verb trigger absorbs ("called for sanctions"), promises
whose complement is the event ("vowed to retaliate"), joint exercises, demands implied by an
obligation ("X said Y must ..."), headings. Used by ``sitroom_events`` (``events.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from spacy.tokens import Doc, Token

from ._event_roles import clause_head, nominal_roles
from ._event_words import Trigger
from ._extensions import SEGMENTS_KEY

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
PHRASE_DEPS = frozenset({"prt", "prep"})
PARTICLES = frozenset({"away", "back", "down", "off", "out", "up"})
NOUN_MODIFIER_DEPS = frozenset({"compound", "amod"})
# Relations by which a noun trigger belongs to a verb trigger's event ("called for sanctions").
ABSORBED_DEPS = frozenset({"dobj", "pobj", "attr", "xcomp"})
# Prepositions of time or circumstance: their noun is an event of its own ("detained during
# the protest", "agreed to a truce after talks").
CIRCUMSTANCE_PREPOSITIONS = frozenset(
    {"after", "amid", "before", "despite", "during", "following", "since", "until"}
)
# Verbs of promising whose infinitive complement names the promised event.
INTENT_VERBS = frozenset({"offer", "pledge", "promise", "propose", "vow"})
OBLIGATION_AUX = frozenset({"must", "should"})
# Military exercises: one army's is MOBILIZE, a joint one COOPERATE (PLOVER manual).
EXERCISE_NOUNS = frozenset({"drill", "exercise", "game", "maneuver", "manoeuvre", "wargame"})
JOINT_WORDS = frozenset({"bilateral", "combined", "joint", "multinational", "trilateral"})
HEADING_LABEL = "heading"


def reports(verb: Token, cues: frozenset[int]) -> bool:
    """True for a verb that introduces reported content ("protested that ...")."""
    return verb.i in cues or any(c.dep_ == "ccomp" for c in verb.children)


def intents(doc: Doc, triggers: dict[int, tuple[Trigger, bool]]) -> set[int]:
    """Promise-like verbs ("offered to withdraw", "vowed to retaliate") whose complement is an
    event: the complement, marked future, is the event (PLOVER types the promised act)."""
    found: set[int] = set()
    for i, (_row, verbal) in triggers.items():
        token = doc[i]
        if not verbal or token.lemma_.lower() not in INTENT_VERBS:
            continue
        complements = {c.i for c in token.children if c.dep_ == "xcomp"}
        if any(j in complements or clause_head(doc[j]).i in complements for j in triggers):
            found.add(i)
    return found


def absorbed(token: Token, triggers: dict[int, tuple[Trigger, bool]]) -> bool:
    """True when a noun trigger is the object of a verb trigger ("called for sanctions"),
    also through a quantity ("imposed a barrage of sanctions")."""
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN":
        token = token.head.head
    if token.dep_ not in ABSORBED_DEPS:
        return False
    if token.dep_ == "pobj" and token.head.lower_ in CIRCUMSTANCE_PREPOSITIONS:
        return False  # "arrested during the protest": two events
    head = token.head.head if token.head.dep_ == "prep" else token.head
    found = triggers.get(head.i)
    return found is not None and found[1]


def implied_demands(
    doc: Doc, triggers: Mapping[int, tuple[Trigger, bool]], cues: frozenset[int]
) -> Iterator[tuple[Token, Token]]:
    """(reporting verb, clause) for "X declared that Y must Z" where Z holds no trigger: an
    obligation laid on another party is a DEMAND (PLOVER). "We must remember" lays none."""
    owned = {clause_head(doc[i]).i for i in triggers} | {doc[i].head.i for i in triggers}
    for i in sorted(cues):
        for clause in doc[i].children:
            if clause.dep_ != "ccomp" or clause.pos_ != "VERB" or clause.i in owned:
                continue
            if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX for c in clause.children):
                continue
            subject = next((c for c in clause.children if c.dep_ in SUBJECT_DEPS), None)
            if subject is not None and subject.pos_ in ("NOUN", "PROPN"):
                yield doc[i], clause


def joint_exercise(noun: Token, cues: frozenset[int]) -> bool:
    """True for an exercise held by two parties: "joint drills", "French and Egyptian
    warships held war games", "drills with Belarusian forces"."""
    if noun.lemma_.lower() not in EXERCISE_NOUNS:
        return False
    if any(c.lemma_.lower() in JOINT_WORDS for c in noun.children):
        return True
    carrier = clause_head(noun)
    if any(c.dep_ == "prep" and c.lower_ == "with" for w in {noun, carrier} for c in w.children):
        return True
    actor = nominal_roles(noun, cues)[0]
    if actor is None:
        return False
    parties = [actor, *(c for c in actor.children if c.dep_ in NOUN_MODIFIER_DEPS)]
    return any(c.dep_ == "conj" for p in parties for c in p.children)


def heading_tokens(doc: Doc) -> set[int]:
    """Tokens of headings: a headline names an event its paragraph reports."""
    return {
        i
        for span in doc.spans.get(SEGMENTS_KEY, [])
        if span.label_ == HEADING_LABEL
        for i in range(span.start, span.end)
    }


def quantified(token: Token) -> Token:
    """The noun inside "a barrage of X", "some of X"; else the token itself."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            inner = next((c for c in child.children if c.dep_ == "pobj"), None)
            if inner is not None:
                return inner
    return token


def verbal_keys(token: Token) -> Iterator[str]:
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ in PHRASE_DEPS or (child.dep_ == "advmod" and child.lower_ in PARTICLES):
            yield f"{lemma} {child.lower_}"  # "stepped down" is often parsed as an adverb
        elif child.dep_ == "dobj":  # "opened fire", "set fire", "stopped work"
            yield f"{lemma} {child.lemma_.lower()}"
    yield lemma


def nominal_keys(token: Token) -> Iterator[str]:
    lemma = token.lemma_.lower()
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        yield f"{head.head.lemma_.lower()} of {lemma}"  # "a state of emergency"
    for child in token.children:
        if child.dep_ in NOUN_MODIFIER_DEPS and child.i < token.i:
            yield f"{child.lemma_.lower()} {lemma}"
            yield f"{child.lower_} {token.lower_}"
    yield token.lower_
    yield lemma
