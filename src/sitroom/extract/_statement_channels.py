"""Where and how a statement was made: the channel ("on Facebook", "in an interview",
"tweeting"), the end of its cue ("called on"), and prepositional asides of a cue that are not
what was said ("on Friday", "on Facebook")."""

from __future__ import annotations

from spacy.tokens import Token

from ._statement_words import StatementWords

_TIME_ENTS = frozenset({"DATE", "TIME"})


def is_aside(token: Token, words: StatementWords) -> bool:
    """A time adverbial ("on Friday") or a channel ("on Facebook") is not what was said."""
    tokens = list(token.subtree)
    if all(t.ent_type_ in _TIME_ENTS or t.dep_ in ("prep", "det") for t in tokens):
        return True
    return token.dep_ == "prep" and _names_channel(token, words)


def _names_channel(prep: Token, words: StatementWords) -> bool:
    """True for a preposition whose object is a channel: "on Facebook", "in an interview"."""
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    return any(_is_channel_word(t, words) for o in objects for t in (o, *o.lefts))


def _is_channel_word(token: Token, words: StatementWords) -> bool:
    return token.lower_ in words.channels or token.lemma_.lower() in words.channels


def cue_end(token: Token, words: StatementWords) -> int:
    """End of the cue: the verb, plus its particle when the lexicon knows the pair."""
    end = token.idx + len(token.text)
    for child in token.rights:
        if child.lower_ in words.particles_of(token.lemma_.lower()) and child.i == token.i + 1:
            end = child.idx + len(child.text)
    return end


def channel_of(text: str, token: Token, words: StatementWords) -> str | None:
    """How it was said: "on Facebook", "in a televised address", "tweeting"."""
    if token.lemma_.lower() in words.channel_verbs:
        return token.text
    owners = (token, token.head) if token.dep_ == "advcl" else (token,)
    for owner in owners:
        for prep in owner.subtree:
            if prep.dep_ != "prep" or (owner is not token and prep.head is not owner):
                continue
            if _names_channel(prep, words):
                return text[prep.left_edge.idx : token_end(prep.right_edge)]
    return None


def token_end(token: Token) -> int:
    """Character offset just after ``token``."""
    return token.idx + len(token.text)
