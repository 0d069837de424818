"""Shapes of speaker phrases: definite descriptions, name phrases, appositive roles."""

from __future__ import annotations

from spacy.tokens import Doc, Token

_DESCRIBING = frozenset({"DET", "NOUN", "ADJ", "NUM", "PROPN", "PUNCT", "ADV", "CCONJ"})
PERSON_LINK_DEPS = frozenset({"appos", "compound", "flat"})
_NAME_DEPS = frozenset({"compound", "flat", "amod", "nmod", "det", "poss", "case", "nummod"})


def is_definite(token: Token) -> bool:
    """A definite description with modifiers: "the prime minister", "the 26-year-old"."""
    left = list(token.lefts)
    return bool(left) and left[0].lower_ == "the" and all(t.pos_ in _DESCRIBING for t in left)


def is_bare_definite(token: Token) -> bool:
    """ "the army", "the police commission": "the" and nouns only."""
    left = list(token.lefts)
    return bool(left) and left[0].lower_ == "the" and all(t.pos_ in ("DET", "NOUN") for t in left)


def phrase_span(token: Token) -> tuple[int, int]:
    """Character span of the name phrase of ``token`` (left modifiers, no clauses)."""
    first = token
    for child in token.lefts:
        if child.dep_ in _NAME_DEPS or child.dep_ in PERSON_LINK_DEPS:
            first = child.left_edge if child.left_edge.i < first.i else first
            break
    last = token
    for child in token.rights:
        if child.dep_ in ("flat", "compound") or (child.dep_ == "appos" and child.i == token.i + 1):
            last = child.right_edge
    return first.idx, last.idx + len(last.text)


def clean(phrase: str) -> str:
    """A phrase on one line, without trailing punctuation, "The" lower-cased."""
    phrase = " ".join(phrase.split()).rstrip(",;:")
    return "the " + phrase[4:] if phrase[:4] == "The " else phrase


def has_other_role(doc: Doc, start: int, token: Token) -> bool:
    """Whether the name at ``start`` stands in apposition to a role other than ``token``'s
    ("The head of the delegation, Jo Roe"): that person is not the one ``token`` describes."""
    name = doc.char_span(start, start + 1, alignment_mode="expand")
    if name is None:
        return False
    root = name.root
    while root.dep_ == "compound":
        root = root.head
    described = root.head if root.dep_ == "appos" else None
    return (
        described is not None
        and described.pos_ == "NOUN"
        and described.lemma_.lower() != token.lemma_.lower()
    )


def plural_tag(token: Token) -> bool:
    """True for a plural noun tag ("Republicans")."""
    return token.tag_ in ("NNS", "NNPS")


def is_according_source(token: Token) -> bool:
    """The object of "according to"."""
    if token.dep_ != "pobj":
        return False
    head = token.head
    return head.lower_ == "to" and head.head.lower_ == "according"
