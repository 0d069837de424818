"""Statements marked by layout rather than a verb: dash signatures and speaker labels.

A quotation followed by a dash and a name is signed by that name ('"We need peace." ― Jo
Roe'), and so is one followed by a short clause of a person that is not a reporting verb
('"...," Roe sings to the crowd'); a paragraph that opens with a name and a colon is that
speaker's ("Roe: Talks will resume", a transcript's "ROE: We will see"). The name must resolve
to a person, organisation, country or outlet, so "READ MORE: ..." or "Update: ..." stay
narration.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from ._quotes import Quote
from ._speakers import Speaker, SpeakerResolver
from ._statement_cues import Found, _with_quotes

KNOWN_SPEAKER_TYPES = frozenset({"person", "organization", "country", "outlet"})
MIN_LABELLED_WORDS = 3
MAX_CLAUSE_GAP = 40
"""Characters after a quotation searched for the clause that attributes it."""
_DASH_AFTER = re.compile(r"[^\S\n]*([―—–])[^\S\n]*(?=[A-Z])")
_LABEL = re.compile(r"\s*((?:[A-Z][\w.'’-]*[^\S\n]+){0,3}[A-Z][\w.'’-]*)[^\S\n]*:[^\S\n]+(?=\S)")
_EDGE = " \t\n,;:.–—-"


def find_labelled(
    doc: Doc,
    quotes: list[Quote],
    paragraphs: list[tuple[int, int]],
    taken: list[Found],
    resolver: SpeakerResolver,
) -> list[Found]:
    """Dash-signed quotations, quotations before a person's clause and name-labelled
    paragraphs that no cue has claimed."""
    text = resolver.text  # Doc.text joins every token: the resolver read it once
    spans = [(f.start, f.end) for f in taken]
    found: list[Found] = []
    used: set[Quote] = set()
    for quote in quotes:
        match = _DASH_AFTER.match(text, quote.end)
        if match is None or _overlaps(quote.start, quote.end, spans):
            continue
        speaker = _speaker_at(doc, resolver, match.end(), None)
        if speaker is not None:
            used.add(quote)
            dash = match.start(1)
            found.append(
                Found(quote.start, quote.end, "direct", speaker, dash, dash + 1, "assert", None,
                      text[dash : dash + 1])
            )  # fmt: skip
    found.extend(_before_clauses(doc, text, quotes, spans, used, resolver))
    for quote in quotes:
        colon = len(text[: quote.start].rstrip())
        if quote in used or text[colon - 1 : colon] != ":":
            continue
        if _overlaps(quote.start, quote.end, spans):
            continue
        speaker = _introducer(doc, resolver, colon - 1)
        if speaker is not None:  # 'Roe, the town's doctor, is more blunt: "..."'
            used.add(quote)
            found.append(
                Found(quote.start, quote.end, "direct", speaker, colon - 1, colon, "assert", None,
                      ":")
            )  # fmt: skip
    for start, end in paragraphs:
        match = _LABEL.match(text, start, end)
        if match is None or _overlaps(match.end(), end, spans):
            continue
        content_end = len(text[:end].rstrip(_EDGE))
        if not _is_clause(doc, match.end(), content_end):
            continue  # "Twitter: @handle", "Correction appended: October 2"
        speaker = _speaker_at(doc, resolver, match.start(1), match.end(1))
        if speaker is None:
            continue
        colon = text.index(":", match.end(1))
        begin, finish, kind = _with_quotes(text, match.end(), content_end, quotes, used)
        found.append(Found(begin, finish, kind, speaker, colon, colon + 1, "assert", None, ":"))
    return found


def _before_clauses(
    doc: Doc,
    text: str,
    quotes: list[Quote],
    spans: list[tuple[int, int]],
    used: set[Quote],
    resolver: SpeakerResolver,
) -> list[Found]:
    """Quotations followed by a person's clause with no reporting verb ('"...," Jo Roe sings
    to the crowd'), each attributed to that person."""
    found = []
    for quote in quotes:
        if quote in used or _overlaps(quote.start, quote.end, spans):
            continue
        adjacent = _clause_after(doc, text, resolver, quote)
        if adjacent is not None:
            used.add(quote)
            speaker, verb = adjacent
            found.append(
                Found(quote.start, quote.end, "direct", speaker, verb.idx,
                      verb.idx + len(verb.text), "assert", None, verb.text)
            )  # fmt: skip
    return found


def _clause_after(
    doc: Doc, text: str, resolver: SpeakerResolver, quote: Quote
) -> tuple[Speaker, Token] | None:
    """The speaker and verb of a short clause right after a quotation that ends in a comma
    ('"...," she laughed', '"...," Roe sings to the crowd'): the verb is not a reporting verb,
    but the layout attributes the quotation all the same. The subject must be a person."""
    inner = text[quote.start : quote.end].rstrip("\"'”’»")
    gap = text[quote.end : quote.end + MAX_CLAUSE_GAP]
    if not (inner.endswith(",") or gap.lstrip(" ").startswith(",")):
        return None
    end = min(len(text), quote.end + MAX_CLAUSE_GAP)
    span = doc.char_span(quote.end, end, alignment_mode="expand")
    if span is None:
        return None
    tokens = [t for t in span if not t.is_punct and not t.is_space]
    if not tokens or tokens[0].dep_ not in ("nsubj", "compound"):
        return None
    subject = tokens[0] if tokens[0].dep_ == "nsubj" else tokens[0].head
    verb = subject.head
    if (
        subject.dep_ != "nsubj"
        or verb.pos_ != "VERB"
        or verb.i < subject.i
        or verb.i > subject.i + 3
    ):
        return None
    speaker = resolver.speaker(subject)
    if speaker is None or speaker.type != "person" or not speaker.resolved:
        return None
    return speaker, verb


def _is_clause(doc: Doc, start: int, end: int) -> bool:
    """At least ``MIN_LABELLED_WORDS`` words with a verb: something said, not a field."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or len(span) < MIN_LABELLED_WORDS:
        return False
    return any(token.pos_ in ("VERB", "AUX") for token in span)


def _introducer(doc: Doc, resolver: SpeakerResolver, colon: int) -> Speaker | None:
    """The subject of the clause a colon ends, when it is a known speaker or a pronoun."""
    span = doc.char_span(colon, colon + 1, alignment_mode="expand")
    if span is None:
        return None
    mark = span[0]
    subject = next(  # the first subject of a verb before the colon: the main clause's
        (
            t
            for t in doc[mark.sent.start : mark.i]
            if t.dep_ in ("nsubj", "nsubjpass") and t.head.i < mark.i
        ),
        None,
    )
    if subject is None:
        return None
    speaker = resolver.speaker(subject)
    if speaker is None or (speaker.type not in KNOWN_SPEAKER_TYPES and speaker.resolved):
        return None
    return speaker if speaker.resolved else None


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _speaker_at(doc: Doc, resolver: SpeakerResolver, start: int, end: int | None) -> Speaker | None:
    """The known speaker the name at ``start`` (up to ``end``, or its phrase) denotes."""
    if end is None:
        line_end = resolver.text.find("\n", start)
        end = len(resolver.text) if line_end < 0 else line_end
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or not len(span):
        return None
    head: Token = span[0]
    for token in span:  # the name's head: the last word of its first run of proper nouns
        if token.pos_ != "PROPN" and token.ent_iob_ != "I":
            break
        head = token
    speaker = resolver.speaker(head)
    if speaker is None and head.text.isupper():  # a transcript's "ROE:"
        name = resolver.full_names.expand(head.text.title(), head.idx)
        if name != head.text.title():
            return Speaker(head.idx, head.idx + len(head.text), name, name, "person")
    if speaker is None or speaker.type not in KNOWN_SPEAKER_TYPES:
        return None
    return speaker
