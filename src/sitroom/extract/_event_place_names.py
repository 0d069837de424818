"""Place names the gazetteer and the entity model missed, read from where the name stands.

A small model labels many unfamiliar towns as organisations or people ("captured Badme",
"in the town of Sheykler", "the Balata refugee camp"). A proper name is taken for a place
when its position says so: the object of a locative preposition ("at X", "near X"), the name
in "the town of X", the name on a site noun ("the X refugee camp", "the X crossing"), the
name on a military operation ("the X campaign"), or the object of a verb of seizing or
patrolling ("captured X"), unless the model calls it a person. Only the name is kept: the
lowercase site noun after it is not part of it ("X district" gives X).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

# Not "on" or "into": "sanctions on X" and "fled into X" name a target and a destination.
LOCATIVE_PREPOSITIONS = frozenset(
    {"across", "along", "around", "at", "in", "inside", "near", "off", "outside", "through"}
    | {"throughout", "within"}
)
# Nouns for a part of the land: "the village of X", "the X neighbourhood".
PLACE_NOUNS = frozenset(
    {"area", "border", "camp", "capital", "center", "centre", "city", "county", "countryside"}
    | {"district", "edge", "gorge", "neighborhood", "neighbourhood", "outskirts", "part"}
    | {"province", "region", "street", "streets", "suburb", "town", "valley", "village"}
)
# A common noun for a site: its proper-noun modifier is a place name ("the X camp").
SITE_NOUNS = PLACE_NOUNS | frozenset(
    {"airport", "base", "checkpoint", "compound", "crossing", "embassy", "hospital"}
    | {"junction", "market", "mosque", "outpost", "plant", "port", "road", "school"}
    | {"square", "station", "stronghold"}
)
# A military operation named after where it is fought ("the X offensive", "the siege of X").
OPERATION_NOUNS = frozenset({"assault", "battle", "campaign", "offensive", "operation", "siege"})
# Verbs whose named object is a place: "patrolled X", "shelled X" (even when the model
# takes the name for a person's) ...
PLACE_VERBS = frozenset(
    {"besiege", "bomb", "enter", "liberate", "occupy", "overrun", "patrol", "recapture"}
    | {"retake", "shell", "storm"}
)
# ... or a place unless the model calls it a person: "captured X", "attacked X".
SEIZING_VERBS = frozenset(
    {"attack", "capture", "control", "destroy", "raid", "seize", "take", "target"}
)
# Entity labels that are never a place.
NOT_PLACE = frozenset(
    {"CARDINAL", "DATE", "MONEY", "NORP", "ORDINAL", "PERCENT", "QUANTITY", "TIME"}
)
# Lowercase words inside a name ("Umm al-Fahm", "San Cristobal de las Casas").
NAME_JOINERS = frozenset({"-", "al", "de", "del", "el", "la", "las", "los"})


def name_places(doc: Doc, covered: set[int]) -> list[Span]:
    """Proper names in a place position that no place span or place entity covers."""
    found, rest = [], []
    for span in _names(doc):
        if any(i in covered for i in range(span.start, span.end)):
            continue
        (found if _placed(span.root, span) else rest).append(span)
    # a name coordinated with a place is a place: "X and the nearby town of Y"
    places = covered | {i for span in found for i in range(span.start, span.end)}
    found += [s for s in rest if any(t.i in places for t in s.root.conjuncts)]
    return sorted(found, key=lambda s: s.start)


def _names(doc: Doc) -> Iterable[Span]:
    """Maximal runs of capitalised proper-noun tokens, joined by name particles."""
    start: int | None = None
    for token in doc:
        inside = _name_word(token) or (
            start is not None
            and token.lower_ in NAME_JOINERS
            and token.i + 1 < len(doc)
            and _name_word(doc[token.i + 1])
        )
        if inside and start is None:
            start = token.i
        elif not inside and start is not None:
            yield from _whole(doc, start, token.i)
            start = None
    if start is not None:
        yield from _whole(doc, start, len(doc))


def _whole(doc: Doc, start: int, end: int) -> Iterable[Span]:
    """The name with the particles glued before it ("al-X"); nothing when it is glued to
    another word ("at-X" is part of a personal name)."""
    while start > 0 and doc[start - 1].lower_ in NAME_JOINERS and not doc[start - 1].whitespace_:
        start -= 1
    before = doc[start - 1] if start > 0 else None
    if before is not None and not (before.whitespace_ or before.is_punct or before.is_space):
        return  # glued to a word; a paragraph break ("\n\n" token) is no word
    yield doc[start:end]


def _name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.text[:1].isupper() and token.ent_type_ not in NOT_PLACE


def _placed(root: Token, span: Span) -> bool:
    """True when the name's position makes it a place."""
    head = root.head
    if root.text.isupper():
        return False  # an acronym is an organisation's ("the MFO base")
    if root.dep_ == "pobj":
        if head.lower_ in LOCATIVE_PREPOSITIONS:
            return True
        if head.lower_ in ("of", "on") and head.head.lemma_.lower() in OPERATION_NOUNS:
            return True
        return head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS
    if root.dep_ == "compound" and head.pos_ == "NOUN":
        return head.lemma_.lower() in SITE_NOUNS | OPERATION_NOUNS
    if root.dep_ in ("appos", "poss") and head.pos_ == "NOUN":
        return head.lemma_.lower() in SITE_NOUNS  # "the capital, X", "X's streets"
    if root.dep_ == "dobj" and head.pos_ == "VERB":
        verb = head.lemma_.lower()
        person = any(t.ent_type_ == "PERSON" for t in span)
        return verb in PLACE_VERBS or (not person and verb in SEIZING_VERBS)
    return False
