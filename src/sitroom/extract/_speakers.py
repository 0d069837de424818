"""Resolve who a speaker phrase denotes: a named entity, a description, or a pronoun's antecedent.

Subjects are read in document order; each resolved subject becomes a candidate antecedent for
later pronouns, subjects of main clauses and reporting verbs first (not "his father, Bill, who
..." or the subject of reported content). "he"/"she" take the nearest earlier person of that
gender (a first name listed in ``first_names.tsv`` outranks the text's own pronoun hints and
honorifics), "it" the nearest singular organisation or country, "they" the nearest plural
speaker. A bare definite description
("the military") joins the nearest earlier speaker whose noun is of the same group ("the national
army"); a definite description of a person by title or age ("the professor", "the
26-year-old") is the person in focus, unless its noun is an anonymous role ("the official");
a description beside a name is that name ("the coach, Jo Roe"); a document noun of
``speaker_documents.txt`` speaks for its author ("the agency's report", else the last named
speaker); a new description keeps its post-modifiers ("sources familiar with the talks"). It does
not resolve first- or second-person pronouns, which name the quoted voice's own side.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from spacy.tokens import Doc, Token

from ._extensions import ENTITIES_KEY, PLACES_KEY
from ._speaker_names import FullNames, Speaker, gender_hints, has_age, is_common_word
from ._statement_words import StatementWords

ENTITY_SPEAKER_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "country",
    "NORP": "country",
    "LOC": "country",
    "FAC": "organization",
}
PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
GENDER_HONORIFICS = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f"}
SINGULAR_GROUP_TYPES = frozenset({"organization", "country", "outlet"})
DEMONYM_STEM = 5
"""Letters a demonym must share with its country's name ("Ukrain-ian", "Russia-n")."""
ANONYMOUS_ROLE = "role"
"""The class of person nouns ("official", "witness") that often stand for an unnamed person."""
MAX_ANTECEDENT_DISTANCE = 12
"""How many earlier subjects a pronoun looks back over before giving up."""
MAX_FOCUS_DISTANCE = 60
"""How far "he"/"she" look back, over main-clause subjects only, when the near ones do not fit."""
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_EMBEDDED_DEPS = frozenset({"relcl", "acl"})
_COMPLEMENT_DEPS = frozenset({"ccomp", "xcomp"})
_POSTMODIFIER_DEPS = frozenset({"prep", "acl", "amod"})
_DESCRIBING = frozenset({"DET", "NOUN", "ADJ", "NUM", "PROPN", "PUNCT", "ADV", "CCONJ"})
_PHRASE_STOP = re.compile(r"[,;:(\"“”‘’]|\s['–—-]|\s(?:who|whom|whose|which|but)\s")
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_PERSON_LINK_DEPS = frozenset({"appos", "compound", "flat"})
_NAME_DEPS = frozenset({"compound", "flat", "amod", "nmod", "det", "poss", "case", "nummod"})


class SpeakerResolver:
    """Resolve speaker tokens of one ``Doc``; subjects are indexed once, in document order."""

    def __init__(
        self, doc: Doc, words: StatementWords, inside_quote: bytearray, text: str | None = None
    ) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text
        self.words = words
        self.inside_quote = inside_quote
        self.entity_at: dict[int, tuple[str, str]] = {}
        self.entity_names: set[str] = set()
        for span in doc.spans.get(ENTITIES_KEY, []):
            name = span._.sitroom_entity_name or span.text
            self.entity_names.add(name)
            for i in range(span.start, span.end):
                self.entity_at[i] = (name, span.label_)
        self.full_names = FullNames(doc, self.text)
        self.national: dict[tuple[str, str], Speaker] = {}
        self.place_country: dict[int, str] = {}
        self.country_names: dict[str, str] = {}
        self.places: list[tuple[int, str, str]] = []  # (start, name, kind) in text order
        for span in doc.spans.get(PLACES_KEY, []):
            place = span._.sitroom_place or {}
            if place.get("kind") and not inside_quote[span.start]:
                self.places.append((span.start_char, place.get("name") or span.text, place["kind"]))
            if place.get("country"):
                for i in range(span.start, span.end):
                    self.place_country[i] = place["country"]
                if place.get("kind") == "country":
                    self.country_names[span.text.casefold()] = place["country"]
        self.gender: dict[str, str] = gender_hints(doc, self.entity_at)
        self.positions: list[int] = []
        self.history: list[Speaker] = []
        self.main: list[bool] = []  # subject of a main clause or of a reporting verb
        self.resolved: dict[int, Speaker] = {}
        for token in doc:
            candidate = token.dep_ in _SUBJECT_DEPS or _is_according_source(token)
            if candidate and not inside_quote[token.i]:
                speaker = self._resolve(token)
                if speaker is not None:
                    self.resolved[token.i] = speaker
                    if speaker.resolved:
                        self.positions.append(token.idx)
                        self.history.append(speaker)
                        self.main.append(self._is_main_subject(token))

    def _is_main_subject(self, token: Token) -> bool:
        """False for the subject of a relative clause or of reported content ("his father,
        Bill, who began ...", "said the firm, run by Jo Roe, grew"): pronouns refer back to
        the subjects of main clauses and reporting verbs first."""
        if token.dep_ == "pobj":
            return True  # "according to X": a source, in focus like a speaking subject
        verb = token.head
        while verb.dep_ == "conj" and verb.head is not verb:
            verb = verb.head
        if verb.dep_ in _EMBEDDED_DEPS:
            return False
        if verb.dep_ in _COMPLEMENT_DEPS:
            return self.words.stance(verb.head.lemma_.lower(), []) is None
        return True

    def speaker(self, token: Token) -> Speaker | None:
        """The speaker that ``token`` (a subject, agent or "according to" object) denotes."""
        if token.i in self.resolved:
            return self.resolved[token.i]
        return self._resolve(token)

    # --- one phrase ----------------------------------------------------------------------------

    def _resolve(self, token: Token) -> Speaker | None:
        if token.lower_ in _RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            token = token.head.head  # "the junta which said": the noun the clause modifies
        if token.pos_ == "PRON":
            return self._pronoun(token)
        if token.pos_ not in ("NOUN", "PROPN") and not has_age(token):  # "the 26-year-old"
            return None
        return self._named(token) or self._description(token)

    def _named(self, token: Token) -> Speaker | None:
        """The entity of the head, or of a name beside a title ("spokesman Omar Haddad")."""
        found = self.entity_at.get(token.i)
        if found is None:
            for child in token.children:
                linked = self.entity_at.get(child.i)
                if child.dep_ in _PERSON_LINK_DEPS and linked and linked[1] == "PERSON":
                    found = linked
                    break
        if found is None:
            return None
        entity, label = found
        name = self.full_names.expand(entity, token.idx, person=label == "PERSON")
        if name in self.entity_names:
            entity = name
        start, end = self._phrase(token)
        speaker_type = ENTITY_SPEAKER_TYPES.get(label, "unknown")
        folded = name.casefold()
        if folded in self.words.outlets or folded.split()[0] in self.words.outlets:
            speaker_type = "outlet"  # "CBC News": the model may call an outlet a person
        if name != found[0] and name in self.full_names.person_names:
            speaker_type = "person"  # "Roe" tagged ORG, but "Jo Roe" is a person of the text
        if any(self._is_person_title(t) for t in token.lefts):
            speaker_type = "person"  # "official Jane Roe": the model may call the name an ORG
        if speaker_type == "person" and is_common_word(name, self.text):
            speaker_type = "unknown"  # "Story continues below": a common word, not a name
        if speaker_type == "person":
            name = self._without_title(name)
            self._note_honorific(token, name)
        plural = label == "NORP" and token.tag_ in ("NNPS", "NNS")
        return Speaker(start, end, name, entity, speaker_type, plural)

    def _without_title(self, name: str) -> str:
        """ "Hereditary Chief Jo Roe" -> "Jo Roe": drop words up to the last title word."""
        words = name.split()
        for index in range(len(words) - 2, -1, -1):
            entry = self.words.descriptions.get(words[index].casefold().strip(".,"))
            if entry is not None and entry.speaker_type == "person":
                return " ".join(words[index + 1 :])
        return name

    def _is_person_title(self, token: Token) -> bool:
        entry = self.words.descriptions.get(token.lower_)
        return entry is not None and entry.speaker_type == "person"

    def _description(self, token: Token) -> Speaker:
        """A common-noun speaker; a bare definite one may join an earlier speaker."""
        start, end = self._phrase(token)
        text = self.text[start:end]
        if text[:4] == "The ":
            text = "the " + text[4:]
        entry = self.words.descriptions.get(token.lemma_.lower()) or self.words.descriptions.get(
            token.lower_
        )
        speaker_type = entry.speaker_type if entry else "unknown"
        group = entry.group if entry else None
        plural = token.tag_ in ("NNS", "NNPS")
        if token.pos_ == "PROPN" and " " not in text:
            full = self.full_names.expand(text, token.idx)
            if full != text:  # a surname the model did not tag: "Roe said"
                return Speaker(start, end, full, full, "person")
        beside = self._named_nearby(token)
        if beside is not None:  # "the coach, Jo Roe,", "the RCMP statement", "a study by X"
            return replace(beside, start=start, end=end)
        if token.lemma_.lower() in self.words.documents or token.lower_ in self.words.documents:
            earlier = self._antecedent(token.idx, lambda s: s.type != "unknown")
            if earlier is not None:  # "the report said": the report's author, named before
                return replace(earlier, start=start, end=end)
        speaker = Speaker(start, end, text, None, speaker_type, plural, group)
        country = self._country_of(token) if group else None
        if country is not None:
            # "Ukraine's army", "the Ukrainian army", "Kyiv's army": one speaker per country
            first = self.national.setdefault((group, country), speaker)  # type: ignore[arg-type]
            return replace(first, start=start, end=end)
        earlier = self._described(token, speaker)
        if earlier is not None:
            return earlier
        if group and self._is_bare_definite(token):
            earlier = self._antecedent(token.idx, lambda s: s.group == group and s.entity is None)
            if earlier is None and speaker_type == "organization" and not plural:
                # "the company", "the agency": the organisation last named as a subject
                earlier = self._antecedent(
                    token.idx, lambda s: s.entity is not None and s.type == "organization"
                )
            if earlier is not None:
                return replace(earlier, start=start, end=end)
        if not self._is_bare_definite(token):
            # "sources familiar with the talks", "an official with the agency": a new speaker
            # is known by its whole phrase
            end = self._phrase_end(token, end)
            return replace(speaker, end=end, name=self._clean(self.text[start:end]))
        return speaker

    def _described(self, token: Token, speaker: Speaker) -> Speaker | None:
        """The named person or place a definite description refers back to: "the mayor" after
        "Mayor Jo Roe", "the 26-year-old" (the person in focus), "the city" (the city named
        before); not an anonymous role ("the official") or a plural."""
        start, end = speaker.start, speaker.end
        if (speaker.type == "person" or has_age(token)) and self._is_definite(token):
            named = self.full_names.titled(token.lower_, token.idx)
            if named is not None:
                return Speaker(start, end, named, named, "person")
            if speaker.plural or speaker.group == ANONYMOUS_ROLE:
                return None
            earlier = self._antecedent(token.idx, _named_person)
            return None if earlier is None else replace(earlier, start=start, end=end)
        kinds = self.words.place_nouns.get(token.lower_)
        if kinds and self._is_bare_definite(token):
            before = (p for p in reversed(self.places) if p[0] < token.idx and p[2] in kinds)
            place = next(before, None)
            if place is not None:
                return Speaker(start, end, place[1], place[1], "country")
        return None

    def _named_nearby(self, token: Token) -> Speaker | None:
        """The named entity a description stands beside: its appositive ("the coach, Jo
        Roe"), or for a document noun its owner ("Jo Roe's book", "a study by the agency")."""
        for child in token.rights:
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                found = self._named(child)
                if found is not None:
                    return found
        if token.lemma_.lower() not in self.words.documents:
            return None
        for other in token.subtree:
            if other is not token and other.pos_ == "PROPN":
                linked = self.entity_at.get(other.i)
                if linked is not None and linked[1] in ENTITY_SPEAKER_TYPES:
                    return self._named(other)
        return None

    def _phrase_end(self, token: Token, end: int) -> int:
        """End of ``token``'s phrase with its post-modifiers ("of the public", "familiar
        with the talks"), not its relative clauses."""
        start = end
        for child in token.rights:
            if child.dep_ in _POSTMODIFIER_DEPS and not self.inside_quote[child.i]:
                last = child.right_edge
                end = max(end, last.idx + len(last.text))
        stop = _PHRASE_STOP.search(self.text, start, end)  # ", whose name ...", a quote mark
        return stop.start() if stop else end

    def _clean(self, phrase: str) -> str:
        phrase = " ".join(phrase.split()).rstrip(",;:")
        return "the " + phrase[4:] if phrase[:4] == "The " else phrase

    def _country_of(self, token: Token) -> str | None:
        """The country a possessor or modifier of ``token`` names (a place or a demonym)."""
        for child in token.lefts:
            if child.dep_ not in ("poss", "amod", "compound", "nmod"):
                continue
            country = self.place_country.get(child.i)
            if country is None and child.text[:1].isupper():
                country = self._demonym_country(child.lower_)
            if country is not None:
                return country
        return None

    def _demonym_country(self, word: str) -> str | None:
        """ "ukrainian" -> the country of a place of the document named "Ukraine"."""
        for name, country in self.country_names.items():
            stem = name[: max(DEMONYM_STEM, len(name) - 1)]
            if len(name) >= DEMONYM_STEM and word != name and word.startswith(stem):
                return country
        return None

    def _is_definite(self, token: Token) -> bool:
        """A definite description with modifiers: "the prime minister", "the 26-year-old"."""
        left = list(token.lefts)
        return bool(left) and left[0].lower_ == "the" and all(t.pos_ in _DESCRIBING for t in left)

    def _is_bare_definite(self, token: Token) -> bool:
        left = list(token.lefts)
        return (
            bool(left) and left[0].lower_ == "the" and all(t.pos_ in ("DET", "NOUN") for t in left)
        )

    def _phrase(self, token: Token) -> tuple[int, int]:
        """Character span of the name phrase of ``token`` (left modifiers, no clauses)."""
        first = token
        for child in token.lefts:
            if child.dep_ in _NAME_DEPS or child.dep_ in _PERSON_LINK_DEPS:
                first = child.left_edge if child.left_edge.i < first.i else first
                break
        last = token
        for child in token.rights:
            if child.dep_ in ("flat", "compound") or (
                child.dep_ == "appos" and child.i == token.i + 1
            ):
                last = child.right_edge
        return first.idx, last.idx + len(last.text)

    # --- pronouns ------------------------------------------------------------------------------

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
            if found is None:  # a long stretch of narration since: the last person in focus
                found = self._nearest(token.idx, accept, main=True, distance=MAX_FOCUS_DISTANCE)
            if found is None:
                found = self.full_names.person_before(token.idx, self._gender_of, gender)
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


def _is_according_source(token: Token) -> bool:
    if token.dep_ != "pobj":
        return False
    head = token.head
    return head.lower_ == "to" and head.head.lower_ == "according"


def _named_person(speaker: Speaker) -> bool:
    return speaker.type == "person" and speaker.entity is not None and not speaker.plural
