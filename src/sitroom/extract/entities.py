"""One entity per real-world referent: group a document's named-entity mentions.

"Russian President Vladimir Putin", "Putin" and "Putin's" become one PERSON named "Vladimir
Putin"; "the United Nations", "UN" and "the U.N." one ORG. Mentions are trimmed to the name
(no article, title or possessive). A bare surname joins the one full name it ends; when two
full names share it ("Boris Johnson", "Lyndon Johnson") it stays apart. The type is the
majority label over the mentions, except that a name the model also tags as a place, and never
sees with a first name, is a place. A nationality ("Russian", NORP) never merges with its
country ("Russia", GPE). This module does not link entities across documents and does not
resolve pronouns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span

from ._base import doc_text
from ._extensions import ENTITIES_KEY, register_extensions
from ._names import NameWords, acronym_of, fold, is_acronym, load_name_words, trim_mention

__all__ = [
    "ENTITY_LABELS",
    "MIN_LOCATIVE_CUES",
    "PLACE_LABELS",
    "EntityGroup",
    "EntityGrouper",
    "group_entities",
    "load_name_words",
    "make_entities",
]

ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT"}
    | {"LAW", "WORK_OF_ART", "LANGUAGE"}
)
"""spaCy labels that name a referent (dates, numbers and amounts are not entities)."""

PLACE_LABELS = ("GPE", "LOC", "FAC")
MIN_LOCATIVE_CUES = 2
"""Mentions after "in"/"near"/... that turn a bare PERSON-tagged name into a place."""
# Ties between labels go to the first in this order.
_LABEL_PRIORITY = ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "EVENT", "PRODUCT", "LAW")
_ACRONYM_LABELS = frozenset({"ORG", "GPE"})
# Name parts that may follow a particle ("Ursula von der Leyen") when the model cut them off.
_MAX_PARTICLE_TAIL = 2


class EntityGroup(NamedTuple):
    """One entity of a document: its canonical name, its type and its mention spans."""

    name: str
    type: str
    mentions: list[Span]


@dataclass
class _Mention:
    start: int  # token offsets of the trimmed name
    end: int
    label: str | None  # None: found by matching a known name the model missed
    key: str
    text: str


@dataclass
class _Entity:
    keys: list[str]
    mentions: list[_Mention] = field(default_factory=list)
    joined_person: bool = False


class EntityGrouper(Pipe):
    """Write one span per entity mention to ``doc.spans[spans_key]`` with its canonical name.

    Reads ``doc.ents``; run it after ``ner``. With ``find_missed``, title-case occurrences of a
    known name that the model did not tag become mentions too.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "sitroom_entities",
        *,
        spans_key: str = ENTITIES_KEY,
        name_words: NameWords,
        find_missed: bool = True,
    ) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.words = name_words
        self.find_missed = find_missed

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            entities = self.find(doc)
            self.set_annotations(doc, entities)
            return doc
        except Exception as exc:
            return error_handler(self.name, self, [doc], exc)

    def find(self, doc: Doc) -> list[tuple[str, str, list[tuple[int, int]]]]:
        """Group the mentions of ``doc``: (name, type, token ranges) per entity."""
        ents = doc.ents  # built anew, Span by Span, on each access
        mentions = self._collect(doc, ents)
        entities = self._merge(mentions)
        if self.find_missed:
            self._add_missed(doc, ents, entities)
        found = []
        dateline = _dateline_range(doc)
        for entity in entities:
            label = self._type_of(doc, entity, dateline)
            spans = sorted((m.start, m.end) for m in entity.mentions)
            found.append((_canonical_name(entity), label, spans))
        return found

    def set_annotations(
        self, doc: Doc, entities: Iterable[tuple[str, str, list[tuple[int, int]]]]
    ) -> None:
        """Store one span per mention, labelled with its entity's type and named."""
        spans = []
        for name, label, ranges in entities:
            for start, end in ranges:
                span = Span(doc, start, end, label=label)
                span._.sitroom_entity_name = name
                spans.append(span)
        doc.spans[self.spans_key] = sorted(spans, key=lambda s: (s.start, s.end))

    # --- mentions ------------------------------------------------------------------------------

    def _collect(self, doc: Doc, ents: Sequence[Span]) -> list[_Mention]:
        """Trimmed mentions of the entities the model found (``ents``), in document order."""
        mentions: list[_Mention] = []
        taken = 0  # first token not yet inside a (repaired) mention
        for ent in ents:
            if ent.label_ not in ENTITY_LABELS or ent.start < taken:
                continue
            end = ent.end
            if ent.label_ == "PERSON":
                end = self._particle_tail(doc, ent.start, end)
            taken = end
            for part_start, part_end in _split_at_slashes(doc, ent.start, end):
                span = trim_mention(
                    doc, part_start, part_end, person=ent.label_ == "PERSON", words=self.words
                )
                mention = _make_mention(doc, span.start, span.stop, ent.label_)
                if mention is not None:
                    mentions.append(mention)
        return mentions

    def _particle_tail(self, doc: Doc, start: int, end: int) -> int:
        """Extend a PERSON cut before "der Leyen" in "Ursula von der Leyen" over its tail."""
        particles = self.words.particles
        position = end
        while position < len(doc) and doc[position].lower_ in particles:
            position += 1
        if position == end and doc[end - 1].lower_ not in particles:
            return end
        tail = position
        while tail < min(len(doc), position + _MAX_PARTICLE_TAIL) and _is_name_word(doc, tail):
            tail += 1
        return tail if tail > position else end

    # --- grouping ------------------------------------------------------------------------------

    def _merge(self, mentions: list[_Mention]) -> list[_Entity]:
        """Group by key, then join surnames to full names and acronyms to long forms."""
        by_key: dict[str, _Entity] = {}
        for mention in mentions:
            by_key.setdefault(mention.key, _Entity(keys=[mention.key])).mentions.append(mention)
        parent: dict[str, str] = {key: key for key in by_key}
        self._join_surnames(by_key, parent)
        self._join_acronyms(by_key, parent)
        merged: dict[str, _Entity] = {}
        for key, entity in by_key.items():
            root = _find(parent, key)
            target = merged.setdefault(root, _Entity(keys=[]))
            target.keys.extend(entity.keys)
            target.mentions.extend(entity.mentions)
            target.joined_person = target.joined_person or entity.joined_person
        return sorted(merged.values(), key=lambda e: min(m.start for m in e.mentions))

    def _join_surnames(self, by_key: dict[str, _Entity], parent: dict[str, str]) -> None:
        """Join a person's shorter name to the only longer name it ends (or frames)."""
        full_names: dict[str, list[str]] = {}
        for key, entity in by_key.items():
            if " " in key and _is_person(entity):
                full_names.setdefault(key.rsplit(" ", 1)[-1], []).append(key)
        for key in sorted(by_key, key=lambda k: -k.count(" ")):
            if not _may_be_short_name(by_key[key]):
                continue
            words = key.split()
            roots = {
                _find(parent, longer)
                for longer in full_names.get(words[-1], [])
                if _extends(longer.split(), words)
            }
            if len(roots) == 1:
                parent[_find(parent, key)] = roots.pop()
                by_key[key].joined_person = True

    def _join_acronyms(self, by_key: dict[str, _Entity], parent: dict[str, str]) -> None:
        """Join "UN" / "U.N." to the only "United Nations" of the document."""
        long_forms: dict[str, set[str]] = {}
        for key, entity in by_key.items():
            if " " in key and _labels(entity) & _ACRONYM_LABELS:
                for initials in acronym_of(key.split(), self.words.function):
                    long_forms.setdefault(initials, set()).add(key)
        for key, entity in by_key.items():
            acronym = " " not in key and any(is_acronym(m.text) for m in entity.mentions)
            if not acronym or not _labels(entity) & _ACRONYM_LABELS:
                continue
            roots = {_find(parent, long) for long in long_forms.get(key, ())}
            if len(roots) == 1:
                parent[_find(parent, key)] = roots.pop()

    def _add_missed(self, doc: Doc, ents: Sequence[Span], entities: list[_Entity]) -> None:
        """Add title-case occurrences of known names outside every model entity (``ents``)."""
        patterns: dict[int, list[tuple[tuple[int, ...], _Entity]]] = {}
        for entity in entities:
            for orths in {_orths(doc, m) for m in entity.mentions}:
                if doc.vocab.strings[orths[0]][:1].isupper():
                    patterns.setdefault(orths[0], []).append((orths, entity))
        if not patterns:
            return
        covered = bytearray(len(doc))
        for ent in ents:
            covered[ent.start : ent.end] = b"\x01" * len(ent)
        # One pass over the token ids: indexing the Doc builds a Token object per position.
        doc_orths = doc.to_array(ORTH).tolist()
        i = 0
        while i < len(doc_orths):
            candidates = None if covered[i] else patterns.get(doc_orths[i])
            match = _longest_match(doc, doc_orths, i, candidates) if candidates else None
            if match is None:
                i += 1
                continue
            orths, entity = match
            end = i + len(orths)
            entity.mentions.append(_Mention(i, end, None, entity.mentions[0].key, doc[i:end].text))
            i = end

    # --- typing --------------------------------------------------------------------------------

    def _type_of(self, doc: Doc, entity: _Entity, dateline: tuple[int, int] | None) -> str:
        """Majority label; a place label beats PERSON for a name never seen with a first name.

        ``dateline`` is the character range of the dateline's names (see ``_dateline_range``).
        """
        if entity.joined_person:
            return "PERSON"
        votes = Counter(m.label for m in entity.mentions if m.label)
        # a dateline names where the report was filed: "GAO, Mali (Wire) —" holds places
        in_dateline = (_in_dateline(doc, m, dateline) for m in entity.mentions if dateline)
        votes["GPE"] += sum(in_dateline)
        full_person = any(m.label == "PERSON" and m.end - m.start > 1 for m in entity.mentions)
        if not full_person and votes["PERSON"]:
            # "fighting in X", "near X": a bare name after a locative preposition is a place;
            # one such context is weak evidence ("trust in X"), so it takes two
            cues = sum(self._after_locative(doc, m) for m in entity.mentions)
            votes["GPE"] += cues if cues >= MIN_LOCATIVE_CUES else 0
        if not full_person and any(votes[p] for p in PLACE_LABELS):
            del votes["PERSON"]
        best = max(votes.values())
        return next(label for label in _LABEL_PRIORITY + tuple(votes) if votes[label] == best)

    def _after_locative(self, doc: Doc, mention: _Mention) -> bool:
        if mention.start == 0 or mention.end - mention.start != 1:
            return False
        follows_possessive = mention.end < len(doc) and doc[mention.end].text in ("'s", "’s")
        return doc[mention.start - 1].lower_ in self.words.locative and not follows_possessive


def _split_at_slashes(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
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


def _dateline_range(doc: Doc) -> tuple[int, int] | None:
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


def _in_dateline(doc: Doc, mention: _Mention, dateline: tuple[int, int]) -> bool:
    """True for a mention inside ``dateline`` (a range from :func:`_dateline_range`)."""
    start, limit = dateline
    return start <= doc[mention.start].idx and doc[mention.end - 1].idx < limit


def _make_mention(doc: Doc, start: int, end: int, label: str | None) -> _Mention | None:
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
    return _Mention(start, end, label, key, text)


def _is_name_word(doc: Doc, i: int) -> bool:
    token = doc[i]
    return token.is_alpha and token.text[:1].isupper()


def _is_person(entity: _Entity) -> bool:
    """Tagged PERSON at least once, and no more often as a place than as a person."""
    votes = _votes(entity)
    return votes["PERSON"] > 0 and votes["PERSON"] >= sum(votes[p] for p in PLACE_LABELS)


def _may_be_short_name(entity: _Entity) -> bool:
    """Could be a person's shorter name: never a nationality, no more a place than a person.

    The small model often tags a bare surname ORG ("Diallo's spokesman"), so ORG may join.
    """
    votes = _votes(entity)
    return not votes["NORP"] and votes["PERSON"] >= sum(votes[p] for p in PLACE_LABELS)


def _votes(entity: _Entity) -> Counter[str]:
    return Counter(m.label for m in entity.mentions if m.label)


def _labels(entity: _Entity) -> set[str]:
    return {m.label for m in entity.mentions if m.label}


def _extends(longer: list[str], shorter: list[str]) -> bool:
    """``shorter`` ends ``longer`` ("putin"), or frames it ("vladimir putin")."""
    if len(longer) <= len(shorter):
        return False
    if longer[-len(shorter) :] == shorter:
        return True
    return len(shorter) > 1 and longer[0] == shorter[0] and longer[-1] == shorter[-1]


def _find(parent: dict[str, str], key: str) -> str:
    while parent[key] != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def _orths(doc: Doc, mention: _Mention) -> tuple[int, ...]:
    return tuple(t.orth for t in doc[mention.start : mention.end])


def _longest_match(
    doc: Doc, doc_orths: list[int], i: int, candidates: list[tuple[tuple[int, ...], _Entity]]
) -> tuple[tuple[int, ...], _Entity] | None:
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
        if end < len(doc) and _is_name_word(doc, end):
            continue  # part of a longer name the model did not tag
        best = (orths, entity)
    return best


def _canonical_name(entity: _Entity) -> str:
    """The longest form seen; among equals, not all capitals, then the most frequent."""
    counts = Counter(m.text for m in entity.mentions if m.label)
    if not counts:
        counts = Counter(m.text for m in entity.mentions)
    return max(
        counts,
        key=lambda text: (len(text.split()), not text.isupper(), counts[text], len(text)),
    )


def group_entities(doc: Doc, *, spans_key: str = ENTITIES_KEY) -> list[EntityGroup]:
    """Read back the entities ``sitroom_entities`` stored on ``doc``, in first-mention order."""
    groups: dict[str, list[Span]] = {}
    for span in sorted(doc.spans.get(spans_key, []), key=lambda s: (s.start, s.end)):
        groups.setdefault(span._.sitroom_entity_name or span.text, []).append(span)
    return [EntityGroup(name, spans[0].label_, spans) for name, spans in groups.items()]


@Language.factory(
    "sitroom_entities",
    assigns=["doc.spans"],
    requires=["doc.ents"],
    default_config={
        "spans_key": ENTITIES_KEY,
        "name_words": {"@misc": "sitroom.name_words.v1"},
        "find_missed": True,
    },
)
def make_entities(
    nlp: Language, name: str, spans_key: str, name_words: NameWords, find_missed: bool
) -> EntityGrouper:
    """Create the entity grouper; add it after ``ner``. DOCS: DESIGN.md, 'entities'."""
    return EntityGrouper(
        nlp, name, spans_key=spans_key, name_words=name_words, find_missed=find_missed
    )
