"""Fuzz targets: each takes raw bytes and fails (raises) only on a real bug.

A target feeds its bytes to one surface (ingest of text, HTML, JSON lines, feeds;
segmentation; the whole pipeline) and checks the outcome against the contract:

- the only exceptions allowed out are the documented input errors (:class:`IngestError`
  and its subclasses); anything else escaping is a bug;
- every offset lies inside the text, and a mention's ``text`` is the text at its offsets;
- every result validates against :class:`sitroom.model.DocumentResult` (a JSON round trip).

The same functions run under atheris (``fuzz/run.py``) and in pytest
(``tests/fuzz/test_regressions.py``), so an input that once failed stays a test. They do not
import atheris: the options a target needs come from its first byte, not from atheris'
FuzzedDataProvider, so a saved input replays the same way without it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from sitroom.errors import IngestError
from sitroom.model import Document, DocumentResult, Mention, SegmentKind

if TYPE_CHECKING:
    from sitroom.pipeline import Pipeline

Target = Callable[[bytes], None]

MAX_FEED_ENTRIES = 8
"""Entries read per fuzzed feed: the cut-off logic runs, and each input stays fast."""
FEED_URL = "http://feed.invalid/rss"
_FIRST_ORDINAL = date(1, 1, 1).toordinal()
_LAST_ORDINAL = date(9999, 12, 31).toordinal()
_RECENT = (date(2000, 1, 1).toordinal(), date(2035, 12, 31).toordinal())


class ContractViolation(AssertionError):
    """An output broke the contract (offsets, schema, segment order)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ContractViolation(message)


# --- checks ----------------------------------------------------------------------------------


def check_document(document: Document) -> None:
    """A Document from ingest is storable text with a dateline inside it and valid metadata."""
    text = document.text
    _require(bool(text.strip()), "ingest returned a blank document")
    _require("\x00" not in text, "NUL in the text (unstorable in PostgreSQL)")
    _require(not any(0xD800 <= ord(c) <= 0xDFFF for c in text), "surrogate in the text")
    _require("\r" not in text, "newlines not normalised")
    if document.dateline is not None:
        start, end = document.dateline
        _require(0 <= start < end <= len(text), f"dateline {document.dateline} outside the text")
    Document.model_validate_json(document.model_dump_json())  # metadata valid and serialisable
    _require(len(document.content_hash) == 64, "content hash")
    document.info()


def _check_span(text: str, start: int, end: int, what: str) -> None:
    _require(0 <= start <= end <= len(text), f"{what} [{start}, {end}) outside 0..{len(text)}")


def _check_mentions(text: str, mentions: Iterable[Mention], what: str) -> None:
    for mention in mentions:
        _check_span(text, mention.start, mention.end, what)
        _require(
            text[mention.start : mention.end] == mention.text,
            f"{what} mention text {mention.text!r} != text at [{mention.start}, {mention.end})",
        )


def check_result(document: Document, result: DocumentResult) -> None:
    """Offsets inside the text, mention texts matching them, and a valid JSON round trip."""
    text = document.text
    again = DocumentResult.model_validate(json.loads(result.to_json()))
    _require(again == result, "the result does not survive a JSON round trip")
    _require(result.document.chars == len(text), "document.chars differs from the text length")
    for entity in result.entities:
        _check_mentions(text, entity.mentions, f"entity {entity.id}")
    for place in result.places:
        _check_mentions(text, place.mentions, f"place {place.id}")
    for time in result.times:
        _check_span(text, time.start, time.end, "time")
        _require(text[time.start : time.end] == time.text, f"time text {time.text!r} misplaced")
    for statement in result.statements:
        _check_span(text, statement.start, statement.end, f"statement {statement.id}")
        _check_mentions(text, statement.mentions, f"statement {statement.id}")
    place_ids = {place.id for place in result.places}
    for event in result.events:
        _check_mentions(text, event.mentions, f"event {event.id}")
        _require(event.place is None or event.place in place_ids, f"event {event.id} place id")
    for figure in result.figures:
        _check_span(text, figure.start, figure.end, f"figure {figure.id}")


def check_segments(text: str, segments: list) -> None:
    """Segments are ordered, disjoint, stripped, inside the text; links point backwards."""
    previous_end = 0
    update = 0
    for position, segment in enumerate(segments):
        _require(segment.index == position, "segment indexes are not 0..n-1")
        _check_span(text, segment.start, segment.end, f"segment {position}")
        _require(segment.start < segment.end, f"segment {position} is empty")
        _require(segment.start >= previous_end, f"segment {position} overlaps the one before")
        piece = text[segment.start : segment.end]
        _require(piece == piece.strip(), f"segment {position} keeps surrounding whitespace")
        if segment.kind == SegmentKind.update_marker:
            update += 1
        _require(segment.update == update, f"segment {position} update number")
        if segment.duplicate_of is not None:
            first = segments[segment.duplicate_of]
            _require(segment.duplicate_of < position, f"segment {position} links forwards")
            _require(first.duplicate_of is None, f"segment {position} links to a copy")
            _require(first.kind == segment.kind == SegmentKind.paragraph, "non-paragraph link")
        previous_end = segment.end


# --- ingest targets --------------------------------------------------------------------------


def _ingest(data: bytes, origin: str) -> list[Document]:
    from sitroom.ingest import document_from_bytes

    try:
        documents = document_from_bytes(data, origin=origin)
    except IngestError:
        return []  # a documented input error: the expected outcome for most garbage
    for document in documents:
        check_document(document)
    return documents


def ingest_text(data: bytes) -> None:
    """Plain text, with the format sniffed from the content (origin without an extension)."""
    _ingest(data, "fuzz-input")


def ingest_html(data: bytes) -> None:
    """A saved web page through trafilatura."""
    _ingest(data, "fuzz.html")


def ingest_json(data: bytes) -> None:
    """JSON lines (first byte even) or a whole JSON document (odd)."""
    if not data:
        return
    _ingest(data[1:], "fuzz.jsonl" if data[0] % 2 == 0 else "fuzz.json")


def ingest_feed(data: bytes) -> None:
    """An RSS/Atom feed, then each item's own text as a Document (links are never fetched)."""
    from sitroom.ingest.feeds import item_document, read_feed

    try:
        feed = read_feed(data, base_url=FEED_URL, max_entries=MAX_FEED_ENTRIES)
    except IngestError:
        return
    _require(len(feed.items) <= MAX_FEED_ENTRIES, f"{len(feed.items)} items over the cap")
    _require(feed.total_entries >= len(feed.items), "total_entries below the items read")
    for item in feed.items:
        _require(isinstance(item.id, str) and bool(item.id), "an item without an id")
        if item.published is not None:
            date.fromisoformat(item.published[:10])
        try:
            document = item_document(replace(item, link=None))
        except IngestError:
            continue
        check_document(document)


# --- text targets (segmentation, pipeline) ---------------------------------------------------


def split_input(data: bytes) -> tuple[str | None, str]:
    """A publication date chosen by the first bytes, and the rest as UTF-8 text.

    Byte 0 below 64: no date; below 160: a recent day picked by bytes 1-2; else any day from
    year 1 to 9999 picked by bytes 1-3 (the extremes test date arithmetic overflow).
    """
    if len(data) < 4:
        return None, data.decode("utf-8", "replace")
    mode, number, rest = data[0], int.from_bytes(data[1:4], "big"), data[4:]
    text = rest.decode("utf-8", "replace")
    if mode < 64:
        return None, text
    if mode < 160:
        low, high = _RECENT
        return date.fromordinal(low + number % (high - low + 1)).isoformat(), text
    span = _LAST_ORDINAL - _FIRST_ORDINAL + 1
    return date.fromordinal(_FIRST_ORDINAL + number % span).isoformat(), text


def segment(data: bytes) -> None:
    """Segmentation of any text, with the dateline ingest would find."""
    from sitroom.ingest import find_dateline
    from sitroom.segment import segment_text

    _, text = split_input(data)
    dateline = find_dateline(text)
    if dateline is not None:
        _check_span(text, *dateline, "dateline")
    check_segments(text, segment_text(text, dateline=dateline))


def analyse(data: bytes, pipeline: Pipeline) -> None:
    """The whole pipeline (every extractor) on any text, forced to be analysed as English."""
    from sitroom.ingest import IngestOptions, document_from_text

    published, text = split_input(data)
    try:
        document = document_from_text(text, options=IngestOptions(published=published))
    except IngestError:
        return
    check_document(document)
    # Most fuzzed text is not detected as English; analyse it anyway, since the extractors
    # must survive whatever the language detector lets through.
    document = document.model_copy(update={"language": "en"})
    check_result(document, pipeline.analyse(document))


WARM_UP = "Officials said on Monday that 3 people were hurt in Lviv."
# Modules the targets import lazily: imported by make_target, so that atheris instruments them.
_MODULES = (
    "sitroom.ingest",
    "sitroom.ingest.feeds",
    "sitroom.ingest.html",
    "sitroom.ingest.jsonl",
    "sitroom.ingest.published",
    "sitroom.segment",
    "sitroom._segment_duplicates",
    "feedparser",
)


def make_target(name: str) -> Target:
    """The target called ``name``, with every module it needs imported now.

    ``pipeline`` loads the spaCy model and analyses one sentence here, so the first fuzzed
    input is not charged with loading the gazetteer.
    """
    for module in _MODULES:
        importlib.import_module(module)
    if name == "pipeline":
        from sitroom.pipeline import build_pipeline

        pipeline = build_pipeline()
        analyse(b"\x00\x00\x00\x00" + WARM_UP.encode(), pipeline)
        return partial(analyse, pipeline=pipeline)
    return SIMPLE_TARGETS[name]


SIMPLE_TARGETS: dict[str, Target] = {
    "text": ingest_text,
    "html": ingest_html,
    "json": ingest_json,
    "feed": ingest_feed,
    "segment": segment,
}
TARGET_NAMES = (*SIMPLE_TARGETS, "pipeline")
