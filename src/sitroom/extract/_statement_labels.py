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

from spacy.tokens import Doc, Span, Token

from ._quotes import Quote
from ._speaker_names import is_common_word
from ._speakers import Speaker, SpeakerResolver
from ._statement_cues import Found, _with_quotes

KNOWN_SPEAKER_TYPES = frozenset({"person", "organization", "country", "outlet"})
MIN_LABELLED_WORDS = 3
MIN_TRANSCRIPT_VOICES = 2
"""Upper-case paragraph labels ("ROE:", "LEE:") of this many voices make the text a transcript."""
MAX_CLAUSE_GAP = 40
"""Characters after a quotation searched for the clause that attributes it."""
_DASH_AFTER = re.compile(r"[^\S\n]*([―—–])[^\S\n]*(?=[A-Z])")
_LABEL = re.compile(
    r"\s*([\"“]?)((?:[A-Z][\w.'’-]*[^\S\n]+){0,3}[A-Z][\w.'’-]*)[^\S\n]*:[^\S\n]+(?=\S)"
)
"""A name label opening a paragraph ("ROE: ..."), also inside a quoted transcript ('"ROE: ...')."""
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
                      text[dash : dash + 1], source=_name_source(doc, text, match.end()))
            )  # fmt: skip
    cues = {f.cue_start for f in taken if f.cue_start is not None}
    found.extend(_before_clauses(doc, text, quotes, spans, used, resolver, cues))
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
    labels = [_LABEL.match(text, start, end) for start, end in paragraphs]
    transcript = _is_transcript(doc, resolver, labels)
    for (_, end), match in zip(paragraphs, labels, strict=True):
        if match is None or _overlaps(match.end(), end, spans):
            continue
        content_end = len(text[:end].rstrip(_EDGE))
        if not _is_clause(doc, match.end(), content_end):
            continue  # "Twitter: @handle", "Correction appended: October 2"
        speaker = _speaker_at(doc, resolver, match.start(2), match.end(2), transcript=transcript)
        if speaker is None:
            continue
        colon = text.index(":", match.end(2))
        if match.group(1):  # a quoted transcript: the quotation is the label's, after it
            begin, finish, kind = match.end(), content_end, "direct"
        else:
            begin, finish, kind = _with_quotes(text, match.end(), content_end, quotes, used)
        found.append(
            Found(begin, finish, kind, speaker, colon, colon + 1, "assert", None, ":",
                  source=(match.start(2), match.end(2)))
        )  # fmt: skip
    return found


def _is_transcript(doc: Doc, resolver: SpeakerResolver, labels: list[re.Match[str] | None]) -> bool:
    """True when upper-case one-word labels of several voices open paragraphs ("ROE:", "LEE:")
    and one of them is a person the text names: section heads ("ASIA:") are not people."""
    shouted = {m.group(2): m for m in labels if m is not None and _is_shouted(m.group(2))}
    if len(shouted) < MIN_TRANSCRIPT_VOICES:
        return False
    for match in shouted.values():
        speaker = _speaker_at(doc, resolver, match.start(2), match.end(2))
        if speaker is not None and speaker.type == "person" and " " in speaker.name:
            return True
    return False


def _is_shouted(label: str) -> bool:
    return label.isupper() and label.isalpha()


def _before_clauses(
    doc: Doc,
    text: str,
    quotes: list[Quote],
    spans: list[tuple[int, int]],
    used: set[Quote],
    resolver: SpeakerResolver,
    cues: set[int],
) -> list[Found]:
    """Quotations followed by a person's clause with no reporting verb ('"...," Jo Roe sings
    to the crowd'), each attributed to that person; a verb that reports a content of its own
    (at one of ``cues``: 'On "Face the Nation," Roe said the talks failed') is not their cue."""
    found = []
    for quote in quotes:
        if quote in used or _overlaps(quote.start, quote.end, spans):
            continue
        adjacent = _clause_after(doc, text, resolver, quote)
        if adjacent is not None:
            used.add(quote)
            speaker, verb = adjacent
            if verb.idx in cues:
                continue
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


def _name_head(span: Span) -> Token:
    """The head of the name opening ``span``: the last word of its first run of proper nouns."""
    head: Token = span[0]
    for token in span:
        if token.pos_ != "PROPN" and token.ent_iob_ != "I":
            break
        head = token
    return head


def _name_source(doc: Doc, text: str, start: int) -> tuple[int, int] | None:
    """The name at ``start`` as written (a dash signature's "Jo Roe"), up to the line's end."""
    line_end = text.find("\n", start)
    end = len(text) if line_end < 0 else line_end
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or not len(span):
        return None
    head = _name_head(span)
    return start, head.idx + len(head.text)


def _speaker_at(
    doc: Doc, resolver: SpeakerResolver, start: int, end: int | None, *, transcript: bool = False
) -> Speaker | None:
    """The known speaker the name at ``start`` (up to ``end``, or its phrase) denotes; in a
    ``transcript`` an upper-case label names a person even when the text names them no more."""
    if end is None:
        line_end = resolver.text.find("\n", start)
        end = len(resolver.text) if line_end < 0 else line_end
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or not len(span):
        return None
    head = _name_head(span)
    speaker = resolver.speaker(head)
    known = speaker is not None and speaker.type in KNOWN_SPEAKER_TYPES
    if not known and _is_shouted(head.text):  # a transcript's "ROE:"
        name = resolver.full_names.expand(head.text.title(), head.idx)
        voice = transcript and not is_common_word(name, resolver.text)
        if name != head.text.title() or voice:
            return Speaker(head.idx, head.idx + len(head.text), name, name, "person")
    if speaker is None or speaker.type not in KNOWN_SPEAKER_TYPES:
        return None
    return speaker
