"""Where an event happened: the places attached to its trigger.

A place counts only when a locative preposition ("in", "near", "at", "outside", "north of")
joins it to the trigger, to the clause the trigger belongs to, or to the trigger's object
("attacked an airfield outside the city"); a place elsewhere in the sentence ("refugees from
X", "talks with X") does not. Candidates are Sitroom's place spans, the model's place
entities and proper names standing where a place stands (``_event_place_names``). Of nested
places the finest wins: the name over the place it qualifies ("the X district of Y" gives Y,
"Y's capital X" X), a named place over a bearing ("X, 30 km north of Y" gives X).

The event's date is chosen in ``_event_dates``.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from ._event_place_names import (
    LOCATIVE_PREPOSITIONS,
    OPERATION_NOUNS,
    PLACE_NOUNS,
    SITE_NOUNS,
    name_places,
)
from ._extensions import PLACES_KEY

# "north of X", "close to X": a direction or distance word before "of"/"to".
DIRECTION_WORDS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
    | {"close", "next", "outside"}
)
# "the entrance to X": the preposition after these nouns still says where.
RELATIVE_HEADS = DIRECTION_WORDS | PLACE_NOUNS | {"entrance", "gate", "gates", "outskirts"}
# The nearest-place fallback: how far a place may sit from the trigger in the parse, and what
# on the way rules it out (an origin, a destination, a companion, an actor).
MAX_PATH = 6
OTHER_PREPOSITIONS = frozenset({"by", "for", "from", "into", "to", "toward", "towards", "with"})
NAME_DEPS = frozenset({"compound", "amod", "nmod", "poss"})
NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl", "xcomp"})
SUBJECT_DEPS = frozenset({"nsubj", "agent", "csubj"})
MAX_CLIMB = 10
NOUN_POS = frozenset({"NOUN", "PROPN"})
# Coarser kinds rank higher; a place of any other kind (a town, an unresolved name) ranks 0.
KIND_RANK = {"admin2": 1, "admin1": 2, "region": 3, "country": 4, "continent": 5}
# Words after a place name that make it a container: "the X area of Y district".
ADMIN_WORDS = frozenset({"county", "district", "governorate", "province", "region", "state"})
AIMED = frozenset({"on", "against"})
# Where a motion starts ("moved the plant from near X") is not where the event happened;
# where it ends may be ("was caught as he crossed into X").
MOTION_PREPOSITIONS = frozenset({"from"})
# A participant's "from X" gives an origin: "the bomber, from a village near X, ...".
PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def candidate_places(doc: Doc) -> list[Span]:
    """Sitroom's place spans, plus place entities of the model they do not cover (a name the
    gazetteer does not know is still where something happened), plus proper names that
    stand where a place stands (:func:`name_places`)."""
    places = list(doc.spans.get(PLACES_KEY, []))
    covered = {i for span in places for i in range(span.start, span.end)}
    extra = [
        ent
        for ent in doc.ents
        if ent.label_ in PLACE_LABELS and not any(i in covered for i in range(ent.start, ent.end))
    ]
    covered.update(i for ent in extra for i in range(ent.start, ent.end))
    return sorted(places + extra + name_places(doc, covered), key=lambda s: s.start)


def attached_places(
    trigger: Token, clause: Token, places: Iterable[Span], *, object_is_place: bool = False
) -> list[Span]:
    """The place spans joined to the event by a locative preposition, in text order.

    With ``object_is_place`` (an assault, a seizure, a patrol), a place that is the trigger's
    object ("captured the town of X", "X was shelled", "patrolled X's streets") is where it
    happened too. A place in the active subject's phrase yields to one attached to the verb.
    When nothing is attached, a "when"/"while" clause of the event ("killed when gunmen
    attacked a post in X"), a clause on a participant ("fighters who were hiding in X") and a
    scene-setting opening ("In X, ...") give the place, in that order. A country or people
    qualifying a noun ("a U.S. airstrike") and a person owning a building are never places.
    """
    sentence = trigger.sent
    places = [
        p
        for p in places
        if sentence.start <= p.start < sentence.end and not _origin(p) and not _owner(p)
    ]
    if not places:
        return []
    anchors = {trigger.i, clause.i}
    for word in (trigger, clause):
        anchors.update(c.i for c in word.children if c.dep_ in ("dobj", "nsubjpass"))
        # "were killed and 24 wounded in X": coordinated verbs share the place
        anchors.update(c.i for c in word.conjuncts if c.pos_ in ("VERB", "AUX"))
    found = [
        span
        for span in places
        if _preposition_to(span.root, anchors) is not None
        or (object_is_place and _is_object_of(span.root, trigger))
    ]
    # a place in the subject's phrase ("people in X patrolled the banks of Y") yields to one
    # attached to the verb or its object
    found = [span for span in found if not _in_subject(span.root, anchors)] or found
    if not found:
        linked = _when_clauses(anchors, sentence)
        found = [span for span in places if _preposition_to(span.root, linked) is not None]
    if not found:
        # "killed fighters who tried to break the siege of X": a clause on a participant
        found = [
            span for span in places if _preposition_to(span.root, anchors, clauses=True) is not None
        ]
    if not found:
        found = [span for span in places if _sets_scene(span.root)]
    if not found:
        found = _nearest(trigger, places, physical=object_is_place)
    # "into X and the nearby town of Y": a place coordinated with an attached one is attached
    found += [span for span in places if span not in found and _coordinated(span, found)]
    return most_specific(sorted(found, key=lambda s: s.start))


def _coordinated(span: Span, found: list[Span]) -> bool:
    """True when ``span`` is a conjunct of the phrase of a place in ``found``."""
    own = _phrase_head(span.root)
    first = _first_conjunct(own)
    for other in found:
        head = _phrase_head(other.root)
        if head.i != own.i and _first_conjunct(head).i == first.i and first.dep_ != "ROOT":
            return True
    return False


def _phrase_head(token: Token) -> Token:
    """The noun a place name heads or names: "the town of X" is "town", "the X villages"."""
    for _ in range(3):
        head = token.head
        if token.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in NOUN_POS:
            token = head.head
        elif token.dep_ == "compound" and head.pos_ in NOUN_POS:
            token = head
        else:
            break
    return token


def _first_conjunct(token: Token) -> Token:
    for _ in range(MAX_CLIMB):
        if token.dep_ != "conj":
            break
        token = token.head
    return token


def _in_subject(token: Token, anchors: set[int]) -> bool:
    """True when the climb from ``token`` to an anchor passes an active subject."""
    for _ in range(MAX_CLIMB):
        if token.i in anchors or token.head.i == token.i:
            return False
        if token.dep_ == "nsubj" and token.head.i in anchors:
            return True
        token = token.head
    return False


def _when_clauses(anchors: set[int], sentence: Span) -> set[int]:
    """The verbs of the adverbial clauses of the event's verbs ("killed when gunmen attacked
    a post in X"), with the verbs coordinated with them ("when rifts hit ... and turned
    violent in X")."""
    doc = sentence.doc
    verbs = {c for i in anchors for c in doc[i].children if c.dep_ == "advcl"}
    verbs |= {c for verb in verbs for c in verb.children if c.dep_ in ("xcomp", "advcl")}
    return {t.i for verb in verbs for t in (verb, *verb.conjuncts)}


def _origin(span: Span) -> bool:
    """True for a country or a people's adjective naming whose something is ("a U.S.
    airstrike", "a Slovak hut", "US sailors"), not where it happened."""
    root = span.root
    if root.dep_ not in ("compound", "amod", "nmod", "npadvmod"):
        return False  # "US-led", "US-Kurdish" too
    if root.head.lemma_.lower() in PLACE_NOUNS:
        return False  # "the Baghdad neighbourhood of X"
    return root.pos_ == "ADJ" or _kind(span) in ("country", "continent")


def _owner(span: Span) -> bool:
    """True for a person's name owning a building ("outside Smith's hotel"), which the
    gazetteer may have taken for a place; "X's streets" is a place's."""
    root = span.root
    return (
        root.dep_ == "poss"
        and root.ent_type_ == "PERSON"
        and root.head.lemma_.lower() not in PLACE_NOUNS
    )


def _nearest(trigger: Token, places: list[Span], *, physical: bool = False) -> list[Span]:
    """The place nearest the trigger in the parse (at most ``MAX_PATH`` arcs), when it is not
    part of the actor's name ("U.S. forces"), not joined by a non-locative preposition ("from
    X", "to X") and not in a clause of its own: "killed dozens who tried to break the siege of
    the city of X", "shot near his house in X"."""
    best: tuple[int, Span] | None = None
    for span in places:
        path = _path(span.root, trigger)
        if path is None or len(path) > MAX_PATH or not _free(span.root, path, trigger):
            continue
        if not physical and any(t.dep_ == "prep" and t.lower_ in AIMED for t in path):
            # "sanctions on X", "a campaign against X": aimed at X, not done there
            continue
        if best is None or len(path) < best[0]:
            best = (len(path), span)
    return [best[1]] if best is not None else []


def _path(token: Token, trigger: Token) -> list[Token] | None:
    """The tokens from ``token`` up to the lowest common ancestor with ``trigger`` (the
    ancestor excluded), or None when ``token`` sits above the trigger."""
    above = {t.i for t in trigger.ancestors} | {trigger.i}
    path: list[Token] = []
    while token.i not in above:
        path.append(token)
        if token.head.i == token.i:
            return None
        token = token.head
    return path if path else None


def _free(place: Token, path: list[Token], trigger: Token) -> bool:
    """True when nothing on the way up says the place is not where the event happened."""
    if place.dep_ in NAME_DEPS or place.pos_ == "ADJ":
        return False  # "U.S. missiles", "a Slovak hut": a modifier names an origin
    for token in path:
        if token.dep_ == "prep" and token.lower_ in OTHER_PREPOSITIONS:
            return False
        if token.dep_ in SUBJECT_DEPS or (token.dep_ == "nsubjpass" and token.head.i != trigger.i):
            return False  # the actor's phrase, or another clause: "police in X said"
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in NOUN_CLAUSE_DEPS:
            return False  # another event's clause: "..., and would not fight in X"
    return True


def _sets_scene(token: Token) -> bool:
    """True for the place of a sentence-opening locative phrase: "In X, ..."."""
    preposition = token.head
    while preposition.dep_ in ("pobj", "prep", "compound", "appos") and preposition.i > 0:
        if preposition.dep_ == "prep" and preposition.lower_ in LOCATIVE_PREPOSITIONS:
            break
        preposition = preposition.head
    if preposition.dep_ != "prep" or preposition.lower_ not in LOCATIVE_PREPOSITIONS:
        return False
    return preposition.i == preposition.sent.start and preposition.head.dep_ == "ROOT"


def most_specific(places: list[Span]) -> list[Span]:
    """The first place and those coordinated with it ("Palmyra and Quaryatayn"), passing over
    a larger place when a smaller one is attached too ("in Minsk, Belarus", "in X, a city in
    the province of Y")."""
    if not places:
        return []
    places = [p for p in places if not _contains(p, places)] or places
    named = [p for p in places if not _reference_point(p)]
    places = named or places
    finest = min(KIND_RANK.get(str(_kind(p)), 0) for p in places)
    places = [p for p in places if KIND_RANK.get(str(_kind(p)), 0) == finest]
    first = places[0]
    together = {t.i for t in first.root.conjuncts}
    return [first, *(p for p in places[1:] if p.root.i in together)]


def _contains(place: Span, places: list[Span]) -> bool:
    """True when ``place`` only qualifies a noun that another place names: "the Baghdad
    neighbourhood of X", "Y's regional capital X", "Y's X hospital", "Y's X". A place after
    "of" with an administrative word is the container ("the X area of Y district")."""
    root = place.root
    if root.dep_ not in NAME_DEPS:
        return False
    head = root.head
    for other in places:
        if other is place:
            continue
        name = other.root
        if name.i == head.i:
            return True
        of_name = name.dep_ == "pobj" and name.head.lower_ == "of" and name.head.head.i == head.i
        beside = name.head.i == head.i and (
            name.dep_ == "appos" or (name.dep_ in ("compound", "nmod") and root.dep_ == "poss")
        )
        after = other.doc[other.end] if other.end < len(other.doc) else None
        if beside or (of_name and (after is None or after.lower_ not in ADMIN_WORDS)):
            return True
    return False


def _reference_point(place: Span) -> bool:
    """True for a place that only gives a bearing ("80 km south of X", "just north of X")."""
    head = place.root.head
    return (
        place.root.dep_ == "pobj"
        and head.lower_ == "of"
        and head.head.lower_ in DIRECTION_WORDS - {"outside"}
    )


def _kind(span: Span) -> str | None:
    if span.has_extension("sitroom_place") and span._.sitroom_place:
        return span._.sitroom_place.get("kind")
    return None


def _preposition_to(token: Token, anchors: set[int], *, clauses: bool = False) -> Token | None:
    """Climb from a place word to the event: the first preposition on the way must be
    locative ("in X", "north of X"); the climb may pass nouns and prepositions ("killed in the
    shelling of X", "a policeman in X was shot") but not another verb, unless ``clauses``
    lets it pass a clause on a noun ("fighters who were hiding in X"). Return the locative
    preposition when the climb reaches an anchor, else None."""
    locative: Token | None = None
    for _ in range(MAX_CLIMB):
        head = token.head
        if head.i == token.i:
            return None
        if token.dep_ == "pobj" and head.dep_ == "prep" and locative is None:
            if (
                head.lower_ in LOCATIVE_PREPOSITIONS
                or (head.lower_ in ("of", "to") and head.head.lower_ in RELATIVE_HEADS)
                or (head.lower_ in ("of", "on") and head.head.lemma_ in OPERATION_NOUNS)
                # "on the X road", "on the outskirts of X": "on" a stretch of land is where
                or (head.lower_ == "on" and token.lemma_.lower() in SITE_NOUNS)
            ):
                locative = head
            elif head.lower_ != "of":
                return None  # "from X", "with X", "for X": not where it happened
        if head.lower_ == "from" and _participant(head.head):
            return None  # "a man from a village near X": where he is from
        if head.lower_ in MOTION_PREPOSITIONS and head.head.pos_ == "VERB":
            return None  # "moved the plant from near X": where it was
        if token.dep_ == "compound" and head.lemma_ in OPERATION_NOUNS and locative is None:
            locative = head  # "killed since the launch of the X offensive": where it is fought
        if head.i in anchors:
            return locative
        if head.pos_ in ("VERB", "AUX") and not (clauses and head.dep_ in NOUN_CLAUSE_DEPS):
            return None  # another clause: "refugees who fled to X"
        token = head
    return None


def _participant(token: Token) -> bool:
    """True for a subject or object noun, or one in apposition to it ("X, a farmer")."""
    if token.dep_ == "appos":
        token = token.head
    return token.dep_ in PARTICIPANT_DEPS and token.pos_ in ("NOUN", "PROPN")


def _is_object_of(token: Token, trigger: Token) -> bool:
    """True when ``token`` is the trigger's object, or named in it ("the town of X"), or what
    a noun trigger is aimed at ("the attack on X")."""
    for _ in range(MAX_CLIMB):
        if token.head.i == token.i:
            return False
        if token.dep_ in ("dobj", "nsubjpass") and token.head.i == trigger.i:
            return True
        if token.dep_ not in ("compound", "nmod", "appos", "conj", "pobj", "prep", "poss"):
            return False
        if token.dep_ == "prep" and token.lower_ in AIMED and token.head.i == trigger.i:
            return trigger.pos_ in ("NOUN", "PROPN")
        if token.dep_ == "prep" and token.lower_ != "of":
            return False
        token = token.head
    return False
