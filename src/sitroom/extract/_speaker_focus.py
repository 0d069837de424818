"""Who is in focus: the speakers named so far, in text order, and the antecedents of pronouns.

:class:`SpeakerFocus` keeps the resolved subjects of a document (``positions``, ``history``,
``main``) and picks a pronoun's antecedent among them: "he"/"she" the nearest person of that
gender, preferring a named person to a description a few subjects nearer ("his doctor ... he
said"), "it" the nearest singular organisation or country, "they" the nearest plural speaker.
Subjects of photo captions ("Jo Roe looks on. (Al Li/CBC)") are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from spacy.tokens import Doc, Token

from ._speaker_names import FullNames, Speaker
from ._statement_words import StatementWords

PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
GENDER_HONORIFICS = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f"}
QUOTE_OPENERS = "\"“‘'«"
SINGULAR_GROUP_TYPES = frozenset({"organization", "country", "outlet"})
ANONYMOUS_ROLE = "role"
"""The class of person nouns ("official", "witness") that often stand for an unnamed person."""
MAX_ANTECEDENT_DISTANCE = 12
"""How many earlier subjects a pronoun looks back over before giving up."""
MAX_FOCUS_DISTANCE = 60
"""How far "he"/"she" look back, over main-clause subjects only, when the near ones do not fit."""
NAMED_PREFERENCE_DISTANCE = 6
"""Subjects "he"/"she" skip back over to a named person rather than take a description."""
# a photo credit closing a paragraph: "(Jo Roe/CBC)", "( THE CANADIAN PRESS FILE PHOTO )"
_CAPTION = re.compile(r"\((?:[^()]*\bphoto\b[^()]*|[^()/\s][^()/]*/[^()/]+)\)\W*$", re.IGNORECASE)


class SpeakerFocus:
    """The speakers a document has named so far and the antecedents of its pronouns."""

    doc: Doc
    text: str
    words: StatementWords
    full_names: FullNames
    gender: dict[str, str]
    positions: list[int]  # character offset of each resolved subject
    history: list[Speaker]
    main: list[bool]  # subject of a main clause or of a reporting verb
    captions: dict[int, bool]  # line start -> is a photo caption

    def _in_caption(self, offset: int) -> bool:
        """True inside a photo caption ("Jo Roe looks on. (Al Li/CBC)"): its people are not
        the ones the next "he said" refers to."""
        start = self.text.rfind("\n", 0, offset) + 1
        if start not in self.captions:
            end = self.text.find("\n", offset)
            line = self.text[start : end if end >= 0 else len(self.text)]
            self.captions[start] = _CAPTION.search(line) is not None
        return self.captions[start]

    def _pronoun(self, token: Token) -> Speaker:
        word = POSSESSIVE_PRONOUNS.get(token.lower_, token.lower_)  # "her warning": she warns
        start, end = token.idx, token.idx + len(token.text)
        found: Speaker | None = None
        if word in ("he", "she"):
            gender = PRONOUN_GENDER[word]

            def accept(s: Speaker) -> bool:
                return (
                    s.type == "person"
                    and not s.plural
                    and self._gender_of(s.name, gender) == gender
                )

            found = self._antecedent(token.idx, accept)
            introduced = self._introduced(token, accept)
            if introduced is not None and (found is None or found.start < introduced.start):
                found = introduced  # 'for accountant Jo Roe, 50. "...," she says'
            elif found is not None and found.entity is None:
                # "his doctor ... he said": a named person in focus outranks a description
                named = self._nearest(
                    token.idx,
                    lambda s: accept(s) and s.entity is not None,
                    main=True,
                    distance=NAMED_PREFERENCE_DISTANCE,
                )
                found = named or found
            if found is None:  # a long stretch of narration since: the last person in focus
                found = self._nearest(token.idx, accept, main=True, distance=MAX_FOCUS_DISTANCE)
            if found is None:
                found = self.full_names.person_before(token.idx, self._gender_of, gender)
                if found is not None and self._in_caption(found.start):
                    found = None  # a photo credit ("(Jo Roe/CBC)") names no one in focus
            if found is not None:
                self.gender.setdefault(found.name, gender)
        elif word == "it":
            found = self._antecedent(
                token.idx, lambda s: s.type in SINGULAR_GROUP_TYPES and not s.plural
            )
        elif word == "they":
            found = self._antecedent(token.idx, lambda s: s.plural)
        if found is None:
            return Speaker(start, end, token.text, None, "unknown", word == "they", None, False)
        return replace(found, start=start, end=end)

    def _introduced(self, token: Token, accept: object) -> Speaker | None:
        """The one person the sentence before names, when the pronoun's sentence opens with a
        quotation ('... for accountant Jo Roe, 50. "I feel better," she says'): news writing
        names a voice, then quotes it, even when the name is not a subject."""
        sentence = token.sent
        opening = self.text[sentence.start_char : token.idx].lstrip()
        if not opening or opening[0] not in QUOTE_OPENERS or sentence.start == 0:
            return None
        before = self.doc[sentence.start - 1].sent
        if "\n" in self.text[before.start_char : sentence.start_char]:
            return None  # another paragraph: its people are not introduced for this quotation
        named = {
            (start, end, name)
            for start, end, name in self.full_names.persons
            if before.start_char <= start < before.end_char
        }
        names = {name for _, _, name in named}
        if len(names) != 1:
            return None
        start, end, name = max(named)
        name = self.full_names.expand(name, start)
        person = Speaker(start, end, name, name, "person")
        return person if accept(person) else None  # type: ignore[operator]

    def _gender_of(self, name: str, default: str) -> str:
        """The gender the text gives ``name`` (a pronoun, an honorific), else its first name's."""
        words = name.split()
        known = self.words.first_names.get(words[0].casefold()) if len(words) > 1 else None
        return known or self.gender.get(name, default)

    def _nearest(
        self,
        offset: int,
        accept: object,
        *,
        main: bool = False,
        distance: int = MAX_ANTECEDENT_DISTANCE,
    ) -> Speaker | None:
        """The closest earlier candidate that ``accept`` (a predicate) takes, among the last
        ``distance`` subjects; with ``main``, only subjects of main clauses and reporting verbs."""
        stop = bisect_left(self.positions, offset)
        for index in range(stop - 1, max(-1, stop - 1 - distance), -1):
            candidate = self.history[index]
            if (self.main[index] or not main) and accept(candidate):  # type: ignore[operator]
                return candidate
        return None

    def _antecedent(self, offset: int, accept: object) -> Speaker | None:
        """A pronoun's antecedent: the nearest main-clause subject it fits, else any subject."""
        return self._nearest(offset, accept, main=True) or self._nearest(offset, accept)

    def _note_honorific(self, token: Token, name: str) -> None:
        for left in token.lefts:
            gender = GENDER_HONORIFICS.get(left.lower_)
            if gender:
                self.gender.setdefault(name, gender)


def named_person(speaker: Speaker) -> bool:
    """True for one named person (not a description, not a group)."""
    return speaker.type == "person" and speaker.entity is not None and not speaker.plural
