"""The parts :mod:`sitroom.extract.entities` groups: mentions, entities, and the tests on them.

Kept apart from the grouping component so that each file stays readable; nothing here is
public API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ._base import doc_text
from ._names import fold

PLACE_LABELS = ("GPE", "LOC", "FAC")


@dataclass
class Mention:
    start: int  # token offsets of the trimmed name
    end: int
    label: str | None  # None: found by matching a known name the model missed
    key: str
    text: str


@dataclass
class Entity:
    keys: list[str]
    mentions: list[Mention] = field(default_factory=list)
    joined_person: bool = False


def split_at_slashes(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Token ranges of the names in "KARACHI/SUKKUR": a slash joins two names, never one."""
    parts, part_start = [], start
    for i in range(start, end):
        if doc[i].text == "/":
            if i > part_start:
                parts.append((part_start, i))
            part_start = i + 1
    if end > part_start:
        parts.append((part_start, end))
    return parts


def dateline_range(doc: Doc) -> tuple[int, int] | None:
    """Character range of the dateline up to any parenthesis (which names the outlet)."""
    dateline = doc._.sitroom_dateline
    if not dateline:
        return None
    start, end = int(dateline[0]), int(dateline[1])
    # The dateline's own text: Doc.text would join the whole document.
    span = doc.char_span(start, end, alignment_mode="expand")
    limit = end
    if span is not None and (found := span.text.find("(", start - span.start_char)) >= 0:
        limit = min(end, span.start_char + found)
    return start, limit


def in_dateline(doc: Doc, mention: Mention, dateline: tuple[int, int]) -> bool:
    """True for a mention inside ``dateline`` (a range from :func:`dateline_range`)."""
    start, limit = dateline
    return start <= doc[mention.start].idx and doc[mention.end - 1].idx < limit


def make_mention(doc: Doc, start: int, end: int, label: str | None) -> Mention | None:
    """A mention of ``doc[start:end]`` if it looks like a name (has a capital letter)."""
    if end <= start:
        return None
    last = doc[end - 1]
    text = doc_text(doc)[doc[start].idx : last.idx + len(last)]
    if "\n" in text:  # only tokens hold newlines: the space after a token is " " or ""
        return None
    key = fold(text)
    if not key or not any(c.isupper() for c in text):
        return None
    return Mention(start, end, label, key, text)


def is_name_word(doc: Doc, i: int) -> bool:
    token = doc[i]
    return token.is_alpha and token.text[:1].isupper()


def is_person(entity: Entity) -> bool:
    """Tagged PERSON at least once, and no more often as a place than as a person."""
    votes = label_votes(entity)
    return votes["PERSON"] > 0 and votes["PERSON"] >= sum(votes[p] for p in PLACE_LABELS)


def may_be_short_name(entity: Entity) -> bool:
    """Could be a person's shorter name: never a nationality, no more a place than a person.

    The small model often tags a bare surname ORG ("Diallo's spokesman"), so ORG may join.
    """
    votes = label_votes(entity)
    return not votes["NORP"] and votes["PERSON"] >= sum(votes[p] for p in PLACE_LABELS)


def label_votes(entity: Entity) -> Counter[str]:
    return Counter(m.label for m in entity.mentions if m.label)


def labels_of(entity: Entity) -> set[str]:
    return {m.label for m in entity.mentions if m.label}


def extends(longer: list[str], shorter: list[str]) -> bool:
    """``shorter`` ends ``longer`` ("putin"), or frames it ("vladimir putin")."""
    if len(longer) <= len(shorter):
        return False
    if longer[-len(shorter) :] == shorter:
        return True
    return len(shorter) > 1 and longer[0] == shorter[0] and longer[-1] == shorter[-1]


def find_root(parent: dict[str, str], key: str) -> str:
    while parent[key] != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def mention_orths(doc: Doc, mention: Mention) -> tuple[int, ...]:
    return tuple(t.orth for t in doc[mention.start : mention.end])


def longest_match(
    doc: Doc, doc_orths: list[int], i: int, candidates: list[tuple[tuple[int, ...], Entity]]
) -> tuple[tuple[int, ...], Entity] | None:
    """The longest known name starting at token ``i`` that ends at a word boundary.

    ``doc_orths`` holds the orth id of every token of ``doc``.
    """
    best = None
    for orths, entity in candidates:
        end = i + len(orths)
        if end > len(doc) or (best and len(orths) <= len(best[0])):
            continue
        if tuple(doc_orths[i:end]) != orths:
            continue
        if end < len(doc) and is_name_word(doc, end):
            continue  # part of a longer name the model did not tag
        best = (orths, entity)
    return best


def canonical_name(entity: Entity) -> str:
    """The longest form seen; among equals, not all capitals, then the most frequent."""
    counts = Counter(m.text for m in entity.mentions if m.label)
    if not counts:
        counts = Counter(m.text for m in entity.mentions)
    return max(
        counts,
        key=lambda text: (len(text.split()), not text.isupper(), counts[text], len(text)),
    )
