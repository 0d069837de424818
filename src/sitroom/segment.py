"""Split a document into paragraphs, headings, live-blog update markers and its dateline.

:func:`segment_text` is a pure function over the text; the ``sitroom_segmenter`` component
runs it before the parser, stores the segments as spans and presets sentence starts so that no
sentence crosses a paragraph, a heading or the dateline. Repeated paragraphs (a live report's
"Earlier updates" copying what it said before, exactly or with a few words changed) point to the
first paragraph of their group through ``duplicate_of``; extractors use that link to report one
item with several mentions. Segmentation does not look at meaning: it never merges paragraphs
that merely share a topic.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc
from spacy.util import registry

from ._segment_duplicates import (
    DEFAULT_NEAR_THRESHOLD,
    MIN_EXACT_WORDS,
    MIN_NEAR_WORDS,
    link_duplicates,
)
from .extract._base import doc_text
from .extract._extensions import SEGMENTS_KEY, register_extensions
from .model import Segment, SegmentKind

__all__ = [
    "DEFAULT_NEAR_THRESHOLD",
    "MAX_HEADING_CHARS",
    "MAX_HEADING_WORDS",
    "MIN_EXACT_WORDS",
    "MIN_NEAR_WORDS",
    "SegmentMarkers",
    "Segmenter",
    "link_duplicates",
    "load_segment_markers",
    "looks_like_heading",
    "make_segmenter",
    "segment_of",
    "segment_text",
]

MARKERS_FILE = "segment_markers.tsv"
MAX_HEADING_WORDS = 8
MAX_HEADING_CHARS = 70

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+(?:['’]\w+)?")
# Characters that may sit between a dateline and the text ("LONDON (Reuters) - ...").
_LEAD_SEPARATORS = " \t\r\f\v-–—:|"
_OPENING = "\"'“‘«([„"
_CLOSING = "\"'”’»)]"
_FINAL_PUNCT = ".!?:;,…-–—"
# A sentence end followed by more text: a heading is never two sentences.
_INNER_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]?\s+\S")
_MARKER_SEPARATOR = r"(?:\s*[:\-–—|]\s*|\s*$)"


@dataclass(frozen=True)
class SegmentMarkers:
    """The words the segmenter reacts to (``data/segment_markers.tsv``).

    ``update_phrases`` start a live-blog update block ("Earlier updates", "UPDATE 3-");
    ``time_zones`` make a leading clock time a timestamp ("10:45 GMT"); ``sentence_words``
    mark a short unpunctuated line as a sentence rather than a heading ("They said no").
    """

    update_phrases: frozenset[str]
    time_zones: frozenset[str]
    sentence_words: frozenset[str]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A regex matching an update marker at the start of a line (group ``marker``)."""
        return _marker_pattern(self.update_phrases, self.time_zones)


def _marker_pattern(update_phrases: frozenset[str], time_zones: frozenset[str]) -> re.Pattern[str]:
    phrases = sorted(update_phrases, key=len, reverse=True)
    phrase = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    zones = "|".join(sorted(map(re.escape, time_zones), key=len, reverse=True))
    meridiem = r"(?:[ap]\.?m\.?)"
    clock = (
        rf"\d{{1,2}}[:.]\d{{2}}\s*{meridiem}|\d{{1,2}}:\d{{2}}|\d{{1,2}}\s*{meridiem}"
        rf"|\d{{4}}(?=\s*(?:{zones})\b)"
    )
    timestamp = rf"(?:{clock})(?:\s*(?:\((?:{zones})\)|(?:{zones})\b))?"
    update = rf"(?:{phrase})(?:\s*\d+)?\b" if phrase else r"(?!)"
    return re.compile(
        rf"(?P<marker>{update}|{timestamp}){_MARKER_SEPARATOR}", re.IGNORECASE | re.UNICODE
    )


@registry.misc("sitroom.segment_markers.v1")
def load_segment_markers() -> SegmentMarkers:
    """Load the update phrases, time zones and sentence words shipped with Sitroom."""
    return _load_default_markers()


@lru_cache(maxsize=1)
def _load_default_markers() -> SegmentMarkers:
    text = files("sitroom.data").joinpath(MARKERS_FILE).read_text(encoding="utf-8")
    by_kind: dict[str, set[str]] = {"update": set(), "time_zone": set(), "sentence_word": set()}
    for line in text.splitlines()[1:]:
        if line.strip():
            kind, phrase = line.split("\t")
            by_kind[kind].add(phrase)
    return SegmentMarkers(
        update_phrases=frozenset(p.casefold() for p in by_kind["update"]),
        time_zones=frozenset(by_kind["time_zone"]),
        sentence_words=frozenset(w.casefold() for w in by_kind["sentence_word"]),
    )


# --- segmentation ------------------------------------------------------------------------------


def segment_text(
    text: str,
    *,
    dateline: tuple[int, int] | None = None,
    markers: SegmentMarkers | None = None,
    near_threshold: float = DEFAULT_NEAR_THRESHOLD,
) -> list[Segment]:
    """Split ``text`` into segments, number live-blog updates and link repeated paragraphs.

    ``dateline`` is the character span of a leading dateline ("MOSCOW/KYIV:"); it becomes its
    own segment and the rest of its line a paragraph. Offsets exclude surrounding whitespace.
    """
    markers = markers or _load_default_markers()
    pattern = markers.pattern
    pieces: list[tuple[SegmentKind | None, int, int]] = []
    for line in _LINE.finditer(text):
        start, end = line.span()
        if dateline and start <= dateline[0] < end:
            pieces.extend(_split_dateline(text, start, end, dateline))
            continue
        marker = pattern.match(text, start, end)
        if marker:
            pieces.append((SegmentKind.update_marker, start, marker.end("marker")))
            pieces.append((SegmentKind.paragraph, marker.end(), end))
        else:
            pieces.append((None, start, end))  # heading or paragraph: decided below
    spans = [(kind, *_strip(text, s, e)) for kind, s, e in pieces]
    spans = [(kind, s, e) for kind, s, e in spans if e > s]
    return _build(text, spans, markers, near_threshold)


def _split_dateline(
    text: str, start: int, end: int, dateline: tuple[int, int]
) -> list[tuple[SegmentKind | None, int, int]]:
    """The dateline's line: text before it, the dateline, then the rest as a paragraph."""
    d_start, d_end = dateline[0], min(max(dateline[1], dateline[0]), end)
    rest = d_end
    while rest < end and text[rest] in _LEAD_SEPARATORS:
        rest += 1
    return [
        (SegmentKind.paragraph, start, d_start),
        (SegmentKind.dateline, d_start, d_end),
        (SegmentKind.paragraph, rest, end),
    ]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _build(
    text: str,
    spans: list[tuple[SegmentKind | None, int, int]],
    markers: SegmentMarkers,
    near_threshold: float,
) -> list[Segment]:
    kinds: list[SegmentKind] = []
    for i, (kind, start, end) in enumerate(spans):
        if kind is None:
            followed = i + 1 < len(spans)
            heading = followed and looks_like_heading(text[start:end], markers)
            kind = SegmentKind.heading if heading else SegmentKind.paragraph
        kinds.append(kind)
    paragraphs = [
        text[s:e] if kind == SegmentKind.paragraph else None
        for kind, (_, s, e) in zip(kinds, spans, strict=True)
    ]
    duplicates = link_duplicates(paragraphs, threshold=near_threshold)
    segments = []
    update = 0
    for index, (kind, (_, start, end)) in enumerate(zip(kinds, spans, strict=True)):
        if kind == SegmentKind.update_marker:
            update += 1
        segments.append(
            Segment(
                index=index,
                kind=kind,
                start=start,
                end=end,
                update=update,
                duplicate_of=duplicates[index],
            )
        )
    return segments


def looks_like_heading(line: str, markers: SegmentMarkers | None = None) -> bool:
    """True for a short title-like line ("Trail of destruction"), never for a sentence.

    A heading has few words, no sentence-final punctuation, starts with a capital or a digit
    (after any opening quote), is not two sentences and holds no word that signals a clause
    (a finite auxiliary, a reporting verb or a subject pronoun).
    """
    markers = markers or _load_default_markers()
    words = _WORD.findall(line)
    if not words or len(words) > MAX_HEADING_WORDS or len(line) > MAX_HEADING_CHARS:
        return False
    core = line.rstrip(_CLOSING)
    if not core or core[-1] in _FINAL_PUNCT or _INNER_SENTENCE_END.search(line):
        return False
    first = line.lstrip(_OPENING)[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if line[0] in '"“' and not any(q in line[1:] for q in '"”'):
        return False  # an opening quote that never closes: a quote paragraph running on
    return not any(w.casefold() in markers.sentence_words for w in words)


# --- lookup ------------------------------------------------------------------------------------


def segment_of(segments: Sequence[Segment], offset: int) -> Segment | None:
    """The segment that contains character ``offset`` (``segments`` sorted by start), if any."""
    position = bisect_right(segments, offset, key=lambda s: s.start) - 1
    if position < 0:
        return None
    segment = segments[position]
    return segment if segment.start <= offset < segment.end else None


# --- spaCy component ---------------------------------------------------------------------------


class Segmenter(Pipe):
    """Store segments as spans and preset a sentence start at the first token of each.

    Add it before the parser: the parser keeps preset sentence starts, and spaCy refuses to
    change sentence starts once a document is parsed (then only the spans are written).
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "sitroom_segmenter",
        *,
        spans_key: str = SEGMENTS_KEY,
        markers: SegmentMarkers,
        near_threshold: float = DEFAULT_NEAR_THRESHOLD,
    ) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.markers = markers
        self.near_threshold = near_threshold

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            dateline = doc._.sitroom_dateline
            segments = segment_text(
                doc_text(doc),
                dateline=None if dateline is None else (int(dateline[0]), int(dateline[1])),
                markers=self.markers,
                near_threshold=self.near_threshold,
            )
            self.set_annotations(doc, segments)
            return doc
        except Exception as exc:
            return error_handler(self.name, self, [doc], exc)

    def set_annotations(self, doc: Doc, segments: Sequence[Segment]) -> None:
        """Write ``segments`` as spans and mark their first tokens as sentence starts.

        Span ``i`` is segment ``i``, so ``duplicate_of`` indexes the spans too.
        """
        spans = []
        for segment in segments:
            span = doc.char_span(
                segment.start, segment.end, label=str(segment.kind), alignment_mode="expand"
            )
            if span is None:  # cannot happen for a stripped segment of this doc's text
                raise ValueError(f"segment {segment!r} covers no token of the doc")
            span._.sitroom_update = segment.update
            span._.sitroom_duplicate_of = segment.duplicate_of
            spans.append(span)
        doc.spans[self.spans_key] = spans
        if doc.has_annotation("DEP"):
            return  # already parsed: sentence starts are the parser's and cannot change
        for span in spans:
            span[0].is_sent_start = True


@Language.factory(
    "sitroom_segmenter",
    assigns=["doc.spans", "token.is_sent_start"],
    default_config={
        "spans_key": SEGMENTS_KEY,
        "markers": {"@misc": "sitroom.segment_markers.v1"},
        "near_threshold": DEFAULT_NEAR_THRESHOLD,
    },
)
def make_segmenter(
    nlp: Language, name: str, spans_key: str, markers: SegmentMarkers, near_threshold: float
) -> Segmenter:
    """Create the segmenter; add it before the parser. DOCS: DESIGN.md, 'segment'."""
    return Segmenter(nlp, name, spans_key=spans_key, markers=markers, near_threshold=near_threshold)
