"""According to whom: the statement around an event trigger, and its speaker.

An event inside a statement's content is claimed by the statement's speaker, except when the
reporting verb's grammatical subject plainly names someone else: a name or proper noun that
shares no word with the speaker, or a description of a specific kind ("the army", "the
police": military, police, government...) that no word of the speaker is of. A speaker carried
over from an earlier paragraph must not claim what another party said; a generic description
("the group", "the spokesman") stays resolved to the speaker.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Doc, Span

from ._event_roles import participants
from ._extensions import STATEMENTS_KEY
from ._statement_words import Description, load_statement_words

SUBJECT_DEPS = frozenset({"nsubj"})
IGNORED_WORDS = frozenset({"the", "a", "an", "'s", "of"})
# Description groups that may refer to any speaker ("the group", "the official").
GENERIC_GROUPS = frozenset({"organization", "person", "role"})


def cue_tokens(doc: Doc) -> frozenset[int]:
    """Token indices of the statements' reporting verbs ("said", "called", "accused")."""
    cues: set[int] = set()
    for span in doc.spans.get(STATEMENTS_KEY, []):
        cue = _cue(span)
        if cue is not None:
            cues.update(range(cue.start, cue.end))
    return frozenset(cues)


def claims(doc: Doc, names: Mapping[int, str]) -> dict[int, tuple[str | None, str | None]]:
    """Token index -> (claimant, stance) of the innermost statement whose content holds it."""
    found: dict[int, tuple[str | None, str | None]] = {}
    spans = sorted(doc.spans.get(STATEMENTS_KEY, []), key=len, reverse=True)
    for span in spans:  # longest first, so an inner statement overwrites its outer one
        info = span._.sitroom_statement or {}
        claim = (claimant(span, info.get("speaker"), names), info.get("stance"))
        for i in range(span.start, span.end):
            found[i] = claim
    return found


def claimant(statement: Span, speaker: str | None, names: Mapping[int, str]) -> str | None:
    """The statement's speaker, unless its reporting verb's named subject disagrees."""
    cue = _cue(statement)
    if cue is None:
        return speaker
    subject = next((c for c in cue.root.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None or subject.pos_ == "PRON":
        return speaker
    named = participants(subject, names)
    if named is None or (speaker and _words(named) & _words(speaker)):
        return speaker
    if subject.i in names or subject.pos_ == "PROPN" or not speaker:
        return named
    groups = {d.group for d in map(_description, _words(speaker)) if d is not None}
    described = _description(subject.lemma_.lower())
    if described is None or described.group in GENERIC_GROUPS or described.group in groups:
        return speaker
    return named


def _description(word: str) -> Description | None:
    return load_statement_words().descriptions.get(word)


def _cue(statement: Span) -> Span | None:
    info = statement._.sitroom_statement or {}
    start, end = info.get("cue_start"), info.get("cue_end")
    if start is None or end is None:
        return None
    return statement.doc.char_span(start, end, alignment_mode="expand")


def _words(name: str) -> set[str]:
    return {w.strip(".,'\"").lower() for w in name.split()} - IGNORED_WORDS
