"""Names of speakers: the ``Speaker`` record, the document's full names for short ones, and
what a text says of a person's gender and age."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ._extensions import ENTITIES_KEY

_NOT_GIVEN_NAMES = frozenset({"the", "a", "an", "and", "but", "said", "says", "when", "as", "if"})
_SHORTENED_LABELS = frozenset({"PERSON"})
HINT_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f"}
MAX_HINT_TOKENS = 40
"""How far after a person's mention a he/his/she/her still hints at that person's gender."""
_POSSESSOR = re.compile(r"['’]s ")
MAX_STRANDED_TOKENS = 4
"""Tokens of a name the parser may cut off as a sentence before its verb ("Jo Roe" | "said")."""


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the surface phrase, its referent and what kind of referent it is."""

    start: int  # character offsets of the phrase in the text
    end: int
    name: str  # canonical entity name, or the description ("the health ministry")
    entity: str | None
    type: str
    plural: bool = False
    group: str | None = None
    resolved: bool = True  # False for a pronoun that found no antecedent


def is_common_word(name: str, text: str) -> bool:
    """A one-word "name" the text also writes in lower case, or repeats only at the start of
    paragraphs: a capitalised word the model took for a name ("Story continues below")."""
    if " " in name or not name.isalpha():
        return False
    if re.search(rf"\b{re.escape(name.lower())}\b", text):
        return True
    inline = re.search(rf"[^\s][^\S\n]*\b{re.escape(name)}\b", text)
    return inline is None and len(re.findall(rf"\b{re.escape(name)}\b", text)) > 1


class FullNames:
    """Expand a surname ("Roe"), or a name behind a possessor ("Vancouver's Jo Roe"), to the
    document's longer name it stands for; with two candidates ("Jo Roe", "Al Roe") the one
    mentioned last before the surname wins. The entity grouper leaves such names apart when the
    model gave the short form another label or missed it."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.by_last: dict[str, list[tuple[int, str]]] = {}
        self.by_title: dict[str, list[tuple[int, str]]] = {}
        self.persons: list[tuple[int, int, str]] = []
        self.person_names: set[str] = set()
        self.first_seen: dict[str, int] = {}  # a person's first mention (character offset)
        self.subjects: set[int] = set()  # start offsets of person mentions that are subjects
        self.text = doc.text if text is None else text  # Doc.text joins every token
        for span in doc.spans.get(ENTITIES_KEY, []):
            name = _POSSESSOR.split(span._.sitroom_entity_name or span.text, maxsplit=1)[-1]
            words = name.split()
            capitalised = all(w[:1].isupper() for w in words) and "'s" not in name
            if len(words) > 1 and capitalised and span.label_ in _SHORTENED_LABELS:
                # a person's surname or given name; an organisation's first word is often a
                # name of its own ("Facebook" beside "Facebook Research")
                self.by_last.setdefault(words[-1], []).append((span.start_char, name))
                self.by_last.setdefault(words[0], []).append((span.start_char, name))
            if span.label_ == "PERSON" and not is_common_word(name, self.text):
                self.persons.append((span.start_char, span.end_char, name))
                self.person_names.add(name)
                self.first_seen.setdefault(name, span.start_char)
                if span.root.dep_ in ("nsubj", "nsubjpass"):
                    self.subjects.add(span.start_char)
                if span.start > 0:  # "Mayor Jo Roe": "the mayor" may stand for Jo Roe later
                    title = doc[span.start - 1].lower_
                    self.by_title.setdefault(title, []).append((span.start_char, name))

    def expand(self, name: str, offset: int, *, person: bool = True) -> str:
        """The document's full name for ``name`` before ``offset``; only a ``person``'s name
        is also looked for untagged ("Part of Jo Roe's penalty ... Roe said")."""
        short = _POSSESSOR.split(name, maxsplit=1)[-1]
        if short != name:
            return short
        candidates = self.by_last.get(name) if " " not in name else None
        if not candidates:
            spell = person and " " not in name
            return self._spelled_out(name, offset) if spell else name
        before = [(start, full) for start, full in candidates if start < offset]
        return max(before)[1] if before else min(candidates)[1]

    def _spelled_out(self, surname: str, offset: int) -> str:
        """The first "Given Surname" of the text before ``offset`` that the model did not tag
        ("Part of Jo Roe's penalty ... Roe said"); ``surname`` itself when there is none."""
        if not surname[:1].isupper() or not surname.isalpha():
            return surname
        pattern = re.compile(rf"\b([A-Z][a-z]+) {re.escape(surname)}\b")
        for match in pattern.finditer(self.text, 0, offset):
            if match.group(1).casefold() not in _NOT_GIVEN_NAMES:
                return f"{match.group(1)} {surname}"
        return surname

    def titled(self, title: str, offset: int) -> str | None:
        """The person last named with ``title`` before ``offset`` ("Mayor Jo Roe")."""
        before = [item for item in self.by_title.get(title, []) if item[0] < offset]
        return max(before)[1] if before else None

    def person_before(
        self, offset: int, gender_of: Callable[[str, str], str], gender: str
    ) -> Speaker | None:
        """The nearest person mention before ``offset`` not known to have the other gender."""
        for start, end, name in reversed(self.persons):
            if start < offset and gender_of(name, gender) == gender:
                return Speaker(start, end, name, name, "person")
        return None


def has_age(token: Token) -> bool:
    """ "the 26-year-old", "the 32-year-old labourer": a description of a person by age."""
    for child in token.lefts:
        words = {t.lower_ for t in child.subtree}
        if "year" in words and "old" in words:
            return True
    return token.lower_.endswith("-old") or token.lower_ == "old"


def gender_hints(doc: Doc, entity_at: dict[int, tuple[str, str]]) -> dict[str, str]:
    """Gender of a person from the first he/his/she/her that follows a mention of them with no
    other person in between (within ``MAX_HINT_TOKENS``); the first hint of a name holds."""
    hints: dict[str, str] = {}
    last: tuple[int, str] | None = None
    for token in doc:
        entity = entity_at.get(token.i)
        if entity is not None and entity[1] == "PERSON":
            last = (token.i, entity[0])
            continue
        gender = HINT_GENDER.get(token.lower_)
        if gender and last is not None and token.i - last[0] <= MAX_HINT_TOKENS:
            hints.setdefault(last[1], gender)
            last = None
    return hints


def stranded_subject(verb: Token) -> Token | None:
    """The name the parser cut off as a sentence of its own just before a subjectless verb
    ("Roe" | "said he would run", often after a heading line): that name is the subject."""
    if verb.i == 0 or not verb.is_sent_start or verb.pos_ != "VERB":
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return None
    name = verb.doc[verb.i - 1].sent
    if len(name) > MAX_STRANDED_TOKENS or name.root.pos_ != "PROPN":
        return None
    if any("\n" in t.text or "\n" in t.whitespace_ or t.pos_ in ("VERB", "AUX") for t in name):
        return None  # a heading line or a clause of its own, not a cut-off name
    return name.root


def is_stranded_subject(token: Token) -> bool:
    """True for the root of a cut-off name sentence that :func:`stranded_subject` gives."""
    if token.dep_ != "ROOT" or token.pos_ != "PROPN":
        return False  # cheap checks first: this runs for every token of the text
    sentence = token.sent
    if token.i != sentence.root.i or sentence.end >= len(token.doc):
        return False
    found = stranded_subject(token.doc[sentence.end])
    return found is not None and found.i == token.i
