"""Who a cue's statement is of: the subject token, its phrase as written, and whether it may
speak (a known kind of speaker, a personal pronoun, or a share of a group of speakers)."""

from __future__ import annotations

from spacy.tokens import Token

from ._speaker_names import Speaker, stranded_subject
from ._speakers import SpeakerResolver
from ._statement_channels import token_end
from ._statement_words import StatementWords

_BORROW_DEPS = frozenset({"advcl", "conj", "xcomp"})
_SUBJECT_DEPS = frozenset({"nsubj"})
_PERSONAL = frozenset({"he", "she", "they", "we", "i"})
_STANDALONE_POS = frozenset({"PRON", "DET", "ADJ"})
"""Parts of speech of a share word standing alone ("Some", "Many", "Others") for people."""


def cue_subject(token: Token, inside: bytearray | None = None) -> Token | None:
    """The speaker token: the subject, the passive agent, the subject borrowed from the head, or
    a name the parser cut off before the verb (:func:`stranded_subject`). A subject ``inside``
    a quotation is the parser's mistake ('"... panic mode," said Jo Roe' read "mode" as a
    second subject): the quotation is what was said, not who said it."""
    return _own_subject(token, inside) or stranded_subject(token)


def _own_subject(token: Token, inside: bytearray | None) -> Token | None:
    if token.tag_ == "VBG" and token.dep_ == "advcl":
        borrowed = _own_subject(token.head, inside)
        if borrowed is not None:
            return borrowed  # "praised the troops saying ...": the praiser says it
    if token.tag_ == "VBG" and token.dep_ == "pcomp" and token.head.dep_ == "prep":
        return _own_subject(token.head.head, inside)  # "pitched it by telling them that ..."
    for _ in range(3):  # "said ..., adding that ...": "adding" borrows "said"'s subject
        subjects = [
            c for c in token.children if c.dep_ in _SUBJECT_DEPS and not (inside and inside[c.i])
        ]
        if subjects:  # two subjects is a misparse ("A, those were white, Roe writes"): the
            return min(subjects, key=lambda c: abs(token.i - c.i))  # nearest is the real one
        for child in token.children:
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        if token.dep_ not in _BORROW_DEPS or token.head is token:
            return None
        if any(c.dep_ == "nsubjpass" for c in token.children):
            return None
        token = token.head
    return None


def may_speak(speaker: Speaker | None, subject: Token, words: StatementWords) -> bool:
    """A speaker of a known kind, or a personal pronoun; not a document ("the data suggest")."""
    if speaker is None:
        return False
    if subject.pos_ != "PROPN" and subject.lemma_.lower() in words.documents:
        return False  # "the data suggest"; not "The Post reports" (a named outlet)
    pronoun = speaker.entity is None and speaker.name.lower() in _PERSONAL
    return speaker.type != "unknown" or pronoun


def share_speaker(
    subject: Token, resolver: SpeakerResolver, words: StatementWords
) -> Speaker | None:
    """A share of speakers speaks as the group it names: "a majority of voters", "many of his
    supporters", and a poll's bare share of respondents ("Twelve percent said")."""
    if subject.lemma_.lower() not in words.shares:
        return None
    group = next((c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    members = next((c for c in group.children if c.dep_ == "pobj"), None) if group else None
    if members is None:  # "Twelve percent indicated", "Some believe": people, unless a noun
        counted = any(c.like_num for c in subject.children)  # "Twelve percent": respondents
        kind = "person" if counted or subject.pos_ in _STANDALONE_POS else None
    else:
        speaker = resolver.speaker(members)
        kind = speaker.type if may_speak(speaker, members, words) and speaker else None
    if kind is None or kind == "unknown":
        return None
    start, end = source_span(subject)
    name = " ".join(resolver.text[start:end].split())
    return Speaker(start, end, name, None, kind, plural=True)


def source_span(subject: Token) -> tuple[int, int]:
    """The source phrase as the sentence writes it: the subject with its modifiers ("Jo Roe,
    the mayor,", "who", "he"), where the speaker may resolve to a mention elsewhere."""
    doc = subject.doc
    first, last = subject.left_edge, subject.right_edge
    while last.i > first.i and last.is_punct:
        last = doc[last.i - 1]
    return first.idx, token_end(last)
