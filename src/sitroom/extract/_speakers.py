"""Resolve who a speaker phrase denotes: a named entity, a description, or a pronoun's antecedent.

Subjects are read in document order; each resolved subject becomes a candidate antecedent for
later pronouns (``_speaker_focus.py``), subjects of main clauses and reporting verbs first (not
"his father, Bill, who ..." or the subject of reported content). A bare definite description
("the military") joins the nearest earlier speaker whose noun is of the same group ("the national
army"); "the commission" the organisation last named with that noun; a definite description of
a person by title, age or party ("the professor", "the 26-year-old", "the Ohio Republican") is
the person in focus, unless its noun is an anonymous role ("the official"); a description beside
a name is that name ("the coach, Jo Roe", "an official named Jo Roe", "One Democrat, Sen. Jo
Roe,"); a new person description that opens the text or is indefinite ("A local coach says")
is the person the next sentences name; a document noun of ``speaker_documents.txt`` speaks for
its author ("the agency's report", "a statement sent to us by Jo Roe", else the last named
speaker); a new description keeps its post-modifiers ("sources familiar with the talks"). It
does not resolve first- or second-person pronouns, which name the quoted voice's own side.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from ._base import asks_anonymity
from ._extensions import ENTITIES_KEY, PLACES_KEY
from ._speaker_focus import ANONYMOUS_ROLE, SpeakerFocus, named_person
from ._speaker_names import (
    FullNames,
    Speaker,
    gender_hints,
    has_age,
    is_common_word,
    is_stranded_subject,
)
from ._speaker_phrases import (
    PERSON_LINK_DEPS,
    clean,
    has_other_role,
    is_according_source,
    is_bare_definite,
    is_definite,
    phrase_span,
    plural_tag,
)
from ._statement_words import StatementWords

ENTITY_SPEAKER_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "country",
    "NORP": "country",
    "LOC": "country",
    "FAC": "organization",
}
DEMONYM_STEM = 5
"""Letters a demonym must share with its country's name ("Ukrain-ian", "Russia-n")."""
MAX_INTRODUCTION_SENTENCES = 2
"""Sentences after "a local coach says" in which the coach may first be named."""
BROAD_CLASSES = frozenset({"person", ANONYMOUS_ROLE})
"""Description classes holding many kinds of people ("mayor", "reporter", "witness")."""
GENERIC_ORGANIZATION = "organization"
"""The class of nouns that name any organisation ("the company"), not one kind ("the army")."""
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_EMBEDDED_DEPS = frozenset({"relcl", "acl"})
_COMPLEMENT_DEPS = frozenset({"ccomp", "xcomp"})
_POSTMODIFIER_DEPS = frozenset({"prep", "acl", "amod"})
_PHRASE_STOP = re.compile(r"[,;:(\"“”‘’]|\s['–—-]|\s(?:who|whom|whose|which|but)\s")
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_INDEFINITE = frozenset({"a", "an", "one"})
_NAMING_VERBS = frozenset({"name", "identify", "call"})
_NICKNAME = re.compile(r"\s[\"“‘'][^\"“”‘’']+[\"”’']\s")


class SpeakerResolver(SpeakerFocus):
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
        self.captions: dict[int, bool] = {}  # line start -> is a photo caption
        for token in doc:
            candidate = token.dep_ in _SUBJECT_DEPS or is_according_source(token)
            candidate = candidate or is_stranded_subject(token)  # "Roe" | "said ..."
            if candidate and not inside_quote[token.i] and not self._in_caption(token.idx):
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
            if self.inside_quote[verb.head.i]:
                return True  # 'Roe is blunt: "I think ..."': the parser hung narration on a quote
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
        named = self._named(token)
        if named is not None and named.type != "person":
            # "One Democrat, Sen. Jo Roe, said": the person in apposition speaks
            beside = self._named_nearby(token)
            if beside is not None and beside.type == "person":
                return replace(beside, start=named.start, end=named.end)
        return named or self._description(token)

    def _named(self, token: Token) -> Speaker | None:
        """The entity of the head, or of a name beside a title ("spokesman Omar Haddad")."""
        found = self.entity_at.get(token.i)
        if found is None:
            for child in token.children:
                linked = self.entity_at.get(child.i)
                if child.dep_ in PERSON_LINK_DEPS and linked and linked[1] == "PERSON":
                    found = linked
                    break
        if found is None:
            return None
        entity, label = found
        name = self.full_names.expand(entity, token.idx, person=label == "PERSON")
        if name in self.entity_names:
            entity = name
        start, end = phrase_span(token)
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
            name = _NICKNAME.sub(" ", self._without_title(name))  # 'Jo "JJ" Roe' -> "Jo Roe"
            self._note_honorific(token, name)
        if label == "NORP" and not plural_tag(token) and is_definite(token):
            # "the Kentucky Republican said": a party member in focus, named before
            earlier = self._antecedent(token.idx, named_person)
            if earlier is not None:
                return replace(earlier, start=start, end=end)
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
        start, end = phrase_span(token)
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
        later = self._named_later(token, speaker)
        if later is not None:
            return later
        country = self._country_of(token) if group else None
        if country is not None:
            # "Ukraine's army", "the Ukrainian army", "Kyiv's army": one speaker per country
            first = self.national.setdefault((group, country), speaker)  # type: ignore[arg-type]
            return replace(first, start=start, end=end)
        earlier = self._described(token, speaker)
        if earlier is not None:
            return earlier
        if group and is_bare_definite(token):
            earlier = self._antecedent(token.idx, lambda s: _same_description(s, token, group))
            if earlier is None and speaker_type == "organization" and not plural:
                # "the commission": the organisation last named with that noun ("the Police
                # Commission"), else ("the company") the organisation last named as a subject
                noun = token.lower_

                def named_org(s: Speaker) -> bool:
                    return s.entity is not None and s.type == "organization"

                earlier = self._antecedent(
                    token.idx, lambda s: named_org(s) and noun in s.name.lower().split()
                )
                if earlier is None and group == GENERIC_ORGANIZATION:
                    # only a generic noun: "the army" is not the aid agency named last
                    earlier = self._antecedent(token.idx, named_org)
            if earlier is not None:
                return replace(earlier, start=start, end=end)
        if not is_bare_definite(token):
            # "sources familiar with the talks", "an official with the agency": a new speaker
            # is known by its whole phrase
            end = self._phrase_end(token, end)
            return replace(speaker, end=end, name=clean(self.text[start:end]))
        return speaker

    def _described(self, token: Token, speaker: Speaker) -> Speaker | None:
        """The named person or place a definite description refers back to: "the mayor" after
        "Mayor Jo Roe", "the 26-year-old" (the person in focus), "the city" (the city named
        before); not an anonymous role ("the official") or a plural."""
        start, end = speaker.start, speaker.end
        if (speaker.type == "person" or has_age(token)) and is_definite(token):
            named = self.full_names.titled(token.lower_, token.idx)
            if named is not None:
                return Speaker(start, end, named, named, "person")
            if speaker.plural or speaker.group == ANONYMOUS_ROLE:
                return None
            earlier = self._antecedent(token.idx, named_person)
            return None if earlier is None else replace(earlier, start=start, end=end)
        kinds = self.words.place_nouns.get(token.lower_)
        if kinds and is_bare_definite(token):
            before = (p for p in reversed(self.places) if p[0] < token.idx and p[2] in kinds)
            place = next(before, None)
            if place is not None:
                return Speaker(start, end, place[1], place[1], "country")
        return None

    def _named_later(self, token: Token, speaker: Speaker) -> Speaker | None:
        """The person a new description introduces, named in its own phrase ("an official
        named Jo Roe") or as the next person of the text within ``MAX_INTRODUCTION_SENTENCES``
        ("A local coach says ... Jo Roe, 41, ..."), first named there or there the subject: an
        indefinite description, or one that opens the text."""
        if speaker.type != "person" or speaker.plural or speaker.group == ANONYMOUS_ROLE:
            return None
        left = [t.lower_ for t in token.lefts]
        indefinite = bool(left) and left[0] in _INDEFINITE
        if not indefinite and not (left and left[0] == "the" and token.sent.start == 0):
            return None
        if any(asks_anonymity(t) for t in token.sent):
            return None  # "a doctor, who asked not to be named, said": not the next name
        sentence, counted = token.sent, 0
        while counted < MAX_INTRODUCTION_SENTENCES and sentence.end < len(self.doc):
            sentence = self.doc[sentence.end].sent
            counted += not sentence.text.isspace()  # paragraph breaks may stand alone
        limit = sentence.end_char
        for start, _end, name in self.full_names.persons:
            if start <= token.idx:
                continue
            first = self.full_names.first_seen.get(name, start) >= token.idx
            if start >= limit or not (first or start in self.full_names.subjects):
                return None
            if has_other_role(self.doc, start, token):
                return None  # "A diplomat said ... The head of the delegation, Jo Roe, ..."
            return Speaker(speaker.start, speaker.end, name, name, "person")
        return None

    def _named_nearby(self, token: Token) -> Speaker | None:
        """The named entity a description stands beside: its appositive ("the coach, Jo
        Roe"), or for a document noun its owner ("Jo Roe's book", "a study by the agency")."""
        for child in token.rights:
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                found = self._named(child)
                if found is not None:
                    return found
            if child.dep_ == "acl" and child.lemma_ in _NAMING_VERBS:
                # "an official named Jo Roe", "a man identified as Jo Roe"
                named = [
                    t for t in child.subtree if self.entity_at.get(t.i, ("", ""))[1] == "PERSON"
                ]
                if named:
                    return self._named(named[-1])
        if token.lemma_.lower() not in self.words.documents:
            return None
        owners = [t for t in token.subtree if t is not token and t.pos_ == "PROPN"]
        # "a statement e-mailed to the paper by Jo Roe": the author, not the recipient
        owners.sort(key=lambda t: t.head.lower_ != "by")
        for other in owners:
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


def _same_description(earlier: Speaker, token: Token, group: str) -> bool:
    """Whether unnamed ``earlier`` is what the bare "the <token>" (of ``group``) refers back to:
    the same class of speaker ("the military" after "the army"), and for the classes holding
    many kinds of people the same word ("the official" after "an official", not "the mayor"
    after "a reporter")."""
    if earlier.entity is not None or earlier.group != group:
        return False
    noun = token.lemma_.lower()
    return group not in BROAD_CLASSES or any(
        word.startswith(noun) for word in earlier.name.lower().split()
    )
