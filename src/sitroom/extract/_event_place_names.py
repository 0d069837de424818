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
from importlib.resources import files

from spacy.tokens import Doc, Span, Token

PLACE_WORDS_FILE = "event_place_words.tsv"
ROLES = (
    "locative_preposition",  # "at X"; not "on"/"into": "sanctions on X", "fled into X"
    "place_noun",  # a part of the land: "the village of X", "the X neighbourhood"
    "site_noun",  # a site: its proper-noun modifier is a place name ("the X camp")
    "operation_noun",  # an operation named after where it is fought ("the X offensive")
    "place_verb",  # its named object is a place: "patrolled X", "shelled X"
    "seizing_verb",  # its named object is a place unless the model calls it a person
    "name_joiner",  # lowercase words inside a name ("Umm al-Fahm")
)


def read_place_words(text: str) -> dict[str, frozenset[str]]:
    """The words of each role in ``event_place_words.tsv``; raise ValueError on a bad row."""
    found: dict[str, set[str]] = {role: set() for role in ROLES}
    for number, line in enumerate(text.splitlines()[1:], start=2):
        word, _, role = line.partition("\t")
        if role not in found or not word:
            raise ValueError(
                f"{PLACE_WORDS_FILE} line {number}: expected word<TAB>role, got {line!r}"
            )
        found[role].add(word)
    return {role: frozenset(words) for role, words in found.items()}


_WORDS = read_place_words(files("sitroom.data").joinpath(PLACE_WORDS_FILE).read_text("utf-8"))
LOCATIVE_PREPOSITIONS = _WORDS["locative_preposition"]
PLACE_NOUNS = _WORDS["place_noun"]
SITE_NOUNS = PLACE_NOUNS | _WORDS["site_noun"]
OPERATION_NOUNS = _WORDS["operation_noun"]
PLACE_VERBS = _WORDS["place_verb"]
SEIZING_VERBS = _WORDS["seizing_verb"]
NAME_JOINERS = _WORDS["name_joiner"]
# Entity labels that are never a place.
NOT_PLACE = frozenset(
    {"CARDINAL", "DATE", "MONEY", "NORP", "ORDINAL", "PERCENT", "QUANTITY", "TIME"}
)


def name_places(doc: Doc, covered: set[int]) -> list[Span]:
    """Proper names in a place position that no place span or place entity covers."""
    found: list[Span] = []
    rest: list[Span] = []
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
