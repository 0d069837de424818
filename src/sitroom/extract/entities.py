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
from typing import NamedTuple

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span

from ._entity_parts import (
    PLACE_LABELS,
    Entity,
    Mention,
    canonical_name,
    dateline_range,
    extends,
    find_root,
    in_dateline,
    is_name_word,
    is_person,
    labels_of,
    longest_match,
    make_mention,
    may_be_short_name,
    mention_orths,
    split_at_slashes,
)
from ._extensions import ENTITIES_KEY, register_extensions
from ._names import NameWords, acronym_of, is_acronym, load_name_words, trim_mention

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
        dateline = dateline_range(doc)
        for entity in entities:
            label = self._type_of(doc, entity, dateline)
            spans = sorted((m.start, m.end) for m in entity.mentions)
            found.append((canonical_name(entity), label, spans))
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

    def _collect(self, doc: Doc, ents: Sequence[Span]) -> list[Mention]:
        """Trimmed mentions of the entities the model found (``ents``), in document order."""
        mentions: list[Mention] = []
        taken = 0  # first token not yet inside a (repaired) mention
        for ent in ents:
            if ent.label_ not in ENTITY_LABELS or ent.start < taken:
                continue
            end = ent.end
            if ent.label_ == "PERSON":
                end = self._particle_tail(doc, ent.start, end)
            taken = end
            for part_start, part_end in split_at_slashes(doc, ent.start, end):
                span = trim_mention(
                    doc, part_start, part_end, person=ent.label_ == "PERSON", words=self.words
                )
                mention = make_mention(doc, span.start, span.stop, ent.label_)
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
        while tail < min(len(doc), position + _MAX_PARTICLE_TAIL) and is_name_word(doc, tail):
            tail += 1
        return tail if tail > position else end

    # --- grouping ------------------------------------------------------------------------------

    def _merge(self, mentions: list[Mention]) -> list[Entity]:
        """Group by key, then join surnames to full names and acronyms to long forms."""
        by_key: dict[str, Entity] = {}
        for mention in mentions:
            by_key.setdefault(mention.key, Entity(keys=[mention.key])).mentions.append(mention)
        parent: dict[str, str] = {key: key for key in by_key}
        self._join_surnames(by_key, parent)
        self._join_acronyms(by_key, parent)
        merged: dict[str, Entity] = {}
        for key, entity in by_key.items():
            root = find_root(parent, key)
            target = merged.setdefault(root, Entity(keys=[]))
            target.keys.extend(entity.keys)
            target.mentions.extend(entity.mentions)
            target.joined_person = target.joined_person or entity.joined_person
        return sorted(merged.values(), key=lambda e: min(m.start for m in e.mentions))

    def _join_surnames(self, by_key: dict[str, Entity], parent: dict[str, str]) -> None:
        """Join a person's shorter name to the only longer name it ends (or frames)."""
        full_names: dict[str, list[str]] = {}
        for key, entity in by_key.items():
            if " " in key and is_person(entity):
                full_names.setdefault(key.rsplit(" ", 1)[-1], []).append(key)
        for key in sorted(by_key, key=lambda k: -k.count(" ")):
            if not may_be_short_name(by_key[key]):
                continue
            words = key.split()
            roots = {
                find_root(parent, longer)
                for longer in full_names.get(words[-1], [])
                if extends(longer.split(), words)
            }
            if len(roots) == 1:
                parent[find_root(parent, key)] = roots.pop()
                by_key[key].joined_person = True

    def _join_acronyms(self, by_key: dict[str, Entity], parent: dict[str, str]) -> None:
        """Join "UN" / "U.N." to the only "United Nations" of the document."""
        long_forms: dict[str, set[str]] = {}
        for key, entity in by_key.items():
            if " " in key and labels_of(entity) & _ACRONYM_LABELS:
                for initials in acronym_of(key.split(), self.words.function):
                    long_forms.setdefault(initials, set()).add(key)
        for key, entity in by_key.items():
            acronym = " " not in key and any(is_acronym(m.text) for m in entity.mentions)
            if not acronym or not labels_of(entity) & _ACRONYM_LABELS:
                continue
            roots = {find_root(parent, long) for long in long_forms.get(key, ())}
            if len(roots) == 1:
                parent[find_root(parent, key)] = roots.pop()

    def _add_missed(self, doc: Doc, ents: Sequence[Span], entities: list[Entity]) -> None:
        """Add title-case occurrences of known names outside every model entity (``ents``)."""
        patterns: dict[int, list[tuple[tuple[int, ...], Entity]]] = {}
        for entity in entities:
            for orths in {mention_orths(doc, m) for m in entity.mentions}:
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
            match = longest_match(doc, doc_orths, i, candidates) if candidates else None
            if match is None:
                i += 1
                continue
            orths, entity = match
            end = i + len(orths)
            entity.mentions.append(Mention(i, end, None, entity.mentions[0].key, doc[i:end].text))
            i = end

    # --- typing --------------------------------------------------------------------------------

    def _type_of(self, doc: Doc, entity: Entity, dateline: tuple[int, int] | None) -> str:
        """Majority label; a place label beats PERSON for a name never seen with a first name.

        ``dateline`` is the character range of the dateline's names (see ``dateline_range``).
        """
        if entity.joined_person:
            return "PERSON"
        votes = Counter(m.label for m in entity.mentions if m.label)
        # a dateline names where the report was filed: "GAO, Mali (Wire) —" holds places
        dated = (in_dateline(doc, m, dateline) for m in entity.mentions if dateline)
        votes["GPE"] += sum(dated)
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

    def _after_locative(self, doc: Doc, mention: Mention) -> bool:
        if mention.start == 0 or mention.end - mention.start != 1:
            return False
        follows_possessive = mention.end < len(doc) and doc[mention.end].text in ("'s", "’s")
        return doc[mention.start - 1].lower_ in self.words.locative and not follows_possessive


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
