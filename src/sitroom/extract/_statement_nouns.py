"""Statements cued by a noun: "Roe's claim that the bridge fell", "a promise by Roe to resign".

A noun of ``noun_cues.tsv`` with a "that" clause or a "to" infinitive attached is a cue; the
clause is the content. The speaker is the noun's possessor ("Roe's claim", "her warning"), its
"by" phrase ("a claim by the rebels"), or the subject of a light verb that takes the noun as its
object ("Roe made a promise to ...", "Roe repeated her warning that ..."; ``light_verbs.txt``).
A noun with none of these ("the claim that ... was denied") names no speaker and is skipped, as
is a relative clause ("the claim that he made").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from spacy.tokens import Doc, Token

from ._quotes import Quote
from ._speakers import SpeakerResolver
from ._statement_cues import Found, _trim, _with_quotes
from ._statement_subjects import source_span

NOUN_CUES_FILE = "noun_cues.tsv"
LIGHT_VERBS_FILE = "light_verbs.txt"
_CLAUSE_DEPS = frozenset({"acl", "ccomp"})


@dataclass(frozen=True)
class NounCues:
    """Cue nouns with their stance and mode, and the verbs that pass a noun their subject."""

    nouns: dict[str, tuple[str, str]]  # lemma -> (stance, mode)
    light_verbs: frozenset[str]


@lru_cache(maxsize=1)
def load_noun_cues() -> NounCues:
    """Read ``noun_cues.tsv`` and ``light_verbs.txt`` from ``sitroom/data`` (cached)."""
    data = files("sitroom.data")
    rows = [line.split("\t") for line in _lines(data.joinpath(NOUN_CUES_FILE).read_text("utf-8"))]
    verbs = _lines(data.joinpath(LIGHT_VERBS_FILE).read_text("utf-8"))
    return NounCues({noun: (stance, mode) for noun, stance, mode in rows}, frozenset(verbs))


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines()[1:] if line.strip()]


def find_noun_statements(
    doc: Doc,
    quotes: list[Quote],
    inside: bytearray,
    resolver: SpeakerResolver,
    cues: NounCues,
    taken: Iterable[Found],
) -> list[Found]:
    """Noun-cued statements of ``doc`` whose content no other statement covers."""
    spans = [(f.start, f.end) for f in taken]
    text = resolver.text  # Doc.text joins every token: the resolver read it once
    found: list[Found] = []
    used: set[Quote] = set()
    for token in doc:
        entry = cues.nouns.get(token.lemma_.lower()) if token.pos_ == "NOUN" else None
        if entry is None or inside[token.i]:
            continue
        clause = _complement(token)
        source = _source(token, cues) if clause is not None else None
        if clause is None or source is None:
            continue
        end = _end(clause.right_edge)
        if token.head.i > token.i and token.head.idx < end:  # "Roe's claim that X drew anger"
            end = token.head.idx
        start, end = _trim(text, clause.left_edge.idx, end)
        if end <= start or any(s < end and start < e for s, e in spans):
            continue
        start, end, kind = _with_quotes(text, start, end, quotes, used)
        stance, mode = entry
        speaker = resolver.speaker(source)
        cue_end = _end(token)
        found.append(
            Found(start, end, kind, speaker, token.idx, cue_end, stance, None,
                  text[token.idx : cue_end], mode=mode, source=source_span(source))
        )  # fmt: skip
    return found


def _complement(noun: Token) -> Token | None:
    """The "that" clause or "to" infinitive a cue noun takes, not a relative clause."""
    for child in noun.rights:
        if child.dep_ not in _CLAUSE_DEPS or child.pos_ not in ("VERB", "AUX"):
            continue
        first = child.left_edge
        if first.lower_ == "that" and first.dep_ == "mark":
            return child
        if first.lower_ == "to" and first.dep_ == "aux":
            return child
    return None


def _source(noun: Token, cues: NounCues) -> Token | None:
    """Who the claim, warning or promise is of: possessor, "by" phrase, light verb subject."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            if agent is not None:
                return agent
    verb = noun.head
    if noun.dep_ == "dobj" and verb.lemma_.lower() in cues.light_verbs:
        return next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return None


def _end(token: Token) -> int:
    return token.idx + len(token.text)
