"""Find the number phrases of a ``Doc``: "137", "twenty-five", "tens of thousands", "15 to 20".

A phrase is a run of number words (see :mod:`._numbers`), with inner hyphens and "of" between
vague words; two phrases joined by "to", "or", a dash, or "between ... and" make a range. A
negation ("nobody", "none", the determiner in "no one", "no civilians") is a phrase counting
zero. Whether a phrase counts something, and what, is for ``figures.py`` to decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ._numbers import HYPHENS, Number, NumberWords, parse_number

NEGATIONS = frozenset({"nobody", "none"})
RANGE_WORDS = frozenset({"to", "or", *HYPHENS})
NEGATED_HEADS = frozenset({"NOUN", "PRON", "NUM"})
ZERO = Number(0.0)


@dataclass(frozen=True)
class NumberPhrase:
    """Tokens ``start:end`` that spell one count, or a range from its value to ``high``."""

    start: int
    end: int
    number: Number
    high: float | None = None
    is_negation: bool = False


def number_phrases(doc: Doc, numbers: NumberWords) -> Iterator[NumberPhrase]:
    """Yield the number phrases of ``doc`` in order, ranges joined."""
    return _merge_ranges(doc, _phrases(doc, numbers))


def phrase_root(doc: Doc, phrase: NumberPhrase) -> Token:
    """The phrase's token whose head lies outside it (the last one, for a range)."""
    tokens = doc[phrase.start : phrase.end]
    outside = [t for t in tokens if not phrase.start <= t.head.i < phrase.end or t.head == t]
    return outside[-1] if outside else tokens[-1]


def _phrases(doc: Doc, numbers: NumberWords) -> Iterator[NumberPhrase]:
    i = 0
    while i < len(doc):
        negation = _negation(doc[i])
        if negation is not None:
            yield negation
            i = negation.end
            continue
        end = _phrase_end(doc, i, numbers) if numbers.is_number_word(doc[i].text) else i
        number = parse_number([t.text for t in doc[i:end]], numbers) if end > i else None
        if number is not None:
            yield NumberPhrase(i, end, number)
            i = end
        else:
            i += 1


def _phrase_end(doc: Doc, start: int, numbers: NumberWords) -> int:
    """The end of the longest run of number words from ``start``."""
    end = start + 1
    while end < len(doc):
        word = doc[end].text
        following = doc[end + 1].lower_ if end + 1 < len(doc) else ""
        if numbers.is_number_word(word) and word.lower() != "a":
            end += 1
        elif word in HYPHENS and doc[end - 1].whitespace_ == "" and numbers.kind_of(following):
            end += 1  # "twenty-five"
        elif word.lower() == "of" and numbers.kind_of(doc[end - 1].lower_) == "vague":
            if numbers.kind_of(following) not in ("vague", "scale"):
                break
            end += 1  # "tens of thousands"
        else:
            break
    if doc[start].lower_ == "a" and end == start + 1:
        return start  # a bare article
    return end


def _negation(token: Token) -> NumberPhrase | None:
    """ "nobody", "none", "no one", "no-one", "no civilians": a count of zero.

    Not "none of those injured was ...": a partitive "none of" says nothing of a count.
    """
    if token.lower_ not in NEGATIONS and token.lower_ != "no":
        return None  # the common case, before building anything
    doc = token.doc
    following = [t.lower_ for t in doc[token.i + 1 : token.i + 3]]
    if token.lower_ in NEGATIONS:
        if following[:1] == ["of"]:
            return None
        return NumberPhrase(token.i, token.i + 1, ZERO, is_negation=True)
    if token.lower_ == "no" and following[:2] == ["-", "one"]:
        return NumberPhrase(token.i, token.i + 3, ZERO, is_negation=True)
    if token.lower_ == "no" and following[:1] == ["one"]:
        return NumberPhrase(token.i, token.i + 2, ZERO, is_negation=True)
    head = token.head
    if (
        token.lower_ == "no"
        and token.dep_ == "det"
        and head.i > token.i
        and head.pos_ in NEGATED_HEADS
    ):
        return NumberPhrase(token.i, token.i + 1, ZERO, is_negation=True)
    return None


def _merge_ranges(doc: Doc, phrases: Iterable[NumberPhrase]) -> Iterator[NumberPhrase]:
    """Join "20 to 30", "20-30" and "between 20 and 30" into one phrase with a ``high``."""
    pending: NumberPhrase | None = None
    for phrase in phrases:
        if pending is not None and _is_range(doc, pending, phrase):
            yield NumberPhrase(pending.start, phrase.end, pending.number, phrase.number.value)
            pending = None
            continue
        if pending is not None:
            yield pending
        pending = phrase
    if pending is not None:
        yield pending


def _is_range(doc: Doc, low: NumberPhrase, high: NumberPhrase) -> bool:
    if high.start != low.end + 1 or low.number.value is None or high.number.value is None:
        return False
    if not 0 < low.number.value < high.number.value:
        return False
    word = doc[low.end].lower_
    before = doc[low.start - 1].lower_ if low.start > 0 else ""
    return word in RANGE_WORDS or (word == "and" and before == "between")
