"""Who said what: direct, indirect and mixed statements with resolved speakers and stance.

A cue is a reporting verb from ``reporting_verbs.tsv`` ("said", "accused", "called on"),
"according to", or a participle ("saying", "adding") that borrows the subject of its clause.
The content is the quotation next to the cue ('"...," he said'), the complement clause ("said
the city was 'completely safe'": mixed when it holds a quotation), or the verb's object and
prepositional phrases ("accused X of Y"). Layout marks speakers too (``_statement_labels.py``):
a dash signature ('"..." ― Jo Roe'), a colon after a clause with a subject ('Roe is blunt:
"..."') and a name label opening a paragraph ("ROE: ..."). A quotation with no cue continues the
previous statement's speaker (a floating quote). Speakers resolve through ``_speakers.py``; a
statement repeated in a duplicate paragraph points to the first copy (``same_as``).

Each statement is a span in ``doc.spans["sitroom_statements"]`` covering the content, with a
``sitroom_statement`` dict (kind, speaker, speaker_type, speaker_entity, cue, stance, channel,
cue_start/cue_end, speaker_start/speaker_end, source_start/source_end, same_as, mode). The
speaker span is the mention the speaker resolves to; the source span is the phrase as this
sentence writes it ("she", "who", "Jo Roe, the mayor"). ``mode`` comes from the verb's row in
``reporting_verbs.tsv``: ``speech`` ("said"), ``thought`` (a belief or intention: "believes
that", "wants to") or ``perception`` ("saw"); a speech verb reporting an indirect question
("asked whether ...", "explained how ...") has mode ``question``. A share of a group speaks as
the group ("a majority of voters", "Twelve percent said"); a transcript's upper-case labels
('"ROE: ...') name their voices. Noun cues ("Roe's claim that ...") are read by
``_statement_nouns.py``. It does not find statements whose speaker is only implied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span

from ._base import asks_anonymity, doc_text
from ._extensions import SEGMENTS_KEY, STATEMENTS_KEY, register_extensions
from ._quotes import Quote, find_quotes
from ._speakers import SpeakerResolver
from ._statement_cues import Found, find_statements
from ._statement_labels import find_labelled
from ._statement_nouns import NounCues, find_noun_statements, load_noun_cues
from ._statement_words import StatementWords, load_statement_words

__all__ = [
    "MAX_FLOATING_GAP",
    "MIN_FLOATING_WORDS",
    "StatementFinder",
    "make_statements",
    "statement_at",
]

MIN_FLOATING_WORDS = 4
"""A cue-less quotation this long is speech (shorter ones are scare quotes: "massive")."""
MIN_FRAGMENT_WORDS = 6
"""A cue-less quotation opening in lower case must be this long to be speech."""
QUOTE_MARKS = "\"'“”‘’«»"
MAX_FLOATING_GAP = 2
"""Paragraphs a floating quote may sit after the statement whose speaker it continues."""
MAX_TEASER_CHARS = 20
"""How far into a paragraph the colon of a link label ("READ MORE:") may sit."""
PHOTO_CREDIT = re.compile(r"\(\s*[A-Z][^()/\n]{0,60}/\s*[A-Z][^()\n]{0,60}\)[\s.]*$")
"""A paragraph ending in a photo credit ("(Jo Roe/CBC)", "( Jo Roe / AP )") is a caption."""


class StatementFinder(Pipe):
    """Write one span per statement to ``doc.spans[spans_key]``; run it after the entities."""

    def __init__(
        self,
        nlp: Language,
        name: str = "sitroom_statements",
        *,
        spans_key: str = STATEMENTS_KEY,
        words: StatementWords | None = None,
    ) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.words = words or load_statement_words()
        self.nouns: NounCues = load_noun_cues()

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.find(doc))
            return doc
        except Exception as exc:
            return error_handler(self.name, self, [doc], exc)

    def find(self, doc: Doc) -> list[Found]:
        """The statements of ``doc`` in text order."""
        text = doc_text(doc)  # Doc.text joins every token: shared by the components
        paragraphs = _paragraphs(doc, text)
        quotes = find_quotes(text, paragraphs)
        inside = bytearray(len(doc))
        for quote in quotes:
            span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
            if span is not None:
                inside[span.start : span.end] = b"\x01" * len(span)
        resolver = SpeakerResolver(doc, self.words, inside, text)
        found = find_statements(doc, quotes, inside, resolver, self.words)
        found.extend(find_noun_statements(doc, quotes, inside, resolver, self.nouns, found))
        found.extend(find_labelled(doc, quotes, paragraphs, found, resolver))
        found.extend(_floating(text, quotes, found, paragraphs))
        found = _drop_teasers(text, found, paragraphs, self.words.teasers)
        found = _drop_nested(_drop_captions(text, found, paragraphs))
        found = _drop_anonymity_requests(doc, found)
        _link_duplicates(doc, text, found)
        return found

    def set_annotations(self, doc: Doc, found: Iterable[Found]) -> None:
        """Store each statement as a content span with its ``sitroom_statement`` dict."""
        spans = []
        for item in found:
            span = doc.char_span(item.start, item.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            span._.sitroom_statement = item.as_dict()
            spans.append(span)
        doc.spans[self.spans_key] = spans


def _paragraphs(doc: Doc, text: str) -> list[tuple[int, int]]:
    segments = doc.spans.get(SEGMENTS_KEY)
    if segments:
        return [(s.start_char, s.end_char) for s in segments]
    bounds, start = [], 0
    for index, char in enumerate(text):
        if char == "\n":
            if index > start:
                bounds.append((start, index))
            start = index + 1
    bounds.append((start, len(text)))
    return bounds


def _paragraph_index(paragraphs: list[tuple[int, int]], offset: int) -> int:
    for index, (start, end) in enumerate(paragraphs):
        if start <= offset < end:
            return index
    return -1


def _floating(
    text: str, quotes: list[Quote], found: list[Found], paragraphs: list[tuple[int, int]]
) -> list[Found]:
    """Cue-less quotations, continuing the speaker of the statement just before them."""
    taken = [(f.start, f.end) for f in found]
    floating: list[Found] = []
    ordered = sorted(found, key=lambda f: f.start)
    for quote in quotes:
        if any(start < quote.end and quote.start < end for start, end in taken):
            continue
        size = len(text[quote.start : quote.end].split())
        if size < MIN_FLOATING_WORDS:
            continue
        if size < MIN_FRAGMENT_WORDS and not _starts_sentence(text, quote.start):
            continue  # 'the treaty "reaffirms our right"': a short fragment of narration
        before = [f for f in ordered + floating if f.start < quote.start and f.speaker]
        if not before:
            continue
        previous = max(before, key=lambda f: f.start)
        gap = _paragraph_index(paragraphs, quote.start) - _paragraph_index(
            paragraphs, previous.start
        )
        if gap > MAX_FLOATING_GAP:
            continue
        floating.append(
            Found(quote.start, quote.end, "direct", previous.speaker, None, None, "assert", None)
        )
    return floating


def _starts_sentence(text: str, start: int) -> bool:
    """True when the quotation opens with a capital letter (after its quote marks)."""
    words = text[start : start + 8].lstrip(QUOTE_MARKS + " ")
    return words[:1].isupper() or words[:1].isdigit()


def _drop_teasers(
    text: str, found: list[Found], paragraphs: list[tuple[int, int]], teasers: frozenset[str]
) -> list[Found]:
    """Drop statements in a line that links another story ("READ MORE: Mayor says ..."): a
    headline, not something reported here."""
    linking = []
    for start, end in paragraphs:
        label, colon, _ = text[start : min(end, start + MAX_TEASER_CHARS)].partition(":")
        if colon and " ".join(label.split()).casefold() in teasers:
            linking.append((start, end))
    if not linking:
        return found
    return [f for f in found if not any(s <= f.start < e for s, e in linking)]


def _drop_captions(text: str, found: list[Found], paragraphs: list[tuple[int, int]]) -> list[Found]:
    """Drop statements in a photo caption (a paragraph ending in a photo credit): captions
    restate the story beside a picture, they are not a further report."""
    captions = [(s, e) for s, e in paragraphs if PHOTO_CREDIT.search(text, s, e)]
    if not captions:
        return found
    return [f for f in found if not any(s <= f.start < e for s, e in captions)]


def _drop_anonymity_requests(doc: Doc, found: list[Found]) -> list[Found]:
    """Drop "asked not to be named": the source's condition for speaking, not a statement."""
    kept = []
    for item in found:
        cue = None
        if item.cue_start is not None and item.cue_end is not None:
            cue = doc.char_span(item.cue_start, item.cue_end, alignment_mode="expand")
        if cue is None or not any(asks_anonymity(token) for token in cue):
            kept.append(item)
    return kept


def _drop_nested(found: list[Found]) -> list[Found]:
    """Drop a statement inside another of the same speaker ("said he has seen that ...")."""
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for item in found:
        outer = next(
            (k for k in kept if k.start <= item.start and item.end <= k.end and k is not item),
            None,
        )
        same = outer is not None and outer.speaker is not None and item.speaker is not None
        if same and outer.speaker.name == item.speaker.name:  # type: ignore[union-attr]
            continue
        kept.append(item)
    return kept


def _link_duplicates(doc: Doc, text: str, found: list[Found]) -> None:
    """Point a statement of a repeated paragraph to its first copy (same words, same kind)."""
    segments = list(doc.spans.get(SEGMENTS_KEY, []))
    if not segments:
        return
    segment_of: dict[int, int] = {}
    for index, segment in enumerate(segments):
        for item in found:
            if segment.start_char <= item.start < segment.end_char:
                segment_of[id(item)] = index
    by_words: dict[tuple[int, str], Found] = {}
    for item in found:
        found_in = segment_of.get(id(item))
        if found_in is None:
            continue
        index = found_in
        key = " ".join(text[item.start : item.end].lower().split())
        original = segments[index]._.sitroom_duplicate_of
        if original is not None and (original, key) in by_words:
            first = by_words[original, key]
            item.same_as = first.same_as or (first.start, first.end)
        by_words.setdefault((index, key), item)


def statement_at(doc: Doc, start: int, end: int, *, spans_key: str = STATEMENTS_KEY) -> Span | None:
    """The statement span whose content encloses the characters ``start:end``, or None.

    When statements nest, the innermost (shortest) one wins: it is the closest claim.
    """
    best: Span | None = None
    for span in doc.spans.get(spans_key, []):
        encloses = span.start_char <= start and end <= span.end_char
        if encloses and (best is None or len(span.text) < len(best.text)):
            best = span
    return best


@Language.factory(
    "sitroom_statements",
    assigns=["doc.spans"],
    requires=["token.dep", "doc.spans"],
    default_config={"spans_key": STATEMENTS_KEY},
)
def make_statements(nlp: Language, name: str, spans_key: str) -> StatementFinder:
    """Create the statement finder; add it after ``sitroom_entities``. DOCS: DESIGN.md."""
    return StatementFinder(nlp, name, spans_key=spans_key)
